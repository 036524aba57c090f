package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

func TestTierDeadlines(t *testing.T) {
	w := dbtest.NewWorld(t)
	for _, c := range []struct {
		who                  db.Actor
		tier, want           appeal.Tier
		response, resolution time.Duration
	}{
		{w.Office, appeal.TierImmediate, appeal.TierImmediate, 2 * time.Hour, day},
		{w.Office, appeal.TierFast, appeal.TierFast, day, 5 * day},
		{w.Office, appeal.TierEscalated, appeal.TierEscalated, day, 15 * day},
		{w.Office, "", appeal.TierFast, day, 5 * day},
		{w.Ent, appeal.TierImmediate, appeal.TierFast, day, 5 * day}, // enterprises do not choose their own tier
	} {
		ap := w.File(t, c.who, func(in *appeal.Input) { in.Tier = c.tier })
		if ap.Tier != c.want || !ap.CreatedAt.Equal(dbtest.WorldStart) || ap.ResponseDueAt.Sub(ap.CreatedAt) != c.response ||
			ap.DueAt.Sub(ap.CreatedAt) != c.resolution || ap.ExtendedDueAt != nil {
			t.Errorf("%s files %q: tier %s, response %v, resolution %v; want %s, %v, %v", c.who.Role, c.tier, ap.Tier,
				ap.ResponseDueAt.Sub(ap.CreatedAt), ap.DueAt.Sub(ap.CreatedAt), c.want, c.response, c.resolution)
		}
	}
}

// TestAssignNewTier: a new tier re-derives both deadlines from the filing time, because
// the clock never restarts.
func TestAssignNewTier(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.File(t, w.Office, nil)
	w.Advance(3 * time.Hour)
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActAccept})
	in := w.AssignTo(w.Dept.DepartmentID)
	in.Tier = appeal.TierImmediate
	ap = w.Act(t, w.Office, ap, in)
	if ap.Tier != appeal.TierImmediate || !ap.CreatedAt.Equal(dbtest.WorldStart) || !ap.ResponseDueAt.Equal(dbtest.WorldStart.Add(2*time.Hour)) ||
		!ap.DueAt.Equal(dbtest.WorldStart.Add(day)) || !ap.AcceptedAt.Equal(dbtest.WorldStart.Add(3*time.Hour)) {
		t.Errorf("assigned as immediate: %+v", ap)
	}
	if ap.Overdue {
		t.Error("accepted late but within resolution time: reported overdue")
	}
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActEscalate})
	if ap.Tier != appeal.TierEscalated || !ap.DueAt.Equal(dbtest.WorldStart.Add(day)) {
		t.Errorf("escalation moved the deadline: %+v", ap)
	}
}

// overdueIDs lists which of the appeals the office's overdue=true and overdue=false
// lists hold.
func overdueIDs(t *testing.T, w *dbtest.World, ids ...int64) (yes, no map[int64]bool) {
	t.Helper()
	yes, no = map[int64]bool{}, map[int64]bool{}
	for _, c := range []struct {
		flag bool
		dst  map[int64]bool
	}{{true, yes}, {false, no}} {
		list, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Overdue: &c.flag, Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		for _, ap := range list.Items {
			if ap.Overdue != c.flag {
				t.Errorf("overdue=%v lists %s with overdue %v", c.flag, ap.Number, ap.Overdue)
			}
			for _, id := range ids {
				if ap.ID == id {
					c.dst[id] = true
				}
			}
		}
	}
	return yes, no
}

func TestOverdue(t *testing.T) {
	w := dbtest.NewWorld(t)
	imm := w.File(t, w.Office, func(in *appeal.Input) { in.Tier = appeal.TierImmediate })
	fast := w.At(t, appeal.StageRectifying)
	check := func(when string, wantImm, wantFast bool) {
		t.Helper()
		yes, no := overdueIDs(t, w, imm.ID, fast.ID)
		for _, c := range []struct {
			id   int64
			want bool
		}{{imm.ID, wantImm}, {fast.ID, wantFast}} {
			ap, err := appeal.Find(dbtest.Ctx(), w.DB, w.Office, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if ap.Overdue != c.want || ap.IsOverdue(w.DB.Now()) != c.want || yes[c.id] != c.want || no[c.id] == c.want {
				t.Errorf("%s: %s overdue %v, in overdue list %v, in the other %v; want %v", when, ap.Number, ap.Overdue,
					yes[c.id], no[c.id], c.want)
			}
		}
	}
	check("at filing", false, false)
	w.Advance(2 * time.Hour)
	check("at the response deadline", false, false)
	w.Advance(time.Second)
	check("past the response deadline", true, false)
	imm = w.Act(t, w.Office, imm, appeal.ActionInput{Action: appeal.ActAccept})
	check("accepted late", false, false)
	w.Advance(day - 2*time.Hour)
	check("past the resolution deadline", true, false)

	fast = w.Act(t, w.Dept, fast, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 3, Note: "等待设备到货"})
	fast = w.Act(t, w.Office, fast, appeal.ActionInput{Action: appeal.ActApproveExtension})
	w.Advance(4 * day)
	if w.DB.Now().Before(fast.DueAt) {
		t.Fatal("the clock is not past the original due time")
	}
	check("past the original, within the extension", true, false)
	w.Advance(3 * day)
	check("past the extension", true, true)

	fast = w.Act(t, w.Dept, fast, appeal.ActionInput{Action: appeal.ActReport, Note: "设备已安装"})
	fast = w.Act(t, w.Ent, fast, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "basic"})
	w.Act(t, w.Office, fast, appeal.ActionInput{Action: appeal.ActClose})
	check("closed", true, false)
}

