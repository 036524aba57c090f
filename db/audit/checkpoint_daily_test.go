package audit_test

import (
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"strings"
	"sync"
	"testing"
	"time"
)

var auditorActor = db.Actor{UserID: 9100, Name: "纪检员", Role: db.RoleAuditor}

func TestDailyCheckpointOncePerDay(t *testing.T) {
	d := dbtest.MustOpen(t)
	move := dbtest.FixedClock(d, time.Date(2026, 11, 29, 8, 0, 0, 0, db.Zone))
	addEvents(t, d, 12, "a")
	first, created, err := audit.DailyCheckpoint(dbtest.Ctx(), d)
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
			var c *audit.AutoCheckpoint
			var made bool
			c, made, errs[i] = audit.DailyCheckpoint(dbtest.Ctx(), d)
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
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_checkpoints"); n != 1 {
		t.Fatalf("%d checkpoints on one day", n)
	}
	// The next day (midnight in the server's zone) gets its own.
	move(time.Hour)
	next, created, err := audit.DailyCheckpoint(dbtest.Ctx(), d)
	if err != nil || !created || next.Day != "2026-11-30" || next.Size != 15 {
		t.Fatalf("next day: %+v %v %v", next, created, err)
	}
	list, err := audit.ListAutoCheckpoints(dbtest.Ctx(), d, auditorActor, 0)
	if err != nil || len(list) != 2 || list[0].Day != "2026-11-30" {
		t.Fatalf("list: %+v %v", list, err)
	}
	res, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, d.Keys.Load(), []byte(list[1].Note))
	if err != nil || !res.OK {
		t.Errorf("the stored note does not verify: %+v %v", res, err)
	}
	if _, err := audit.ListAutoCheckpoints(dbtest.Ctx(), d, dbtest.AdminActor, 0); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("admin lists checkpoints: %v", err)
	}
	if _, err := audit.FindAutoCheckpoint(dbtest.Ctx(), d, dbtest.AdminActor, "latest"); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("admin reads a checkpoint: %v", err)
	}
}

func TestDailyCheckpointDetectsTruncation(t *testing.T) {
	d := dbtest.MustOpen(t)
	move := dbtest.FixedClock(d, time.Date(2026, 11, 29, 8, 0, 0, 0, db.Zone))
	addEvents(t, d, 40, "a")
	if _, _, err := audit.DailyCheckpoint(dbtest.Ctx(), d); err != nil {
		t.Fatal(err)
	}
	// Someone with the file deletes the newest events.
	tamper(t, d, "DELETE FROM audit_events WHERE id > 33")
	c, res, err := audit.VerifyAutoCheckpoint(dbtest.Ctx(), d, auditorActor, d.Keys.Load(), "latest")
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.FirstBadID == nil || *res.FirstBadID != 34 || !strings.Contains(res.Problem, "截断") || c.Day != "2026-11-29" {
		t.Errorf("truncation against the latest automatic checkpoint: %+v", res)
	}
	// The next day's run refuses to sign over the shortened log.
	move(24 * time.Hour)
	if _, made, err := audit.DailyCheckpoint(dbtest.Ctx(), d); db.ErrorCode(err) != db.ECONFLICT || made || !strings.Contains(err.Error(), "截断") {
		t.Errorf("signing over a truncated log: %v %v", made, err)
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_checkpoints"); n != 1 {
		t.Errorf("%d checkpoints after the refusal", n)
	}
}
