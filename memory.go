package main

import (
	"context"
	"os"
	"runtime/debug"
	"strconv"

	"qinqing/db"
)

// defaultMemoryMB keeps a city of a million appeals under about 200 MB resident.
const defaultMemoryMB = 160

// applyMemoryBudget splits the budget: five eighths for SQLite's page caches (all
// connections together), three eighths as the Go heap's soft limit, past which the
// collector works harder rather than the heap growing. Zero leaves both unbounded.
func applyMemoryBudget(ctx context.Context, d *db.DB, mb int) error {
	if mb <= 0 {
		return nil
	}
	total := int64(mb) << 20
	if err := d.SetCacheBudget(ctx, total*5/8); err != nil {
		return err
	}
	debug.SetMemoryLimit(total * 3 / 8)
	return nil
}

// envInt reads an integer setting from the environment, or def when unset or not a number.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
