package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Setting returns a stored setting, or "" when it is not set.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	return setting(db.r(ctx), key)
}

func setting(q queryer, key string) (string, error) {
	var v string
	err := q.QueryRow("SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("db: setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting inside the caller's transaction.
func (t *Tx) SetSetting(key, value string) error {
	_, err := t.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("db: set setting %s: %w", key, err)
	}
	return nil
}

// Secret returns the token-signing secret kept in the database, generating it on first
// use so that the embedded default needs no configuration.
func (db *DB) Secret(ctx context.Context) ([]byte, error) {
	var secret string
	err := db.Update(ctx, func(tx *Tx) error {
		s, err := setting(tx, "jwt_secret")
		if err != nil {
			return err
		}
		if s == "" {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			s = hex.EncodeToString(b)
			if err := tx.SetSetting("jwt_secret", s); err != nil {
				return err
			}
		}
		secret = s
		return nil
	})
	return []byte(secret), err
}
