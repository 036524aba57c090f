package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestAppealLoop(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.File(t, w.Ent, nil)
	if ap.Stage != appeal.StageDiscovered || ap.Source != appeal.SourcePortal || ap.Tier != appeal.TierFast || ap.Version != 1 ||
		*ap.EnterpriseID != w.Ent.EnterpriseID || ap.LeaderID == nil || *ap.LeaderID != w.Leader.LeaderID ||
		!regexp.MustCompile(`^SQ2026-\d{6}$`).MatchString(ap.Number) {
		t.Fatalf("filed %+v", ap)
	}
	// The steps follow each other within one second, as a quick client's would.
	steps := []struct {
		who  db.Actor
		in   appeal.ActionInput
		want appeal.Stage
	}{
		{w.Office, appeal.ActionInput{Action: appeal.ActAccept}, appeal.StageVerifying},
		{w.Office, w.AssignTo(w.Dept.DepartmentID), appeal.StageRectifying},
		{w.Dept, appeal.ActionInput{Action: appeal.ActReport, Note: "已协调办理施工许可"}, appeal.StageFeedback},
		{w.Ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(false), Satisfaction: "unsatisfied", Note: "许可证还没拿到"}, appeal.StageRectifying},
		{w.Dept, appeal.ActionInput{Action: appeal.ActReport, Note: "施工许可证已发放"}, appeal.StageFeedback},
		{w.Ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "satisfied"}, appeal.StageFeedback},
		{w.Office, appeal.ActionInput{Action: appeal.ActClose}, appeal.StageClosed},
	}
	for i, s := range steps {
		next := w.Act(t, s.who, ap, s.in)
		if next.Stage != s.want || next.Version != ap.Version+1 {
			t.Fatalf("step %d %s: stage %s version %d, want %s version %d", i, s.in.Action, next.Stage, next.Version, s.want, ap.Version+1)
		}
		ap = next
	}
	if ap.ReopenCount != 1 || ap.CloseReason != "resolved" || ap.ClosedAt == nil || ap.AcceptedAt == nil ||
		ap.Rating == nil || ap.Rating.Satisfaction != "satisfied" || *ap.DepartmentID != w.Dept.DepartmentID {
		t.Errorf("closed appeal %+v", ap)
	}
	want := []string{"file", "accept", "assign", "report", "rate", "report", "rate", "close"}
	for _, who := range []db.Actor{w.Ent, w.Dept, w.Leader, w.Office, w.Auditor} {
		events, err := appeal.Events(dbtest.Ctx(), w.DB, who, ap.ID)
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
		if e := events[4]; e.StageBefore != appeal.StageFeedback || e.StageAfter != appeal.StageRectifying || e.Note != "许可证还没拿到" {
			t.Errorf("unsatisfied rating event %+v", e)
		}
	}
	// Every step is one audit row about the appeal, in the same order.
	rows, err := w.DB.Read.Query("SELECT action FROM audit_events WHERE object_type = 'appeal' AND object_id = ? ORDER BY id", ap.ID)
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
	res, err := audit.Verify(dbtest.Ctx(), w.DB)
	if err != nil || !res.OK || res.Events != int64(dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events")) {
		t.Errorf("verify after the loop: %+v %v", res, err)
	}
	if _, err := appeal.Events(dbtest.Ctx(), w.DB, w.OtherEnt, ap.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("another enterprise reads the timeline: %v", err)
	}
}

