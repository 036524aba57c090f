package notify_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/notify"
	"qinqing/db/register"
	"testing"
)

// inbox is each demo account's notices about one object, by kind.
func inbox(t *testing.T, d *db.DB, who db.Actor, objectID int64) map[string]int {
	t.Helper()
	out := map[string]int{}
	rows, err := d.Read.Query("SELECT kind FROM notices WHERE user_id = ? AND object_id = ?", who.UserID, objectID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		rows.Scan(&k)
		out[k]++
	}
	return out
}

// TestNoticesReachThePeopleOfEachStep walks an appeal through the loop and checks, after
// every step, that exactly the people it concerns were told, and no one else.
func TestNoticesReachThePeopleOfEachStep(t *testing.T) {
	w := dbtest.NewWorld(t)
	everyone := map[string]db.Actor{"office": w.Office, "dept": w.Dept, "leader": w.Leader, "ent": w.Ent, "auditor": w.Auditor, "admin": w.Admin}
	ap := w.File(t, w.Ent, nil)
	expect := func(step string, want map[string]map[string]int) {
		t.Helper()
		for name, who := range everyone {
			got := inbox(t, w.DB, who, ap.ID)
			wk := want[name]
			for k, n := range wk {
				if got[k] != n {
					t.Errorf("after %s: %s has %d %s notices, want %d", step, name, got[k], k, n)
				}
			}
			for k, n := range got {
				if wk[k] == 0 {
					t.Errorf("after %s: %s was told %s (%d)", step, name, k, n)
				}
			}
		}
	}
	expect("filing", nil)
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActAccept})
	ap = w.Act(t, w.Office, ap, w.AssignTo(w.Dept.DepartmentID))
	want := map[string]map[string]int{"dept": {notify.AppealAssigned: 1}}
	expect("assign", want)
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActUrge, Note: "请加快办理，企业等待开工。"})
	want["dept"][notify.AppealUrged] = 1
	expect("urge", want)
	ap = w.Act(t, w.Dept, ap, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 3, Note: "需要协调用地手续，申请延期三天。"})
	want["office"] = map[string]int{notify.AppealExtension: 1}
	expect("extension request", want)
	ap = w.Act(t, w.Dept, ap, appeal.ActionInput{Action: appeal.ActReport, Note: "已整改完毕"})
	want["ent"] = map[string]int{notify.AppealFeedback: 1}
	expect("report", want)
	ap = w.Act(t, w.Ent, ap, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(false), Satisfaction: "unsatisfied", Note: "问题没有解决"})
	want["office"][notify.AppealUnsatisfied] = 1
	want["dept"][notify.AppealUnsatisfied] = 1
	expect("unsatisfied rating", want)
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActEscalate, Note: "企业不满意，提级办理。"})
	want["leader"] = map[string]int{notify.AppealEscalated: 1}
	expect("escalate", want)

	// A refused step tells no one.
	before := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM notices")
	stale := ap.Version - 1
	if _, err := appeal.Act(dbtest.Ctx(), w.DB, w.Office, ap.ID, appeal.ActionInput{Action: appeal.ActUrge, Note: "再次催办。", Version: stale}); err == nil {
		t.Fatal("a stale version was taken")
	}
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM notices"); got != before {
		t.Errorf("a refused step wrote %d notices", got-before)
	}
}

