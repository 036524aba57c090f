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

// User is an account.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Role         db.Role   `json:"role"`
	DepartmentID *int64    `json:"department_id"`
	LeaderID     *int64    `json:"leader_id"`
	EnterpriseID *int64    `json:"enterprise_id"`
	Disabled     bool      `json:"disabled"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	TokenVersion int64     `json:"-"`
	PasswordHash string    `json:"-"`
}

func (u *User) Key() int64 { return u.ID }

const userColumns = `id, username, display_name, role, department_id, leader_id, enterprise_id,
	disabled, version, created_at, updated_at, token_version, password_hash`

func scanUser(s db.Scanner) (*User, error) {
	var u User
	var role string
	var created, updated int64
	if err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.DepartmentID, &u.LeaderID,
		&u.EnterpriseID, &u.Disabled, &u.Version, &created, &updated, &u.TokenVersion, &u.PasswordHash); err != nil {
		return nil, err
	}
	u.Role = db.Role(role)
	u.CreatedAt = time.Unix(created, 0).In(db.Zone)
	u.UpdatedAt = time.Unix(updated, 0).In(db.Zone)
	return &u, nil
}

func UserWhere(q db.Queryer, clause string, arg any) (*User, error) {
	u, err := scanUser(q.QueryRow("SELECT "+userColumns+" FROM users WHERE "+clause, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("用户")
	}
	if err != nil {
		return nil, fmt.Errorf("db: find user: %w", err)
	}
	return u, nil
}

// UserByID returns an account for the authentication layer, without scope checks.
func UserByID(ctx context.Context, d *db.DB, id int64) (*User, error) {
	return UserWhere(d.R(ctx), "id = ?", id)
}

// FindUser returns an account the actor may see: their own, or any to admins and auditors.
func FindUser(ctx context.Context, d *db.DB, a db.Actor, id int64) (*User, error) {
	if !a.Is(db.RoleAdmin, db.RoleAuditor) && a.UserID != id {
		return nil, db.NotFound("用户")
	}
	return UserWhere(d.R(ctx), "id = ?", id)
}

// UserInput is a new account.
type UserInput struct {
	Username     string  `json:"username"`
	Password     string  `json:"password"`
	DisplayName  string  `json:"display_name"`
	Role         db.Role `json:"role"`
	DepartmentID *int64  `json:"department_id"`
	LeaderID     *int64  `json:"leader_id"`
	EnterpriseID *int64  `json:"enterprise_id"`
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$`)

// checkScope verifies that exactly the scope id the role needs is given and exists.
func checkScope(q db.Queryer, v *db.Violations, role db.Role, dept, leader, ent *int64) error {
	need := map[db.Role]string{db.RoleDepartment: "department_id", db.RoleLeader: "leader_id", db.RoleEnterprise: "enterprise_id"}
	ids := []struct {
		field, table, what string
		id                 *int64
	}{
		{"department_id", "departments", "责任单位", dept},
		{"leader_id", "leaders", "包保领导", leader},
		{"enterprise_id", "enterprises", "企业", ent},
	}
	for _, x := range ids {
		switch {
		case need[role] == x.field && x.id == nil:
			v.Add(x.field, "%s账号须指定所属%s", role.Label(), x.what)
		case need[role] != x.field && x.id != nil:
			v.Add(x.field, "%s账号不能指定%s", role.Label(), x.what)
		case x.id != nil:
			ok, err := db.Exists(q, x.table, *x.id)
			if err != nil {
				return err
			}
			if !ok {
				v.Add(x.field, "%s不存在", x.what)
			}
		}
	}
	return nil
}

// CreateUser adds an account. Admins create accounts; the command line and the demo
// builder act as the system.
func CreateUser(ctx context.Context, d *db.DB, a db.Actor, in UserInput) (*User, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	var v db.Violations
	if !usernamePattern.MatchString(in.Username) {
		v.Add("username", "用户名须为 2 到 32 位字母、数字或 _ . -，以字母或数字开头")
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if utf8.RuneCountInString(in.DisplayName) > 50 {
		v.Add("display_name", "姓名最多 50 个字符")
	}
	if !in.Role.Valid() {
		v.Add("role", "角色须为 admin、office、department、leader、enterprise、auditor 之一")
	}
	if msg := CheckPasswordPolicy(in.Password, in.Username); msg != "" {
		v.Add("password", "%s", msg)
	}
	if err := checkScope(d.R(ctx), &v, in.Role, in.DepartmentID, in.LeaderID, in.EnterpriseID); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// Hash outside the writer: argon2 is deliberately slow.
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	var id int64
	err = d.Update(ctx, func(tx *db.Tx) error {
		if _, err := UserWhere(tx, "username = ?", in.Username); err == nil {
			return &db.Error{Code: db.ECONFLICT, Message: "用户名已被使用。", Fields: []db.FieldError{{Field: "username", Message: "用户名已被使用"}}}
		}
		now := tx.Now.Unix()
		var err error
		id, err = tx.InsertID(`INSERT INTO users (username, password_hash, display_name, role, department_id,
			leader_id, enterprise_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			in.Username, hash, in.DisplayName, string(in.Role), in.DepartmentID, in.LeaderID, in.EnterpriseID, now, now)
		if err != nil {
			return fmt.Errorf("db: create user: %w", err)
		}
		return tx.Audit(a, "user.create", "user", id, map[string]any{"username": in.Username,
			"role": in.Role, "department_id": in.DepartmentID, "leader_id": in.LeaderID, "enterprise_id": in.EnterpriseID})
	})
	if err != nil {
		return nil, err
	}
	return UserByID(ctx, d, id)
}

// UserFilter selects accounts.
type UserFilter struct {
	Q        string
	Role     db.Role
	Disabled *bool
	db.Page
}

// ListUsers lists accounts to admins and auditors.
func ListUsers(ctx context.Context, d *db.DB, a db.Actor, f UserFilter) (*db.List[User], error) {
	if !a.Is(db.RoleAdmin, db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, &db.Error{Code: db.EINVALID, Message: "角色须为 admin、office、department、leader、enterprise、auditor 之一。",
			Fields: []db.FieldError{{Field: "role", Message: "无效的角色"}}}
	}
	var w db.Where
	w.Like(f.Q, "username", "display_name")
	w.Eq("role", string(f.Role))
	if f.Disabled != nil {
		w.Add("disabled = ?", *f.Disabled)
	}
	return db.ListRows(d.R(ctx), "users", userColumns, w, f.Page, false, scanUser)
}

// ActorOf returns the actor for a signed-in user.
func ActorOf(u *User) db.Actor {
	a := db.Actor{UserID: u.ID, Name: u.DisplayName, Role: u.Role}
	if u.DepartmentID != nil {
		a.DepartmentID = *u.DepartmentID
	}
	if u.LeaderID != nil {
		a.LeaderID = *u.LeaderID
	}
	if u.EnterpriseID != nil {
		a.EnterpriseID = *u.EnterpriseID
	}
	return a
}
