package handlers_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"qinqing/db/demo"
	"strings"
	"testing"
	"time"

	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/handlers"
)

// startCalendarAPI serves the demo city on a clock set to at, which keeps running from
// there; the demo city comes with the 2025 and 2026 national calendar.
func startCalendarAPI(t *testing.T, at time.Time) *api {
	t.Helper()
	clk := &testClock{}
	clk.Advance(time.Until(at))
	d := dbtest.MustOpen(t)
	d.Now = clk.Now
	if _, err := demo.Build(context.Background(), d, ""); err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(handlers.Options{DB: d, Secret: testSecret, Now: clk.Now, Version: "test", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	a := &api{t: t, srv: srv, db: d, base: "http://" + ln.Addr().String(), tokens: map[string]string{},
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(func() {
		a.hc.CloseIdleConnections()
		srv.Shutdown(context.Background())
	})
	return a
}

// An appeal filed on the last working day before 国庆 2025 and assigned as 快速办 in
// working days is due on the right day: the eight days off are skipped and the 调休
// Saturday counts. Extensions then add working days or calendar days as they say.
func TestAPICalendarShiftsDueTimes(t *testing.T) {
	filed := time.Date(2025, 9, 30, 16, 0, 0, 0, db.Zone) // Tuesday, the day before 国庆
	a := startCalendarAPI(t, filed)
	admin, office, dept := a.login("admin"), a.login("office"), a.login("department")

	r := a.do("PUT", "/api/v1/settings/deadlines", admin, map[string]any{"tier": "fast", "unit": "workdays", "response_days": 1, "resolution_days": 3})
	mustStatus(a, r, 200, "set fast in working days")
	r = a.do("PUT", "/api/v1/settings/deadlines", admin, map[string]any{"tier": "escalated", "unit": "fortnights", "response_days": 1, "resolution_days": 3})
	if r.Status != 422 || !strings.Contains(r.String(), "时限单位须为") {
		t.Errorf("unknown unit: %s", r)
	}
	r = a.do("PUT", "/api/v1/settings/deadlines", office, map[string]any{"tier": "fast", "unit": "workdays", "response_days": 1, "resolution_days": 30})
	if r.Status != 403 {
		t.Errorf("office sets deadlines: %d", r.Status)
	}

	ap := a.loopFile("enterprise", nil)
	id := ap.id("id")
	deptID := a.me(dept)["department_id"]
	a.act(office, id, map[string]any{"action": "accept"})
	ap = a.act(office, id, map[string]any{"action": "assign", "department_id": deptID, "tier": "fast"})
	// 10/1–10/8 off; 10/9 Thu, 10/10 Fri, 10/11 the 调休 Saturday: due at its close.
	if ap.JSON["due_at"] != "2025-10-11T23:59:59+08:00" || ap.JSON["response_due_at"] != "2025-10-09T23:59:59+08:00" {
		t.Errorf("assigned as fast: due %v, response due %v", ap.JSON["due_at"], ap.JSON["response_due_at"])
	}
	page := a.page("GET", fmt.Sprintf("/appeals/%d", id), office, nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), "2025-10-11 23:59") {
		t.Errorf("appeal page does not show the calendar-shifted due time: %d", page.Status)
	}

	bad := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/actions", id), dept, map[string]any{"action": "request_extension",
		"version": ap.id("version"), "days": 2, "day_kind": "fortnights", "note": "需要更多时间"})
	if bad.Status != 422 || !strings.Contains(bad.String(), "工作日") {
		t.Errorf("extension of an unknown kind: %s", bad)
	}
	ap = a.act(dept, id, map[string]any{"action": "request_extension", "days": 2, "day_kind": "workdays", "note": "需协调市自然资源局"})
	if ext, _ := ap.JSON["extension_request"].(map[string]any); ext == nil || ext["day_kind"] != "workdays" {
		t.Errorf("pending extension: %v", ap.JSON["extension_request"])
	}
	if page := a.page("GET", fmt.Sprintf("/appeals/%d", id), office, nil); !strings.Contains(string(page.Body), "申请延期 2 个工作日") {
		t.Error("appeal page does not say the extension is in working days")
	}
	ap = a.act(office, id, map[string]any{"action": "approve_extension"})
	// 2 working days after Saturday 10/11: Monday 10/13 and Tuesday 10/14.
	if ap.JSON["extended_due_at"] != "2025-10-14T23:59:59+08:00" {
		t.Errorf("extended by 2 working days: %v", ap.JSON["extended_due_at"])
	}
	a.act(dept, id, map[string]any{"action": "request_extension", "days": 2, "day_kind": "calendar", "note": "再延两天"})
	ap = a.act(office, id, map[string]any{"action": "approve_extension"})
	if ap.JSON["extended_due_at"] != "2025-10-16T23:59:59+08:00" {
		t.Errorf("extended by 2 calendar days more: %v", ap.JSON["extended_due_at"])
	}
	// Without a kind, days are calendar days, as before kinds existed.
	a.act(dept, id, map[string]any{"action": "request_extension", "days": 1, "note": "最后一天"})
	ap = a.act(office, id, map[string]any{"action": "approve_extension"})
	if ap.JSON["extended_due_at"] != "2025-10-17T23:59:59+08:00" {
		t.Errorf("extended by 1 day of no kind: %v", ap.JSON["extended_due_at"])
	}

	// A tier in hours keeps the clock as it runs, holiday or not.
	ap = a.loopFile("office", map[string]any{"tier": "immediate"})
	created, _ := time.Parse(time.RFC3339, ap.JSON["created_at"].(string))
	due, _ := time.Parse(time.RFC3339, ap.JSON["due_at"].(string))
	if due.Sub(created) != 24*time.Hour || created.In(db.Zone).Day() != 30 {
		t.Errorf("马上办 in hours filed before the holiday: filed %v, due %v", created, due)
	}
}

