package db

import (
	"bytes"
	"testing"
)

// reportWord is a word found only in the scoped report's text, to search for it.
const reportWord = "暗示需要另外"

// reportReaders files a report about c.deptID that an auditor assigns to c.otherDeptID,
// and answers, for each actor, whether it should see it.
func reportReaders(t *testing.T, c *city) (int64, map[string]Actor, map[string]bool) {
	t.Helper()
	_, id := c.report(t, c.deptID, "", "")
	c.act(t, c.auditor, id, ActionInput{Action: ActAccept})
	c.act(t, c.auditor, id, ActionInput{Action: ActAssign, DepartmentID: &c.otherDeptID})
	// Even a row that names the department complained of as a handler must not open the
	// report to it.
	if _, err := c.db.write.Exec("INSERT INTO appeal_departments (appeal_id, department_id) VALUES (?, ?)", id, c.deptID); err != nil {
		t.Fatal(err)
	}
	var leader int64
	if err := c.db.read.QueryRow("SELECT MIN(id) FROM leaders").Scan(&leader); err != nil {
		t.Fatal(err)
	}
	actors := map[string]Actor{
		"office": c.office, "admin": c.admin, "auditor": c.auditor,
		"about":    c.dept,
		"assigned": {UserID: 900, Name: "承办单位", Role: RoleDepartment, DepartmentID: c.otherDeptID},
		"other":    {UserID: 901, Name: "其他单位", Role: RoleDepartment, DepartmentID: c.thirdDeptID},
		"leader":   {UserID: 902, Name: "包保领导", Role: RoleLeader, LeaderID: leader},
	}
	sees := map[string]bool{"auditor": true, "assigned": true}
	return id, actors, sees
}

