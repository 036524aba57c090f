package db_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
)

// twoServers opens one PostgreSQL database twice, as two servers behind a load balancer.
func twoServers(t *testing.T) (*db.DB, *db.DB) {
	url := dbtest.PostgresURL(t)
	a, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

// Writes from two servers run one at a time: a read-then-write (a counter, the audit
// chain's head) loses nothing and the chain stays one chain.
func TestPostgresWritesOneAtATime(t *testing.T) {
	a, b := twoServers(t)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range 2 * n {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- d.Update(context.Background(), func(tx *db.Tx) error {
				v, err := db.Setting(tx, "test_counter")
				if err != nil {
					return err
				}
				k, _ := strconv.Atoi(v)
				if err := tx.SetSetting("test_counter", strconv.Itoa(k+1)); err != nil {
					return err
				}
				return tx.Audit(db.SystemActor, "test.count", "settings", 0, map[string]int{"n": k + 1})
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := db.Setting(a.R(context.Background()), "test_counter")
	if err != nil || v != strconv.Itoa(2*n) {
		t.Fatalf("counter = %q (%v), want %d", v, err, 2*n)
	}
	res, err := audit.Verify(context.Background(), b)
	if err != nil || !res.OK || res.Events != 2*n {
		t.Fatalf("verify = %+v, %v; want one chain of %d events", res, err, 2*n)
	}
}

// The clock jobs' lease: one server holds it; when it goes, another takes it.
func TestPostgresJobsLease(t *testing.T) {
	a, b := twoServers(t)
	ctx := context.Background()
	if !a.HoldJobs(ctx) || !a.HoldJobs(ctx) {
		t.Fatal("the first server should take and keep the lease")
	}
	if b.HoldJobs(ctx) {
		t.Fatal("a second server took the lease while the first holds it")
	}
	a.Close()
	if !b.HoldJobs(ctx) {
		t.Fatal("the lease did not pass on when its holder closed")
	}
}

func TestSQLiteHoldsJobs(t *testing.T) {
	if d := dbtest.MustOpen(t); d.Engine() == db.SQLite && !d.HoldJobs(context.Background()) {
		t.Fatal("the one SQLite server must run the clock jobs")
	}
}
