package register_test

import (
	"qinqing/db"
	"qinqing/db/dbtest"
	"runtime"
	"testing"
	"time"
)

// holdWriter blocks the writer until release is called; waitQueued waits until n write
// requests wait behind it. SQLite's writer queues requests in its channel; PostgreSQL's
// write transactions queue on the write lock, in the order they asked for it, so there
// the waiters are counted in pg_locks.
func holdWriter(t *testing.T, d *db.DB) (release func(), waitQueued func(n int)) {
	t.Helper()
	if d.Engine() != db.Postgres {
		return dbtest.HoldWriter(t, d)
	}
	running, gate := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- d.Update(dbtest.Ctx(), func(*db.Tx) error {
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
		deadline := time.Now().Add(30 * time.Second)
		for {
			waiting := dbtest.Count(t, d, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
				AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
			if waiting >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d write requests wait behind the gate, want %d", waiting, n)
			}
			runtime.Gosched()
			time.Sleep(time.Millisecond)
		}
	}
	return release, waitQueued
}