// Reports are the discipline office's: the office, admins, leaders, other departments
// and above all the department complained of find no trace of one in lists, search,
// the appeal itself, its timeline or an export; only the auditor and the department it
// was assigned to do.
func TestReportScope(t *testing.T) {
	c := mustCity(t)
	id, actors, sees := reportReaders(t, c)
	for name, a := range actors {
		want := sees[name]
		_, err := c.db.FindAppeal(ctx(), a, id)
		if got := err == nil; got != want {
			t.Errorf("%s opens the report: %v, want %v (%v)", name, got, want, err)
		} else if !want && ErrorCode(err) != ENOTFOUND {
			t.Errorf("%s: %v, want not found", name, err)
		}
		if _, err := c.db.AppealEvents(ctx(), a, id); (err == nil) != want {
			t.Errorf("%s reads the timeline: %v", name, err)
		}
		for _, f := range []AppealFilter{{}, {Source: SourceReport}, {Q: reportWord}, {Q: "好处"}} {
			list, err := c.db.ListAppeals(ctx(), a, f)
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
		n, err := c.db.ExportAppeals(ctx(), a, AppealFilter{Source: SourceReport}, &buf)
		if err != nil && ErrorCode(err) != EFORBIDDEN {
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
	c := mustCity(t)
	reportReaders(t, c)
	f := AppealFilter{Source: SourceReport}
	for _, a := range []Actor{c.office, c.admin, c.auditor} {
		fig, err := c.db.Overview(ctx(), a, f)
		if err != nil {
			t.Fatal(err)
		}
		if fig.Filed != 1 {
			t.Errorf("%s: the city figures count %d reports, want 1", a.Role, fig.Filed)
		}
	}
	if list, _ := c.db.ListAppeals(ctx(), c.office, f); list.Total != 0 || list.HiddenReports != 1 {
		t.Errorf("the office's drill-down lists %d reports and says it leaves out %d, want 0 and 1", list.Total, list.HiddenReports)
	}
	// The whole city: what the list shows and what it says it leaves out add up to the figure.
	for _, a := range []Actor{c.office, c.admin, c.auditor} {
		fig, _ := c.db.Overview(ctx(), a, AppealFilter{})
		list, err := c.db.ListAppeals(ctx(), a, AppealFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if list.Total+list.HiddenReports != fig.Filed {
			t.Errorf("%s: list %d + hidden %d, figure %d", a.Role, list.Total, list.HiddenReports, fig.Filed)
		}
	}
	if list, _ := c.db.ListAppeals(ctx(), c.auditor, f); list.HiddenReports != 0 {
		t.Errorf("the auditor is told of %d hidden reports", list.HiddenReports)
	}
}

// A merge never crosses the line between reports and other appeals: the merged appeal's
// timeline names its target.
func TestMergeAcrossReportBoundary(t *testing.T) {
	c := mustCity(t)
	_, report := c.report(t, c.deptID, "", "")
	_, other := c.report(t, c.otherDeptID, "", "")
	hot, err := c.db.CreateAppeal(ctx(), c.office, AppealInput{Title: "窗口人员索要好处费", Content: "热线反映窗口人员索要好处费的问题。", Category: "其他",
		EnterpriseID: anEnterprise(t, c)})
	if err != nil {
		t.Fatal(err)
	}
	merge := func(a Actor, id, target int64) error {
		ap, err := c.db.FindAppeal(ctx(), a, id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.db.Act(ctx(), a, id, ActionInput{Action: ActMerge, Version: ap.Version, TargetID: &target})
		return err
	}
	if err := merge(c.auditor, report, hot.ID); ErrorCode(err) != EINVALID {
		t.Errorf("a report merged into a hotline appeal: %v", err)
	}
	if err := merge(c.office, hot.ID, report); ErrorCode(err) != EINVALID {
		t.Errorf("a hotline appeal merged into a report: %v", err)
	}
	if n := countOf(t, c.db, "SELECT COUNT(*) FROM appeals WHERE merged_into IS NOT NULL"); n != 0 {
		t.Fatalf("%d appeals merged across the line", n)
	}
	if err := merge(c.auditor, other, report); err != nil {
		t.Errorf("a report merged into a report: %v", err)
	}
}

// A class shows only the appeals its reader may see, and never comes to be owned by the
// department one of its reports is about.
func TestIssueClassHidesReports(t *testing.T) {
	c := mustCity(t)
	id, actors, _ := reportReaders(t, c)
	hot, err := c.db.CreateAppeal(ctx(), c.office, AppealInput{Title: "审批材料反复补正", Content: "同一事项被要求反复补正材料。", Category: "其他",
		EnterpriseID: anEnterprise(t, c)})
	if err != nil {
		t.Fatal(err)
	}
	in := IssueClassInput{Title: "窗口作风问题", Category: "其他", DepartmentID: c.otherDeptID, Month: "2026-03",
		DueDate: "2026-04-30", AppealIDs: []int64{hot.ID, id}}
	if _, err := c.db.CreateIssueClass(ctx(), c.office, in); ErrorCode(err) != EINVALID {
		t.Fatalf("the office put a report into a class: %v", err)
	}
	in.AppealIDs = []int64{hot.ID}
	ic, err := c.db.CreateIssueClass(ctx(), c.office, in)
	if err != nil {
		t.Fatal(err)
	}
	// A report that came into the class by another way (older data).
	if _, err := c.db.write.Exec("INSERT INTO issue_class_appeals (class_id, appeal_id, added_at) VALUES (?, ?, 0)", ic.ID, id); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"office", "admin", "auditor", "assigned"} {
		got, err := c.db.FindIssueClass(ctx(), actors[name], ic.ID)
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
		list, err := c.db.ListIssueClasses(ctx(), actors[name], IssueClassFilter{})
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
		fig, err := c.db.Overview(ctx(), actors[name], AppealFilter{DrillFilter: DrillFilter{IssueClassID: ic.ID}})
		if err != nil {
			t.Fatal(name, err)
		}
		if fig.Filed != len(got.AppealIDs) {
			t.Errorf("%s: the class's figures count %d, its list %d", name, fig.Filed, len(got.AppealIDs))
		}
	}
	// Handing the class to the department complained of is refused.
	_, err = c.db.UpdateIssueClass(ctx(), c.office, ic.ID, IssueClassUpdate{Version: ic.Version, DepartmentID: &c.deptID})
	if ErrorCode(err) != EINVALID {
		t.Errorf("the class went to the department the report is about: %v", err)
	}
}

func anEnterprise(t *testing.T, c *city) *int64 {
	t.Helper()
	var id int64
	if err := c.db.read.QueryRow("SELECT MIN(id) FROM enterprises").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return &id
}

// The discipline office takes a report through intake (accept, assign, close); the
// office, which could not open one anyway, is never offered these.
func TestReportIntakeIsTheAuditors(t *testing.T) {
	c := mustCity(t)
	_, id := c.report(t, c.deptID, "", "")
	ap, err := c.db.FindAppeal(ctx(), c.auditor, id)
	if err != nil {
		t.Fatal(err)
	}
	now := c.db.Now()
	if got := allowedActions(ap, c.auditor, now); !contains(got, ActAccept) {
		t.Errorf("the auditor may not accept a report: %v", got)
	}
	for _, st := range []Stage{StageDiscovered, StageVerifying, StageFeedback} {
		x := *ap
		x.Stage = st
		for _, act := range allowedActions(&x, c.office, now) {
			if isIntake(act) {
				t.Errorf("the office is offered %s on a report in %s", act, st)
			}
		}
	}
	x := *ap
	x.Stage = StageVerifying
	if got := allowedActions(&x, c.auditor, now); !contains(got, ActAssign) {
		t.Errorf("the auditor may not assign a report: %v", got)
	}
	x.Stage = StageFeedback
	x.FeedbackAt = &now
	x.Rating = &Rating{RatedAt: now, Satisfaction: "satisfied", Resolved: true}
	if got := allowedActions(&x, c.auditor, now); !contains(got, ActClose) {
		t.Errorf("the auditor may not close a rated report: %v", got)
	}
}
