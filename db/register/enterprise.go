package register

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Enterprise is keyed by its unified social credit code.
type Enterprise struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	CreditCode   string    `json:"credit_code"`
	District     string    `json:"district"`
	Industry     string    `json:"industry"`
	Scale        string    `json:"scale"`
	Address      string    `json:"address"`
	ContactName  string    `json:"contact_name"`
	ContactPhone string    `json:"contact_phone"`
	LeaderID     *int64    `json:"leader_id"`
	LeaderName   *string   `json:"leader_name"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func (e *Enterprise) Key() int64 { return e.ID }

const EnterpriseColumns = `e.id, e.name, e.credit_code, e.district, e.industry, e.scale, e.address,
	e.contact_name, e.contact_phone, l.leader_id, (SELECT name FROM leaders WHERE id = l.leader_id),
	e.version, e.created_at, e.updated_at`

const EnterpriseFrom = `enterprises e LEFT JOIN liaisons l ON l.enterprise_id = e.id AND l.until IS NULL`

func ScanEnterprise(s db.Scanner) (*Enterprise, error) {
	var e Enterprise
	var created, updated int64
	if err := s.Scan(&e.ID, &e.Name, &e.CreditCode, &e.District, &e.Industry, &e.Scale, &e.Address,
		&e.ContactName, &e.ContactPhone, &e.LeaderID, &e.LeaderName, &e.Version, &created, &updated); err != nil {
		return nil, err
	}
	e.CreatedAt = time.Unix(created, 0).In(db.Zone)
	e.UpdatedAt = time.Unix(updated, 0).In(db.Zone)
	return &e, nil
}

// EnterpriseInput is a new enterprise.
type EnterpriseInput struct {
	Name         string `json:"name"`
	CreditCode   string `json:"credit_code"`
	District     string `json:"district"`
	Industry     string `json:"industry"`
	Scale        string `json:"scale"`
	Address      string `json:"address"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

var PhonePattern = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{5,8})$`)

// NormalizeCreditCode trims and upper-cases a credit code as people type it.
func NormalizeCreditCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func (in *EnterpriseInput) Validate(v *db.Violations) {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, p := range []*string{&in.Name, &in.District, &in.Industry, &in.Scale, &in.Address, &in.ContactName, &in.ContactPhone} {
		trim(p)
	}
	in.CreditCode = NormalizeCreditCode(in.CreditCode)
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 100 {
		v.Add("name", "企业名称须为 2 到 100 个字符")
	}
	switch {
	case in.CreditCode == "":
		v.Add("credit_code", "请填写统一社会信用代码")
	case utf8.RuneCountInString(in.CreditCode) != 18:
		v.Add("credit_code", "统一社会信用代码须为 18 位")
	case !ValidCreditCode(in.CreditCode):
		v.Add("credit_code", "统一社会信用代码无效（含非法字符或校验位不符）")
	}
	for _, f := range []struct {
		name, val string
		max       int
	}{{"district", in.District, 30}, {"industry", in.Industry, 30}, {"scale", in.Scale, 20},
		{"address", in.Address, 200}, {"contact_name", in.ContactName, 30}} {
		if utf8.RuneCountInString(f.val) > f.max {
			v.Add(f.name, "最多 %d 个字符", f.max)
		}
	}
	if in.ContactPhone != "" && !PhonePattern.MatchString(in.ContactPhone) {
		v.Add("contact_phone", "电话号码格式不正确")
	}
}

func duplicateCreditCode(q db.Queryer, code string, except int64) error {
	var n int
	if err := q.QueryRow("SELECT COUNT(*) FROM enterprises WHERE credit_code = ? AND id != ?", code, except).Scan(&n); err != nil {
		return fmt.Errorf("db: credit code check: %w", err)
	}
	if n > 0 {
		return &db.Error{Code: db.ECONFLICT, Message: "该统一社会信用代码的企业已存在。", Fields: []db.FieldError{{Field: "credit_code", Message: "已存在"}}}
	}
	return nil
}

// CreateEnterprise adds an enterprise (admin).
func CreateEnterprise(ctx context.Context, d *db.DB, a db.Actor, in EnterpriseInput) (*Enterprise, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	var v db.Violations
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := d.Update(ctx, func(tx *db.Tx) error {
		var err error
		id, err = InsertEnterprise(tx, a, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return FindEnterprise(ctx, d, a, id)
}

// insertEnterprise writes a validated enterprise; import uses it for many rows in one transaction.
func InsertEnterprise(t *db.Tx, a db.Actor, in EnterpriseInput) (int64, error) {
	if err := duplicateCreditCode(t, in.CreditCode, 0); err != nil {
		return 0, err
	}
	now := t.Now.Unix()
	id, err := t.InsertID(`INSERT INTO enterprises (name, credit_code, district, industry, scale, address,
		contact_name, contact_phone, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		in.Name, in.CreditCode, in.District, in.Industry, in.Scale, in.Address, in.ContactName, in.ContactPhone, now, now)
	if err != nil {
		return 0, fmt.Errorf("db: create enterprise: %w", err)
	}
	return id, t.Audit(a, "enterprise.create", "enterprise", id, map[string]any{"name": in.Name, "credit_code": in.CreditCode})
}

