package db

import (
	"context"
	"path/filepath"
	"runtime"
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

// holdWriter queues a request that blocks the writer until release is called, and
// waitQueued waits until n more requests are queued behind it, so that a test knows
// exactly which requests share the next transaction without relying on timing.
func holdWriter(t *testing.T, db *DB) (release func(), waitQueued func(n int)) {
	t.Helper()
	running, gate := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(ctx(), func(*Tx) error {
			close(running)
			<-gate
			return nil
		})
	}()
	<-running
	release = func() {
		close(gate)
		if err := <-done; err != nil {
			t.Errorf("gate request: %v", err)
		}
	}
	waitQueued = func(n int) {
		if n > cap(db.reqs) {
			t.Fatalf("cannot queue %d requests behind the gate; the queue holds %d", n, cap(db.reqs))
		}
		for len(db.reqs) < n {
			runtime.Gosched()
		}
	}
	return release, waitQueued
}

func count(t *testing.T, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustKeys(tb testing.TB) *Keys {
	tb.Helper()
	k, err := CreateKeys(filepath.Join(tb.TempDir(), "test.key"))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// tamper runs SQL on the file behind the application's back, triggers dropped.
func tamper(tb testing.TB, d *DB, stmts ...string) {
	tb.Helper()
	all := append([]string{"DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete",
		"DROP TRIGGER IF EXISTS audit_tree_no_update", "DROP TRIGGER IF EXISTS audit_tree_no_delete"}, stmts...)
	for _, s := range all {
		if _, err := d.write.Exec(s); err != nil {
			tb.Fatalf("%s: %v", s, err)
		}
	}
}

func fp(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}

// explain is the query plan's lines.
func explain(t *testing.T, d *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := d.read.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// demoActor returns the actor of a demo account.
func demoActor(t testing.TB, db *DB, username string) Actor {
	t.Helper()
	u, err := findUser(db.r(ctx()), "username = ?", username)
	if err != nil {
		t.Fatalf("demo account %s: %v", username, err)
	}
	return ActorOf(u)
}

// demoLedger opens a demo city and returns the demo leader with one enterprise they
// hold and one they do not.
func demoLedger(t testing.TB) (db *DB, leader Actor, own, other int64) {
	t.Helper()
	db = mustOpen(t)
	if _, err := db.BuildDemo(ctx(), ""); err != nil {
		t.Fatal(err)
	}
	leader = demoActor(t, db, "leader")
	err := db.read.QueryRow(`SELECT enterprise_id FROM liaisons WHERE leader_id = ? AND until IS NULL
		AND since < date('now', '-200 days') ORDER BY enterprise_id LIMIT 1`, leader.LeaderID).Scan(&own)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.read.QueryRow("SELECT enterprise_id FROM liaisons WHERE leader_id != ? AND until IS NULL LIMIT 1",
		leader.LeaderID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	return db, leader, own, other
}
