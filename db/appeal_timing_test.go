package db

import (
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

func TestTierDeadlines(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		who                  Actor
		tier, want           Tier
		response, resolution time.Duration
	}{
		{w.office, TierImmediate, TierImmediate, 2 * time.Hour, day},
		{w.office, TierFast, TierFast, day, 5 * day},
		{w.office, TierEscalated, TierEscalated, day, 15 * day},
		{w.office, "", TierFast, day, 5 * day},
		{w.ent, TierImmediate, TierFast, day, 5 * day}, // enterprises do not choose their own tier
	} {
		ap := w.file(t, c.who, func(in *AppealInput) { in.Tier = c.tier })
		if ap.Tier != c.want || !ap.CreatedAt.Equal(worldStart) || ap.ResponseDueAt.Sub(ap.CreatedAt) != c.response ||
			ap.DueAt.Sub(ap.CreatedAt) != c.resolution || ap.ExtendedDueAt != nil {
			t.Errorf("%s files %q: tier %s, response %v, resolution %v; want %s, %v, %v", c.who.Role, c.tier, ap.Tier,
				ap.ResponseDueAt.Sub(ap.CreatedAt), ap.DueAt.Sub(ap.CreatedAt), c.want, c.response, c.resolution)
		}
	}
}

// TestAssignNewTier: a new tier re-derives both deadlines from the filing time, because
// the clock never restarts.
func TestAssignNewTier(t *testing.T) {
	w := newWorld(t)
	ap := w.file(t, w.office, nil)
	w.advance(3 * time.Hour)
	ap = w.act(t, w.office, ap, ActionInput{Action: ActAccept})
	in := w.assignTo(w.dept.DepartmentID)
	in.Tier = TierImmediate
	ap = w.act(t, w.office, ap, in)
	if ap.Tier != TierImmediate || !ap.CreatedAt.Equal(worldStart) || !ap.ResponseDueAt.Equal(worldStart.Add(2*time.Hour)) ||
		!ap.DueAt.Equal(worldStart.Add(day)) || !ap.AcceptedAt.Equal(worldStart.Add(3*time.Hour)) {
		t.Errorf("assigned as immediate: %+v", ap)
	}
	if ap.Overdue {
		t.Error("accepted late but within resolution time: reported overdue")
	}
	ap = w.act(t, w.office, ap, ActionInput{Action: ActEscalate})
	if ap.Tier != TierEscalated || !ap.DueAt.Equal(worldStart.Add(day)) {
		t.Errorf("escalation moved the deadline: %+v", ap)
	}
}