func TestSetTierDeadline(t *testing.T) {
	w := dbtest.NewWorld(t)
	old := w.File(t, w.Office, nil)
	for _, c := range []struct {
		who  db.Actor
		in   appeal.TierDeadline
		code string
	}{
		{w.Office, appeal.TierDeadline{Tier: appeal.TierFast, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, db.EFORBIDDEN},
		{w.Auditor, appeal.TierDeadline{Tier: appeal.TierFast, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, db.EFORBIDDEN},
		{w.Admin, appeal.TierDeadline{Tier: "slow", ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, ResponseSeconds: 10, ResolutionSeconds: 2 * 86400}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, ResponseSeconds: 7200, ResolutionSeconds: 3600}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, ResponseSeconds: 7200, ResolutionSeconds: 365 * 86400}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, ResponseSeconds: -1, ResolutionSeconds: -1}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, ""},
	} {
		err := appeal.SetTierDeadline(dbtest.Ctx(), w.DB, c.who, c.in)
		if db.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s sets %+v: %v, want %q", c.who.Role, c.in, err, c.code)
		}
	}
	list, err := appeal.TierDeadlines(dbtest.Ctx(), w.DB)
	if err != nil || len(list) != 3 || list[1] != (appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitHours, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}) ||
		list[0] != (appeal.TierDeadline{Tier: appeal.TierImmediate, Unit: appeal.UnitHours, ResponseSeconds: 7200, ResolutionSeconds: 86400}) {
		t.Errorf("deadlines now %+v %v", list, err)
	}
	fresh := w.File(t, w.Office, nil)
	if fresh.ResponseDueAt.Sub(fresh.CreatedAt) != 2*time.Hour || fresh.DueAt.Sub(fresh.CreatedAt) != 2*day {
		t.Errorf("a new appeal got %v / %v", fresh.ResponseDueAt.Sub(fresh.CreatedAt), fresh.DueAt.Sub(fresh.CreatedAt))
	}
	if ap, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Office, old.ID); !ap.DueAt.Equal(old.DueAt) || !ap.ResponseDueAt.Equal(old.ResponseDueAt) {
		t.Errorf("the new deadline changed an old appeal: %v, was %v", ap.DueAt, old.DueAt)
	}
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events WHERE action = 'settings.deadline'"); n != 1 {
		t.Errorf("%d audit rows for one change of deadlines", n)
	}
}

func TestExtensionAndReturn(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.At(t, appeal.StageRectifying)
	due := ap.DueAt
	ap = w.Act(t, w.Dept, ap, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 10, Note: "需协调市政部门"})
	_, err := appeal.Act(dbtest.Ctx(), w.DB, w.Office, ap.ID, appeal.ActionInput{Action: appeal.ActDenyExtension, Version: ap.Version})
	dbtest.WantCode(t, err, db.EINVALID)
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActApproveExtension})
	if !ap.DueAt.Equal(due) || ap.ExtendedDueAt == nil || !ap.ExtendedDueAt.Equal(due.Add(10*24*time.Hour)) || ap.Extension != nil {
		t.Errorf("approved: due %v extended %v, want %v and %v", ap.DueAt, ap.ExtendedDueAt, due, due.Add(240*time.Hour))
	}
	ap = w.Act(t, w.Dept, ap, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 3, Note: "再延三天"})
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActDenyExtension, Note: "理由不充分"})
	if ap.Extension != nil || !ap.ExtendedDueAt.Equal(due.Add(10*24*time.Hour)) {
		t.Errorf("denied: %+v %v", ap.Extension, ap.ExtendedDueAt)
	}

	w.Advance(time.Hour)
	created, respDue := ap.CreatedAt, ap.ResponseDueAt
	ap = w.Act(t, w.Dept, ap, appeal.ActionInput{Action: appeal.ActReturn, Note: "不属于本单位职责", Basis: "《城镇燃气管理条例》第十五条"})
	if ap.Stage != appeal.StageVerifying || ap.ReturnCount != 1 || !ap.CreatedAt.Equal(created) || !ap.DueAt.Equal(due) ||
		!ap.ResponseDueAt.Equal(respDue) {
		t.Errorf("returned: %+v", ap)
	}
	events, _ := appeal.Events(dbtest.Ctx(), w.DB, w.Office, ap.ID)
	if last := events[len(events)-1]; last.Action != appeal.ActReturn || !strings.Contains(string(last.Data), "城镇燃气管理条例") {
		t.Errorf("return event %+v", last)
	}
	ap = w.Act(t, w.Office, ap, w.AssignTo(w.OtherDept.DepartmentID))
	if ap.Stage != appeal.StageRectifying || !ap.DueAt.Equal(due) {
		t.Errorf("reassigned: %+v", ap)
	}
	// The first department keeps seeing what it once had, but no longer acts on it.
	if _, err := appeal.Act(dbtest.Ctx(), w.DB, w.Dept, ap.ID, appeal.ActionInput{Action: appeal.ActReport, Version: ap.Version, Note: "x"}); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("the former department reports: %v", err)
	}
}

