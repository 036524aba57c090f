package db

import (
	"errors"
	"testing"
	"time"
)

// TestWriteFailureGoesStale: a failure is reported while failures keep coming, and no
// longer once none has come for a while, so a load balancer that stopped sending writes
// lets traffic back to find out; a commit clears it at once.
func TestWriteFailureGoesStale(t *testing.T) {
	d := mustOpen(t)
	advance := fixedClock(d, time.Date(2026, 11, 29, 10, 0, 0, 0, Zone))
	full := errors.New("database or disk is full")
	d.noteBatch([]error{full}, false)
	if r, _ := d.WriteFailure(); r == "" {
		t.Fatal("a full disk is not reported")
	}
	advance(20 * time.Second)
	d.noteBatch([]error{full}, false)
	advance(20 * time.Second)
	if r, _ := d.WriteFailure(); r == "" {
		t.Fatal("a failure 20 s ago is no longer reported")
	}
	advance(failureStale)
	if r, _ := d.WriteFailure(); r != "" {
		t.Fatalf("a failure %v old is still reported: %s", failureStale+20*time.Second, r)
	}
	d.noteBatch([]error{full}, false)
	d.noteBatch([]error{nil}, true)
	if r, _ := d.WriteFailure(); r != "" {
		t.Fatalf("a commit did not clear the failure: %s", r)
	}
}
