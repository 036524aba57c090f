package dbtest

import (
	"context"
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/demo"
	"qinqing/db/register"
	"runtime"
	"testing"
	"time"
)

// MustOpen opens a fresh database: a file in the test's temp dir, or, when the tests
// run on PostgreSQL (see Engine), a new database on the test server.
func MustOpen(tb testing.TB) *db.DB {
	tb.Helper()
	if Engine() == db.Postgres {
		if os.Getenv("QINQING_TEST_PG") == "" {
			tb.Fatal("QINQING_TEST_ENGINE=postgres needs QINQING_TEST_PG, a database URL")
		}
		return OpenPostgres(tb)
	}
	d, err := db.Open(filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	// The vault seals with the key file, as the server's does.
	if _, err := d.OpenKeys(context.Background(), d.Path+".key"); err != nil {
		tb.Fatal(err)
	}
	return d
}

var AdminActor = db.Actor{UserID: 1, Name: "测试管理员", Role: db.RoleAdmin}

func Ctx() context.Context { return context.Background() }

// fixedClock makes db.Now return t, and returns a function that moves it.
func FixedClock(d2 *db.DB, t time.Time) func(time.Duration) {
	now := t
	d2.Now = func() time.Time { return now }
	return func(d time.Duration) { now = now.Add(d) }
}

// HoldWriter queues a request that blocks the writer until release is called, and
// waitQueued waits until n more requests wait behind it, so that a test knows exactly
// which requests come next without relying on timing. SQLite's writer queues requests
// in its channel; PostgreSQL's write transactions queue on the write lock, in the order
// they asked for it, so there the waiters are counted in pg_locks.
func HoldWriter(t *testing.T, d *db.DB) (release func(), waitQueued func(n int)) {
	t.Helper()
	running, gate := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- d.Update(Ctx(), func(*db.Tx) error {
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
		if d.Engine() == db.Postgres {
			waitLockQueue(t, d, n)
			return
		}
		if n > cap(d.Reqs) {
			t.Fatalf("cannot queue %d requests behind the gate; the queue holds %d", n, cap(d.Reqs))
		}
		for len(d.Reqs) < n {
			runtime.Gosched()
		}
	}
	return release, waitQueued
}

// waitLockQueue waits until n write transactions wait on PostgreSQL's write lock.
func waitLockQueue(t *testing.T, d *db.DB, n int) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		waiting := Count(t, d, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
		if waiting >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d write requests wait behind the gate, want %d", waiting, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func Count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func MustKeys(tb testing.TB) *db.Keys {
	tb.Helper()
	k, err := db.CreateKeys(filepath.Join(tb.TempDir(), "test.key"))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// tamper runs SQL on the file behind the application's back, triggers dropped.
func Tamper(tb testing.TB, d *db.DB, stmts ...string) {
	tb.Helper()
	all := append([]string{"DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete",
		"DROP TRIGGER IF EXISTS audit_tree_no_update", "DROP TRIGGER IF EXISTS audit_tree_no_delete"}, stmts...)
	for _, s := range all {
		if _, err := d.Write.Exec(s); err != nil {
			tb.Fatalf("%s: %v", s, err)
		}
	}
}

func Fp(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}

// explain is the query plan's lines.
func Explain(t *testing.T, d *db.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := d.Read.Query("EXPLAIN QUERY PLAN "+query, args...)
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
func DemoActor(t testing.TB, d *db.DB, username string) db.Actor {
	t.Helper()
	u, err := register.UserWhere(d.R(Ctx()), "username = ?", username)
	if err != nil {
		t.Fatalf("demo account %s: %v", username, err)
	}
	return register.ActorOf(u)
}

// demoLedger opens a demo city and returns the demo leader with one enterprise they
// hold and one they do not.
func DemoLedger(t testing.TB) (d *db.DB, leader db.Actor, own, other int64) {
	t.Helper()
	d = MustOpen(t)
	if _, err := demo.Build(Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	leader = DemoActor(t, d, "leader")
	err := d.Read.QueryRow(`SELECT enterprise_id FROM liaisons WHERE leader_id = ? AND until IS NULL
		AND since < ? ORDER BY enterprise_id LIMIT 1`, leader.LeaderID, d.Now().UTC().AddDate(0, 0, -200).Format(db.DateLayout)).Scan(&own)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Read.QueryRow("SELECT enterprise_id FROM liaisons WHERE leader_id != ? AND until IS NULL ORDER BY enterprise_id LIMIT 1",
		leader.LeaderID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	return d, leader, own, other
}
