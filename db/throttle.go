package db

import (
	"context"
	"fmt"
	"time"
)

// AttemptLimit is one throttle key and how many attempts it allows per window.
type AttemptLimit struct {
	Key string
	Max int
}

// TakeAttempts reserves one attempt under every limit, all or none, in the database, so
// that every server sharing it counts the same attempts; a limit reached answers how long
// until it frees an attempt. The reservation is its row ids, one per key, for release.
// Writes run one at a time, so concurrent takes see each other.
// now is the caller's clock (the server's), which the window is counted on.
func (db *DB) TakeAttempts(ctx context.Context, limits []AttemptLimit, now time.Time, window time.Duration) (map[string]int64, time.Duration, error) {
	var ids map[string]int64
	var wait time.Duration
	err := db.Update(ctx, func(tx *Tx) error {
		ids, wait = nil, 0
		cut := now.Add(-window).Unix()
		if _, err := tx.Exec("DELETE FROM throttle_attempts WHERE at <= ?", cut); err != nil {
			return fmt.Errorf("db: attempts: %w", err)
		}
		for _, l := range limits {
			var n int
			var oldest int64
			err := tx.QueryRow(`SELECT COUNT(*), COALESCE(MIN(at), 0) FROM (SELECT at FROM throttle_attempts
				WHERE key = ? ORDER BY at DESC LIMIT ?) x`, l.Key, l.Max).Scan(&n, &oldest)
			if err != nil {
				return fmt.Errorf("db: attempts: %w", err)
			}
			if n >= l.Max {
				wait = max(wait, time.Unix(oldest, 0).Add(window).Sub(now), time.Second)
			}
		}
		if wait > 0 {
			return nil
		}
		ids = map[string]int64{}
		for _, l := range limits {
			id, err := tx.InsertID("INSERT INTO throttle_attempts (key, at) VALUES (?, ?)", l.Key, now.Unix())
			if err != nil {
				return fmt.Errorf("db: attempts: %w", err)
			}
			ids[l.Key] = id
		}
		return nil
	})
	return ids, wait, err
}

// ReleaseAttempts gives back reserved attempts (the work failed for a reason that is not
// a guess, or succeeded where success must not count).
func (db *DB) ReleaseAttempts(ctx context.Context, ids []int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.Exec("DELETE FROM throttle_attempts WHERE id = ?", id); err != nil {
				return fmt.Errorf("db: release attempts: %w", err)
			}
		}
		return nil
	})
}

// ResetAttempts forgets every attempt of key.
func (db *DB) ResetAttempts(ctx context.Context, key string) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec("DELETE FROM throttle_attempts WHERE key = ?", key)
		return err
	})
}
