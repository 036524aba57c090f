package register

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"qinqing/db"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// KeyPrefix starts every service key, so that a key is told from a session token at a
// glance and by the server.
const KeyPrefix = "qqk_"

// Scopes a service key may be given, with what each allows.
var Scopes = map[string]string{
	"hotline": "12345 热线工单接入：报送工单（同一工单号只立一件诉求）",
}

// APIKey is a service key as listed: never the key itself, which is shown once.
type APIKey struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Uses       int        `json:"uses"`
}

func (k *APIKey) Key() int64 { return k.ID }

// NewKey is a key just created, with the key in full for the one time it is shown.
type NewKey struct {
	APIKey
	Secret string `json:"key"`
}

// KeyInput names a key and its scopes.
type KeyInput struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

const keyColumns = "id, name, scopes, prefix, created_at, revoked_at, last_used_at, uses"

func scanKey(s db.Scanner) (*APIKey, error) {
	var k APIKey
	var scopes string
	var created int64
	var revoked, used sql.NullInt64
	if err := s.Scan(&k.ID, &k.Name, &scopes, &k.Prefix, &created, &revoked, &used, &k.Uses); err != nil {
		return nil, err
	}
	k.Scopes = strings.Fields(scopes)
	k.CreatedAt = time.Unix(created, 0).In(db.Zone)
	for _, p := range []struct {
		v   sql.NullInt64
		dst **time.Time
	}{{revoked, &k.RevokedAt}, {used, &k.LastUsedAt}} {
		if p.v.Valid {
			t := time.Unix(p.v.Int64, 0).In(db.Zone)
			*p.dst = &t
		}
	}
	return &k, nil
}

// hashKey is what is kept of a key: its SHA-256. A key is 32 random bytes, so the hash
// cannot be searched back to it, and a lookup by hash needs no slow password hash.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// CreateKey issues a service key (an admin, or the system building the demo). The key is in the answer once and never
// again; the audit chain records who issued which key for what.
func CreateKey(ctx context.Context, d *db.DB, a db.Actor, in KeyInput) (*NewKey, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	in.Name = strings.TrimSpace(in.Name)
	var v db.Violations
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 50 {
		v.Add("name", "名称须为 2 到 50 个字符，写明调用的系统")
	}
	if len(in.Scopes) == 0 {
		v.Add("scopes", "请至少选择一项权限")
	}
	for _, s := range in.Scopes {
		if _, ok := Scopes[s]; !ok {
			v.Add("scopes", "未知的权限：%s", s)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	slices.Sort(in.Scopes)
	in.Scopes = slices.Compact(in.Scopes)
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := KeyPrefix + hex.EncodeToString(raw)
	prefix := secret[:len(KeyPrefix)+6]
	var out *NewKey
	err := d.Update(ctx, func(t *db.Tx) error {
		var createdBy any
		if a.UserID != 0 {
			createdBy = a.UserID
		}
		k, err := scanKey(t.QueryRow(`INSERT INTO api_keys (name, scopes, prefix, hash, created_by, created_at)
			VALUES (?,?,?,?,?,?) RETURNING `+keyColumns, in.Name, strings.Join(in.Scopes, " "), prefix, hashKey(secret), createdBy, t.Now.Unix()))
		if err != nil {
			return fmt.Errorf("db: create key: %w", err)
		}
		out = &NewKey{APIKey: *k, Secret: secret}
		return t.Audit(a, "api_key.create", "api_key", k.ID, map[string]any{"name": in.Name, "scopes": in.Scopes, "prefix": prefix})
	})
	return out, err
}

// ListKeys lists the service keys, the newest first (admin only).
func ListKeys(ctx context.Context, d *db.DB, a db.Actor, p db.Page) (*db.List[APIKey], error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	return db.RunList(d.R(ctx), db.ListQuery{From: "api_keys", Cols: keyColumns, ID: "id", Desc: true}, p, scanKey)
}

// RevokeKey revokes a key for good (admin only); revoking it again changes nothing.
func RevokeKey(ctx context.Context, d *db.DB, a db.Actor, id int64) (*APIKey, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	var out *APIKey
	err := d.Update(ctx, func(t *db.Tx) error {
		res, err := t.Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", t.Now.Unix(), id)
		if err != nil {
			return fmt.Errorf("db: revoke key: %w", err)
		}
		out, err = scanKey(t.QueryRow("SELECT "+keyColumns+" FROM api_keys WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return db.Errorf(db.ENOTFOUND, "密钥不存在。")
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return t.Audit(a, "api_key.revoke", "api_key", id, map[string]any{"name": out.Name, "prefix": out.Prefix})
	})
	return out, err
}

// KeyActor is the service actor a key acts as: ok is false for a key that does not
// exist or was revoked.
func KeyActor(ctx context.Context, d *db.DB, key string) (a db.Actor, ok bool, err error) {
	if !strings.HasPrefix(key, KeyPrefix) {
		return db.Actor{}, false, nil
	}
	k, err := scanKey(d.R(ctx).QueryRow("SELECT "+keyColumns+" FROM api_keys WHERE hash = ?", hashKey(key)))
	if errors.Is(err, sql.ErrNoRows) {
		return db.Actor{}, false, nil
	}
	if err != nil || k.RevokedAt != nil {
		return db.Actor{}, false, err
	}
	return db.Actor{Name: "接口密钥「" + k.Name + "」", Role: db.RoleService, KeyID: k.ID, Scopes: strings.Join(k.Scopes, " ")}, true, nil
}

// UseKey records one use of the actor's key inside the transaction of what it did, whose
// audit row names the key.
func UseKey(t *db.Tx, a db.Actor) error {
	if a.KeyID == 0 {
		return nil
	}
	if _, err := t.Exec("UPDATE api_keys SET last_used_at = ?, uses = uses + 1 WHERE id = ?", t.Now.Unix(), a.KeyID); err != nil {
		return fmt.Errorf("db: key use: %w", err)
	}
	return nil
}
