package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"qinqing/db"
	"qinqing/db/dbtest"
)

// Attempts counted in the database hold their limit under concurrent takes from two
// servers on one PostgreSQL database (on SQLite, one server, the same code).
func TestAttemptsHoldUnderConcurrency(t *testing.T) {
	a := dbtest.MustOpen(t)
	b := a
	if a.Engine() == db.Postgres {
		a, b = twoServers(t)
	}
	now := time.Unix(1_800_000_000, 0)
	limits := []db.AttemptLimit{{Key: "u:boss|1.2.3.4", Max: 5}, {Key: "u:boss", Max: 50}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var taken, refused int
	for i := range 40 {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, wait, err := d.TakeAttempts(context.Background(), limits, now, 15*time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case wait > 0:
				refused++
			case len(ids) == 2:
				taken++
			}
		}()
	}
	wg.Wait()
	if taken != 5 || refused != 35 {
		t.Fatalf("taken %d, refused %d; want 5 and 35", taken, refused)
	}
	// A released attempt frees its place; the window's end frees them all.
	ids, wait, err := a.TakeAttempts(context.Background(), limits, now, 15*time.Minute)
	if err != nil || wait != 15*time.Minute || ids != nil {
		t.Fatalf("sixth take = %v, %v, %v; want a 15 minute wait", ids, wait, err)
	}
	if _, wait, _ := a.TakeAttempts(context.Background(), limits, now.Add(15*time.Minute), 15*time.Minute); wait != 0 {
		t.Fatalf("after the window: wait %v", wait)
	}
	if err := a.ResetAttempts(context.Background(), "u:boss|1.2.3.4"); err != nil {
		t.Fatal(err)
	}
}
