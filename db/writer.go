package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Update runs fn in a write transaction. Requests that arrive together share one
// transaction and one fsync; each runs inside its own savepoint, so an error rolls back
// only that request's writes and reaches only its caller.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	if db.Engine() == Postgres {
		return db.updatePostgres(ctx, idempotent(ctx, fn))
	}
	return db.enqueue(&writeReq{ctx: ctx, fn: idempotent(ctx, fn), Res: make(chan error, 1)})
}

// enqueue hands r to the writer and waits for its outcome. Once queued, the outcome is
// awaited even if ctx ends: the caller must learn whether its write committed.
func (db *DB) enqueue(r *writeReq) error {
	db.gate.RLock()
	if db.closed {
		db.gate.RUnlock()
		return ErrClosed
	}
	select {
	case db.Reqs <- r:
		db.gate.RUnlock()
	case <-r.ctx.Done():
		db.gate.RUnlock()
		return r.ctx.Err()
	}
	return <-r.Res
}

// WriteStats reports how many transactions the writer committed and how many requests
// they carried.
func (db *DB) WriteStats() (batches, writes int64) {
	return db.batches.Load(), db.writes.Load()
}

func (db *DB) writer() {
	defer db.wg.Done()
	for {
		var first *writeReq
		select {
		case first = <-db.Reqs:
		case <-db.quit:
			for {
				select {
				case r := <-db.Reqs:
					db.runBatch([]*writeReq{r})
				default:
					return
				}
			}
		}
		batch := []*writeReq{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case r := <-db.Reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		db.runBatch(batch)
	}
}

// onConn runs fn on the writer's connection between transactions, for settings that
// belong to the connection, such as its page cap.
func (db *DB) OnConn(ctx context.Context, fn func(*sql.Conn) error) error {
	if db.Engine() == Postgres {
		return fmt.Errorf("db: connection settings are SQLite's")
	}
	return db.enqueue(&writeReq{ctx: ctx, raw: fn, Res: make(chan error, 1)})
}

// runBatch runs the requests in order, one transaction per run of ordinary requests; a
// request for the bare connection runs between them.
func (db *DB) runBatch(batch []*writeReq) {
	defer db.Stmts.trim()
	for len(batch) > 0 {
		i := slices.IndexFunc(batch, func(r *writeReq) bool { return r.raw != nil })
		switch {
		case i == 0:
			r := batch[0]
			err := r.ctx.Err()
			if err == nil {
				err = r.raw(db.wconn)
			}
			r.Res <- err
			batch = batch[1:]
		case i < 0:
			db.runTx(batch)
			return
		default:
			db.runTx(batch[:i])
			batch = batch[i:]
		}
	}
}

// exec runs a statement of the writer's own (BEGIN, COMMIT, savepoints) on its connection.
func (db *DB) exec(query string) error {
	st, err := db.Stmts.get(query)
	if err == nil {
		_, err = st.Exec()
	}
	return err
}

func (db *DB) runTx(batch []*writeReq) {
	results := make([]error, len(batch))
	// The writer's connection is its own, so it runs the transaction itself: a *sql.Tx
	// would take every statement prepared in it down with it at the end.
	if err := db.exec("BEGIN IMMEDIATE"); err != nil {
		err = fmt.Errorf("db: begin: %w", err)
		results := make([]error, len(batch))
		for i := range results {
			results[i] = err
		}
		db.NoteBatch(results, false)
		for _, r := range batch {
			r.Res <- err
		}
		return
	}
	var broken error
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		t := &Tx{conn: db.wconn, stmts: &db.Stmts, Now: db.Now().Truncate(time.Second), Ctx: r.ctx, Keys: db.Keys.Load()}
		results[i], broken = runSavepoint(t, r.fn)
		if broken != nil {
			break
		}
	}
	if broken == nil && slices.Contains(results, nil) {
		// Indexing the queued appeals belongs to the requests that saved them: if it
		// fails, none of the batch may stand without its search entries.
		broken = indexQueued(&Tx{conn: db.wconn, stmts: &db.Stmts})
	}
	if broken != nil {
		// A savepoint could not be undone: SQLite may already have rolled the whole
		// transaction back, and later statements would commit one by one outside it.
		// Nothing of this batch may stand, and every caller must hear so.
		db.rollback()
		slog.Error("db: write batch aborted", "err", broken, "requests", len(batch))
		for i := range results {
			results[i] = fmt.Errorf("db: write batch aborted: %w", broken)
		}
	} else if err := db.exec("COMMIT"); err != nil {
		// A COMMIT that fails (SQLITE_BUSY, a full disk) may leave the transaction open;
		// the next BEGIN would fail on it, so end it here, as the driver's own Commit does.
		db.rollback()
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("db: commit: %w", err)
			}
		}
	}
	db.NoteBatch(results, broken == nil)
	db.batches.Add(1)
	db.writes.Add(int64(len(batch)))
	for i, r := range batch {
		r.Res <- results[i]
	}
}

// rollback ends the writer's transaction, if SQLite has not ended it already.
func (db *DB) rollback() {
	if err := db.exec("ROLLBACK"); err != nil && db.inTx() {
		slog.Error("db: rollback", "err", err)
	}
}

// inTx reports whether the writer's connection is inside a transaction.
func (db *DB) inTx() bool {
	in := true
	db.wconn.Raw(func(c any) error {
		if sc, ok := c.(*sqlite3.SQLiteConn); ok {
			in = !sc.AutoCommit()
		}
		return nil
	})
	return in
}

// runSavepoint runs one request in its own savepoint. err is the request's own outcome;
// broken reports that the savepoint could not be rolled back or released, which leaves
// the transaction in a state no later request may build on.
func runSavepoint(t *Tx, fn func(*Tx) error) (err, broken error) {
	if _, err := t.Exec("SAVEPOINT req"); err != nil {
		return nil, fmt.Errorf("db: savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			slog.Error("db: panic in write", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("db: panic in write: %v", p)
		}
		if err != nil {
			if _, rerr := t.Exec("ROLLBACK TO req"); rerr != nil {
				// SQLite rolls the whole transaction back by itself on a full disk or
				// a lock it cannot get; the cause comes first, so that callers learn it.
				broken = fmt.Errorf("%w; rollback to savepoint: %w", err, rerr)
				return
			}
		}
		if _, rerr := t.Exec("RELEASE req"); rerr != nil {
			broken = fmt.Errorf("release savepoint: %w", rerr)
		}
	}()
	return fn(t), nil
}