// overdueIDs lists which of the appeals the office's overdue=true and overdue=false
// lists hold.
func overdueIDs(t *testing.T, w *world, ids ...int64) (yes, no map[int64]bool) {
	t.Helper()
	yes, no = map[int64]bool{}, map[int64]bool{}
	for _, c := range []struct {
		flag bool
		dst  map[int64]bool
	}{{true, yes}, {false, no}} {
		list, err := w.db.ListAppeals(ctx(), w.office, AppealFilter{Overdue: &c.flag, Page: Page{Limit: MaxLimit}})
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
	w := newWorld(t)
	imm := w.file(t, w.office, func(in *AppealInput) { in.Tier = TierImmediate })
	fast := w.at(t, StageRectifying)
	check := func(when string, wantImm, wantFast bool) {
		t.Helper()
		yes, no := overdueIDs(t, w, imm.ID, fast.ID)
		for _, c := range []struct {
			id   int64
			want bool
		}{{imm.ID, wantImm}, {fast.ID, wantFast}} {
			ap, err := w.db.FindAppeal(ctx(), w.office, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if ap.Overdue != c.want || ap.IsOverdue(w.db.Now()) != c.want || yes[c.id] != c.want || no[c.id] == c.want {
				t.Errorf("%s: %s overdue %v, in overdue list %v, in the other %v; want %v", when, ap.Number, ap.Overdue,
					yes[c.id], no[c.id], c.want)
			}
		}
	}
	check("at filing", false, false)
	w.advance(2 * time.Hour)
	check("at the response deadline", false, false)
	w.advance(time.Second)
	check("past the response deadline", true, false)
	imm = w.act(t, w.office, imm, ActionInput{Action: ActAccept})
	check("accepted late", false, false)
	w.advance(day - 2*time.Hour)
	check("past the resolution deadline", true, false)

	fast = w.act(t, w.dept, fast, ActionInput{Action: ActRequestExtension, Days: 3, Note: "等待设备到货"})
	fast = w.act(t, w.office, fast, ActionInput{Action: ActApproveExtension})
	w.advance(4 * day)
	if w.db.Now().Before(fast.DueAt) {
		t.Fatal("the clock is not past the original due time")
	}
	check("past the original, within the extension", true, false)
	w.advance(3 * day)
	check("past the extension", true, true)

	fast = w.act(t, w.dept, fast, ActionInput{Action: ActReport, Note: "设备已安装"})
	fast = w.act(t, w.ent, fast, ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: "basic"})
	w.act(t, w.office, fast, ActionInput{Action: ActClose})
	check("closed", true, false)
}

func TestSetTierDeadline(t *testing.T) {
	w := newWorld(t)
	old := w.file(t, w.office, nil)
	for _, c := range []struct {
		who  Actor
		in   TierDeadline
		code string
	}{
		{w.office, TierDeadline{Tier: TierFast, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, EFORBIDDEN},
		{w.auditor, TierDeadline{Tier: TierFast, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, EFORBIDDEN},
		{w.admin, TierDeadline{Tier: "slow", ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, ResponseSeconds: 10, ResolutionSeconds: 2 * 86400}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, ResponseSeconds: 7200, ResolutionSeconds: 3600}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, ResponseSeconds: 7200, ResolutionSeconds: 365 * 86400}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, ResponseSeconds: -1, ResolutionSeconds: -1}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}, ""},
	} {
		err := w.db.SetTierDeadline(ctx(), c.who, c.in)
		if ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s sets %+v: %v, want %q", c.who.Role, c.in, err, c.code)
		}
	}
	list, err := w.db.TierDeadlines(ctx())
	if err != nil || len(list) != 3 || list[1] != (TierDeadline{Tier: TierFast, Unit: UnitHours, ResponseSeconds: 7200, ResolutionSeconds: 2 * 86400}) ||
		list[0] != (TierDeadline{Tier: TierImmediate, Unit: UnitHours, ResponseSeconds: 7200, ResolutionSeconds: 86400}) {
		t.Errorf("deadlines now %+v %v", list, err)
	}
	fresh := w.file(t, w.office, nil)
	if fresh.ResponseDueAt.Sub(fresh.CreatedAt) != 2*time.Hour || fresh.DueAt.Sub(fresh.CreatedAt) != 2*day {
		t.Errorf("a new appeal got %v / %v", fresh.ResponseDueAt.Sub(fresh.CreatedAt), fresh.DueAt.Sub(fresh.CreatedAt))
	}
	if ap, _ := w.db.FindAppeal(ctx(), w.office, old.ID); !ap.DueAt.Equal(old.DueAt) || !ap.ResponseDueAt.Equal(old.ResponseDueAt) {
		t.Errorf("the new deadline changed an old appeal: %v, was %v", ap.DueAt, old.DueAt)
	}
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'settings.deadline'"); n != 1 {
		t.Errorf("%d audit rows for one change of deadlines", n)
	}
}

func TestExtensionAndReturn(t *testing.T) {
	w := newWorld(t)
	ap := w.at(t, StageRectifying)
	due := ap.DueAt
	ap = w.act(t, w.dept, ap, ActionInput{Action: ActRequestExtension, Days: 10, Note: "需协调市政部门"})
	_, err := w.db.Act(ctx(), w.office, ap.ID, ActionInput{Action: ActDenyExtension, Version: ap.Version})
	wantCode(t, err, EINVALID)
	ap = w.act(t, w.office, ap, ActionInput{Action: ActApproveExtension})
	if !ap.DueAt.Equal(due) || ap.ExtendedDueAt == nil || !ap.ExtendedDueAt.Equal(due.Add(10*24*time.Hour)) || ap.Extension != nil {
		t.Errorf("approved: due %v extended %v, want %v and %v", ap.DueAt, ap.ExtendedDueAt, due, due.Add(240*time.Hour))
	}
	ap = w.act(t, w.dept, ap, ActionInput{Action: ActRequestExtension, Days: 3, Note: "再延三天"})
	ap = w.act(t, w.office, ap, ActionInput{Action: ActDenyExtension, Note: "理由不充分"})
	if ap.Extension != nil || !ap.ExtendedDueAt.Equal(due.Add(10*24*time.Hour)) {
		t.Errorf("denied: %+v %v", ap.Extension, ap.ExtendedDueAt)
	}

	w.advance(time.Hour)
	created, respDue := ap.CreatedAt, ap.ResponseDueAt
	ap = w.act(t, w.dept, ap, ActionInput{Action: ActReturn, Note: "不属于本单位职责", Basis: "《城镇燃气管理条例》第十五条"})
	if ap.Stage != StageVerifying || ap.ReturnCount != 1 || !ap.CreatedAt.Equal(created) || !ap.DueAt.Equal(due) ||
		!ap.ResponseDueAt.Equal(respDue) {
		t.Errorf("returned: %+v", ap)
	}
	events, _ := w.db.AppealEvents(ctx(), w.office, ap.ID)
	if last := events[len(events)-1]; last.Action != ActReturn || !strings.Contains(string(last.Data), "城镇燃气管理条例") {
		t.Errorf("return event %+v", last)
	}
	ap = w.act(t, w.office, ap, w.assignTo(w.otherDept.DepartmentID))
	if ap.Stage != StageRectifying || !ap.DueAt.Equal(due) {
		t.Errorf("reassigned: %+v", ap)
	}
	// The first department keeps seeing what it once had, but no longer acts on it.
	if _, err := w.db.Act(ctx(), w.dept, ap.ID, ActionInput{Action: ActReport, Version: ap.Version, Note: "x"}); ErrorCode(err) != ECONFLICT {
		t.Errorf("the former department reports: %v", err)
	}
}