// TestActRules tries each rule once; a refused action must change nothing at all.
func TestActRules(t *testing.T) {
	w := dbtest.NewWorld(t)
	who := map[string]db.Actor{"admin": w.Admin, "office": w.Office, "dept": w.Dept, "leader": w.Leader, "ent": w.Ent,
		"auditor": w.Auditor, "otherEnt": w.OtherEnt, "otherDept": w.OtherDept, "otherLeader": w.OtherLeader}
	note := "情况说明"
	for _, c := range []struct {
		name  string
		stage appeal.Stage
		who   string
		in    appeal.ActionInput
		code  string
		extra string // the bad field on 422, the allowed actions on a stage conflict
	}{
		{"enterprise accepts", appeal.StageDiscovered, "ent", appeal.ActionInput{Action: appeal.ActAccept}, db.EFORBIDDEN, ""},
		{"department closes", appeal.StageFeedback, "dept", appeal.ActionInput{Action: appeal.ActClose}, db.EFORBIDDEN, ""},
		{"leader reports", appeal.StageRectifying, "leader", appeal.ActionInput{Action: appeal.ActReport, Note: note}, db.EFORBIDDEN, ""},
		{"office rates", appeal.StageFeedback, "office", appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "basic"}, db.EFORBIDDEN, ""},
		{"admin comments", appeal.StageDiscovered, "admin", appeal.ActionInput{Action: appeal.ActComment, Note: note}, db.EFORBIDDEN, ""},
		{"enterprise reopens", appeal.StageClosed, "ent", appeal.ActionInput{Action: appeal.ActReopen, Note: note}, db.EFORBIDDEN, ""},

		{"assign before accept", appeal.StageDiscovered, "office", w.AssignTo(w.Dept.DepartmentID), db.ECONFLICT, "accept merge reject comment urge escalate attach"},
		{"merge after accept", appeal.StageVerifying, "office", appeal.ActionInput{Action: appeal.ActMerge, TargetID: dbtest.Ptr(int64(1))}, db.ECONFLICT, "assign dismiss comment urge escalate attach"},
		{"report twice", appeal.StageFeedback, "dept", appeal.ActionInput{Action: appeal.ActReport, Note: note}, db.ECONFLICT, "comment attach"},
		{"reopen an open appeal", appeal.StageRectifying, "auditor", appeal.ActionInput{Action: appeal.ActReopen, Note: note}, db.ECONFLICT, "comment urge supervise attach"},
		{"close before a rating", appeal.StageFeedback, "office", appeal.ActionInput{Action: appeal.ActClose}, db.ECONFLICT, "comment attach"},
		{"rate a closed appeal", appeal.StageClosed, "ent", appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "basic"}, db.ECONFLICT, "comment attach"},

		{"report without text", appeal.StageRectifying, "dept", appeal.ActionInput{Action: appeal.ActReport, Note: "  "}, db.EINVALID, "note"},
		{"return without basis", appeal.StageRectifying, "dept", appeal.ActionInput{Action: appeal.ActReturn, Note: "不属本单位职责"}, db.EINVALID, "basis"},
		{"return without reason", appeal.StageRectifying, "dept", appeal.ActionInput{Action: appeal.ActReturn, Basis: "《优化营商环境条例》第三条"}, db.EINVALID, "note"},
		{"assign without department", appeal.StageVerifying, "office", appeal.ActionInput{Action: appeal.ActAssign}, db.EINVALID, "department_id"},
		{"assign to no department", appeal.StageVerifying, "office", w.AssignTo(999999), db.EINVALID, "department_id"},
		{"assign with a bad tier", appeal.StageVerifying, "office", appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &w.Dept.DepartmentID, Tier: "slow"}, db.EINVALID, "tier"},
		{"extension of no days", appeal.StageRectifying, "dept", appeal.ActionInput{Action: appeal.ActRequestExtension, Note: note}, db.EINVALID, "days"},
		{"extension of 61 days", appeal.StageRectifying, "dept", appeal.ActionInput{Action: appeal.ActRequestExtension, Note: note, Days: 61}, db.EINVALID, "days"},
		{"rate without satisfaction", appeal.StageFeedback, "ent", appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true)}, db.EINVALID, "satisfaction"},
		{"rate with an odd satisfaction", appeal.StageFeedback, "ent", appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "great"}, db.EINVALID, "satisfaction"},
		{"rate without resolved", appeal.StageFeedback, "ent", appeal.ActionInput{Action: appeal.ActRate, Satisfaction: "basic"}, db.EINVALID, "resolved"},
		{"dismiss without reason", appeal.StageVerifying, "office", appeal.ActionInput{Action: appeal.ActDismiss}, db.EINVALID, "note"},
		{"reject without reason", appeal.StageDiscovered, "office", appeal.ActionInput{Action: appeal.ActReject}, db.EINVALID, "note"},
		{"reopen without reason", appeal.StageClosed, "auditor", appeal.ActionInput{Action: appeal.ActReopen}, db.EINVALID, "note"},
		{"merge without target", appeal.StageDiscovered, "office", appeal.ActionInput{Action: appeal.ActMerge}, db.EINVALID, "target_id"},
		{"supervise into the past", appeal.StageRectifying, "auditor", appeal.ActionInput{Action: appeal.ActSupervise, Note: note, DueAt: "2020-01-01"}, db.EINVALID, "due_at"},
		{"audit without verdict", appeal.StageClosed, "auditor", appeal.ActionInput{Action: appeal.ActAudit}, db.EINVALID, "verdict"},
		{"an unknown action", appeal.StageDiscovered, "office", appeal.ActionInput{Action: "fly"}, db.EINVALID, "action"},

		{"another enterprise", appeal.StageDiscovered, "otherEnt", appeal.ActionInput{Action: appeal.ActComment, Note: note}, db.ENOTFOUND, ""},
		{"another department", appeal.StageRectifying, "otherDept", appeal.ActionInput{Action: appeal.ActReport, Note: note}, db.ENOTFOUND, ""},
		{"a department before assignment", appeal.StageVerifying, "dept", appeal.ActionInput{Action: appeal.ActComment, Note: note}, db.ENOTFOUND, ""},
		{"a leader outside the pairs", appeal.StageDiscovered, "otherLeader", appeal.ActionInput{Action: appeal.ActUrge}, db.ENOTFOUND, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ap := w.At(t, c.stage)
			before := w.Snap(t, ap.ID)
			c.in.Version = ap.Version
			_, err := appeal.Act(dbtest.Ctx(), w.DB, who[c.who], ap.ID, c.in)
			e := dbtest.WantCode(t, err, c.code)
			switch {
			case c.code == db.EINVALID && (len(e.Fields) == 0 || e.Fields[0].Field != c.extra):
				t.Errorf("fields %+v, want %s", e.Fields, c.extra)
			case c.code == db.ECONFLICT && strings.Join(e.Allowed, " ") != c.extra:
				t.Errorf("allowed %v, want %s", e.Allowed, c.extra)
			case c.code == db.ENOTFOUND:
				if _, err := appeal.Find(dbtest.Ctx(), w.DB, who[c.who], ap.ID); db.ErrorCode(err) != db.ENOTFOUND {
					t.Errorf("FindAppeal by %s: %v", c.who, err)
				}
			}
			if after := w.Snap(t, ap.ID); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused action changed something:\n%+v\n%+v", before, after)
			}
		})
	}
	if _, err := appeal.Find(dbtest.Ctx(), w.DB, w.Office, 999999); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("missing appeal: %v", err)
	}
}

