package db

import (
	"context"
	"database/sql"
	"fmt"
)

// viewKey carries the read transaction View opened, so that every read of this database
// made under its context, by whatever function, sees the same snapshot.
type viewKey struct{}

type view struct {
	DB *DB
	tx *sql.Tx
}

// snapshotOf is the read transaction of the View ctx runs in, or nil.
func (db *DB) snapshotOf(ctx context.Context) *sql.Tx {
	if v, ok := ctx.Value(viewKey{}).(*view); ok && v.DB == db {
		return v.tx
	}
	return nil
}

// View runs fn in one read snapshot: every read of db that fn makes with the context it
// is given sees the database as it was when View began, whatever is committed meanwhile.
// A View inside another one shares the outer snapshot. fn must not read from several
// goroutines at once, since the snapshot is one connection.
func (db *DB) View(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.snapshotOf(ctx) != nil {
		return fn(ctx)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Engine() == Postgres {
		// PostgreSQL's default isolation takes a new snapshot at every statement.
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.Read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("db: view: %w", err)
	}
	defer tx.Rollback()
	// SQLite fixes a read transaction's snapshot at its first read, not at BEGIN.
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
		return fmt.Errorf("db: view: %w", err)
	}
	return fn(context.WithValue(ctx, viewKey{}, &view{db, tx}))
}

// txReader is a queryer over a read transaction.
type TxReader struct {
	Ctx context.Context
	Tx  *sql.Tx
}

func (r TxReader) Query(q string, args ...any) (*sql.Rows, error) {
	return r.Tx.QueryContext(r.Ctx, q, args...)
}

func (r TxReader) QueryRow(q string, args ...any) *sql.Row {
	return r.Tx.QueryRowContext(r.Ctx, q, args...)
}
