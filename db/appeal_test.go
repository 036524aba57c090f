package db

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestAppealLoop(t *testing.T) {
	w := newWorld(t)
	ap := w.file(t, w.ent, nil)
	if ap.Stage != StageDiscovered || ap.Source != SourcePortal || ap.Tier != TierFast || ap.Version != 1 ||
		*ap.EnterpriseID != w.ent.EnterpriseID || ap.LeaderID == nil || *ap.LeaderID != w.leader.LeaderID ||
		!regexp.MustCompile(`^SQ2026-\d{6}$`).MatchString(ap.Number) {
		t.Fatalf("filed %+v", ap)
	}
	// The steps follow each other within one second, as a quick client's would.
	steps := []struct {
		who  Actor
		in   ActionInput
		want Stage
	}{
		{w.office, ActionInput{Action: ActAccept}, StageVerifying},
		{w.office, w.assignTo(w.dept.DepartmentID), StageRectifying},
		{w.dept, ActionInput{Action: ActReport, Note: "已协调办理施工许可"}, StageFeedback},
		{w.ent, ActionInput{Action: ActRate, Resolved: ptr(false), Satisfaction: "unsatisfied", Note: "许可证还没拿到"}, StageRectifying},
		{w.dept, ActionInput{Action: ActReport, Note: "施工许可证已发放"}, StageFeedback},
		{w.ent, ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: "satisfied"}, StageFeedback},
		{w.office, ActionInput{Action: ActClose}, StageClosed},
	}
	for i, s := range steps {
		next := w.act(t, s.who, ap, s.in)
		if next.Stage != s.want || next.Version != ap.Version+1 {
			t.Fatalf("step %d %s: stage %s version %d, want %s version %d", i, s.in.Action, next.Stage, next.Version, s.want, ap.Version+1)
		}
		ap = next
	}
	if ap.ReopenCount != 1 || ap.CloseReason != "resolved" || ap.ClosedAt == nil || ap.AcceptedAt == nil ||
		ap.Rating == nil || ap.Rating.Satisfaction != "satisfied" || *ap.DepartmentID != w.dept.DepartmentID {
		t.Errorf("closed appeal %+v", ap)
	}
	want := []string{"file", "accept", "assign", "report", "rate", "report", "rate", "close"}
	for _, who := range []Actor{w.ent, w.dept, w.leader, w.office, w.auditor} {
		events, err := w.db.AppealEvents(ctx(), who, ap.ID)
		if err != nil {
			t.Fatalf("events for %s: %v", who.Role, err)
		}
		var got []string
		for _, e := range events {
			got = append(got, string(e.Action))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s sees events %v, want %v", who.Role, got, want)
		}
		if e := events[4]; e.StageBefore != StageFeedback || e.StageAfter != StageRectifying || e.Note != "许可证还没拿到" {
			t.Errorf("unsatisfied rating event %+v", e)
		}
	}
	// Every step is one audit row about the appeal, in the same order.
	rows, err := w.db.read.Query("SELECT action FROM audit_events WHERE object_type = 'appeal' AND object_id = ? ORDER BY id", ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for rows.Next() {
		var a string
		rows.Scan(&a)
		audited = append(audited, strings.TrimPrefix(a, "appeal."))
	}
	rows.Close()
	if !slices.Equal(audited, want) {
		t.Errorf("audit rows %v, want %v", audited, want)
	}
	res, err := w.db.VerifyAudit(ctx())
	if err != nil || !res.OK || res.Events != int64(countOf(t, w.db, "SELECT COUNT(*) FROM audit_events")) {
		t.Errorf("verify after the loop: %+v %v", res, err)
	}
	if _, err := w.db.AppealEvents(ctx(), w.otherEnt, ap.ID); ErrorCode(err) != ENOTFOUND {
		t.Errorf("another enterprise reads the timeline: %v", err)
	}
}

