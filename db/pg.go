package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// writeLockKey names the advisory lock every PostgreSQL write transaction takes first.
// Writes then run one at a time across every process serving the database, as the
// SQLite writer runs them: a rule that reads and then writes (the next appeal number,
// the audit chain's head, a register row's version) needs no other guard, and the
// audit chain stays one chain however many servers append to it.
const writeLockKey = 0x71696e71 // "qinq"

// openPostgres opens a PostgreSQL database by its URL and brings its schema up to date
// (or, with MustExist, checks that it is).
func openPostgres(dsn string, o Options) (*DB, error) {
	pool, err := sql.Open(pgDriverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", redact(dsn), err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: open %s: %w", redact(dsn), err)
	}
	if o.MustExist || o.ReadOnly {
		err = checkSchemaOf(pool, redact(dsn), Postgres)
	} else {
		err = migratePostgres(ctx, pool)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{
		Path:     redact(dsn),
		engine:   Postgres,
		Now:      time.Now,
		Write:    pool,
		Read:     pool,
		quit:     make(chan struct{}),
		ReadOnly: o.ReadOnly,
	}, nil
}

// migratePostgres migrates under a session lock, so that servers started together
// against one database do not both apply a migration.
func migratePostgres(ctx context.Context, pool *sql.DB) error {
	c, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock(?)", writeLockKey+1); err != nil {
		return fmt.Errorf("db: migrate lock: %w", err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", writeLockKey+1)
	return migrate(pool, Postgres)
}

// redact hides the password of a database URL, for messages and logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// updatePostgres runs fn in its own transaction behind the write lock, and runs it again
// when PostgreSQL reports a serialization failure or a deadlock.
func (db *DB) updatePostgres(ctx context.Context, fn func(*Tx) error) error {
	db.gate.RLock()
	closed := db.closed
	db.gate.RUnlock()
	if closed {
		return ErrClosed
	}
	for attempt := 1; ; attempt++ {
		err := db.postgresTx(ctx, fn)
		if attempt >= 5 || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt*10+rand.IntN(20)) * time.Millisecond)
	}
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

func (db *DB) postgresTx(ctx context.Context, fn func(*Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := db.Write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer c.Close()
	// Once begun, the transaction ends by its own COMMIT or ROLLBACK, not by the caller
	// leaving: the caller must learn whether its write committed.
	bg := context.WithoutCancel(ctx)
	if _, err := c.ExecContext(bg, "BEGIN"); err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			if _, rerr := c.ExecContext(bg, "ROLLBACK"); rerr != nil {
				slog.Error("db: rollback", "err", rerr)
			}
		}
	}()
	if _, err := c.ExecContext(bg, "SELECT pg_advisory_xact_lock(?)", writeLockKey); err != nil {
		return fmt.Errorf("db: write lock: %w", err)
	}
	t := &Tx{conn: c, Now: db.Now().Truncate(time.Second), Ctx: ctx, Keys: db.Keys.Load()}
	if err := runGuarded(t, fn); err != nil {
		return err
	}
	if _, err := c.ExecContext(bg, "COMMIT"); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	done = true
	db.batches.Add(1)
	db.writes.Add(1)
	return nil
}

// runGuarded runs fn, turning a panic into an error with its stack in the log.
func runGuarded(t *Tx, fn func(*Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("db: panic in write", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("db: panic in write: %v", p)
		}
	}()
	return fn(t)
}

// jobsLockKey names the session lock that is the clock jobs' lease.
const jobsLockKey = writeLockKey + 2

// HoldJobs tells whether this process should run the clock jobs (escalation, the rating
// timers, the daily checkpoint). On SQLite the one process does. Servers sharing a
// PostgreSQL database hold a session advisory lock as a lease: the first to take it runs
// the jobs for as long as its connection lives; the others try again at their next tick,
// so a server that dies hands the jobs on within a tick.
func (db *DB) HoldJobs(ctx context.Context) bool {
	if db.Engine() != Postgres {
		return true
	}
	db.leaseMu.Lock()
	defer db.leaseMu.Unlock()
	if db.lease != nil {
		if err := db.lease.PingContext(ctx); err == nil {
			return true
		}
		db.lease.Close()
		db.lease = nil
	}
	c, err := db.Write.Conn(ctx)
	if err != nil {
		return false
	}
	var ok bool
	if err := c.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(?)", jobsLockKey).Scan(&ok); err != nil || !ok {
		c.Close()
		return false
	}
	db.lease = c
	return true
}
