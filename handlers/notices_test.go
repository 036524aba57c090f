package handlers_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestNoticeCentre: an assignment reaches the department's notices and its bell; the
// department opens one (read, and on to the appeal), marks them read by id and all at
// once; no one reads or marks another's notices; a bad request says why.
func TestNoticeCentre(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	office, dept := a.login("office"), a.login("department")
	me := a.do("GET", "/api/v1/me", dept, nil)
	deptID := num(me.JSON["department_id"])
	ent := a.do("GET", "/api/v1/enterprises?limit=1", office, nil).items()[0]
	r := a.do("POST", "/api/v1/appeals", office, map[string]any{"title": "厂区周边道路破损", "content": "厂区门口道路破损严重，货车进出困难，请尽快修复。",
		"category": "其他", "source": "hotline", "enterprise_id": ent["id"]})
	mustStatus(a, r, 201, "file")
	id, ver := num(r.JSON["id"]), num(r.JSON["version"])
	r = a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/actions", id), office, map[string]any{"action": "accept", "version": ver})
	mustStatus(a, r, 200, "accept")
	r = a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/actions", id), office, map[string]any{"action": "assign", "version": num(r.JSON["version"]), "department_id": deptID})
	mustStatus(a, r, 200, "assign")

	list := a.do("GET", "/api/v1/notifications?unread=true", dept, nil)
	mustStatus(a, list, 200, "list")
	var notice map[string]any
	for _, n := range list.items() {
		if n["kind"] == "appeal.assigned" && num(n["object_id"]) == id {
			notice = n
		}
	}
	if notice == nil || notice["link"] != fmt.Sprintf("/appeals/%d", id) || !strings.Contains(fmt.Sprint(notice["title"]), "厂区周边道路破损") {
		t.Fatalf("the assignment's notice: %v in %s", notice, list.Body)
	}
	unread := num(list.JSON["unread"])
	if unread < 1 {
		t.Fatalf("unread %d", unread)
	}
	home := a.page("GET", "/", dept, nil)
	if !strings.Contains(string(home.Body), fmt.Sprintf(`data-bell aria-label="通知，%d 条未读"`, unread)) {
		t.Errorf("the bell does not show %d unread", unread)
	}
	nid := num(notice["id"])

	// Someone else's notice is neither marked nor opened.
	if r := a.do("POST", "/api/v1/notifications/read", office, map[string]any{"ids": []int64{nid}}); r.Status != 200 || num(r.JSON["marked"]) != 0 {
		t.Errorf("the office marked the department's notice: %s", r)
	}
	if r := a.page("GET", fmt.Sprintf("/notices/%d", nid), office, nil); r.Status != 404 {
		t.Errorf("the office opened the department's notice: %d", r.Status)
	}
	if r := a.do("GET", "/api/v1/notifications", "", nil); r.Status != 401 {
		t.Errorf("notices without a token: %d", r.Status)
	}
	if r := a.do("POST", "/api/v1/notifications/read", dept, map[string]any{}); r.Status != 422 || !strings.Contains(string(r.Body), "标为已读") {
		t.Errorf("nothing to mark: %s", r)
	}

	page := a.page("GET", "/notices", dept, nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), fmt.Sprintf(`href="/notices/%d"`, nid)) || !strings.Contains(string(page.Body), "nt-unread") {
		t.Fatalf("the notice page: %d", page.Status)
	}
	open := a.page("GET", fmt.Sprintf("/notices/%d", nid), dept, nil)
	if open.Status != 303 || open.Header.Get("Location") != fmt.Sprintf("/appeals/%d", id) {
		t.Errorf("opening the notice: %d to %q", open.Status, open.Header.Get("Location"))
	}
	after := a.do("GET", "/api/v1/notifications?unread=true", dept, nil)
	if num(after.JSON["unread"]) != unread-1 {
		t.Errorf("unread after opening one: %v, want %d", after.JSON["unread"], unread-1)
	}
	r = a.page("POST", "/notices/read", dept, map[string][]string{"all": {"1"}})
	if r.Status != 303 {
		t.Errorf("mark all from the page: %d", r.Status)
	}
	if left := a.do("GET", "/api/v1/notifications?unread=true", dept, nil); num(left.JSON["unread"]) != 0 || len(left.items()) != 0 {
		t.Errorf("unread after marking all: %s", left.Body)
	}
}
