package demo

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/register"
)

// DemoAccount is one of the six demo logins, printed at start.
type Account struct {
	Username string
	Role     db.Role
	Name     string
}

// DemoPassword is the demo accounts' password unless another is given.
const Password = "qinqing-demo"

// demoSeed fixes the demo city, so every fresh demo is the same city.
const demoSeed = 2026

// HasData reports whether the database already holds a city (any enterprise or account).
func HasData(ctx context.Context, d *db.DB) (bool, error) {
	var n int
	err := d.Read.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM enterprises) + (SELECT COUNT(*) FROM users)").Scan(&n)
	return n > 0, err
}

// BuildDemo fills an empty database with the demo city of 盘锦 and one account per role.
// It refuses a database that already holds data, so a second start keeps what is there.
func Build(ctx context.Context, d2 *db.DB, password string) ([]Account, error) {
	if password == "" {
		password = Password
	}
	if msg := register.CheckPasswordPolicy(password, ""); msg != "" {
		return nil, db.Errorf(db.EINVALID, "演示账号密码不合要求：%s。", msg)
	}
	if has, err := HasData(ctx, d2); err != nil {
		return nil, err
	} else if has {
		return nil, db.Errorf(db.ECONFLICT, "数据库中已有数据，未生成演示城市。")
	}
	city := NewCity(demoSeed, d2.Now().In(db.Zone))
	hashes := make([]string, len(db.Roles))
	for i := range db.Roles {
		h, err := register.HashPassword(password)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	var accounts []Account
	err := d2.Update(ctx, func(tx *db.Tx) error {
		ids, err := insertDemoCity(tx, city)
		if err != nil {
			return err
		}
		accounts, err = insertDemoAccounts(tx, city, ids, hashes)
		if err != nil {
			return err
		}
		for _, d := range db.ChinaCalendarDays() {
			if _, _, err := tx.PutDay(d); err != nil {
				return err
			}
		}
		return tx.Audit(db.SystemActor, "demo.build", "city", 0, map[string]int{
			"departments": len(city.Departments), "leaders": len(city.Leaders),
			"enterprises": len(city.Enterprises), "liaisons": len(city.Liaisons)})
	})
	if err != nil {
		return nil, err
	}
	return accounts, nil
}

// demoIDs maps the city's slice indexes to row ids.
type demoIDs struct{ departments, leaders, enterprises []int64 }

func insertDemoCity(t *db.Tx, city City) (demoIDs, error) {
	var ids demoIDs
	now := t.Now.Unix()
	insert := func(query string, args ...any) (int64, error) {
		id, err := t.InsertID(query, args...)
		if err != nil {
			return 0, fmt.Errorf("db: demo: %w", err)
		}
		return id, nil
	}
	for _, d := range city.Departments {
		id, err := insert("INSERT INTO departments (name, kind, created_at) VALUES (?,?,?)", d.Name, d.Kind, now)
		if err != nil {
			return ids, err
		}
		ids.departments = append(ids.departments, id)
	}
	for _, l := range city.Leaders {
		id, err := insert("INSERT INTO leaders (name, title, created_at) VALUES (?,?,?)", l.Name, l.Title, now)
		if err != nil {
			return ids, err
		}
		ids.leaders = append(ids.leaders, id)
	}
	for _, e := range city.Enterprises {
		id, err := insert(`INSERT INTO enterprises (name, credit_code, district, industry, scale, address,
			contact_name, contact_phone, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			e.Name, e.CreditCode, e.District, e.Industry, e.Scale, e.Address, e.Contact, e.Phone, now, now)
		if err != nil {
			return ids, err
		}
		ids.enterprises = append(ids.enterprises, id)
	}
	for _, p := range city.Liaisons {
		if _, err := insert("INSERT INTO liaisons (leader_id, enterprise_id, since, created_at) VALUES (?,?,?,?)",
			ids.leaders[p.Leader], ids.enterprises[p.Enterprise], p.Since, now); err != nil {
			return ids, err
		}
	}
	return ids, nil
}

// insertDemoAccounts makes one account per role. The department account belongs to the
// market regulator and the leader account to the leader with the most enterprises, so
// that both have work to show.
func insertDemoAccounts(t *db.Tx, city City, ids demoIDs, hashes []string) ([]Account, error) {
	dept := 0
	for i, d := range city.Departments {
		if d.Name == "市市场监督管理局" {
			dept = i
		}
	}
	count := make([]int, len(city.Leaders))
	leader := 0
	for _, p := range city.Liaisons {
		count[p.Leader]++
		if count[p.Leader] > count[leader] {
			leader = p.Leader
		}
	}
	ent := city.Liaisons[0].Enterprise
	for _, p := range city.Liaisons {
		if p.Leader == leader {
			ent = p.Enterprise
			break
		}
	}
	names := map[db.Role]string{
		db.RoleAdmin: "系统管理员", db.RoleOffice: "专班 王敏", db.RoleDepartment: city.Departments[dept].Name + " 刘洋",
		db.RoleLeader: city.Leaders[leader].Name, db.RoleEnterprise: city.Enterprises[ent].Name, db.RoleAuditor: "纪检监督 赵磊",
	}
	var accounts []Account
	for i, role := range db.Roles {
		var d, l, e any
		switch role {
		case db.RoleDepartment:
			d = ids.departments[dept]
		case db.RoleLeader:
			l = ids.leaders[leader]
		case db.RoleEnterprise:
			e = ids.enterprises[ent]
		}
		now := t.Now.Unix()
		id, err := t.InsertID(`INSERT INTO users (username, password_hash, display_name, role, department_id, leader_id,
			enterprise_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			string(role), hashes[i], names[role], string(role), d, l, e, now, now)
		if err != nil {
			return nil, fmt.Errorf("db: demo account %s: %w", role, err)
		}
		if err := t.Audit(db.SystemActor, "user.create", "user", id, map[string]any{"username": role, "role": role}); err != nil {
			return nil, err
		}
		accounts = append(accounts, Account{Username: string(role), Role: role, Name: names[role]})
	}
	return accounts, nil
}
