package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"strings"
	"sync"
	"testing"
)

// TestBatchAbortsWhenARollbackFails: a request that leaves the transaction unable to roll
// back its savepoint (here it ends the transaction itself, as SQLite does after an I/O
// error) aborts the whole batch: no request of it commits, and every caller hears so.
func TestBatchAbortsWhenARollbackFails(t *testing.T) {
	dbtest.SQLiteOnly(t)
	d := dbtest.MustOpen(t)
	if _, err := d.Write.Exec("CREATE TABLE probe (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	release, waitQueued := dbtest.HoldWriter(t, d)
	insert := func(v string) func(*db.Tx) error {
		return func(tx *db.Tx) error { _, err := tx.Exec("INSERT INTO probe (v) VALUES (?)", v); return err }
	}
	fns := []func(*db.Tx) error{
		insert("before"),
		func(tx *db.Tx) error {
			tx.Exec("ROLLBACK") // the whole transaction is gone
			return errors.New("i/o error")
		},
		insert("after"),
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func(i int, fn func(*db.Tx) error) {
			defer wg.Done()
			errs[i] = d.Update(dbtest.Ctx(), fn)
		}(i, fn)
		waitQueued(i + 1)
	}
	release()
	wg.Wait()
	var rows []string
	r, err := d.Read.Query("SELECT v FROM probe")
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
	if err := d.Update(dbtest.Ctx(), insert("later")); err != nil {
		t.Fatalf("after the aborted batch: %v", err)
	}
}

// TestCancelledRead: a read whose request is gone stops instead of running to the end.
func TestCancelledRead(t *testing.T) {
	d := dbtest.MustOpen(t)
	c, cancel := context.WithCancel(dbtest.Ctx())
	cancel()
	if _, err := appeal.List(c, d, db.Actor{Role: db.RoleAuditor}, appeal.Filter{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("list under a cancelled context: %v", err)
	}
}

// TestFailedCommitRollsBack: a COMMIT that SQLite refuses leaves the transaction open
// (here a deferred foreign key, checked only at commit; a busy lock does the same). The
// writer must end it: the caller hears of the failure, nothing of the batch stands, and
// the next write begins a transaction of its own instead of failing for good.
func TestFailedCommitRollsBack(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := d.Write.Exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
		CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`); err != nil {
		t.Fatal(err)
	}
	err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		_, err := tx.Exec("INSERT INTO child (p) VALUES (42)")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "commit") {
		t.Fatalf("a commit that failed answered %v", err)
	}
	for i := 0; i < 2; i++ {
		if err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			_, err := tx.Exec("INSERT INTO parent (id) VALUES (?)", i+1)
			return err
		}); err != nil {
			t.Fatalf("write %d after the failed commit: %v", i, err)
		}
	}
	var children, parents int
	d.Read.QueryRow("SELECT (SELECT COUNT(*) FROM child), (SELECT COUNT(*) FROM parent)").Scan(&children, &parents)
	if children != 0 || parents != 2 {
		t.Errorf("%d children, %d parents; want 0 and 2", children, parents)
	}
}

// TestStatementCacheIsBounded: statements stay prepared across transactions, but texts
// built per request must not pile up without end.
func TestStatementCacheIsBounded(t *testing.T) {
	dbtest.SQLiteOnly(t)
	d := dbtest.MustOpen(t)
	if err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		for i := 0; i < db.MaxStmts+50; i++ {
			var n int
			if err := tx.QueryRow(fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
				return fmt.Errorf("select %d: %d, %v", i, n, err)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var kept int
	if err := d.OnConn(dbtest.Ctx(), func(*sql.Conn) error {
		kept = len(d.Stmts.Stmts)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if kept > db.MaxStmts || kept == 0 {
		t.Errorf("%d statements kept, bound %d", kept, db.MaxStmts)
	}
}

// TestWriterHoldsNoSnapshot: a statement that answers rows but is run for its effect
// (Exec) must not stay half-read on the writer's connection after the commit. It would
// hold the writer in an old snapshot, and once another connection (a checkpoint, a
// maintenance write) changed the database, every later BEGIN would fail as busy.
func TestWriterHoldsNoSnapshot(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := d.Write.Exec("CREATE TABLE probe (v INTEGER); INSERT INTO probe VALUES (1), (2), (3)"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT v FROM probe", "INSERT INTO probe VALUES (10), (11) RETURNING v"} {
		if err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			_, err := tx.Exec(q)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write.Exec("INSERT INTO probe VALUES (4)"); err != nil {
			t.Fatalf("write beside the writer after %q: %v", q, err)
		}
		if err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			_, err := tx.Exec("INSERT INTO probe VALUES (5)")
			return err
		}); err != nil {
			t.Fatalf("the writer after %q: %v", q, err)
		}
	}
}
