package oversight_test

import (
	"bytes"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"qinqing/db/sheet"
	"testing"
)

// reportWord is a word found only in the scoped report's text, to search for it.
const reportWord = "暗示需要另外"

// reportReaders files a report about c.deptID that an auditor assigns to c.otherDeptID,
// and answers, for each actor, whether it should see it.
func reportReaders(t *testing.T, c *dbtest.City) (int64, map[string]db.Actor, map[string]bool) {
	t.Helper()
	_, id := c.Report(t, c.DeptID, "", "")
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActAccept})
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &c.OtherDeptID})
	// Even a row that names the department complained of as a handler must not open the
	// report to it.
	if _, err := c.DB.Write.Exec("INSERT INTO appeal_departments (appeal_id, department_id) VALUES (?, ?)", id, c.DeptID); err != nil {
		t.Fatal(err)
	}
	var leader int64
	if err := c.DB.Read.QueryRow("SELECT MIN(id) FROM leaders").Scan(&leader); err != nil {
		t.Fatal(err)
	}
	actors := map[string]db.Actor{
		"office": c.Office, "admin": c.Admin, "auditor": c.Auditor,
		"about":    c.Dept,
		"assigned": {UserID: 900, Name: "承办单位", Role: db.RoleDepartment, DepartmentID: c.OtherDeptID},
		"other":    {UserID: 901, Name: "其他单位", Role: db.RoleDepartment, DepartmentID: c.ThirdDeptID},
		"leader":   {UserID: 902, Name: "包保领导", Role: db.RoleLeader, LeaderID: leader},
	}
	sees := map[string]bool{"auditor": true, "assigned": true}
	return id, actors, sees
}

// Reports are the discipline office's: the office, admins, leaders, other departments
// and above all the department complained of find no trace of one in lists, search,
// the appeal itself, its timeline or an export; only the auditor and the department it
// was assigned to do.
func TestReportScope(t *testing.T) {
	c := dbtest.MustCity(t)
	id, actors, sees := reportReaders(t, c)
	for name, a := range actors {
		want := sees[name]
		_, err := appeal.Find(dbtest.Ctx(), c.DB, a, id)
		if got := err == nil; got != want {
			t.Errorf("%s opens the report: %v, want %v (%v)", name, got, want, err)
		} else if !want && db.ErrorCode(err) != db.ENOTFOUND {
			t.Errorf("%s: %v, want not found", name, err)
		}
		if _, err := appeal.Events(dbtest.Ctx(), c.DB, a, id); (err == nil) != want {
			t.Errorf("%s reads the timeline: %v", name, err)
		}
		for _, f := range []appeal.Filter{{}, {Source: appeal.SourceReport}, {Q: reportWord}, {Q: "好处"}} {
			list, err := appeal.List(dbtest.Ctx(), c.DB, a, f)
			if err != nil {
				t.Fatal(name, err)
			}
			found := false
			for _, ap := range list.Items {
				found = found || ap.ID == id
			}
			if found != want {
				t.Errorf("%s lists the report with %+v: %v", name, f, found)
			}
		}
		var buf bytes.Buffer
		n, err := sheet.ExportAppeals(dbtest.Ctx(), c.DB, a, appeal.Filter{Source: appeal.SourceReport}, &buf)
		if err != nil && db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatal(name, err)
		}
		if (n > 0) != want {
			t.Errorf("%s exports %d reports", name, n)
		}
	}
}

