package handlers_test

import (
	"bytes"
	"fmt"
	"testing"
)

// The 办理单 shows an appeal to exactly those who may see its page; anyone else gets
// the same "not found" as the page gives, by id and by number alike.
func TestAppealPrintPage(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	company := a.login("enterprise")
	ap := a.do("POST", "/api/v1/appeals", company, map[string]any{"title": "厂区门前道路积水<script>",
		"content": "雨后厂区门前道路积水严重，货车无法进出。", "category": "物流"})
	if ap.Status != 201 {
		t.Fatalf("file appeal: %s", ap)
	}
	id, number := ap.id("id"), str(ap.JSON, "number")
	office := a.login("office")
	if r := a.act(office, id, map[string]any{"action": "accept", "version": ap.id("version"), "note": "已受理"}); r.Status != 200 {
		t.Fatalf("accept: %s", r)
	}
	byID, byNumber := fmt.Sprintf("/appeals/%d/print", id), "/appeals/"+number+"/print"

	for _, c := range []struct {
		role string
		want int
	}{{"enterprise", 200}, {"office", 200}, {"auditor", 200}, {"admin", 200}, {"department", 404}} {
		for _, path := range []string{byID, byNumber} {
			r := a.browse("GET", path, c.role, nil)
			if r.Status != c.want {
				t.Errorf("%s as %s: %d, want %d", path, c.role, r.Status, c.want)
				continue
			}
			if c.want != 200 {
				if bytes.Contains(r.Body, []byte("门前道路积水")) {
					t.Errorf("%s as %s leaks the appeal", path, c.role)
				}
				continue
			}
			for _, want := range []string{"涉企诉求办理单", number, "物流", "办理过程", "受理", "已受理", "企业评价", "办理期限",
				"厂区门前道路积水&lt;script&gt;", "print.css", `data-print`} {
				if !bytes.Contains(r.Body, []byte(want)) {
					t.Errorf("%s as %s: no %q", path, c.role, want)
				}
			}
			// A form on paper: no navigation, no inline script or style.
			for _, not := range []string{`class="nav"`, "<script>", "style="} {
				if bytes.Contains(r.Body, []byte(not)) {
					t.Errorf("%s as %s: has %q", path, c.role, not)
				}
			}
		}
	}
	if r := a.browse("GET", "/appeals/999999/print", "office", nil); r.Status != 404 {
		t.Errorf("missing appeal: %d", r.Status)
	}
	if r := a.browse("GET", "/appeals/SQ1999-000001/print", "office", nil); r.Status != 404 {
		t.Errorf("missing number: %d", r.Status)
	}
	if r := a.page("GET", byID, "", nil); r.Status != 303 && r.Status != 302 {
		t.Errorf("signed out: %d", r.Status)
	}
	if page := a.browse("GET", fmt.Sprintf("/appeals/%d", id), "office", nil); !bytes.Contains(page.Body, []byte(byID)) {
		t.Error("the appeal page does not link its 办理单")
	}
}
