package register

import (
	"context"
	"fmt"
	"log/slog"
	"qinqing/db"
	"strings"
	"unicode/utf8"
)

// UserUpdate changes an account; nil fields stay as they are. Version, when given, must
// be the version the change was made against.
type UserUpdate struct {
	DisplayName  *string  `json:"display_name"`
	Role         *db.Role `json:"role"`
	DepartmentID *int64   `json:"department_id"`
	LeaderID     *int64   `json:"leader_id"`
	EnterpriseID *int64   `json:"enterprise_id"`
	Disabled     *bool    `json:"disabled"`
	Password     *string  `json:"password"`
	Version      *int64   `json:"version"`
}

// UpdateUser lets an admin edit an account. A new role, a reset password or disabling the
// account revokes its tokens. The account is read and written in one write transaction
// and only what changes is written, so that a rename never undoes a password reset or
// re-enables an account that another admin has just disabled.
func UpdateUser(ctx context.Context, d *db.DB, a db.Actor, id int64, up UserUpdate) (*User, error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	var hash string
	if up.Password != nil {
		// The username never changes, so the policy may be judged, and the slow hash
		// made, before the writer is entered.
		u, err := UserByID(ctx, d, id)
		if err != nil {
			return nil, err
		}
		if msg := CheckPasswordPolicy(*up.Password, u.Username); msg != "" {
			var v db.Violations
			v.Add("password", "%s", msg)
			return nil, v.Err()
		}
		if hash, err = HashPassword(*up.Password); err != nil {
			return nil, err
		}
	}
	var out *User
	err := d.Update(ctx, func(tx *db.Tx) error {
		cur, err := UserWhere(tx, "id = ?", id)
		if err != nil {
			return err
		}
		if err := checkVersion("用户", up.Version, cur.Version); err != nil {
			return err
		}
		c, err := userChanges(tx, a, cur, up, hash)
		if err != nil {
			return err
		}
		if out = cur; c.empty() {
			return nil
		}
		if err := saveChanges(tx, "users", id, cur.Version, c, true); err != nil {
			return err
		}
		if out, err = UserWhere(tx, "id = ?", id); err != nil {
			return err
		}
		return tx.Audit(a, "user.update", "user", id, c.audit)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// userChanges works out, against the account as it is now, what up really changes.
func userChanges(q db.Queryer, a db.Actor, cur *User, up UserUpdate, hash string) (*changes, error) {
	u := *cur
	var v db.Violations
	revoke := false
	if up.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*up.DisplayName)
		if u.DisplayName == "" || utf8.RuneCountInString(u.DisplayName) > 50 {
			v.Add("display_name", "姓名须为 1 到 50 个字符")
		}
	}
	if up.Role != nil && *up.Role != cur.Role {
		if !up.Role.Valid() {
			v.Add("role", "角色无效")
		}
		if cur.ID == a.UserID {
			v.Add("role", "不能修改自己的角色")
		}
		// A new role takes a new scope: ids not given again are cleared.
		u.Role, u.DepartmentID, u.LeaderID, u.EnterpriseID = *up.Role, nil, nil, nil
		revoke = true
	}
	if up.DepartmentID != nil {
		u.DepartmentID = up.DepartmentID
	}
	if up.LeaderID != nil {
		u.LeaderID = up.LeaderID
	}
	if up.EnterpriseID != nil {
		u.EnterpriseID = up.EnterpriseID
	}
	if up.Disabled != nil && *up.Disabled != cur.Disabled {
		if cur.ID == a.UserID && *up.Disabled {
			v.Add("disabled", "不能停用自己的账号")
		}
		u.Disabled = *up.Disabled
		revoke = revoke || u.Disabled
	}
	if err := checkScope(q, &v, u.Role, u.DepartmentID, u.LeaderID, u.EnterpriseID); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &changes{}
	c.add("display_name", u.DisplayName != cur.DisplayName, u.DisplayName, u.DisplayName)
	c.add("role", u.Role != cur.Role, string(u.Role), u.Role)
	for _, f := range []struct {
		col       string
		now, then *int64
	}{{"department_id", u.DepartmentID, cur.DepartmentID}, {"leader_id", u.LeaderID, cur.LeaderID},
		{"enterprise_id", u.EnterpriseID, cur.EnterpriseID}} {
		c.add(f.col, !sameID(f.now, f.then), f.now, f.now)
	}
	c.add("disabled", u.Disabled != cur.Disabled, u.Disabled, u.Disabled)
	if up.Password != nil {
		c.add("password_hash", true, hash, nil)
		delete(c.audit, "password_hash")
		c.audit["password"] = "reset"
		revoke = true
	}
	if revoke {
		c.also("token_version = token_version + 1")
	}
	return c, nil
}

func sameID(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }

var errBadLogin = db.Errorf(db.EUNAUTHORIZED, "用户名或密码错误。")

// Authenticate checks a sign-in. An unknown user and a wrong password get the same
// error after the same amount of work.
func Authenticate(ctx context.Context, d *db.DB, username, password string) (*User, error) {
	u, err := UserWhere(d.R(ctx), "username = ?", strings.TrimSpace(username))
	if err != nil {
		if db.ErrorCode(err) == db.ENOTFOUND {
			if _, err := CheckPassword(DummyHash, password); err != nil {
				return nil, err
			}
			return nil, errBadLogin
		}
		return nil, err
	}
	if ok, err := CheckPassword(u.PasswordHash, password); err != nil {
		return nil, err
	} else if !ok {
		return nil, errBadLogin
	}
	if u.Disabled {
		return nil, db.Errorf(db.EUNAUTHORIZED, "账号已停用，请联系系统管理员。")
	}
	err = d.Update(ctx, func(tx *db.Tx) error {
		return tx.Audit(ActorOf(u), "auth.login", "user", u.ID, nil)
	})
	if db.IsDiskFull(err) {
		// Signing in must not need free disk space: an administrator has to be able to
		// sign in to deal with the full disk. The lost event is counted and logged.
		db.LoginAuditsDropped.Add(1)
		slog.Warn("db: sign-in audit event dropped: disk full", "user_id", u.ID)
		return u, nil
	}
	return u, err
}

// Logout revokes every token of the actor's account.
func Logout(ctx context.Context, d *db.DB, a db.Actor) error {
	return d.Update(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec("UPDATE users SET token_version = token_version + 1 WHERE id = ?", a.UserID); err != nil {
			return fmt.Errorf("db: logout: %w", err)
		}
		return tx.Audit(a, "auth.logout", "user", a.UserID, nil)
	})
}

