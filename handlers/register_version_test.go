package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestRegisterStaleEdits edits each register twice from the same version, over the API
// (version in the body, then If-Match) and from its edit form: the second edit must be
// refused with 409 and a Chinese message, and must write nothing.
func TestRegisterStaleEdits(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	user := a.do("POST", "/api/v1/users", admin, map[string]any{"username": "stale.user", "password": "我们一起建设亲清政商关系",
		"display_name": "甲", "role": "office"})
	dept := a.do("GET", "/api/v1/departments?limit=1", admin, nil).items()[0]
	leader := a.do("GET", "/api/v1/leaders?limit=1", admin, nil).items()[0]
	ent := a.do("GET", "/api/v1/enterprises?limit=1", admin, nil).items()[0]
	pair := a.do("GET", "/api/v1/liaisons?limit=1&active=true", admin, nil).items()[0]
	one := func(kind string, id any) string { return fmt.Sprintf("/api/v1/%s/%d", kind, num(id)) }

	tests := []struct {
		name, path   string
		first, stale map[string]any
		keep         string // a field the first edit set, which must survive
		form         string
		formFields   url.Values
	}{
		{"user", one("users", user.JSON["id"]), map[string]any{"disabled": true}, map[string]any{"disabled": false}, "disabled",
			fmt.Sprintf("/admin/users/%d/status", num(user.JSON["id"])), url.Values{"disabled": {"false"}}},
		{"department", one("departments", dept["id"]), map[string]any{"name": "市营商环境建设局"}, map[string]any{"kind": "改"}, "name",
			fmt.Sprintf("/admin/departments/%d", num(dept["id"])), url.Values{"name": {"旧名称局"}, "kind": {""}}},
		{"leader", one("leaders", leader["id"]), map[string]any{"phone": "13900139000"}, map[string]any{"phone": ""}, "phone",
			fmt.Sprintf("/admin/leaders/%d", num(leader["id"])), url.Values{"name": {"旧姓名"}, "title": {""}, "phone": {""}}},
		{"enterprise", one("enterprises", ent["id"]), map[string]any{"address": "石油大街 88 号"}, map[string]any{"address": ""}, "address",
			fmt.Sprintf("/admin/enterprises/%d", num(ent["id"])), url.Values{"name": {str(ent, "name")}, "credit_code": {str(ent, "credit_code")},
				"address": {""}}},
		{"liaison", one("liaisons", pair["id"]), map[string]any{"note": "每月走访"}, map[string]any{"until": "2099-01-01"}, "note",
			fmt.Sprintf("/admin/liaisons/%d/end", num(pair["id"])), url.Values{"until": {"2099-01-01"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := a.do("GET", tt.path, admin, nil)
			v := g.id("version")
			if g.Status != 200 || v < 1 || g.Header.Get("ETag") != fmt.Sprintf(`"%d"`, v) {
				t.Fatalf("get: version %d, ETag %q: %s", v, g.Header.Get("ETag"), g)
			}
			first := map[string]any{"version": v}
			for k, x := range tt.first {
				first[k] = x
			}
			if r := a.do("PATCH", tt.path, admin, first); r.Status != 200 || r.id("version") != v+1 || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, v+1) {
				t.Fatalf("first edit: %s", r)
			}
			stale := map[string]any{"version": v}
			for k, x := range tt.stale {
				stale[k] = x
			}
			r := a.do("PATCH", tt.path, admin, stale)
			if r.Status != 409 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
				!strings.Contains(fmt.Sprint(r.JSON["detail"]), "已被他人修改") || !contains(r.fields(), "version") {
				t.Errorf("stale edit in the body: %s", r)
			}
			req := a.request("PATCH", tt.path, admin, tt.stale)
			req.Header.Set("If-Match", fmt.Sprintf(`"%d"`, v))
			if r := a.send(req); r.Status != 409 {
				t.Errorf("stale edit by If-Match: %s", r)
			}
			// A stale edit from the form: refused, the page shows why and the row as it is.
			form := url.Values{"version": {fmt.Sprint(v)}}
			for k, x := range tt.formFields {
				form[k] = x
			}
			p := a.page("POST", tt.form, admin, form)
			body := string(p.Body)
			if p.Status != 409 || !strings.Contains(body, "您的修改没有保存") || !strings.Contains(body, fmt.Sprintf(`name="version" value="%d"`, v+1)) {
				t.Errorf("stale form: %d %.300s", p.Status, body)
			}
			after := a.do("GET", tt.path, admin, nil)
			if after.id("version") != v+1 || fmt.Sprint(after.JSON[tt.keep]) != fmt.Sprint(tt.first[tt.keep]) {
				t.Errorf("a refused edit wrote: %s", after)
			}
			req = a.request("PATCH", tt.path, admin, tt.stale)
			req.Header.Set("If-Match", fmt.Sprintf(`"%d"`, v+1))
			if r := a.send(req); r.Status != 200 || r.id("version") != v+2 {
				t.Errorf("current If-Match: %s", r)
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