// City figures count a report for every city-wide role; the lists behind them do not
// show it to the office.
func TestReportCountedNotListed(t *testing.T) {
	c := dbtest.MustCity(t)
	reportReaders(t, c)
	f := appeal.Filter{Source: appeal.SourceReport}
	for _, a := range []db.Actor{c.Office, c.Admin, c.Auditor} {
		fig, err := figures.Overview(dbtest.Ctx(), c.DB, a, f)
		if err != nil {
			t.Fatal(err)
		}
		if fig.Filed != 1 {
			t.Errorf("%s: the city figures count %d reports, want 1", a.Role, fig.Filed)
		}
	}
	if list, _ := appeal.List(dbtest.Ctx(), c.DB, c.Office, f); list.Total != 0 || list.HiddenReports != 1 {
		t.Errorf("the office's drill-down lists %d reports and says it leaves out %d, want 0 and 1", list.Total, list.HiddenReports)
	}
	// The whole city: what the list shows and what it says it leaves out add up to the figure.
	for _, a := range []db.Actor{c.Office, c.Admin, c.Auditor} {
		fig, _ := figures.Overview(dbtest.Ctx(), c.DB, a, appeal.Filter{})
		list, err := appeal.List(dbtest.Ctx(), c.DB, a, appeal.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if list.Total+list.HiddenReports != fig.Filed {
			t.Errorf("%s: list %d + hidden %d, figure %d", a.Role, list.Total, list.HiddenReports, fig.Filed)
		}
	}
	if list, _ := appeal.List(dbtest.Ctx(), c.DB, c.Auditor, f); list.HiddenReports != 0 {
		t.Errorf("the auditor is told of %d hidden reports", list.HiddenReports)
	}
}

// A merge never crosses the line between reports and other appeals: the merged appeal's
// timeline names its target.
func TestMergeAcrossReportBoundary(t *testing.T) {
	c := dbtest.MustCity(t)
	_, report := c.Report(t, c.DeptID, "", "")
	_, other := c.Report(t, c.OtherDeptID, "", "")
	hot, err := appeal.Create(dbtest.Ctx(), c.DB, c.Office, appeal.Input{Title: "窗口人员索要好处费", Content: "热线反映窗口人员索要好处费的问题。", Category: "其他",
		EnterpriseID: anEnterprise(t, c)})
	if err != nil {
		t.Fatal(err)
	}
	merge := func(a db.Actor, id, target int64) error {
		ap, err := appeal.Find(dbtest.Ctx(), c.DB, a, id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = appeal.Act(dbtest.Ctx(), c.DB, a, id, appeal.ActionInput{Action: appeal.ActMerge, Version: ap.Version, TargetID: &target})
		return err
	}
	if err := merge(c.Auditor, report, hot.ID); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("a report merged into a hotline appeal: %v", err)
	}
	if err := merge(c.Office, hot.ID, report); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("a hotline appeal merged into a report: %v", err)
	}
	if n := dbtest.CountOf(t, c.DB, "SELECT COUNT(*) FROM appeals WHERE merged_into IS NOT NULL"); n != 0 {
		t.Fatalf("%d appeals merged across the line", n)
	}
	if err := merge(c.Auditor, other, report); err != nil {
		t.Errorf("a report merged into a report: %v", err)
	}
}