func TestCloseUnratedAndMerge(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.At(t, appeal.StageFeedback)
	w.Advance(7*24*time.Hour - time.Second)
	_, err := appeal.Act(dbtest.Ctx(), w.DB, w.Office, ap.ID, appeal.ActionInput{Action: appeal.ActClose, Version: ap.Version})
	dbtest.WantCode(t, err, db.ECONFLICT)
	w.Advance(time.Second)
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActClose})
	if ap.Stage != appeal.StageClosed || ap.CloseReason != "unrated" || ap.Rating != nil {
		t.Errorf("closed unrated: %+v", ap)
	}

	orig, dup := w.File(t, w.Ent, nil), w.File(t, w.Ent, nil)
	_, err = appeal.Act(dbtest.Ctx(), w.DB, w.Office, dup.ID, appeal.ActionInput{Action: appeal.ActMerge, Version: dup.Version, TargetID: &dup.ID})
	dbtest.WantCode(t, err, db.EINVALID)
	dup = w.Act(t, w.Office, dup, appeal.ActionInput{Action: appeal.ActMerge, TargetID: &orig.ID, Note: "重复提交"})
	if dup.Stage != appeal.StageClosed || dup.MergedInto == nil || *dup.MergedInto != orig.ID || dup.CloseReason != "merged" || dup.ClosedAt == nil {
		t.Errorf("merged: %+v", dup)
	}
	events, _ := appeal.Events(dbtest.Ctx(), w.DB, w.Ent, dup.ID)
	if last := events[len(events)-1]; !strings.Contains(string(last.Data), orig.Number) {
		t.Errorf("merge event does not name the target: %s", last.Data)
	}
	third := w.File(t, w.Ent, nil)
	_, err = appeal.Act(dbtest.Ctx(), w.DB, w.Office, third.ID, appeal.ActionInput{Action: appeal.ActMerge, Version: third.Version, TargetID: &dup.ID})
	dbtest.WantCode(t, err, db.EINVALID) // not into an appeal that is itself merged
}

// TestMergedStaysMerged: a merged appeal is not reopened on its own, and nothing merges
// into an appeal that is closed.
func TestMergedStaysMerged(t *testing.T) {
	w := dbtest.NewWorld(t)
	orig, dup := w.File(t, w.Ent, nil), w.File(t, w.Ent, nil)
	dup = w.Act(t, w.Office, dup, appeal.ActionInput{Action: appeal.ActMerge, TargetID: &orig.ID, Note: "重复提交"})
	_, err := appeal.Act(dbtest.Ctx(), w.DB, w.Auditor, dup.ID, appeal.ActionInput{Action: appeal.ActReopen, Version: dup.Version, Note: "重新办理"})
	dbtest.WantCode(t, err, db.ECONFLICT)
	if got, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Auditor, dup.ID); got.Stage != appeal.StageClosed || appeal.Contains(got.AllowedActions, appeal.ActReopen) {
		t.Errorf("merged appeal after a reopen attempt: stage %s, allowed %v", got.Stage, got.AllowedActions)
	}
	done := w.At(t, appeal.StageClosed)
	late := w.File(t, w.Ent, nil)
	_, err = appeal.Act(dbtest.Ctx(), w.DB, w.Office, late.ID, appeal.ActionInput{Action: appeal.ActMerge, Version: late.Version, TargetID: &done.ID})
	dbtest.WantCode(t, err, db.EINVALID)
	missing := int64(1 << 40)
	_, err = appeal.Act(dbtest.Ctx(), w.DB, w.Office, late.ID, appeal.ActionInput{Action: appeal.ActMerge, Version: late.Version, TargetID: &missing})
	dbtest.WantCode(t, err, db.EINVALID)
}