// The calendar API: anyone reads it, only the admin writes it, and a whole year is
// replaced all or nothing.
func TestAPICalendar(t *testing.T) {
	a := startCalendarAPI(t, time.Now())
	admin, office := a.login("admin"), a.login("office")
	r := a.do("GET", "/api/v1/calendar?year=2026", office, nil)
	mustStatus(a, r, 200, "read 2026")
	items := r.items()
	if len(items) != 33+6 || items[0]["date"] != "2026-01-01" || items[0]["kind"] != "holiday" {
		t.Fatalf("2026 calendar: %d days, first %v", len(items), items[0])
	}
	for _, it := range items {
		if it["date"] == "2026-02-14" && it["kind"] != "workday" {
			t.Errorf("2026-02-14 is %v", it)
		}
	}
	if r := a.do("PUT", "/api/v1/calendar/days/2026-12-31", office, map[string]any{"kind": "holiday"}); r.Status != 403 {
		t.Errorf("office writes the calendar: %d", r.Status)
	}
	if r := a.do("PUT", "/api/v1/calendar/days/2026-12-31", admin, map[string]any{"kind": "holiday", "name": "测试"}); r.Status != 200 || r.JSON["date"] != "2026-12-31" {
		t.Errorf("admin lists a day: %s", r)
	}
	if r := a.do("PUT", "/api/v1/calendar/days/2026-12-32", admin, map[string]any{"kind": "holiday"}); r.Status != 422 {
		t.Errorf("a bad date: %s", r)
	}
	if r := a.do("DELETE", "/api/v1/calendar/days/2026-12-31", admin, nil); r.Status != 204 {
		t.Errorf("remove: %s", r)
	}
	if r := a.do("DELETE", "/api/v1/calendar/days/2026-12-31", admin, nil); r.Status != 404 {
		t.Errorf("remove again: %s", r)
	}
	// One bad day refuses the whole year; the stored year stays as it was.
	r = a.do("PUT", "/api/v1/calendar/2027", admin, map[string]any{"days": []map[string]any{
		{"date": "2027-02-06", "kind": "holiday", "name": "春节"}, {"date": "2026-02-07", "kind": "holiday"}, {"date": "2027-02-08", "kind": "rest"}}})
	if r.Status != 422 || !strings.Contains(string(r.Body), "不在 2027 年") || !strings.Contains(string(r.Body), "类型须为") {
		t.Errorf("bad year: %s", r)
	}
	r = a.do("PUT", "/api/v1/calendar/2027", admin, map[string]any{"days": []map[string]any{
		{"date": "2027-02-06T00:00:00+08:00", "kind": "holiday", "name": "春节"}, {"date": "2027-02-20", "kind": "workday"}}})
	if r.Status != 200 || len(r.items()) != 2 || r.items()[0]["date"] != "2027-02-06" {
		t.Errorf("2027: %s", r)
	}
}

