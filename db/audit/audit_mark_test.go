package audit_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/register"
	"testing"
)

// verifySince runs an incremental verification and returns it with the number of events
// it re-hashed, as counted by the hashing hook.
func verifySince(t *testing.T, d *db.DB) (audit.VerifyResult, int64) {
	t.Helper()
	before := audit.Hashed.Load()
	v, err := audit.VerifySince(dbtest.Ctx(), d)
	if err != nil {
		t.Fatal(err)
	}
	return v, audit.Hashed.Load() - before
}

func addDepartments(t *testing.T, d *db.DB, from, n int) {
	t.Helper()
	for i := range n {
		if _, err := register.CreateDepartment(dbtest.Ctx(), d, dbtest.AdminActor, register.DepartmentInput{Name: fmt.Sprintf("增量局%03d", from+i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditVerifySinceHashesOnlyNewEvents(t *testing.T) {
	d := auditDB(t, 30)
	// The first run has no mark and goes through the whole chain.
	v, hashed := verifySince(t, d)
	if !v.OK || v.Events != 30 || v.VerifiedTo != 30 || hashed != 30 || v.Pending != 0 {
		t.Fatalf("first run: %+v, hashed %d", v, hashed)
	}
	full, err := audit.Verify(dbtest.Ctx(), d)
	if err != nil || v.Head != full.Head {
		t.Fatalf("incremental head %s, full head %s (%v)", v.Head, full.Head, err)
	}
	// Nothing new: nothing re-hashed.
	if v, hashed = verifySince(t, d); !v.OK || hashed != 0 || v.VerifiedFrom != 30 {
		t.Errorf("second run: %+v, hashed %d", v, hashed)
	}
	addDepartments(t, d, 100, 4)
	if v, hashed = verifySince(t, d); !v.OK || hashed != 4 || v.Events != 34 || v.VerifiedFrom != 30 || v.VerifiedTo != 34 {
		t.Errorf("after four new events: %+v, hashed %d", v, hashed)
	}
}

func TestAuditVerifySinceDetectsTamperingAfterTheMark(t *testing.T) {
	d := auditDB(t, 10)
	if v, _ := verifySince(t, d); !v.OK {
		t.Fatalf("untouched: %+v", v)
	}
	addDepartments(t, d, 100, 5) // events 11..15, after the mark at 10
	tamper(t, d, `UPDATE audit_events SET payload = '{"name":"改过的名字"}' WHERE id = 13`)
	v, hashed := verifySince(t, d)
	if v.OK || v.FirstBadID == nil || *v.FirstBadID != 13 || hashed != 3 {
		t.Fatalf("tampered event 13 after the mark: %+v, hashed %d", v, hashed)
	}
	// The mark stayed before the break: the next run reports it again.
	if v, _ = verifySince(t, d); v.OK || v.FirstBadID == nil || *v.FirstBadID != 13 {
		t.Errorf("second run after tampering: %+v", v)
	}
}

func TestAuditVerifySinceDetectsTheMarkedEventChanged(t *testing.T) {
	d := auditDB(t, 10)
	if v, _ := verifySince(t, d); !v.OK {
		t.Fatalf("untouched: %+v", v)
	}
	tamper(t, d, "DELETE FROM audit_events WHERE id = 10")
	if v, _ := verifySince(t, d); v.OK || v.FirstBadID == nil || *v.FirstBadID != 10 {
		t.Errorf("marked event deleted: %+v", v)
	}
}

func TestAuditFullVerifyMovesTheMarkBackBeforeABreak(t *testing.T) {
	// A break before the mark is the full run's to find; it then puts the mark before
	// the break, so that the incremental runs report it too.
	d := auditDB(t, 10)
	if v, _ := verifySince(t, d); !v.OK {
		t.Fatalf("untouched: %+v", v)
	}
	tamper(t, d, "UPDATE audit_events SET actor_name = '某人' WHERE id = 4")
	full, err := audit.Verify(dbtest.Ctx(), d)
	if err != nil || full.OK || *full.FirstBadID != 4 || full.VerifiedTo != 3 {
		t.Fatalf("full run: %+v (%v)", full, err)
	}
	if v, hashed := verifySince(t, d); v.OK || v.FirstBadID == nil || *v.FirstBadID != 4 || hashed != 1 {
		t.Errorf("incremental run after the full one: %+v, hashed %d", v, hashed)
	}
}

func TestAuditVerifySinceIgnoresAMangledMark(t *testing.T) {
	d := auditDB(t, 3)
	if _, err := d.Write.Exec(`INSERT INTO settings (key, value) VALUES (?, 'not a mark')`, audit.MarkKey); err != nil {
		t.Fatal(err)
	}
	// A mangled mark is no mark: everything is checked again.
	if v, hashed := verifySince(t, d); !v.OK || hashed != 3 || v.VerifiedTo != 3 {
		t.Errorf("mangled mark: %+v, hashed %d", v, hashed)
	}
}

func TestAuditVerifySinceWorksInBatches(t *testing.T) {
	d := auditDB(t, 10)
	defer func(n int) { audit.VerifyBatch = n }(audit.VerifyBatch)
	audit.VerifyBatch = 4
	for i, want := range []struct{ to, pending, hashed int64 }{{4, 6, 4}, {8, 2, 4}, {10, 0, 2}, {10, 0, 0}} {
		v, hashed := verifySince(t, d)
		if !v.OK || v.VerifiedTo != want.to || v.Pending != want.pending || hashed != want.hashed {
			t.Errorf("run %d: %+v, hashed %d, want %+v", i, v, hashed, want)
		}
	}
}

func TestAuditVerifySinceConcurrently(t *testing.T) {
	// Views verify while events are appended; no run may report a false break or pull
	// the mark back.
	d := auditDB(t, 5)
	errs := make(chan error, 40)
	bad := make(chan audit.VerifyResult, 40)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			if _, err := register.CreateDepartment(dbtest.Ctx(), d, dbtest.AdminActor, register.DepartmentInput{Name: fmt.Sprintf("并发局%02d", i)}); err != nil {
				t.Error(err)
			}
		}
	}()
	for range 4 {
		go func() {
			for range 10 {
				v, err := audit.VerifySince(dbtest.Ctx(), d)
				errs <- err
				if err == nil && !v.OK {
					bad <- v
				}
			}
		}()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	<-done
	close(bad)
	for v := range bad {
		t.Errorf("false break: %+v", v)
	}
	v, hashed := verifySince(t, d)
	mark, err := audit.ReadMark(d.R(dbtest.Ctx()))
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK || v.VerifiedTo != 25 || mark.ID != 25 || hashed > 20 {
		t.Errorf("after the race: %+v, mark %+v, hashed %d", v, mark, hashed)
	}
}