func TestStaleVersion(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.At(t, appeal.StageFeedback)
	w.Act(t, w.Ent, ap, appeal.ActionInput{Action: appeal.ActComment, Note: "补充材料"})
	before := w.Snap(t, ap.ID)
	// ap still carries the version before the comment.
	_, err := appeal.Act(dbtest.Ctx(), w.DB, w.Office, ap.ID, appeal.ActionInput{Action: appeal.ActComment, Version: ap.Version, Note: "过时的版本"})
	if e := dbtest.WantCode(t, err, db.ECONFLICT); len(e.Fields) == 0 || e.Fields[0].Field != "version" {
		t.Errorf("stale version: %+v", e)
	}
	if after := w.Snap(t, ap.ID); !reflect.DeepEqual(before, after) {
		t.Errorf("a stale action changed something:\n%+v\n%+v", before, after)
	}
}

// TestConcurrentActions has two handlers act on one version at once: one wins.
func TestConcurrentActions(t *testing.T) {
	w := dbtest.NewWorld(t)
	for _, c := range []struct {
		stage appeal.Stage
		rated bool
		who   db.Actor
		in    appeal.ActionInput
	}{
		{appeal.StageDiscovered, false, w.Office, appeal.ActionInput{Action: appeal.ActAccept}},
		{appeal.StageRectifying, false, w.Dept, appeal.ActionInput{Action: appeal.ActReport, Note: "已办结"}},
		{appeal.StageFeedback, false, w.Ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(false), Satisfaction: "unsatisfied"}},
		{appeal.StageFeedback, true, w.Office, appeal.ActionInput{Action: appeal.ActClose}},
	} {
		ap := w.At(t, c.stage)
		if c.rated {
			ap = w.Act(t, w.Ent, ap, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "basic"})
		}
		c.in.Version = ap.Version
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { _, errs[i] = appeal.Act(dbtest.Ctx(), w.DB, c.who, ap.ID, c.in) })
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || db.ErrorCode(firstErr(errs)) != db.ECONFLICT {
			t.Errorf("%s twice at once: %v", c.in.Action, errs)
		}
		if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND action = ?", ap.ID, string(c.in.Action)); n != 1 {
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
	w := dbtest.NewWorld(t)
	ap := w.File(t, w.Ent, nil)
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActReject, Note: "不属于受理范围"})
	ap = w.Act(t, w.Ent, ap, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(false), Satisfaction: "unsatisfied"})
	if ap.Stage != appeal.StageVerifying || ap.ReopenCount != 1 {
		t.Errorf("unsatisfied with a rejection: stage %s reopen_count %d, want verifying 1", ap.Stage, ap.ReopenCount)
	}
	for _, s := range []string{"satisfied", "basic"} {
		ap := w.At(t, appeal.StageFeedback)
		ap = w.Act(t, w.Ent, ap, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: s})
		if ap.Stage != appeal.StageFeedback || ap.ReopenCount != 0 {
			t.Errorf("%s: stage %s reopen_count %d", s, ap.Stage, ap.ReopenCount)
		}
	}
}