// A class shows only the appeals its reader may see, and never comes to be owned by the
// department one of its reports is about.
func TestIssueClassHidesReports(t *testing.T) {
	c := dbtest.MustCity(t)
	id, actors, _ := reportReaders(t, c)
	hot, err := appeal.Create(dbtest.Ctx(), c.DB, c.Office, appeal.Input{Title: "审批材料反复补正", Content: "同一事项被要求反复补正材料。", Category: "其他",
		EnterpriseID: anEnterprise(t, c)})
	if err != nil {
		t.Fatal(err)
	}
	in := figures.IssueClassInput{Title: "窗口作风问题", Category: "其他", DepartmentID: c.OtherDeptID, Month: "2026-03",
		DueDate: "2026-04-30", AppealIDs: []int64{hot.ID, id}}
	if _, err := figures.CreateIssueClass(dbtest.Ctx(), c.DB, c.Office, in); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("the office put a report into a class: %v", err)
	}
	in.AppealIDs = []int64{hot.ID}
	ic, err := figures.CreateIssueClass(dbtest.Ctx(), c.DB, c.Office, in)
	if err != nil {
		t.Fatal(err)
	}
	// A report that came into the class by another way (older data).
	if _, err := c.DB.Write.Exec("INSERT INTO issue_class_appeals (class_id, appeal_id, added_at) VALUES (?, ?, 0)", ic.ID, id); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"office", "admin", "auditor", "assigned"} {
		got, err := figures.FindIssueClass(dbtest.Ctx(), c.DB, actors[name], ic.ID)
		if err != nil {
			t.Fatal(name, err)
		}
		has := false
		for _, x := range got.AppealIDs {
			has = has || x == id
		}
		if want := name == "auditor" || name == "assigned"; has != want {
			t.Errorf("%s sees the report in the class: %v", name, has)
		}
		list, err := figures.ListIssueClasses(dbtest.Ctx(), c.DB, actors[name], figures.IssueClassFilter{})
		if err != nil {
			t.Fatal(name, err)
		}
		for _, x := range list.Items {
			for _, y := range x.AppealIDs {
				if y == id && name != "auditor" && name != "assigned" {
					t.Errorf("%s sees the report in the class list", name)
				}
			}
		}
		fig, err := figures.Overview(dbtest.Ctx(), c.DB, actors[name], appeal.Filter{DrillFilter: appeal.DrillFilter{IssueClassID: ic.ID}})
		if err != nil {
			t.Fatal(name, err)
		}
		if fig.Filed != len(got.AppealIDs) {
			t.Errorf("%s: the class's figures count %d, its list %d", name, fig.Filed, len(got.AppealIDs))
		}
	}
	// Handing the class to the department complained of is refused.
	_, err = figures.UpdateIssueClass(dbtest.Ctx(), c.DB, c.Office, ic.ID, figures.IssueClassUpdate{Version: ic.Version, DepartmentID: &c.DeptID})
	if db.ErrorCode(err) != db.EINVALID {
		t.Errorf("the class went to the department the report is about: %v", err)
	}
}

func anEnterprise(t *testing.T, c *dbtest.City) *int64 {
	t.Helper()
	var id int64
	if err := c.DB.Read.QueryRow("SELECT MIN(id) FROM enterprises").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return &id
}

// The discipline office takes a report through intake (accept, assign, close); the
// office, which could not open one anyway, is never offered these.
func TestReportIntakeIsTheAuditors(t *testing.T) {
	c := dbtest.MustCity(t)
	_, id := c.Report(t, c.DeptID, "", "")
	ap, err := appeal.Find(dbtest.Ctx(), c.DB, c.Auditor, id)
	if err != nil {
		t.Fatal(err)
	}
	now := c.DB.Now()
	if got := appeal.AllowedActions(ap, c.Auditor, now); !appeal.Contains(got, appeal.ActAccept) {
		t.Errorf("the auditor may not accept a report: %v", got)
	}
	for _, st := range []appeal.Stage{appeal.StageDiscovered, appeal.StageVerifying, appeal.StageFeedback} {
		x := *ap
		x.Stage = st
		for _, act := range appeal.AllowedActions(&x, c.Office, now) {
			if appeal.IsIntake(act) {
				t.Errorf("the office is offered %s on a report in %s", act, st)
			}
		}
	}
	x := *ap
	x.Stage = appeal.StageVerifying
	if got := appeal.AllowedActions(&x, c.Auditor, now); !appeal.Contains(got, appeal.ActAssign) {
		t.Errorf("the auditor may not assign a report: %v", got)
	}
	x.Stage = appeal.StageFeedback
	x.FeedbackAt = &now
	x.Rating = &appeal.Rating{RatedAt: now, Satisfaction: "satisfied", Resolved: true}
	if got := appeal.AllowedActions(&x, c.Auditor, now); !appeal.Contains(got, appeal.ActClose) {
		t.Errorf("the auditor may not close a rated report: %v", got)
	}
}
