package db_test

import (
	"errors"
	"qinqing/db"
	"qinqing/db/dbtest"
	"testing"
	"time"
)

// TestWriteFailureGoesStale: a failure is reported while failures keep coming, and no
// longer once none has come for a while, so a load balancer that stopped sending writes
// lets traffic back to find out; a commit clears it at once.
func TestWriteFailureGoesStale(t *testing.T) {
	d := dbtest.MustOpen(t)
	advance := dbtest.FixedClock(d, time.Date(2026, 11, 29, 10, 0, 0, 0, db.Zone))
	full := errors.New("database or disk is full")
	d.NoteBatch([]error{full}, false)
	if r, _ := d.WriteFailure(); r == "" {
		t.Fatal("a full disk is not reported")
	}
	advance(20 * time.Second)
	d.NoteBatch([]error{full}, false)
	advance(20 * time.Second)
	if r, _ := d.WriteFailure(); r == "" {
		t.Fatal("a failure 20 s ago is no longer reported")
	}
	advance(db.FailureStale)
	if r, _ := d.WriteFailure(); r != "" {
		t.Fatalf("a failure %v old is still reported: %s", db.FailureStale+20*time.Second, r)
	}
	d.NoteBatch([]error{full}, false)
	d.NoteBatch([]error{nil}, true)
	if r, _ := d.WriteFailure(); r != "" {
		t.Fatalf("a commit did not clear the failure: %s", r)
	}
}