// Importing a calendar sheet: a file with one bad row imports nothing and names the row.
func TestPagesCalendarImport(t *testing.T) {
	a := startCalendarAPI(t, time.Now())
	admin := a.login("admin")
	a.page("GET", "/admin/calendar?year=2025", admin, nil).wantPage(t, 200, "工作日历", "2025-01-26", "调休上班", "国庆节、中秋节")
	if r := a.page("GET", "/admin/calendar", a.login("office"), nil); r.Status != 404 && r.Status != 403 {
		t.Errorf("office sees the calendar admin page: %d", r.Status)
	}
	bad := "日期,类型,名称\n2027-01-01,节假日,元旦\n2027-02-30,节假日,春节\n2027-02-07,周末,调休\n2027-01-01,节假日,元旦\n"
	r := a.postForm("/admin/calendar/import", admin, map[string]string{}, map[string][]byte{"cal.csv": []byte(bad)})
	r.wantPage(t, 422, "未导入", "第 3 行", "第 4 行", "须为 节假日 或 调休上班", "与第 2 行重复")
	if r := a.do("GET", "/api/v1/calendar?year=2027", admin, nil); len(r.items()) != 0 {
		t.Errorf("a refused file left %d days", len(r.items()))
	}
	good := "日期,类型,名称\n2027-01-01,节假日,元旦\n2027/2/6,休,春节\n2027年2月20日,调休上班,春节调休\n"
	r = a.postForm("/admin/calendar/import", admin, map[string]string{}, map[string][]byte{"cal.csv": []byte(good)})
	if r.Status != 303 {
		t.Fatalf("good import: %s", r)
	}
	if r := a.do("GET", "/api/v1/calendar?year=2027", admin, nil); len(r.items()) != 3 || r.items()[2]["kind"] != "workday" {
		t.Errorf("imported 2027: %s", r)
	}
	// Through the API, again all or nothing.
	r = a.upload("/api/v1/calendar/import", admin, "cal.csv", []byte("日期,类型\n2028-01-01,节假日\nnot a date,节假日\n"))
	if r.Status != 422 || !strings.Contains(r.String(), "第 3 行") {
		t.Errorf("API import with a bad row: %s", r)
	}
	a.page("POST", "/admin/calendar/days", admin, map[string][]string{"date": {"2027-13-01"}, "kind": {"holiday"}}).wantPage(t, 422, "日期须为")
	r = a.page("POST", "/admin/calendar/days", admin, map[string][]string{"date": {"2027-10-09"}, "kind": {"workday"}, "name": {"国庆调休"}})
	if r.Status != 303 {
		t.Errorf("add a day: %s", r)
	}
	a.page("GET", "/admin/calendar?year=2027", admin, nil).wantPage(t, 200, "2027-10-09", "国庆调休")
}

// wantPage checks a page's status and that it says each of the texts.
func (r *resp) wantPage(t *testing.T, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("status %d, want %d: %.300s", r.Status, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(string(r.Body), s) {
			t.Errorf("page (status %d) does not say %q", r.Status, s)
		}
	}
}

// calendarRoleCases are the calendar's rows of the route-role table: everyone reads it,
// only the admin gets past the role check to write it.
func calendarRoleCases() []roleCase {
	badYear := map[string]any{"days": []map[string]any{{"date": "not a date", "kind": "holiday"}}}
	return []roleCase{
		{"GET", "/api/v1/calendar", nil, everyone, false, []int{200}, nil},
		{"PUT", "/api/v1/calendar/2026", badYear, adminOnly, false, []int{422}, nil},
		{"PUT", "/api/v1/calendar/days/2026-12-31", map[string]any{}, adminOnly, false, []int{422}, nil},
		{"DELETE", "/api/v1/calendar/days/2099-12-31", nil, adminOnly, false, []int{404}, nil},
		// Not a multipart upload: refused as a bad request once the role is admitted.
		{"POST", "/api/v1/calendar/import", nil, adminOnly, false, []int{400}, nil},
	}
}
