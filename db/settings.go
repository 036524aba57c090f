package db

import (
	"context"
	"database/sql"
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
