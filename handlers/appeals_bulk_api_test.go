package handlers_test

import (
	"fmt"
	"qinqing/db/demo"
	"sort"
	"strings"
	"testing"
)

// TestAPIBulk accepts and then assigns many appeals through POST /appeals/bulk; a stale
// version and an appeal outside the office's sight fail alone; the other roles get 403.
func TestAPIBulk(t *testing.T) {
	a, _ := startLoopAPI(t)
	var ids []int64
	versions := map[string]int64{}
	for i := 0; i < 4; i++ {
		r := a.loopFile("enterprise", nil)
		ids = append(ids, r.id("id"))
		versions[fmt.Sprint(r.id("id"))] = r.id("version")
	}
	a.loopAct("enterprise", ids[3], map[string]any{"action": "comment", "note": "补充", "version": versions[fmt.Sprint(ids[3])]})
	report := a.loopFile("auditor", map[string]any{"source": "report", "contact_name": "赵举报", "contact_phone": "15804270001"})
	office := a.login("office")
	r := a.do("POST", "/api/v1/appeals/bulk", office, map[string]any{"action": "accept",
		"ids": append(append([]int64{}, ids...), report.id("id")), "versions": versions})
	if r.Status != 200 || r.id("succeeded") != 3 || r.id("failed") != 2 {
		t.Fatalf("bulk accept: %s", r)
	}
	for _, it := range r.items() {
		id := int64(it["id"].(float64))
		switch {
		case id == ids[3]:
			if it["ok"] != false || it["code"] != "conflict" || !strings.Contains(fmt.Sprint(it["error"]), "已被他人更新") {
				t.Errorf("stale item: %v", it)
			}
		case id == report.id("id"):
			if it["ok"] != false || it["code"] != "not_found" || it["number"] != nil {
				t.Errorf("a report answers the office %v", it)
			}
		default:
			if it["ok"] != true || it["stage"] != "verifying" {
				t.Errorf("accepted item: %v", it)
			}
		}
	}
	// 交办 by number, at a tier, without versions: each is taken at its version then.
	dept := a.me(a.login("department"))["department_id"]
	var numbers []string
	for _, id := range ids[:3] {
		numbers = append(numbers, fmt.Sprint(a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", id), office, nil).JSON["number"]))
	}
	r = a.do("POST", "/api/v1/appeals/bulk", office, map[string]any{"action": "assign", "numbers": numbers,
		"fields": map[string]any{"department_id": dept, "tier": "immediate"}})
	if r.Status != 200 || r.id("succeeded") != 3 {
		t.Fatalf("bulk assign: %s", r)
	}
	for _, user := range []string{"department", "enterprise", "leader", "admin"} {
		r := a.do("POST", "/api/v1/appeals/bulk", a.login(user), map[string]any{"action": "urge", "ids": ids})
		if r.Status != 403 {
			t.Errorf("%s bulk: %s", user, r)
		}
	}
	if r := a.do("POST", "/api/v1/appeals/bulk", office, map[string]any{"action": "close", "ids": ids}); r.Status != 422 {
		t.Errorf("bulk close: %s", r)
	}
}

// TestAPIReassign: 改派 is an action of the actions endpoint, the office's alone, with a
// reason; it keeps the due time and is on the timeline.
func TestAPIReassign(t *testing.T) {
	a, _ := startLoopAPI(t)
	dept := a.me(a.login("department"))["department_id"]
	ap := a.loopFile("enterprise", nil)
	ap = a.walkLoop(ap, step{"office", map[string]any{"action": "accept"}, "verifying"},
		step{"office", map[string]any{"action": "assign", "department_id": dept}, "rectifying"})
	other := int64(0)
	for _, d := range a.do("GET", "/api/v1/departments?limit=500", a.login("office"), nil).items() {
		if id := int64(d["id"].(float64)); fmt.Sprint(d["id"]) != fmt.Sprint(dept) {
			other = id
			break
		}
	}
	body := map[string]any{"action": "reassign", "department_id": other, "note": "职能调整", "version": ap.id("version")}
	for _, user := range []string{"department", "auditor", "leader", "enterprise"} {
		if r := a.loopAct(user, ap.id("id"), body); r.Status != 403 && r.Status != 404 {
			t.Errorf("%s reassigns: %s", user, r)
		}
	}
	if r := a.loopAct("office", ap.id("id"), map[string]any{"action": "reassign", "department_id": other, "version": ap.id("version")}); r.Status != 422 {
		t.Errorf("reassign without a reason: %s", r)
	}
	r := a.loopAct("office", ap.id("id"), body)
	if r.Status != 200 || r.JSON["stage"] != "rectifying" || r.id("department_id") != other || r.JSON["due_at"] != ap.JSON["due_at"] {
		t.Fatalf("reassign: %s", r)
	}
	ev := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", ap.id("id")), a.login("office"), nil).items()
	if last := ev[len(ev)-1]; last["action"] != "reassign" || last["action_label"] != "改派" || last["note"] != "职能调整" {
		t.Errorf("last event %v", last)
	}
	au := a.do("GET", fmt.Sprintf("/api/v1/audit/events?object_type=appeal&object_id=%d&action=appeal.reassign", ap.id("id")), a.login("auditor"), nil)
	if au.Status != 200 || len(au.items()) != 1 {
		t.Errorf("audit of the reassignment: %s", au)
	}
	// The timeline says from where to where, in words.
	from := a.do("GET", fmt.Sprintf("/api/v1/departments/%d", ap.id("department_id")), a.login("office"), nil).JSON["name"]
	to := a.do("GET", fmt.Sprintf("/api/v1/departments/%d", other), a.login("office"), nil).JSON["name"]
	page := a.page("GET", fmt.Sprintf("/appeals/%d", ap.id("id")), a.login("office"), nil)
	if want := fmt.Sprintf("改派自 %v 至 %v", from, to); !strings.Contains(string(page.Body), want) {
		t.Errorf("the appeal page does not say %q", want)
	}
}

// TestAPIAppealPagesAndOrders walks numbered pages in each order: the pages do not
// overlap, cover the total, and come in the order asked.
func TestAPIAppealPagesAndOrders(t *testing.T) {
	a := startAPI(t)
	if _, err := demo.BuildAppeals(t.Context(), a.db, 60); err != nil {
		t.Fatal(err)
	}
	office := a.login("office")
	for _, order := range []string{"new", "old", "due", "dept"} {
		seen := map[string]bool{}
		var rows []map[string]any
		total := -1
		for page := 1; ; page++ {
			r := a.do("GET", fmt.Sprintf("/api/v1/appeals?sort=%s&limit=20&page=%d", order, page), office, nil)
			if r.Status != 200 {
				t.Fatalf("%s page %d: %s", order, page, r)
			}
			total = r.total()
			for _, it := range r.items() {
				n := fmt.Sprint(it["number"])
				if seen[n] {
					t.Fatalf("%s: %s on two pages", order, n)
				}
				seen[n] = true
				rows = append(rows, it)
			}
			if r.JSON["next_cursor"] == "" {
				break
			}
		}
		if len(rows) != total || total == 0 {
			t.Errorf("%s: %d rows over the pages, total %d", order, len(rows), total)
		}
		key := func(i int) string {
			switch order {
			case "dept":
				if rows[i]["department_name"] == "" {
					return "\uffff"
				}
				return fmt.Sprint(rows[i]["department_name"])
			case "old":
				return fmt.Sprintf("%012d", int64(rows[i]["id"].(float64)))
			case "new":
				return fmt.Sprintf("%012d", 1<<40-int64(rows[i]["id"].(float64)))
			}
			return ""
		}
		if order != "due" && !sort.SliceIsSorted(rows, func(i, j int) bool { return key(i) < key(j) }) {
			t.Errorf("%s: pages are not in order", order)
		}
	}
	if r := a.do("GET", "/api/v1/appeals?page=0", office, nil); r.Status != 400 {
		t.Errorf("page=0: %s", r)
	}
	if r := a.do("GET", "/api/v1/appeals?sort=sideways", office, nil); r.Status != 422 {
		t.Errorf("sort=sideways: %s", r)
	}
}