// TestReportNoticesSkipTheDepartmentItIsAbout: a report goes to the discipline office,
// never the office; the department assigned is told, the department it is about never,
// and the desk's notices of a report go to the auditors with the workspace's link.
func TestReportNoticesSkipTheDepartmentItIsAbout(t *testing.T) {
	c := dbtest.MustCity(t)
	u, err := register.CreateUser(dbtest.Ctx(), c.DB, c.Admin, register.UserInput{Username: "other-dept", Password: "另一个单位的密码-2026",
		DisplayName: "被举报单位", Role: db.RoleDepartment, DepartmentID: &c.OtherDeptID})
	if err != nil {
		t.Fatal(err)
	}
	about := register.ActorOf(u)
	_, id := c.Report(t, c.OtherDeptID, "", "")
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActAccept})
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &c.DeptID})
	c.Act(t, c.Dept, id, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 2, Note: "需要调取监控录像核实，申请延期。"})
	if got := inbox(t, c.DB, c.Dept, id); got[notify.AppealAssigned] != 1 {
		t.Errorf("the assigned department: %v", got)
	}
	if got := inbox(t, c.DB, about, id); len(got) != 0 {
		t.Errorf("the department the report is about was told: %v", got)
	}
	if got := inbox(t, c.DB, c.Office, id); len(got) != 0 {
		t.Errorf("the office was told of a report: %v", got)
	}
	var link string
	if err := c.DB.Read.QueryRow("SELECT link FROM notices WHERE user_id = ? AND object_id = ? AND kind = ?",
		c.Auditor.UserID, id, notify.AppealExtension).Scan(&link); err != nil {
		t.Fatalf("the auditor was not told of the extension request: %v", err)
	}
	if want := fmt.Sprintf("/oversight/appeals/%d", id); link != want {
		t.Errorf("auditor's link %q, want %q", link, want)
	}
	// Whatever names it, the department a report is about is left out.
	if err := c.DB.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		n, err := notify.Add(tx, notify.Notice{Kind: notify.AppealUrged, Title: "x"}, notify.To{DepartmentID: c.OtherDeptID, Except: c.OtherDeptID})
		if n != 0 {
			t.Errorf("a notice to the excepted department reached %d users", n)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestDueSoonOnce: the clock tells the holder once when 80% of the time is used, however
// often it runs, and not before.
func TestDueSoonOnce(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.File(t, w.Office, func(in *appeal.Input) { in.Source = appeal.SourceHotline; in.Tier = appeal.TierFast })
	ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActAccept})
	ap = w.Act(t, w.Office, ap, w.AssignTo(w.Dept.DepartmentID))
	span := ap.EffectiveDue().Sub(ap.CreatedAt)
	w.Advance(span * 7 / 10)
	if n, err := appeal.NoticeDueSoon(dbtest.Ctx(), w.DB); err != nil || n != 0 {
		t.Fatalf("at 70%%: %d notices, %v", n, err)
	}
	w.Advance(span / 10 * 15 / 10)
	for i := 0; i < 3; i++ {
		n, err := appeal.NoticeDueSoon(dbtest.Ctx(), w.DB)
		if err != nil || n != map[bool]int{true: 1, false: 0}[i == 0] {
			t.Fatalf("run %d past 80%%: %d notices, %v", i, n, err)
		}
	}
	if got := inbox(t, w.DB, w.Dept, ap.ID); got[notify.AppealDueSoon] != 1 {
		t.Errorf("the holder's due-soon notices: %v", got)
	}
}

// TestMarkRead: a user marks its own notices read, by id or all; another user's ids change
// nothing; the unread count follows.
func TestMarkRead(t *testing.T) {
	w := dbtest.NewWorld(t)
	ctx := dbtest.Ctx()
	for i := 0; i < 3; i++ {
		ap := w.File(t, w.Ent, nil)
		ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActAccept})
		w.Act(t, w.Office, ap, w.AssignTo(w.Dept.DepartmentID))
	}
	mine, err := notify.Mine(ctx, w.DB, w.Dept, db.Page{}, true)
	if err != nil || mine.Unread < 3 || len(mine.Items) != mine.Unread {
		t.Fatalf("unread %+v %v", mine, err)
	}
	first := mine.Items[0].ID
	if n, err := notify.MarkRead(ctx, w.DB, w.Office, []int64{first}, false); err != nil || n != 0 {
		t.Errorf("another user marked the department's notice: %d %v", n, err)
	}
	if _, err := notify.Open(ctx, w.DB, w.Office, first); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("another user opened the department's notice: %v", err)
	}
	if n, err := notify.MarkRead(ctx, w.DB, w.Dept, []int64{first}, false); err != nil || n != 1 {
		t.Errorf("mark one: %d %v", n, err)
	}
	if left, _ := notify.Unread(ctx, w.DB, w.Dept); left != mine.Unread-1 {
		t.Errorf("unread after one: %d, want %d", left, mine.Unread-1)
	}
	if _, err := notify.MarkRead(ctx, w.DB, w.Dept, nil, false); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("nothing named: %v", err)
	}
	if n, err := notify.MarkRead(ctx, w.DB, w.Dept, nil, true); err != nil || n != mine.Unread-1 {
		t.Errorf("mark all: %d %v", n, err)
	}
	if left, _ := notify.Unread(ctx, w.DB, w.Dept); left != 0 {
		t.Errorf("unread after all: %d", left)
	}
}
