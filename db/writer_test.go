package db

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// TestBatchAbortsWhenARollbackFails: a request that leaves the transaction unable to roll
// back its savepoint (here it ends the transaction itself, as SQLite does after an I/O
// error) aborts the whole batch: no request of it commits, and every caller hears so.
func TestBatchAbortsWhenARollbackFails(t *testing.T) {
	d := mustOpen(t)
	if _, err := d.write.Exec("CREATE TABLE probe (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	release, waitQueued := holdWriter(t, d)
	insert := func(v string) func(*Tx) error {
		return func(tx *Tx) error { _, err := tx.Exec("INSERT INTO probe (v) VALUES (?)", v); return err }
	}
	fns := []func(*Tx) error{
		insert("before"),
		func(tx *Tx) error {
			tx.Exec("ROLLBACK") // the whole transaction is gone
			return errors.New("i/o error")
		},
		insert("after"),
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func(i int, fn func(*Tx) error) {
			defer wg.Done()
			errs[i] = d.Update(ctx(), fn)
		}(i, fn)
		waitQueued(i + 1)
	}
	release()
	wg.Wait()
	var rows []string
	r, err := d.read.Query("SELECT v FROM probe")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var v string
		r.Scan(&v)
		rows = append(rows, v)
	}
	r.Close()
	for i, err := range errs {
		if err == nil {
			t.Errorf("request %d was told it committed", i)
		}
	}
	if len(rows) != 0 {
		t.Errorf("rows committed from an aborted batch: %v", rows)
	}
	// The writer goes on.
	if err := d.Update(ctx(), insert("later")); err != nil {
		t.Fatalf("after the aborted batch: %v", err)
	}
}

// TestCancelledRead: a read whose request is gone stops instead of running to the end.
func TestCancelledRead(t *testing.T) {
	d := mustOpen(t)
	c, cancel := context.WithCancel(ctx())
	cancel()
	if _, err := d.ListAppeals(c, Actor{Role: RoleAuditor}, AppealFilter{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("list under a cancelled context: %v", err)
	}
}
