package appeal_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"strings"
	"testing"
	"time"
)

// TestEscalateOverdue runs the escalation job as main.go does, again and again and
// across a restart: each step happens once.
func TestEscalateOverdue(t *testing.T) {
	w := dbtest.NewWorld(t)
	fast := w.At(t, appeal.StageRectifying)
	filedEscalated := w.File(t, w.Office, func(in *appeal.Input) { in.Tier = appeal.TierEscalated })
	filedEscalated = w.Act(t, w.Office, filedEscalated, appeal.ActionInput{Action: appeal.ActAccept})
	done := w.At(t, appeal.StageClosed)
	run := func(when string, want int) {
		t.Helper()
		n, err := appeal.EscalateOverdue(dbtest.Ctx(), w.DB)
		if err != nil || n != want {
			t.Fatalf("%s: %d steps (%v), want %d", when, n, err, want)
		}
	}
	get := func(id int64) *appeal.Appeal {
		t.Helper()
		ap, err := appeal.Find(dbtest.Ctx(), w.DB, w.Auditor, id)
		if err != nil {
			t.Fatal(err)
		}
		return ap
	}
	run("nothing overdue", 0)
	w.Advance(5*day + time.Second)
	run("fast overdue", 1)
	ap := get(fast.ID)
	if ap.Tier != appeal.TierEscalated || ap.EscalationLevel != 1 || !ap.DueAt.Equal(fast.DueAt) || ap.SupervisionDueAt != nil {
		t.Errorf("after the first step: %+v", ap)
	}
	run("again at once", 0)
	w.Advance(day - time.Second)
	run("a second short of a day later", 0)
	w.Advance(time.Second)
	run("a day later, still overdue", 1)
	ap = get(fast.ID)
	if ap.EscalationLevel != 2 || ap.SupervisionDueAt == nil || !ap.SupervisionDueAt.After(w.DB.Now()) || ap.Stage != appeal.StageRectifying {
		t.Errorf("after the second step: %+v", ap)
	}
	run("again", 0)

	w.Advance(15 * day)
	run("filed as escalated and overdue", 1) // straight under supervision
	if ap := get(filedEscalated.ID); ap.EscalationLevel != 2 || ap.SupervisionDueAt == nil {
		t.Errorf("filed escalated: %+v", ap)
	}
	if ap := get(done.ID); ap.EscalationLevel != 0 || ap.Tier != appeal.TierFast {
		t.Errorf("a closed appeal was escalated: %+v", ap)
	}
	events, _ := appeal.Events(dbtest.Ctx(), w.DB, w.Auditor, fast.ID)
	var auto []appeal.Action
	for _, e := range events {
		if e.ActorRole == db.RoleSystem {
			auto = append(auto, e.Action)
		}
	}
	if len(auto) != 2 || auto[0] != "auto_escalate" || auto[1] != "auto_supervise" {
		t.Errorf("automatic steps on the timeline: %v", auto)
	}

	// A restart must neither repeat nor skip a step.
	before := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events")
	now := w.DB.Now()
	if err := w.DB.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := db.Open(w.DB.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	dbtest.FixedClock(again, now.Add(time.Hour))
	w.DB = again
	run("after a restart", 0)
	if after := dbtest.CountOf(t, again, "SELECT COUNT(*) FROM audit_events"); after != before {
		t.Errorf("the restart wrote %d audit rows", after-before)
	}
	if res, err := audit.Verify(dbtest.Ctx(), again); err != nil || !res.OK {
		t.Errorf("verify after escalation: %+v %v", res, err)
	}
}

// TestEscalationCannotBeReset: returning an overdue appeal and having it reassigned at a
// lower tier must not restart the day of grace before supervision.
func TestEscalationCannotBeReset(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.At(t, appeal.StageRectifying)
	w.Advance(5*day + time.Second)
	if n, err := appeal.EscalateOverdue(dbtest.Ctx(), w.DB); err != nil || n != 1 {
		t.Fatalf("first escalation: %d %v", n, err)
	}
	// The department sends it back and the office reassigns it as 快速办, twice over the day.
	for i := 0; i < 2; i++ {
		w.Advance(10 * time.Hour)
		cur, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Auditor, ap.ID)
		cur = w.Act(t, w.Dept, cur, appeal.ActionInput{Action: appeal.ActReturn, Note: "不属于本单位职责", Basis: "《优化营商环境条例》第三条"})
		in := w.AssignTo(w.Dept.DepartmentID)
		in.Tier = appeal.TierFast
		cur = w.Act(t, w.Office, cur, in)
		if cur.Tier != appeal.TierFast {
			t.Fatalf("reassigned tier %s", cur.Tier)
		}
		if _, err := appeal.EscalateOverdue(dbtest.Ctx(), w.DB); err != nil {
			t.Fatal(err)
		}
	}
	w.Advance(4*time.Hour + time.Second) // a day after the first escalation
	if _, err := appeal.EscalateOverdue(dbtest.Ctx(), w.DB); err != nil {
		t.Fatal(err)
	}
	got, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Auditor, ap.ID)
	if got.EscalationLevel != 2 || got.SupervisionDueAt == nil || got.Tier != appeal.TierEscalated {
		t.Fatalf("a day after the first escalation: level %d, tier %s, supervision %v",
			got.EscalationLevel, got.Tier, got.SupervisionDueAt)
	}
}