func TestCloseUnratedAndMerge(t *testing.T) {
	w := newWorld(t)
	ap := w.at(t, StageFeedback)
	w.advance(7*24*time.Hour - time.Second)
	_, err := w.db.Act(ctx(), w.office, ap.ID, ActionInput{Action: ActClose, Version: ap.Version})
	wantCode(t, err, ECONFLICT)
	w.advance(time.Second)
	ap = w.act(t, w.office, ap, ActionInput{Action: ActClose})
	if ap.Stage != StageClosed || ap.CloseReason != "unrated" || ap.Rating != nil {
		t.Errorf("closed unrated: %+v", ap)
	}

	orig, dup := w.file(t, w.ent, nil), w.file(t, w.ent, nil)
	_, err = w.db.Act(ctx(), w.office, dup.ID, ActionInput{Action: ActMerge, Version: dup.Version, TargetID: &dup.ID})
	wantCode(t, err, EINVALID)
	dup = w.act(t, w.office, dup, ActionInput{Action: ActMerge, TargetID: &orig.ID, Note: "重复提交"})
	if dup.Stage != StageClosed || dup.MergedInto == nil || *dup.MergedInto != orig.ID || dup.CloseReason != "merged" || dup.ClosedAt == nil {
		t.Errorf("merged: %+v", dup)
	}
	events, _ := w.db.AppealEvents(ctx(), w.ent, dup.ID)
	if last := events[len(events)-1]; !strings.Contains(string(last.Data), orig.Number) {
		t.Errorf("merge event does not name the target: %s", last.Data)
	}
	third := w.file(t, w.ent, nil)
	_, err = w.db.Act(ctx(), w.office, third.ID, ActionInput{Action: ActMerge, Version: third.Version, TargetID: &dup.ID})
	wantCode(t, err, EINVALID) // not into an appeal that is itself merged
}

// TestMergedStaysMerged: a merged appeal is not reopened on its own, and nothing merges
// into an appeal that is closed.
func TestMergedStaysMerged(t *testing.T) {
	w := newWorld(t)
	orig, dup := w.file(t, w.ent, nil), w.file(t, w.ent, nil)
	dup = w.act(t, w.office, dup, ActionInput{Action: ActMerge, TargetID: &orig.ID, Note: "重复提交"})
	_, err := w.db.Act(ctx(), w.auditor, dup.ID, ActionInput{Action: ActReopen, Version: dup.Version, Note: "重新办理"})
	wantCode(t, err, ECONFLICT)
	if got, _ := w.db.FindAppeal(ctx(), w.auditor, dup.ID); got.Stage != StageClosed || contains(got.AllowedActions, ActReopen) {
		t.Errorf("merged appeal after a reopen attempt: stage %s, allowed %v", got.Stage, got.AllowedActions)
	}
	done := w.at(t, StageClosed)
	late := w.file(t, w.ent, nil)
	_, err = w.db.Act(ctx(), w.office, late.ID, ActionInput{Action: ActMerge, Version: late.Version, TargetID: &done.ID})
	wantCode(t, err, EINVALID)
	missing := int64(1 << 40)
	_, err = w.db.Act(ctx(), w.office, late.ID, ActionInput{Action: ActMerge, Version: late.Version, TargetID: &missing})
	wantCode(t, err, EINVALID)
}
