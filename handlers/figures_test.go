package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"qinqing/db/demo"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// startFigures starts a demo city with a few hundred appeals played through the workflow.
func startFigures(t *testing.T) *api {
	t.Helper()
	a := startAPI(t)
	if _, err := demo.BuildAppeals(context.Background(), a.db, 500); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestStatsOverviewMatchesAppealLists checks, on the demo city, that every figure of the
// overview equals the total of the appeals list its drill-down filter names. (The office's
// figures count the city's reports, which its lists leave out.)
func TestStatsOverviewMatchesAppealLists(t *testing.T) {
	a := startFigures(t)
	for _, user := range []string{"auditor", "department", "enterprise"} {
		tok := a.login(user)
		ov := a.do("GET", "/api/v1/stats/overview", tok, nil)
		if ov.Status != 200 {
			t.Fatalf("%s overview: %s", user, ov)
		}
		drill, _ := ov.JSON["drill"].(map[string]any)
		for fig, key := range map[string]string{"filed": "filed", "open": "open", "overdue": "overdue", "closed": "closed",
			"reopened": "reopened", "returned": "returned", "responded": "responded", "rated": "rated",
			"resolved": "resolved", "satisfactory": "satisfactory", "on_time": "on_time", "handled": "handled"} {
			q, _ := drill[key].(string)
			list := a.do("GET", "/api/v1/appeals?limit=1&"+q, tok, nil)
			if list.Status != 200 || list.total() != int(num(ov.JSON[fig])) {
				t.Errorf("%s %s: figure %v, list ?%s → %s", user, fig, ov.JSON[fig], q, list)
			}
		}
	}
}

// TestStatsScope checks that an enterprise and a department get only their own figures.
func TestStatsScope(t *testing.T) {
	a := startFigures(t)
	city := a.do("GET", "/api/v1/stats/overview", a.login("office"), nil)
	for _, user := range []string{"enterprise", "department"} {
		tok := a.login(user)
		ov := a.do("GET", "/api/v1/stats/overview", tok, nil)
		all := a.do("GET", "/api/v1/appeals?limit=1", tok, nil)
		if num(ov.JSON["filed"]) != int64(all.total()) || num(ov.JSON["filed"]) >= num(city.JSON["filed"]) {
			t.Errorf("%s: filed %v, own appeals %d, city %v", user, ov.JSON["filed"], all.total(), city.JSON["filed"])
		}
		me := a.me(tok)
		rows := a.do("GET", "/api/v1/stats/departments", tok, nil)
		sum := int64(0)
		for _, r := range rows.items() {
			sum += num(r["filed"])
		}
		if sum != num(ov.JSON["filed"]) {
			t.Errorf("%s: departments add up to %d, overview %v", user, sum, ov.JSON["filed"])
		}
		if user == "enterprise" {
			other := a.do("GET", "/api/v1/stats/overview?enterprise_id=99999", tok, nil)
			if num(other.JSON["filed"]) != 0 {
				t.Errorf("enterprise sees another enterprise's figures: %s", other)
			}
			_ = me
		}
	}
	if r := a.do("GET", "/api/v1/reports/monthly", a.login("enterprise"), nil); r.Status != 403 {
		t.Errorf("enterprise reads the monthly report: %s", r)
	}
}

func TestMonthlyReportDownloadsAndHeadHash(t *testing.T) {
	a := startFigures(t)
	tok := a.login("auditor")
	month := a.db.Now().Format("2006-01")
	verify := a.do("GET", "/api/v1/audit/verify", tok, nil)
	rep := a.do("GET", "/api/v1/reports/monthly?month="+month, tok, nil)
	if rep.Status != 200 || rep.JSON["audit_head"] != verify.JSON["head"] || verify.JSON["head"] == "" {
		t.Fatalf("report head %v, verify head %v (%s)", rep.JSON["audit_head"], verify.JSON["head"], rep)
	}
	pdf := a.do("GET", "/api/v1/reports/monthly.pdf?month="+month, tok, nil)
	if pdf.Status != 200 || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %q", pdf.Status, pdf.Body[:min(20, len(pdf.Body))])
	}
	if !bytes.Contains(pdf.Body, []byte("/Keywords (qinqing monthly report "+month+")")) {
		t.Errorf("the pdf does not name the month %s", month)
	}
	xl := a.do("GET", "/api/v1/reports/monthly.xlsx?month="+month, tok, nil)
	f, err := excelize.OpenReader(bytes.NewReader(xl.Body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer f.Close()
	head, _ := f.GetCellValue("审计链", "C2")
	filed, _ := f.GetCellValue("总体情况", "B2")
	if head != verify.JSON["head"] || filed != fmt.Sprint(num(rep.JSON["figures"].(map[string]any)["filed"])) {
		t.Errorf("xlsx head %q filed %q", head, filed)
	}
	page := a.pageAs("auditor", "/reports/monthly?month="+month)
	if !strings.Contains(page, verify.JSON["head"].(string)) || !strings.Contains(page, "营商环境诉求办理月度通报") {
		t.Errorf("report page lacks the head hash or its title")
	}
	if bad := a.do("GET", "/api/v1/reports/monthly?month=2026-13", tok, nil); bad.Status != 422 {
		t.Errorf("bad month: %s", bad)
	}
}

func TestStatsPageRendersForEveryRole(t *testing.T) {
	a := startFigures(t)
	for _, user := range demoRoles {
		page := a.pageAs(user, "/stats?range=all")
		if !strings.Contains(page, `data-page="stats"`) || !strings.Contains(page, `id="stats-data"`) {
			t.Errorf("%s: /stats did not render", user)
		}
	}
}

func TestIssueClassLifecycle(t *testing.T) {
	a := startFigures(t)
	tok := a.login("office")
	list := a.do("GET", "/api/v1/appeals?limit=3&stage=rectifying", tok, nil)
	items := list.items()
	if len(items) == 0 {
		t.Fatal("no appeals in rectifying")
	}
	first := items[0]
	body := map[string]any{"title": "同类问题集中整治", "cause": first["title"], "category": first["category"],
		"department_id": first["department_id"], "month": a.db.Now().Format("2006-01"), "due_date": "2030-01-31",
		"appeal_ids": []int64{num(first["id"])}}
	created := a.do("POST", "/api/v1/issue-classes", tok, body)
	if created.Status != 201 || num(created.JSON["figures"].(map[string]any)["filed"]) != 1 {
		t.Fatalf("create: %s", created)
	}
	id := created.id("id")
	if r := a.do("GET", fmt.Sprintf("/api/v1/issue-classes/%d/candidates", id), tok, nil); r.Status != 200 {
		t.Errorf("candidates: %s", r)
	}
	if r := a.do("POST", "/api/v1/issue-classes", a.login("department"), body); r.Status != 403 {
		t.Errorf("a department creates a class: %s", r)
	}
	closed := a.do("PATCH", fmt.Sprintf("/api/v1/issue-classes/%d", id), tok, map[string]any{"version": 1, "status": "closed"})
	if closed.Status != 422 {
		t.Errorf("closing without a conclusion: %s", closed)
	}
	closed = a.do("PATCH", fmt.Sprintf("/api/v1/issue-classes/%d", id), tok, map[string]any{"version": 1, "status": "closed", "conclusion": "已出台统一办理指引"})
	if closed.Status != 200 || closed.JSON["status"] != "closed" {
		t.Fatalf("close: %s", closed)
	}
	if stale := a.do("PATCH", fmt.Sprintf("/api/v1/issue-classes/%d", id), tok, map[string]any{"version": 1, "title": "改名改名"}); stale.Status != 409 {
		t.Errorf("stale version: %s", stale)
	}
	ev := a.do("GET", fmt.Sprintf("/api/v1/audit/events?object_type=issue_class&object_id=%d", id), a.login("auditor"), nil)
	if ev.total() != 2 || ev.items()[0]["action"] != "issue_class.close" {
		t.Errorf("audit events of the class: %s", ev)
	}
	drill := a.do("GET", fmt.Sprintf("/api/v1/appeals?issue_class_id=%d", id), tok, nil)
	if drill.total() != 1 {
		t.Errorf("appeals of the class: %s", drill)
	}
}

// pageAs fetches a web page as a signed-in demo user (the session cookie carries the token).
func (a *api) pageAs(user, path string) string {
	req := a.request("GET", path, "", nil)
	req.Header.Set("Cookie", "qq_token="+a.login(user))
	r := a.send(req)
	if r.Status != 200 {
		a.t.Errorf("GET %s as %s: %d %s", path, user, r.Status, r.Body[:min(300, len(r.Body))])
	}
	return string(r.Body)
}
