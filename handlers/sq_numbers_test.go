package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"qinqing/db/demo"
	"slices"
	"strings"
	"testing"
)

// TestIssueClassBySQNumber: a class names its appeals by SQ number, in the API and on the
// page; ids are still accepted; a number outside the caller's reach is refused.
func TestIssueClassBySQNumber(t *testing.T) {
	a := startAPI(t)
	if _, err := demo.BuildAppeals(context.Background(), a.db, 200); err != nil {
		t.Fatal(err)
	}
	tok := a.login("office")
	items := a.do("GET", "/api/v1/appeals?limit=3&source=portal", tok, nil).items()
	if len(items) < 3 {
		t.Fatal("fewer than 3 portal appeals")
	}
	first, second, third := items[0], items[1], items[2]
	body := map[string]any{"title": "同类问题集中整治", "cause": "同类", "category": first["category"],
		"department_id": first["department_id"], "month": a.db.Now().Format("2006-01"), "due_date": "2030-01-31",
		"appeal_numbers": []string{str(first, "number")}, "appeal_ids": []int64{num(second["id"])}}
	created := a.do("POST", "/api/v1/issue-classes", tok, body)
	if created.Status != 201 {
		t.Fatalf("create by number: %s", created)
	}
	numbers := func(r *resp) []string {
		var out []string
		for _, n := range r.JSON["appeal_numbers"].([]any) {
			out = append(out, n.(string))
		}
		slices.Sort(out)
		return out
	}
	want := []string{str(first, "number"), str(second, "number")}
	slices.Sort(want)
	if got := numbers(created); !slices.Equal(got, want) {
		t.Errorf("appeal_numbers %v, want %v", got, want)
	}
	id := created.id("id")
	bad := map[string]any{"version": created.id("version"), "add_appeal_numbers": []string{"SQ2000-999999"}}
	if r := a.do("PATCH", fmt.Sprintf("/api/v1/issue-classes/%d", id), tok, bad); r.Status != 422 {
		t.Errorf("unknown number: %s", r)
	}
	up := a.do("PATCH", fmt.Sprintf("/api/v1/issue-classes/%d", id), tok, map[string]any{"version": created.id("version"),
		"remove_appeal_numbers": []string{str(second, "number")}})
	if up.Status != 200 || !slices.Equal(numbers(up), []string{str(first, "number")}) {
		t.Errorf("remove by number: %s", up)
	}
	// The page takes numbers typed in.
	r := a.page("POST", fmt.Sprintf("/issue-classes/%d", id), tok, url.Values{"version": {fmt.Sprint(up.id("version"))},
		"add_numbers": {strings.ToLower(str(third, "number"))}})
	if r.Status != 303 {
		t.Fatalf("add by number on the page: %s", r)
	}
	got := a.do("GET", fmt.Sprintf("/api/v1/issue-classes/%d", id), tok, nil)
	if !slices.Contains(numbers(got), str(third, "number")) {
		t.Errorf("after adding by number on the page: %v", numbers(got))
	}
	page := string(a.page("GET", "/issue-classes", tok, nil).Body)
	if strings.Contains(page, "内部 ID") || !strings.Contains(page, `name="appeal_numbers"`) {
		t.Error("the create form still asks for internal ids")
	}
}

// TestMergeBySQNumberAPI: the API's merge names the original by SQ number in target;
// target_id (the id) still works.
func TestMergeBySQNumberAPI(t *testing.T) {
	a, _ := startLoopAPI(t)
	orig := a.loopFile("enterprise", nil)
	dup := a.loopFile("enterprise", map[string]any{"title": "再次申请办理施工许可"})
	r := a.loopAct("office", dup.id("id"), map[string]any{"action": "merge", "version": dup.id("version"), "target": "SQ2000-999999"})
	if r.Status != 422 {
		t.Errorf("merge into an unknown number: %s", r)
	}
	r = a.loopAct("office", dup.id("id"), map[string]any{"action": "merge", "version": dup.id("version"), "target": str(orig.JSON, "number")})
	if r.Status != 200 || r.JSON["stage"] != "closed" || r.id("merged_into") != orig.id("id") {
		t.Fatalf("merge by number: %s", r)
	}
	dup2 := a.loopFile("enterprise", map[string]any{"title": "第三次申请办理施工许可"})
	r = a.loopAct("office", dup2.id("id"), map[string]any{"action": "merge", "version": dup2.id("version"), "target_id": orig.id("id")})
	if r.Status != 200 || r.id("merged_into") != orig.id("id") {
		t.Errorf("merge by id: %s", r)
	}
}
