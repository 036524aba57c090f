package db_test

import (
	"qinqing/db/dbtest"
	"testing"
)

// The cache budget is SQLite's process-wide soft heap limit, visible from any connection.
func TestCacheBudget(t *testing.T) {
	dbtest.SQLiteOnly(t)
	d := dbtest.MustOpen(t)
	if err := d.SetCacheBudget(dbtest.Ctx(), 100<<20); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Read.Exec("PRAGMA soft_heap_limit = 0") }) // other tests run unbounded
	got, err := d.CacheBudget(dbtest.Ctx())
	if err != nil || got != 100<<20 {
		t.Fatalf("budget %d (%v), want %d", got, err, 100<<20)
	}
	var viaWriter int64
	if err := d.Write.QueryRow("PRAGMA soft_heap_limit").Scan(&viaWriter); err != nil || viaWriter != 100<<20 {
		t.Fatalf("writer sees %d (%v): the limit must be process-wide", viaWriter, err)
	}
}