// TestActRules tries each rule once; a refused action must change nothing at all.
func TestActRules(t *testing.T) {
	w := newWorld(t)
	who := map[string]Actor{"admin": w.admin, "office": w.office, "dept": w.dept, "leader": w.leader, "ent": w.ent,
		"auditor": w.auditor, "otherEnt": w.otherEnt, "otherDept": w.otherDept, "otherLeader": w.otherLeader}
	note := "情况说明"
	for _, c := range []struct {
		name  string
		stage Stage
		who   string
		in    ActionInput
		code  string
		extra string // the bad field on 422, the allowed actions on a stage conflict
	}{
		{"enterprise accepts", StageDiscovered, "ent", ActionInput{Action: ActAccept}, EFORBIDDEN, ""},
		{"department closes", StageFeedback, "dept", ActionInput{Action: ActClose}, EFORBIDDEN, ""},
		{"leader reports", StageRectifying, "leader", ActionInput{Action: ActReport, Note: note}, EFORBIDDEN, ""},
		{"office rates", StageFeedback, "office", ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: "basic"}, EFORBIDDEN, ""},
		{"admin comments", StageDiscovered, "admin", ActionInput{Action: ActComment, Note: note}, EFORBIDDEN, ""},
		{"enterprise reopens", StageClosed, "ent", ActionInput{Action: ActReopen, Note: note}, EFORBIDDEN, ""},

		{"assign before accept", StageDiscovered, "office", w.assignTo(w.dept.DepartmentID), ECONFLICT, "accept merge reject comment urge escalate attach"},
		{"merge after accept", StageVerifying, "office", ActionInput{Action: ActMerge, TargetID: ptr(int64(1))}, ECONFLICT, "assign dismiss comment urge escalate attach"},
		{"report twice", StageFeedback, "dept", ActionInput{Action: ActReport, Note: note}, ECONFLICT, "comment attach"},
		{"reopen an open appeal", StageRectifying, "auditor", ActionInput{Action: ActReopen, Note: note}, ECONFLICT, "comment urge supervise attach"},
		{"close before a rating", StageFeedback, "office", ActionInput{Action: ActClose}, ECONFLICT, "comment attach"},
		{"rate a closed appeal", StageClosed, "ent", ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: "basic"}, ECONFLICT, "comment attach"},

		{"report without text", StageRectifying, "dept", ActionInput{Action: ActReport, Note: "  "}, EINVALID, "note"},
		{"return without basis", StageRectifying, "dept", ActionInput{Action: ActReturn, Note: "不属本单位职责"}, EINVALID, "basis"},
		{"return without reason", StageRectifying, "dept", ActionInput{Action: ActReturn, Basis: "《优化营商环境条例》第三条"}, EINVALID, "note"},
		{"assign without department", StageVerifying, "office", ActionInput{Action: ActAssign}, EINVALID, "department_id"},
		{"assign to no department", StageVerifying, "office", w.assignTo(999999), EINVALID, "department_id"},
		{"assign with a bad tier", StageVerifying, "office", ActionInput{Action: ActAssign, DepartmentID: &w.dept.DepartmentID, Tier: "slow"}, EINVALID, "tier"},
		{"extension of no days", StageRectifying, "dept", ActionInput{Action: ActRequestExtension, Note: note}, EINVALID, "days"},
		{"extension of 61 days", StageRectifying, "dept", ActionInput{Action: ActRequestExtension, Note: note, Days: 61}, EINVALID, "days"},
		{"rate without satisfaction", StageFeedback, "ent", ActionInput{Action: ActRate, Resolved: ptr(true)}, EINVALID, "satisfaction"},
		{"rate with an odd satisfaction", StageFeedback, "ent", ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: "great"}, EINVALID, "satisfaction"},
		{"rate without resolved", StageFeedback, "ent", ActionInput{Action: ActRate, Satisfaction: "basic"}, EINVALID, "resolved"},
		{"dismiss without reason", StageVerifying, "office", ActionInput{Action: ActDismiss}, EINVALID, "note"},
		{"reject without reason", StageDiscovered, "office", ActionInput{Action: ActReject}, EINVALID, "note"},
		{"reopen without reason", StageClosed, "auditor", ActionInput{Action: ActReopen}, EINVALID, "note"},
		{"merge without target", StageDiscovered, "office", ActionInput{Action: ActMerge}, EINVALID, "target_id"},
		{"supervise into the past", StageRectifying, "auditor", ActionInput{Action: ActSupervise, Note: note, DueAt: "2020-01-01"}, EINVALID, "due_at"},
		{"audit without verdict", StageClosed, "auditor", ActionInput{Action: ActAudit}, EINVALID, "verdict"},
		{"an unknown action", StageDiscovered, "office", ActionInput{Action: "fly"}, EINVALID, "action"},

		{"another enterprise", StageDiscovered, "otherEnt", ActionInput{Action: ActComment, Note: note}, ENOTFOUND, ""},
		{"another department", StageRectifying, "otherDept", ActionInput{Action: ActReport, Note: note}, ENOTFOUND, ""},
		{"a department before assignment", StageVerifying, "dept", ActionInput{Action: ActComment, Note: note}, ENOTFOUND, ""},
		{"a leader outside the pairs", StageDiscovered, "otherLeader", ActionInput{Action: ActUrge}, ENOTFOUND, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ap := w.at(t, c.stage)
			before := w.snap(t, ap.ID)
			c.in.Version = ap.Version
			_, err := w.db.Act(ctx(), who[c.who], ap.ID, c.in)
			e := wantCode(t, err, c.code)
			switch {
			case c.code == EINVALID && (len(e.Fields) == 0 || e.Fields[0].Field != c.extra):
				t.Errorf("fields %+v, want %s", e.Fields, c.extra)
			case c.code == ECONFLICT && strings.Join(e.Allowed, " ") != c.extra:
				t.Errorf("allowed %v, want %s", e.Allowed, c.extra)
			case c.code == ENOTFOUND:
				if _, err := w.db.FindAppeal(ctx(), who[c.who], ap.ID); ErrorCode(err) != ENOTFOUND {
					t.Errorf("FindAppeal by %s: %v", c.who, err)
				}
			}
			if after := w.snap(t, ap.ID); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused action changed something:\n%+v\n%+v", before, after)
			}
		})
	}
	if _, err := w.db.FindAppeal(ctx(), w.office, 999999); ErrorCode(err) != ENOTFOUND {
		t.Errorf("missing appeal: %v", err)
	}
}