// ErrWrongPassword answers a password change whose current password is wrong; callers
// that throttle guesses tell it from the other refusals by identity.
var ErrWrongPassword = &db.Error{Code: db.EINVALID, Message: "当前密码不正确。", Fields: []db.FieldError{{Field: "current_password", Message: "当前密码不正确"}}}

// ChangePassword replaces the actor's own password after checking the current one, and
// revokes all of the account's tokens. A wrong current password is audited, as a guess at
// it would be, and nothing about the new password is judged before the current one holds,
// so that the answer never tells whether a guess was right by another route.
func ChangePassword(ctx context.Context, d *db.DB, a db.Actor, current, next string) error {
	u, err := UserByID(ctx, d, a.UserID)
	if err != nil {
		return err
	}
	if ok, err := CheckPassword(u.PasswordHash, current); err != nil {
		return err
	} else if !ok {
		if err := d.Update(ctx, func(tx *db.Tx) error {
			return tx.Audit(a, "auth.password_failed", "user", a.UserID, nil)
		}); err != nil {
			return err
		}
		return ErrWrongPassword
	}
	if msg := CheckPasswordPolicy(next, u.Username); msg != "" {
		return &db.Error{Code: db.EINVALID, Message: msg + "。", Fields: []db.FieldError{{Field: "new_password", Message: msg}}}
	}
	if current == next {
		return &db.Error{Code: db.EINVALID, Message: "新密码不能与当前密码相同。", Fields: []db.FieldError{{Field: "new_password", Message: "新密码不能与当前密码相同"}}}
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return d.Update(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(`UPDATE users SET password_hash = ?, token_version = token_version + 1, updated_at = ?,
			version = version + 1 WHERE id = ?`, hash, tx.Now.Unix(), a.UserID); err != nil {
			return fmt.Errorf("db: change password: %w", err)
		}
		return tx.Audit(a, "auth.password", "user", a.UserID, nil)
	})
}