// enterpriseScope limits enterprises to those the actor may see (contract §2).
func enterpriseScope(w *db.Where, a db.Actor, col string) {
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem:
	case db.RoleLeader:
		w.Add(col+" IN (SELECT enterprise_id FROM liaisons WHERE leader_id = ? AND until IS NULL)", a.LeaderID)
	case db.RoleEnterprise:
		w.Add(col+" = ?", a.EnterpriseID)
	case db.RoleDepartment:
		w.Add(col+" IN ("+departmentEnterprises+")", a.DepartmentID)
	default:
		w.Add("FALSE")
	}
}

// FindEnterprise returns an enterprise the actor may see; others are "not found".
func FindEnterprise(ctx context.Context, d *db.DB, a db.Actor, id int64) (*Enterprise, error) {
	return findEnterprise(d.R(ctx), a, id)
}

func findEnterprise(q db.Queryer, a db.Actor, id int64) (*Enterprise, error) {
	var w db.Where
	w.Add("e.id = ?", id)
	enterpriseScope(&w, a, "e.id")
	e, err := ScanEnterprise(q.QueryRow("SELECT "+EnterpriseColumns+" FROM "+EnterpriseFrom+w.Sql(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("企业")
	}
	if err != nil {
		return nil, fmt.Errorf("db: find enterprise %d: %w", id, err)
	}
	return e, nil
}

// EnterpriseFilter selects enterprises.
type EnterpriseFilter struct {
	Q        string // name or credit code
	District string
	Industry string
	LeaderID int64 // current liaison leader
	db.Page
}

// ListEnterprises lists the enterprises the actor may see.
func ListEnterprises(ctx context.Context, d *db.DB, a db.Actor, f EnterpriseFilter) (*db.List[Enterprise], error) {
	var w db.Where
	enterpriseScope(&w, a, "e.id")
	w.Like(f.Q, "e.name", "e.credit_code")
	w.Eq("e.district", f.District)
	w.Eq("e.industry", f.Industry)
	w.EqID("l.leader_id", f.LeaderID)
	return db.RunList(d.R(ctx), db.ListQuery{From: EnterpriseFrom, Cols: EnterpriseColumns, ID: "e.id", Where: w}, f.Page, ScanEnterprise)
}

// Districts lists the districts in use, for filters.
func Districts(ctx context.Context, d *db.DB) ([]string, error) {
	return distinct(d.R(ctx), "SELECT DISTINCT district FROM enterprises WHERE district != '' ORDER BY district")
}

// Industries lists the industries in use, for filters.
func Industries(ctx context.Context, d *db.DB) ([]string, error) {
	return distinct(d.R(ctx), "SELECT DISTINCT industry FROM enterprises WHERE industry != '' ORDER BY industry")
}

func distinct(q db.Queryer, query string) ([]string, error) {
	rows, err := q.Query(query)
	if err != nil {
		return nil, fmt.Errorf("db: distinct: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// departmentEnterprises are the enterprises whose appeals a department has handled.
const departmentEnterprises = `SELECT ap.enterprise_id FROM appeals ap JOIN appeal_departments ad ON ad.appeal_id = ap.id
	WHERE ad.department_id = ? AND ap.enterprise_id IS NOT NULL`
