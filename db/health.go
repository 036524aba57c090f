package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// writeHealth remembers the last storage failure of the writer until a later commit
// succeeds, so that a health check can tell a load balancer and an operator that the
// service reads but cannot save.
type writeHealth struct {
	mu     sync.Mutex
	reason string
	since  time.Time
	last   time.Time // the latest failure
}

// failureStale is how long a failure is reported after the last one. A load balancer
// that takes the service out on a failed health check sends no more writes, so nothing
// would ever clear the mark; once stale, the check says ok, traffic returns, and a write
// that fails again marks it anew.
const FailureStale = 30 * time.Second

// noteBatch records the outcome of one write transaction: a storage failure of any of
// its requests marks writes as failing; a commit that carried a request marks them well.
func (db *DB) NoteBatch(results []error, committed bool) {
	reason := ""
	ok := false
	for _, err := range results {
		if _, r := storageFailure(err); r != "" {
			reason = r
		} else if err == nil {
			ok = true
		}
	}
	h := &db.health
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case reason != "":
		if h.reason == "" {
			h.since = db.Now()
			slog.Error("db: writes failing", "reason", reason)
		}
		h.reason, h.last = reason, db.Now()
	case committed && ok && h.reason != "":
		slog.Info("db: writes recovered", "after", h.reason)
		h.reason, h.since = "", time.Time{}
	}
}

// WriteFailure returns why writes fail and since when; reason is empty while they work.
func (db *DB) WriteFailure() (reason string, since time.Time) {
	db.health.mu.Lock()
	defer db.health.mu.Unlock()
	if db.health.reason != "" && db.Now().Sub(db.health.last) > FailureStale {
		return "", time.Time{}
	}
	return db.health.reason, db.health.since
}

// droppedLoginAudits counts sign-ins whose audit event could not be saved for want of
// disk space: signing in must not need free space, but the loss must be visible.
var LoginAuditsDropped atomic.Int64

// DroppedLoginAudits returns how many sign-in audit events were dropped on a full disk.
func DroppedLoginAudits() int64 { return LoginAuditsDropped.Load() }

// SetMaxPageCount caps the database's size in pages on the writer's connection; SQLite
// keeps the cap at least the current size. Tests use it to make the disk "full"; a cap
// of 0 gives back SQLite's default limit.
func (db *DB) SetMaxPageCount(ctx context.Context, pages int) error {
	if db.Engine() != SQLite {
		return nil
	}
	if pages <= 0 {
		pages = 1073741823
	}
	// The cap belongs to a connection: it must be the writer's, whatever else the write
	// pool holds, so the writer sets it between two transactions.
	return db.OnConn(ctx, func(c *sql.Conn) error {
		_, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages))
		return err
	})
}
