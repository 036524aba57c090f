package handlers_test

import (
	"fmt"
	"net/url"
	"qinqing/db/demo"
	"strings"
	"testing"
)

// Reports belong to the discipline office. The office (often in the very bureau complained
// of), admins, leaders, enterprises and the department a report is about find no trace of
// one anywhere: every GET route, searched and swept with the reports' ids, answers without
// their numbers or titles, and the reports, their timelines and files answer 404. The
// auditor and the department an auditor assigned sees it; city figures still count it.
func TestReportsHiddenBeyondTheDisciplineOffice(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	v := buildVault(t, a)
	auditor := a.login("auditor")
	var marks []string
	for _, id := range []int64{v.report, v.pageReport} {
		r := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", id), auditor, nil)
		mustStatus(a, r, 200, "auditor reads a report")
		marks = append(marks, str(r.JSON, "number"), str(r.JSON, "title"))
	}
	var files []int64
	for _, e := range a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", v.pageReport), auditor, nil).items() {
		atts, _ := e["attachments"].([]any)
		for _, x := range atts {
			files = append(files, num(x.(map[string]any)["id"]))
		}
	}
	if len(files) == 0 {
		t.Fatal("the page report has no file to test")
	}
	for _, role := range []string{"office", "admin", "leader", "enterprise", "department"} {
		tok := a.login(role)
		for what, r := range v.everything(t, a, role) {
			if strings.Contains(what, v.receipt) {
				continue // the receipt opens its report to whoever holds it
			}
			for _, m := range marks {
				if strings.Contains(string(r.Body), m) {
					t.Errorf("%s %s shows the report's %q", role, what, m)
				}
			}
		}
		for _, id := range []int64{v.report, v.pageReport} {
			for _, p := range []string{"/api/v1/appeals/%d", "/api/v1/appeals/%d/events"} {
				if r := a.do("GET", fmt.Sprintf(p, id), tok, nil); r.Status != 404 {
					t.Errorf("%s GET %s: %d, want 404", role, fmt.Sprintf(p, id), r.Status)
				}
			}
			if r := a.page("GET", fmt.Sprintf("/appeals/%d", id), tok, nil); r.Status != 404 {
				t.Errorf("%s opens the report's page: %d", role, r.Status)
			}
		}
		for _, f := range files {
			if r := a.do("GET", fmt.Sprintf("/api/v1/attachments/%d", f), tok, nil); r.Status != 404 {
				t.Errorf("%s downloads the report's file %d: %d", role, f, r.Status)
			}
		}
	}
	if r := a.do("GET", fmt.Sprintf("/api/v1/attachments/%d", files[0]), auditor, nil); r.Status != 200 {
		t.Errorf("the auditor downloads the report's file: %d", r.Status)
	}

	// The department an auditor assigned the report to sees that one, not the other.
	mustStatus(a, a.do("POST", "/api/v1/users", a.login("admin"), map[string]any{"username": "assignee", "password": demo.Password,
		"display_name": "承办单位经办人", "role": "department", "department_id": v.otherDept}), 201, "create the assignee")
	assignee := a.freshLogin("assignee", demo.Password)
	mustStatus(a, a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", v.report), assignee, nil), 200, "the assignee reads its report")
	mustStatus(a, a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", v.pageReport), assignee, nil), 404, "the assignee reads another report")
	found := a.do("GET", "/api/v1/appeals?q="+url.QueryEscape(reportTitle), assignee, nil).items()
	if len(found) != 1 || num(found[0]["id"]) != v.report {
		t.Errorf("the assignee's search: %v", found)
	}

	// City figures count both reports for the office; the list behind the figure shows none.
	office := a.login("office")
	fig := a.do("GET", "/api/v1/stats/overview?source=report", office, nil)
	mustStatus(a, fig, 200, "office figures")
	if num(fig.JSON["filed"]) != 2 {
		t.Errorf("the office's figures count %v reports, want 2", fig.JSON["filed"])
	}
	if l := a.do("GET", "/api/v1/appeals?source=report", office, nil); num(l.JSON["total"]) != 0 {
		t.Errorf("the office lists %v reports", l.JSON["total"])
	}
}
