package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
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
	w := dbtest.NewWorld(t)
	ap := w.At(t, appeal.StageRectifying)
	ap = w.Act(t, w.Dept, ap, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 5, Note: "需要协调用地"})
	w.Advance(2 * time.Hour)
	to := w.OtherDept.DepartmentID
	before := ap
	got := w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: &to, Note: "原单位无权限办理"})
	if got.Stage != appeal.StageRectifying || got.DepartmentID == nil || *got.DepartmentID != to {
		t.Fatalf("after reassign: stage %s, department %v", got.Stage, got.DepartmentID)
	}
	if !got.DueAt.Equal(before.DueAt) || !got.ResponseDueAt.Equal(before.ResponseDueAt) || !got.AssignedAt.Equal(*before.AssignedAt) {
		t.Errorf("reassign moved the clock: due %v→%v, assigned %v→%v", before.DueAt, got.DueAt, before.AssignedAt, got.AssignedAt)
	}
	if got.Extension != nil {
		t.Error("the old department's extension request survived the reassignment")
	}
	events, err := appeal.Events(dbtest.Ctx(), w.DB, w.Office, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Action != appeal.ActReassign || last.ActionLabel != "改派" || last.Note != "原单位无权限办理" ||
		!strings.Contains(string(last.Data), `"from_department_id"`) {
		t.Errorf("timeline event: %+v %s", last, last.Data)
	}
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events WHERE action = 'appeal.reassign' AND object_id = ?", ap.ID); n != 1 {
		t.Errorf("%d audit rows for the reassignment, want 1", n)
	}
	// The new department works it; the old one still sees it but may not report.
	if _, err := appeal.Find(dbtest.Ctx(), w.DB, w.OtherDept, ap.ID); err != nil {
		t.Errorf("the new department cannot see it: %v", err)
	}
	_, err = appeal.Act(dbtest.Ctx(), w.DB, w.Dept, ap.ID, appeal.ActionInput{Action: appeal.ActReport, Version: got.Version, Note: "已办"})
	dbtest.WantCode(t, err, db.ECONFLICT)
	w.Act(t, w.OtherDept, got, appeal.ActionInput{Action: appeal.ActReport, Note: "已协调解决"})
}

func TestReassignRules(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.At(t, appeal.StageRectifying)
	to := w.OtherDept.DepartmentID
	same := w.Dept.DepartmentID
	in := appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: &to, Note: "改派理由"}
	for _, who := range []db.Actor{w.Auditor, w.Dept, w.Leader, w.Ent, w.Admin} {
		in.Version = ap.Version
		_, err := appeal.Act(dbtest.Ctx(), w.DB, who, ap.ID, in)
		if code := db.ErrorCode(err); code != db.EFORBIDDEN && code != db.ENOTFOUND {
			t.Errorf("%s reassigns: %v", who.Role, err)
		}
	}
	for _, c := range []struct {
		in   appeal.ActionInput
		code string
	}{
		{appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: &to}, db.EINVALID},                                  // no reason
		{appeal.ActionInput{Action: appeal.ActReassign, Note: "理由"}, db.EINVALID},                                         // no department
		{appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: &same, Note: "理由"}, db.EINVALID},                    // the same one
		{appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: dbtest.Ptr(int64(99999)), Note: "理由"}, db.EINVALID}, // none such
		{appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: &to, Note: "理由", Version: ap.Version + 1}, db.ECONFLICT},
	} {
		if c.in.Version == 0 {
			c.in.Version = ap.Version
		}
		_, err := appeal.Act(dbtest.Ctx(), w.DB, w.Office, ap.ID, c.in)
		dbtest.WantCode(t, err, c.code)
	}
	// Not before a department has it: 交办 is the way in.
	v := w.At(t, appeal.StageVerifying)
	_, err := appeal.Act(dbtest.Ctx(), w.DB, w.Office, v.ID, appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: &to, Note: "理由", Version: v.Version})
	dbtest.WantCode(t, err, db.ECONFLICT)
	// A new tier re-derives the deadlines from filing, as 交办 does.
	in = appeal.ActionInput{Action: appeal.ActReassign, DepartmentID: &to, Note: "升级处理", Tier: appeal.TierImmediate}
	got := w.Act(t, w.Office, ap, in)
	if got.Tier != appeal.TierImmediate || !got.DueAt.Equal(got.CreatedAt.Add(day)) || !got.ResponseDueAt.Equal(got.CreatedAt.Add(2*time.Hour)) {
		t.Errorf("reassigned as immediate: tier %s, due %v from %v", got.Tier, got.DueAt, got.CreatedAt)
	}
}

// TestListTotalUnderWrites files appeals in goroutines while others page the list: each
// page and its total come from one snapshot, so the total is never below the rows
// shown, and on the last page the total is exactly what came before plus what is shown.
func TestListTotalUnderWrites(t *testing.T) {
	w := dbtest.NewWorld(t)
	f := appeal.Filter{Stage: appeal.StageDiscovered, Sort: "due", Page: db.Page{Limit: 7}}
	var wg sync.WaitGroup
	var filed, checks atomic.Int64
	stop := make(chan struct{})
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 25; j++ {
				if _, err := appeal.Create(dbtest.Ctx(), w.DB, w.Office, appeal.Input{Title: "并发登记", Content: "并发登记的诉求内容。",
					Category: "其他", Source: appeal.SourceHotline, Tier: appeal.TierFast, EnterpriseID: &w.Ent.EnterpriseID}); err != nil {
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
				first, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, f)
				if err != nil {
					t.Error(err)
					return
				}
				lastPage := (first.Total + f.Limit - 1) / f.Limit
				g := f
				g.PageNo = max(lastPage, 1)
				list, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, g)
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
	w := dbtest.NewWorld(t)
	for i := 0; i < 12; i++ {
		w.File(t, w.Ent, nil)
	}
	f := appeal.Filter{EnterpriseID: w.Ent.EnterpriseID, PageNo: 2, Page: db.Page{Limit: 5}}
	first, err := appeal.List(dbtest.Ctx(), w.DB, w.Ent, f)
	if err != nil {
		t.Fatal(err)
	}
	seen, pages := len(first.Items), 1
	for next := first.NextCursor; next != ""; pages++ {
		if pages > first.Total {
			t.Fatal("the cursor never ends")
		}
		f.Cursor = next
		l, err := appeal.List(dbtest.Ctx(), w.DB, w.Ent, f)
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
