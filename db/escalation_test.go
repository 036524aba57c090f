package db

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestEscalateOverdue runs the escalation job as main.go does, again and again and
// across a restart: each step happens once.
func TestEscalateOverdue(t *testing.T) {
	w := newWorld(t)
	fast := w.at(t, StageRectifying)
	filedEscalated := w.file(t, w.office, func(in *AppealInput) { in.Tier = TierEscalated })
	filedEscalated = w.act(t, w.office, filedEscalated, ActionInput{Action: ActAccept})
	done := w.at(t, StageClosed)
	run := func(when string, want int) {
		t.Helper()
		n, err := w.db.EscalateOverdue(ctx())
		if err != nil || n != want {
			t.Fatalf("%s: %d steps (%v), want %d", when, n, err, want)
		}
	}
	get := func(id int64) *Appeal {
		t.Helper()
		ap, err := w.db.FindAppeal(ctx(), w.auditor, id)
		if err != nil {
			t.Fatal(err)
		}
		return ap
	}
	run("nothing overdue", 0)
	w.advance(5*day + time.Second)
	run("fast overdue", 1)
	ap := get(fast.ID)
	if ap.Tier != TierEscalated || ap.EscalationLevel != 1 || !ap.DueAt.Equal(fast.DueAt) || ap.SupervisionDueAt != nil {
		t.Errorf("after the first step: %+v", ap)
	}
	run("again at once", 0)
	w.advance(day - time.Second)
	run("a second short of a day later", 0)
	w.advance(time.Second)
	run("a day later, still overdue", 1)
	ap = get(fast.ID)
	if ap.EscalationLevel != 2 || ap.SupervisionDueAt == nil || !ap.SupervisionDueAt.After(w.db.Now()) || ap.Stage != StageRectifying {
		t.Errorf("after the second step: %+v", ap)
	}
	run("again", 0)

	w.advance(15 * day)
	run("filed as escalated and overdue", 1) // straight under supervision
	if ap := get(filedEscalated.ID); ap.EscalationLevel != 2 || ap.SupervisionDueAt == nil {
		t.Errorf("filed escalated: %+v", ap)
	}
	if ap := get(done.ID); ap.EscalationLevel != 0 || ap.Tier != TierFast {
		t.Errorf("a closed appeal was escalated: %+v", ap)
	}
	events, _ := w.db.AppealEvents(ctx(), w.auditor, fast.ID)
	var auto []Action
	for _, e := range events {
		if e.ActorRole == RoleSystem {
			auto = append(auto, e.Action)
		}
	}
	if len(auto) != 2 || auto[0] != "auto_escalate" || auto[1] != "auto_supervise" {
		t.Errorf("automatic steps on the timeline: %v", auto)
	}

	// A restart must neither repeat nor skip a step.
	before := countOf(t, w.db, "SELECT COUNT(*) FROM audit_events")
	now := w.db.Now()
	if err := w.db.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(w.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	fixedClock(again, now.Add(time.Hour))
	w.db = again
	run("after a restart", 0)
	if after := countOf(t, again, "SELECT COUNT(*) FROM audit_events"); after != before {
		t.Errorf("the restart wrote %d audit rows", after-before)
	}
	if res, err := again.VerifyAudit(ctx()); err != nil || !res.OK {
		t.Errorf("verify after escalation: %+v %v", res, err)
	}
}

// TestEscalationCannotBeReset: returning an overdue appeal and having it reassigned at a
// lower tier must not restart the day of grace before supervision.
func TestEscalationCannotBeReset(t *testing.T) {
	w := newWorld(t)
	ap := w.at(t, StageRectifying)
	w.advance(5*day + time.Second)
	if n, err := w.db.EscalateOverdue(ctx()); err != nil || n != 1 {
		t.Fatalf("first escalation: %d %v", n, err)
	}
	// The department sends it back and the office reassigns it as 快速办, twice over the day.
	for i := 0; i < 2; i++ {
		w.advance(10 * time.Hour)
		cur, _ := w.db.FindAppeal(ctx(), w.auditor, ap.ID)
		cur = w.act(t, w.dept, cur, ActionInput{Action: ActReturn, Note: "不属于本单位职责", Basis: "《优化营商环境条例》第三条"})
		in := w.assignTo(w.dept.DepartmentID)
		in.Tier = TierFast
		cur = w.act(t, w.office, cur, in)
		if cur.Tier != TierFast {
			t.Fatalf("reassigned tier %s", cur.Tier)
		}
		if _, err := w.db.EscalateOverdue(ctx()); err != nil {
			t.Fatal(err)
		}
	}
	w.advance(4*time.Hour + time.Second) // a day after the first escalation
	if _, err := w.db.EscalateOverdue(ctx()); err != nil {
		t.Fatal(err)
	}
	got, _ := w.db.FindAppeal(ctx(), w.auditor, ap.ID)
	if got.EscalationLevel != 2 || got.SupervisionDueAt == nil || got.Tier != TierEscalated {
		t.Fatalf("a day after the first escalation: level %d, tier %s, supervision %v",
			got.EscalationLevel, got.Tier, got.SupervisionDueAt)
	}
}

// TestEscalationOneBadAppeal: an appeal that cannot be written does not hold back the rest.
func TestEscalationOneBadAppeal(t *testing.T) {
	w := newWorld(t)
	a := w.at(t, StageRectifying)
	b := w.at(t, StageRectifying)
	c := w.at(t, StageRectifying)
	if _, err := w.db.write.Exec(fmt.Sprintf(`CREATE TRIGGER refuse_b BEFORE UPDATE ON appeals WHEN old.id = %d
		BEGIN SELECT RAISE(ABORT, 'refused in test'); END`, b.ID)); err != nil {
		t.Fatal(err)
	}
	w.advance(5*day + time.Second)
	n, err := w.db.EscalateOverdue(ctx())
	if n != 2 || err == nil || !strings.Contains(err.Error(), fmt.Sprint(b.ID)) {
		t.Fatalf("steps %d, err %v; want 2 and an error naming appeal %d", n, err, b.ID)
	}
	for _, id := range []int64{a.ID, c.ID} {
		if ap, _ := w.db.FindAppeal(ctx(), w.auditor, id); ap.EscalationLevel != 1 {
			t.Errorf("appeal %d not escalated beside the bad one", id)
		}
	}
}

// TestEscalateUnaccepted: 受理超时 is overdue under the one rule, so the job raises an
// appeal nobody accepted in time, and shows the deadline the escalated tier now works to.
func TestEscalateUnaccepted(t *testing.T) {
	w := newWorld(t)
	imm := w.file(t, w.office, func(in *AppealInput) { in.Tier = TierImmediate })
	w.advance(2*time.Hour + time.Second)
	if ap, _ := w.db.FindAppeal(ctx(), w.auditor, imm.ID); ap.OverdueState != OverdueResponse {
		t.Fatalf("state %q, want 受理超时", ap.OverdueState)
	}
	if n, err := w.db.EscalateOverdue(ctx()); err != nil || n != 1 {
		t.Fatalf("steps %d (%v), want 1", n, err)
	}
	ap, err := w.db.FindAppeal(ctx(), w.auditor, imm.ID)
	if err != nil {
		t.Fatal(err)
	}
	due := ap.EscalationDue()
	if ap.Tier != TierEscalated || due == nil || !due.Equal(w.db.Now().Truncate(time.Second).Add(supervisionGrace)) {
		t.Errorf("after escalation: tier %s, escalation due %v", ap.Tier, due)
	}
}
