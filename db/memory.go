package db

import (
	"context"
	"fmt"
)

// SetCacheBudget bounds the memory SQLite may keep for all connections of the process
// together. Each connection may hold a page cache of 64 MiB, so nine of them could pin
// over half a gigabyte on a large city; with a budget, SQLite gives back cache pages as
// its heap nears the limit, wherever they are. The limit is process-wide in SQLite, so
// setting it on one connection sets it for all.
func (db *DB) SetCacheBudget(ctx context.Context, bytes int64) error {
	if bytes <= 0 || db.Engine() != SQLite {
		return nil
	}
	if _, err := db.Read.ExecContext(ctx, fmt.Sprintf("PRAGMA soft_heap_limit = %d", bytes)); err != nil {
		return fmt.Errorf("db: cache budget: %w", err)
	}
	return nil
}

// CacheBudget reports SQLite's process-wide soft heap limit (0: none).
func (db *DB) CacheBudget(ctx context.Context) (int64, error) {
	var n int64
	if db.Engine() != SQLite {
		return 0, nil
	}
	err := db.Read.QueryRowContext(ctx, "PRAGMA soft_heap_limit").Scan(&n)
	return n, err
}
