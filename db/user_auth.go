package db

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// UserUpdate changes an account; nil fields stay as they are.
type UserUpdate struct {
	DisplayName  *string `json:"display_name"`
	Role         *Role   `json:"role"`
	DepartmentID *int64  `json:"department_id"`
	LeaderID     *int64  `json:"leader_id"`
	EnterpriseID *int64  `json:"enterprise_id"`
	Disabled     *bool   `json:"disabled"`
	Password     *string `json:"password"`
}

// UpdateUser lets an admin edit an account. A new role, a reset password or disabling the
// account revokes its tokens.
func (db *DB) UpdateUser(ctx context.Context, a Actor, id int64, up UserUpdate) (*User, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	u, err := db.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var v Violations
	changed := map[string]any{}
	revoke := false
	if up.DisplayName != nil {
		name := strings.TrimSpace(*up.DisplayName)
		if name == "" || utf8.RuneCountInString(name) > 50 {
			v.Add("display_name", "姓名须为 1 到 50 个字符")
		}
		u.DisplayName = name
		changed["display_name"] = name
	}
	if up.Role != nil && *up.Role != u.Role {
		if !up.Role.Valid() {
			v.Add("role", "角色无效")
		}
		if id == a.UserID {
			v.Add("role", "不能修改自己的角色")
		}
		// A new role takes a new scope: ids not given again are cleared.
		u.Role, u.DepartmentID, u.LeaderID, u.EnterpriseID = *up.Role, nil, nil, nil
		changed["role"] = *up.Role
		revoke = true
	}
	if up.DepartmentID != nil {
		u.DepartmentID = up.DepartmentID
		changed["department_id"] = *up.DepartmentID
	}
	if up.LeaderID != nil {
		u.LeaderID = up.LeaderID
		changed["leader_id"] = *up.LeaderID
	}
	if up.EnterpriseID != nil {
		u.EnterpriseID = up.EnterpriseID
		changed["enterprise_id"] = *up.EnterpriseID
	}
	if up.Disabled != nil && *up.Disabled != u.Disabled {
		if id == a.UserID && *up.Disabled {
			v.Add("disabled", "不能停用自己的账号")
		}
		u.Disabled = *up.Disabled
		changed["disabled"] = *up.Disabled
		revoke = revoke || *up.Disabled
	}
	hash := u.PasswordHash
	if up.Password != nil {
		if msg := CheckPasswordPolicy(*up.Password, u.Username); msg != "" {
			v.Add("password", "%s", msg)
		}
		changed["password"] = "reset"
		revoke = true
	}
	if err := checkScope(db.r(ctx), &v, u.Role, u.DepartmentID, u.LeaderID, u.EnterpriseID); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if up.Password != nil {
		if hash, err = HashPassword(*up.Password); err != nil {
			return nil, err
		}
	}
	err = db.Update(ctx, func(tx *Tx) error {
		bump := 0
		if revoke {
			bump = 1
		}
		_, err := tx.Exec(`UPDATE users SET display_name = ?, role = ?, department_id = ?, leader_id = ?,
			enterprise_id = ?, disabled = ?, password_hash = ?, token_version = token_version + ?, updated_at = ?
			WHERE id = ?`, u.DisplayName, string(u.Role), u.DepartmentID, u.LeaderID, u.EnterpriseID,
			u.Disabled, hash, bump, tx.Now.Unix(), id)
		if err != nil {
			return fmt.Errorf("db: update user %d: %w", id, err)
		}
		return tx.Audit(a, "user.update", "user", id, changed)
	})
	if err != nil {
		return nil, err
	}
	return db.UserByID(ctx, id)
}

var errBadLogin = Errorf(EUNAUTHORIZED, "用户名或密码错误。")

// Authenticate checks a sign-in. An unknown user and a wrong password get the same
// error after the same amount of work.
func (db *DB) Authenticate(ctx context.Context, username, password string) (*User, error) {
	u, err := findUser(db.r(ctx), "username = ?", strings.TrimSpace(username))
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			if _, err := CheckPassword(dummyHash, password); err != nil {
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
		return nil, Errorf(EUNAUTHORIZED, "账号已停用，请联系系统管理员。")
	}
	err = db.Update(ctx, func(tx *Tx) error {
		return tx.Audit(ActorOf(u), "auth.login", "user", u.ID, nil)
	})
	if IsDiskFull(err) {
		// Signing in must not need free disk space: an administrator has to be able to
		// sign in to deal with the full disk. The lost event is counted and logged.
		droppedLoginAudits.Add(1)
		slog.Warn("db: sign-in audit event dropped: disk full", "user_id", u.ID)
		return u, nil
	}
	return u, err
}

// Logout revokes every token of the actor's account.
func (db *DB) Logout(ctx context.Context, a Actor) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec("UPDATE users SET token_version = token_version + 1 WHERE id = ?", a.UserID); err != nil {
			return fmt.Errorf("db: logout: %w", err)
		}
		return tx.Audit(a, "auth.logout", "user", a.UserID, nil)
	})
}

// ErrWrongPassword answers a password change whose current password is wrong; callers
// that throttle guesses tell it from the other refusals by identity.
var ErrWrongPassword = &Error{Code: EINVALID, Message: "当前密码不正确。", Fields: []FieldError{{"current_password", "当前密码不正确"}}}

// ChangePassword replaces the actor's own password after checking the current one, and
// revokes all of the account's tokens. A wrong current password is audited, as a guess at
// it would be, and nothing about the new password is judged before the current one holds,
// so that the answer never tells whether a guess was right by another route.
func (db *DB) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	u, err := db.UserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if ok, err := CheckPassword(u.PasswordHash, current); err != nil {
		return err
	} else if !ok {
		if err := db.Update(ctx, func(tx *Tx) error {
			return tx.Audit(a, "auth.password_failed", "user", a.UserID, nil)
		}); err != nil {
			return err
		}
		return ErrWrongPassword
	}
	if msg := CheckPasswordPolicy(next, u.Username); msg != "" {
		return &Error{Code: EINVALID, Message: msg + "。", Fields: []FieldError{{"new_password", msg}}}
	}
	if current == next {
		return &Error{Code: EINVALID, Message: "新密码不能与当前密码相同。", Fields: []FieldError{{"new_password", "新密码不能与当前密码相同"}}}
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`UPDATE users SET password_hash = ?, token_version = token_version + 1, updated_at = ?
			WHERE id = ?`, hash, tx.Now.Unix(), a.UserID); err != nil {
			return fmt.Errorf("db: change password: %w", err)
		}
		return tx.Audit(a, "auth.password", "user", a.UserID, nil)
	})
}