func TestStaleVersion(t *testing.T) {
	w := newWorld(t)
	ap := w.at(t, StageFeedback)
	w.act(t, w.ent, ap, ActionInput{Action: ActComment, Note: "补充材料"})
	before := w.snap(t, ap.ID)
	// ap still carries the version before the comment.
	_, err := w.db.Act(ctx(), w.office, ap.ID, ActionInput{Action: ActComment, Version: ap.Version, Note: "过时的版本"})
	if e := wantCode(t, err, ECONFLICT); len(e.Fields) == 0 || e.Fields[0].Field != "version" {
		t.Errorf("stale version: %+v", e)
	}
	if after := w.snap(t, ap.ID); !reflect.DeepEqual(before, after) {
		t.Errorf("a stale action changed something:\n%+v\n%+v", before, after)
	}
}

// TestConcurrentActions has two handlers act on one version at once: one wins.
func TestConcurrentActions(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		stage Stage
		rated bool
		who   Actor
		in    ActionInput
	}{
		{StageDiscovered, false, w.office, ActionInput{Action: ActAccept}},
		{StageRectifying, false, w.dept, ActionInput{Action: ActReport, Note: "已办结"}},
		{StageFeedback, false, w.ent, ActionInput{Action: ActRate, Resolved: ptr(false), Satisfaction: "unsatisfied"}},
		{StageFeedback, true, w.office, ActionInput{Action: ActClose}},
	} {
		ap := w.at(t, c.stage)
		if c.rated {
			ap = w.act(t, w.ent, ap, ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: "basic"})
		}
		c.in.Version = ap.Version
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { _, errs[i] = w.db.Act(ctx(), c.who, ap.ID, c.in) })
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || ErrorCode(firstErr(errs)) != ECONFLICT {
			t.Errorf("%s twice at once: %v", c.in.Action, errs)
		}
		if n := countOf(t, w.db, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND action = ?", ap.ID, string(c.in.Action)); n != 1 {
			t.Errorf("%s recorded %d times", c.in.Action, n)
		}
	}
}

// firstErr returns the first error that is not nil.
func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestUnsatisfiedWithoutDepartment(t *testing.T) {
	w := newWorld(t)
	ap := w.file(t, w.ent, nil)
	ap = w.act(t, w.office, ap, ActionInput{Action: ActReject, Note: "不属于受理范围"})
	ap = w.act(t, w.ent, ap, ActionInput{Action: ActRate, Resolved: ptr(false), Satisfaction: "unsatisfied"})
	if ap.Stage != StageVerifying || ap.ReopenCount != 1 {
		t.Errorf("unsatisfied with a rejection: stage %s reopen_count %d, want verifying 1", ap.Stage, ap.ReopenCount)
	}
	for _, s := range []string{"satisfied", "basic"} {
		ap := w.at(t, StageFeedback)
		ap = w.act(t, w.ent, ap, ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: s})
		if ap.Stage != StageFeedback || ap.ReopenCount != 0 {
			t.Errorf("%s: stage %s reopen_count %d", s, ap.Stage, ap.ReopenCount)
		}
	}
}
