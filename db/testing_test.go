package db

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// mustOpen opens a fresh database file in the test's temp dir with a fixed clock.
func mustOpen(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	// The vault seals with the key file, as the server's does.
	if _, err := db.OpenKeys(context.Background(), db.Path+".key"); err != nil {
		tb.Fatal(err)
	}
	return db
}

var adminActor = Actor{UserID: 1, Name: "测试管理员", Role: RoleAdmin}

func ctx() context.Context { return context.Background() }

// fixedClock makes db.Now return t, and returns a function that moves it.
func fixedClock(db *DB, t time.Time) func(time.Duration) {
	now := t
	db.Now = func() time.Time { return now }
	return func(d time.Duration) { now = now.Add(d) }
}
