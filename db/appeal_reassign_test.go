package db

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReassign: the office moves rectification to another department without a return;
// the due times stay, the step is on the timeline and in the audit chain, and the old
// department can no longer report on work that is no longer its own.
func TestReassign(t *testing.T) {
	w := newWorld(t)
	ap := w.at(t, StageRectifying)
	ap = w.act(t, w.dept, ap, ActionInput{Action: ActRequestExtension, Days: 5, Note: "需要协调用地"})
	w.advance(2 * time.Hour)
	to := w.otherDept.DepartmentID
	before := ap
	got := w.act(t, w.office, ap, ActionInput{Action: ActReassign, DepartmentID: &to, Note: "原单位无权限办理"})
	if got.Stage != StageRectifying || got.DepartmentID == nil || *got.DepartmentID != to {
		t.Fatalf("after reassign: stage %s, department %v", got.Stage, got.DepartmentID)
	}
	if !got.DueAt.Equal(before.DueAt) || !got.ResponseDueAt.Equal(before.ResponseDueAt) || !got.AssignedAt.Equal(*before.AssignedAt) {
		t.Errorf("reassign moved the clock: due %v→%v, assigned %v→%v", before.DueAt, got.DueAt, before.AssignedAt, got.AssignedAt)
	}
	if got.Extension != nil {
		t.Error("the old department's extension request survived the reassignment")
	}
	events, err := w.db.AppealEvents(ctx(), w.office, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Action != ActReassign || last.ActionLabel != "改派" || last.Note != "原单位无权限办理" ||
		!strings.Contains(string(last.Data), `"from_department_id"`) {
		t.Errorf("timeline event: %+v %s", last, last.Data)
	}
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'appeal.reassign' AND object_id = ?", ap.ID); n != 1 {
		t.Errorf("%d audit rows for the reassignment, want 1", n)
	}
	// The new department works it; the old one still sees it but may not report.
	if _, err := w.db.FindAppeal(ctx(), w.otherDept, ap.ID); err != nil {
		t.Errorf("the new department cannot see it: %v", err)
	}
	_, err = w.db.Act(ctx(), w.dept, ap.ID, ActionInput{Action: ActReport, Version: got.Version, Note: "已办"})
	wantCode(t, err, ECONFLICT)
	w.act(t, w.otherDept, got, ActionInput{Action: ActReport, Note: "已协调解决"})
}

func TestReassignRules(t *testing.T) {
	w := newWorld(t)
	ap := w.at(t, StageRectifying)
	to := w.otherDept.DepartmentID
	same := w.dept.DepartmentID
	in := ActionInput{Action: ActReassign, DepartmentID: &to, Note: "改派理由"}
	for _, who := range []Actor{w.auditor, w.dept, w.leader, w.ent, w.admin} {
		in.Version = ap.Version
		_, err := w.db.Act(ctx(), who, ap.ID, in)
		if code := ErrorCode(err); code != EFORBIDDEN && code != ENOTFOUND {
			t.Errorf("%s reassigns: %v", who.Role, err)
		}
	}
	for _, c := range []struct {
		in   ActionInput
		code string
	}{
		{ActionInput{Action: ActReassign, DepartmentID: &to}, EINVALID},                           // no reason
		{ActionInput{Action: ActReassign, Note: "理由"}, EINVALID},                                  // no department
		{ActionInput{Action: ActReassign, DepartmentID: &same, Note: "理由"}, EINVALID},             // the same one
		{ActionInput{Action: ActReassign, DepartmentID: ptr(int64(99999)), Note: "理由"}, EINVALID}, // none such
		{ActionInput{Action: ActReassign, DepartmentID: &to, Note: "理由", Version: ap.Version + 1}, ECONFLICT},
	} {
		if c.in.Version == 0 {
			c.in.Version = ap.Version
		}
		_, err := w.db.Act(ctx(), w.office, ap.ID, c.in)
		wantCode(t, err, c.code)
	}
	// Not before a department has it: 交办 is the way in.
	v := w.at(t, StageVerifying)
	_, err := w.db.Act(ctx(), w.office, v.ID, ActionInput{Action: ActReassign, DepartmentID: &to, Note: "理由", Version: v.Version})
	wantCode(t, err, ECONFLICT)
	// A new tier re-derives the deadlines from filing, as 交办 does.
	in = ActionInput{Action: ActReassign, DepartmentID: &to, Note: "升级处理", Tier: TierImmediate}
	got := w.act(t, w.office, ap, in)
	if got.Tier != TierImmediate || !got.DueAt.Equal(got.CreatedAt.Add(day)) || !got.ResponseDueAt.Equal(got.CreatedAt.Add(2*time.Hour)) {
		t.Errorf("reassigned as immediate: tier %s, due %v from %v", got.Tier, got.DueAt, got.CreatedAt)
	}
}

// TestListTotalUnderWrites files appeals in goroutines while others page the list: each
// page and its total come from one snapshot, so the total is never below the rows
// shown, and on the last page the total is exactly what came before plus what is shown.
func TestListTotalUnderWrites(t *testing.T) {
	w := newWorld(t)
	f := AppealFilter{Stage: StageDiscovered, Sort: "due", Page: Page{Limit: 7}}
	var wg sync.WaitGroup
	var filed, checks atomic.Int64
	stop := make(chan struct{})
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 25; j++ {
				if _, err := w.db.CreateAppeal(ctx(), w.office, AppealInput{Title: "并发登记", Content: "并发登记的诉求内容。",
					Category: "其他", Source: SourceHotline, Tier: TierFast, EnterpriseID: &w.ent.EnterpriseID}); err != nil {
					t.Error(err)
					return
				}
				filed.Add(1)
			}
		}()
	}
	var readers sync.WaitGroup
	for i := 0; i < 3; i++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				first, err := w.db.ListAppeals(ctx(), w.office, f)
				if err != nil {
					t.Error(err)
					return
				}
				lastPage := (first.Total + f.Limit - 1) / f.Limit
				g := f
				g.PageNo = max(lastPage, 1)
				list, err := w.db.ListAppeals(ctx(), w.office, g)
				if err != nil {
					t.Error(err)
					return
				}
				offset := (g.PageNo - 1) * f.Limit
				if list.Total < len(list.Items) || list.Total < offset {
					t.Errorf("total %d with %d rows at offset %d", list.Total, len(list.Items), offset)
				}
				if list.NextCursor == "" && list.Total != offset+len(list.Items) {
					t.Errorf("last page: total %d, offset %d + %d rows", list.Total, offset, len(list.Items))
				}
				checks.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	if filed.Load() != 75 || checks.Load() == 0 {
		t.Fatalf("filed %d, checked %d", filed.Load(), checks.Load())
	}
}

// TestPageThenCursor: a list that starts at a page number goes on by its cursor to the
// end (an export that walks every page from there must end).
func TestPageThenCursor(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < 12; i++ {
		w.file(t, w.ent, nil)
	}
	f := AppealFilter{EnterpriseID: w.ent.EnterpriseID, PageNo: 2, Page: Page{Limit: 5}}
	first, err := w.db.ListAppeals(ctx(), w.ent, f)
	if err != nil {
		t.Fatal(err)
	}
	seen, pages := len(first.Items), 1
	for next := first.NextCursor; next != ""; pages++ {
		if pages > first.Total {
			t.Fatal("the cursor never ends")
		}
		f.Cursor = next
		l, err := w.db.ListAppeals(ctx(), w.ent, f)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(l.Items)
		next = l.NextCursor
	}
	if seen != first.Total-5 {
		t.Errorf("from page 2 on: %d rows of %d", seen, first.Total)
	}
}
