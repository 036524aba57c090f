package db

import (
	"strings"
	"sync"
	"testing"
	"time"
)

var auditorActor = Actor{UserID: 9100, Name: "纪检员", Role: RoleAuditor}

func TestDailyCheckpointOncePerDay(t *testing.T) {
	d := mustOpen(t)
	move := fixedClock(d, time.Date(2026, 11, 29, 8, 0, 0, 0, Zone))
	addEvents(t, d, 12, "a")
	first, created, err := d.DailyCheckpoint(ctx())
	if err != nil || !created || first.Day != "2026-11-29" || first.Size != 12 {
		t.Fatalf("first run: %+v %v %v", first, created, err)
	}
	// Later the same day, and several at once as several instances would: nothing new.
	addEvents(t, d, 3, "b")
	move(15 * time.Hour)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *AutoCheckpoint
			var made bool
			c, made, errs[i] = d.DailyCheckpoint(ctx())
			if made || c == nil || c.Note != first.Note {
				t.Errorf("run %d the same day: made %v, %+v", i, made, c)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
	if n := count(t, d, "SELECT COUNT(*) FROM audit_checkpoints"); n != 1 {
		t.Fatalf("%d checkpoints on one day", n)
	}
	// The next day (midnight in the server's zone) gets its own.
	move(time.Hour)
	next, created, err := d.DailyCheckpoint(ctx())
	if err != nil || !created || next.Day != "2026-11-30" || next.Size != 15 {
		t.Fatalf("next day: %+v %v %v", next, created, err)
	}
	list, err := d.ListAutoCheckpoints(ctx(), auditorActor, 0)
	if err != nil || len(list) != 2 || list[0].Day != "2026-11-30" {
		t.Fatalf("list: %+v %v", list, err)
	}
	res, err := d.VerifyCheckpoint(ctx(), d.keys.Load(), []byte(list[1].Note))
	if err != nil || !res.OK {
		t.Errorf("the stored note does not verify: %+v %v", res, err)
	}
	if _, err := d.ListAutoCheckpoints(ctx(), adminActor, 0); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("admin lists checkpoints: %v", err)
	}
	if _, err := d.FindAutoCheckpoint(ctx(), adminActor, "latest"); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("admin reads a checkpoint: %v", err)
	}
}

func TestDailyCheckpointDetectsTruncation(t *testing.T) {
	d := mustOpen(t)
	move := fixedClock(d, time.Date(2026, 11, 29, 8, 0, 0, 0, Zone))
	addEvents(t, d, 40, "a")
	if _, _, err := d.DailyCheckpoint(ctx()); err != nil {
		t.Fatal(err)
	}
	// Someone with the file deletes the newest events.
	tamper(t, d, "DELETE FROM audit_events WHERE id > 33")
	c, res, err := d.VerifyAutoCheckpoint(ctx(), auditorActor, d.keys.Load(), "latest")
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.FirstBadID == nil || *res.FirstBadID != 34 || !strings.Contains(res.Problem, "截断") || c.Day != "2026-11-29" {
		t.Errorf("truncation against the latest automatic checkpoint: %+v", res)
	}
	// The next day's run refuses to sign over the shortened log.
	move(24 * time.Hour)
	if _, made, err := d.DailyCheckpoint(ctx()); ErrorCode(err) != ECONFLICT || made || !strings.Contains(err.Error(), "截断") {
		t.Errorf("signing over a truncated log: %v %v", made, err)
	}
	if n := count(t, d, "SELECT COUNT(*) FROM audit_checkpoints"); n != 1 {
		t.Errorf("%d checkpoints after the refusal", n)
	}
}