// TestEscalationOneBadAppeal: an appeal that cannot be written does not hold back the rest.
func TestEscalationOneBadAppeal(t *testing.T) {
	w := dbtest.NewWorld(t)
	a := w.At(t, appeal.StageRectifying)
	b := w.At(t, appeal.StageRectifying)
	c := w.At(t, appeal.StageRectifying)
	refuse := map[db.Engine][]string{
		db.SQLite: {fmt.Sprintf(`CREATE TRIGGER refuse_b BEFORE UPDATE ON appeals WHEN old.id = %d
		BEGIN SELECT RAISE(ABORT, 'refused in test'); END`, b.ID)},
		db.Postgres: {`CREATE FUNCTION refuse_b() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'refused in test'; END $$`,
			fmt.Sprintf(`CREATE TRIGGER refuse_b BEFORE UPDATE ON appeals FOR EACH ROW WHEN (old.id = %d)
		EXECUTE FUNCTION refuse_b()`, b.ID)},
	}
	for _, s := range refuse[w.DB.Engine()] {
		if _, err := w.DB.Write.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	w.Advance(5*day + time.Second)
	n, err := appeal.EscalateOverdue(dbtest.Ctx(), w.DB)
	if n != 2 || err == nil || !strings.Contains(err.Error(), fmt.Sprint(b.ID)) {
		t.Fatalf("steps %d, err %v; want 2 and an error naming appeal %d", n, err, b.ID)
	}
	for _, id := range []int64{a.ID, c.ID} {
		if ap, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Auditor, id); ap.EscalationLevel != 1 {
			t.Errorf("appeal %d not escalated beside the bad one", id)
		}
	}
}

// TestEscalateUnaccepted: 受理超时 is overdue under the one rule, so the job raises an
// appeal nobody accepted in time, and shows the deadline the escalated tier now works to.
func TestEscalateUnaccepted(t *testing.T) {
	w := dbtest.NewWorld(t)
	imm := w.File(t, w.Office, func(in *appeal.Input) { in.Tier = appeal.TierImmediate })
	w.Advance(2*time.Hour + time.Second)
	if ap, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Auditor, imm.ID); ap.OverdueState != appeal.OverdueResponse {
		t.Fatalf("state %q, want 受理超时", ap.OverdueState)
	}
	if n, err := appeal.EscalateOverdue(dbtest.Ctx(), w.DB); err != nil || n != 1 {
		t.Fatalf("steps %d (%v), want 1", n, err)
	}
	ap, err := appeal.Find(dbtest.Ctx(), w.DB, w.Auditor, imm.ID)
	if err != nil {
		t.Fatal(err)
	}
	due := ap.EscalationDue()
	if ap.Tier != appeal.TierEscalated || due == nil || !due.Equal(w.DB.Now().Truncate(time.Second).Add(appeal.SupervisionGrace)) {
		t.Errorf("after escalation: tier %s, escalation due %v", ap.Tier, due)
	}
}
