package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var han = regexp.MustCompile(`\p{Han}`)

// snapshot counts every register and the audit log, to prove a failed write left no trace.
func (a *api) snapshot() string {
	var b strings.Builder
	for _, p := range []string{"users", "departments", "leaders", "enterprises", "liaisons", "audit/events"} {
		fmt.Fprintf(&b, "%s=%d ", p, a.totalOf("/api/v1/"+p+"?limit=1"))
	}
	return b.String()
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	adminID := num(a.me(admin)["id"])
	dept := a.do("GET", "/api/v1/departments?limit=1", admin, nil).items()[0]
	other := a.do("GET", "/api/v1/enterprises/2", admin, nil).JSON
	officeID := num(a.me(a.login("office"))["id"])
	huge := `{"name":"` + strings.Repeat("长", 400_000) + `"}`
	user := func(name, role string) string {
		return fmt.Sprintf(`{"username":%q,"password":"我们一起建设亲清政商关系","role":%q}`, name, role)
	}
	tests := []struct {
		name, method, path, ctype, body string
		status                          int
		field                           string
	}{
		{"malformed JSON", "POST", "/api/v1/departments", "application/json", `{"name":`, 400, ""},
		{"syntax error", "POST", "/api/v1/departments", "application/json", `{"name" "市测试局"}`, 400, ""},
		{"unknown field", "POST", "/api/v1/departments", "application/json", `{"name":"市测试局","bogus":1}`, 400, "bogus"},
		{"wrong type", "POST", "/api/v1/departments", "application/json", `{"name":5}`, 422, "name"},
		{"wrong type of id", "POST", "/api/v1/liaisons", "application/json", `{"leader_id":"1","enterprise_id":1}`, 422, "leader_id"},
		{"array instead of object", "POST", "/api/v1/departments", "application/json", `[{"name":"市测试局"}]`, 400, ""},
		{"two objects", "POST", "/api/v1/departments", "application/json", `{"name":"市测试局"}{"name":"市另一局"}`, 400, ""},
		{"empty body", "POST", "/api/v1/departments", "application/json", ``, 400, ""},
		{"null body", "POST", "/api/v1/departments", "application/json", `null`, 422, "name"},
		{"body over 1 MB", "POST", "/api/v1/departments", "application/json", huge, 413, ""},
		{"text/plain", "POST", "/api/v1/departments", "text/plain", `{"name":"市测试局"}`, 400, ""},
		{"form encoded", "POST", "/api/v1/departments", "application/x-www-form-urlencoded", `name=x`, 400, ""},
		{"no content type", "POST", "/api/v1/departments", "", `{"name":"市测试局"}`, 400, ""},
		{"JSON look-alike type", "POST", "/api/v1/departments", "application/jsonp", `{"name":"市测试局"}`, 400, ""},
		{"bad content type", "POST", "/api/v1/departments", "application/json; charset", `{"name":"市测试局"}`, 400, ""},
		{"invalid enum role", "POST", "/api/v1/users", "application/json", user("enumtest", "superuser"), 422, "role"},
		{"duplicate username", "POST", "/api/v1/users", "application/json", user("admin", "office"), 409, "username"},
		{"duplicate username in capitals", "POST", "/api/v1/users", "application/json", user("ADMIN", "office"), 409, "username"},
		{"duplicate department", "POST", "/api/v1/departments", "application/json", fmt.Sprintf(`{"name":%q}`, dept["name"]), 409, "name"},
		{"unknown leader", "POST", "/api/v1/liaisons", "application/json", `{"leader_id":999999,"enterprise_id":1}`, 422, "leader_id"},
		{"bad date", "POST", "/api/v1/liaisons", "application/json", `{"leader_id":1,"enterprise_id":1,"since":"2026-02-30"}`, 422, "since"},
		{"bad id", "PATCH", "/api/v1/enterprises/abc", "application/json", `{}`, 400, "id"},
		{"id zero", "PATCH", "/api/v1/users/0", "application/json", `{}`, 400, "id"},
		{"missing object", "PATCH", "/api/v1/enterprises/999999", "application/json", `{"district":"兴隆台区"}`, 404, ""},
		{"name too short", "PATCH", fmt.Sprintf("/api/v1/departments/%d", num(dept["id"])), "application/json", `{"name":"局"}`, 422, "name"},
		{"admin disables self", "PATCH", fmt.Sprintf("/api/v1/users/%d", adminID), "application/json", `{"disabled":true}`, 422, "disabled"},
		{"bad credit code on patch", "PATCH", "/api/v1/enterprises/1", "application/json", `{"credit_code":"914403001922038217"}`, 422, "credit_code"},
		{"duplicate credit code on patch", "PATCH", "/api/v1/enterprises/1", "application/json", fmt.Sprintf(`{"credit_code":%q}`, other["credit_code"]), 409, "credit_code"},
		{"role changed without its scope", "PATCH", fmt.Sprintf("/api/v1/users/%d", officeID), "application/json", `{"role":"leader"}`, 422, "leader_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.snapshot()
			req := a.request(tt.method, tt.path, admin, tt.body)
			req.Header.Del("Content-Type")
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			r := a.send(req)
			if r.Status != tt.status {
				t.Errorf("%s, want %d", r, tt.status)
			}
			checkProblem(t, r)
			if tt.field != "" {
				if f := r.fields(); len(f) == 0 || f[0] != tt.field {
					t.Errorf("errors name %v, want %s", f, tt.field)
				}
			}
			if after := a.snapshot(); after != before {
				t.Errorf("a failed write changed the data:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// checkProblem asserts an RFC 9457 document with a Chinese explanation.
func checkProblem(t *testing.T, r *resp) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("content type %q", ct)
	}
	detail, _ := r.JSON["detail"].(string)
	if !han.MatchString(detail) || num(r.JSON["status"]) != int64(r.Status) || r.JSON["title"] == nil || r.JSON["type"] == nil {
		t.Errorf("not a problem document with a Chinese detail: %s", r)
	}
	if _, ok := r.JSON["errors"].([]any); !ok {
		t.Errorf("problem without an errors list: %s", r)
	}
}

func TestBadReads(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	tests := []struct {
		method, path string
		status       []int
	}{
		{"GET", "/api/v1/nope", []int{404}},
		{"GET", "/api/v1/", []int{404}},
		{"GET", "/api/v1/enterprises/abc", []int{400}},
		{"GET", "/api/v1/enterprises/0", []int{400}},
		{"GET", "/api/v1/enterprises/-1", []int{400}},
		{"GET", "/api/v1/enterprises/1.5", []int{400}},
		{"GET", "/api/v1/enterprises/99999999999999999999", []int{400}},
		{"GET", "/api/v1/enterprises/999999", []int{404}},
		{"GET", "/api/v1/users/abc", []int{400}},
		{"GET", "/api/v1/users?role=superuser", []int{400, 422}},
		{"GET", "/api/v1/users?disabled=maybe", []int{400}},
		{"GET", "/api/v1/leaders/%20", []int{400, 404}},
		{"DELETE", "/api/v1/enterprises/1", []int{404, 405}},
		{"PUT", "/api/v1/departments/1", []int{404, 405}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := a.do(tt.method, tt.path, admin, nil)
			ok := false
			for _, s := range tt.status {
				ok = ok || r.Status == s
			}
			if !ok {
				t.Errorf("%s, want %v", r, tt.status)
			}
			checkProblem(t, r)
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	reqs := []*http.Request{
		a.request("GET", "/healthz", "", nil),
		a.request("GET", "/metrics", "", nil),
		a.request("GET", "/api/v1/me", admin, nil),
		a.request("GET", "/api/v1/me", "", nil),
		a.request("GET", "/api/v1/me", "not-a-token", nil),
		a.request("GET", "/api/v1/nope", admin, nil),
		a.request("GET", "/api/v1/openapi.json", "", nil),
		a.request("POST", "/api/v1/departments", admin, big),
		a.request("POST", "/api/v1/departments", admin, `{`),
		a.request("GET", "/login", "", nil),
		a.request("GET", "/", "", nil),
		a.request("GET", "/no-such-page", "", nil),
		a.request("GET", "/static/app.css", "", nil),
		a.request("POST", "/login", "", nil),
	}
	for _, req := range reqs {
		r := a.send(req)
		name := fmt.Sprintf("%s %s → %d", req.Method, req.URL.Path, r.Status)
		csp := r.Header.Get("Content-Security-Policy")
		switch {
		case r.Status == 0:
		case csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval"):
			t.Errorf("%s: CSP %q", name, csp)
		case !strings.Contains(csp, "frame-ancestors 'none'"):
			t.Errorf("%s: CSP without frame-ancestors 'none': %q", name, csp)
		case r.Header.Get("X-Content-Type-Options") != "nosniff":
			t.Errorf("%s: X-Content-Type-Options %q", name, r.Header.Get("X-Content-Type-Options"))
		case r.Header.Get("Referrer-Policy") == "":
			t.Errorf("%s: no Referrer-Policy", name)
		}
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	const csrf = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	form := func(path string, cookies map[string]string, fields url.Values) *resp {
		req := a.request("POST", path, "", fields.Encode())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		return a.send(req)
	}
	session := map[string]string{"qq_token": admin}
	both := map[string]string{"qq_token": admin, "qq_csrf": csrf}
	before := a.totalOf("/api/v1/departments")
	tests := []struct {
		name    string
		cookies map[string]string
		fields  url.Values
		status  int
	}{
		{"no token", session, url.Values{"name": {"市甲局"}}, 403},
		{"token without cookie", session, url.Values{"name": {"市乙局"}, "_csrf": {csrf}}, 403},
		{"wrong token", both, url.Values{"name": {"市丙局"}, "_csrf": {strings.Repeat("f", 64)}}, 403},
		{"empty token", both, url.Values{"name": {"市丁局"}, "_csrf": {""}}, 403},
		{"matching token", both, url.Values{"name": {"市戊局"}, "_csrf": {csrf}}, 303},
	}
	for _, tt := range tests {
		t.Run("form "+tt.name, func(t *testing.T) {
			if r := form("/admin/departments", tt.cookies, tt.fields); r.Status != tt.status {
				t.Errorf("%s, want %d", r, tt.status)
			}
		})
	}
	if got := a.totalOf("/api/v1/departments"); got != before+1 {
		t.Errorf("departments %d → %d; only the form with a matching token may write", before, got)
	}
	if r := form("/login", nil, url.Values{"username": {"admin"}, "password": {"qinqing-demo"}}); r.Status != 403 {
		t.Errorf("login form without CSRF: %s, want 403", r)
	}

	// The API with the session cookie instead of a Bearer token needs the header on writes.
	api := func(method, path string, body any, cookies map[string]string, header string) *resp {
		req := a.request(method, path, "", body)
		for k, v := range cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		if header != "" {
			req.Header.Set("X-CSRF-Token", header)
		}
		return a.send(req)
	}
	if r := api("GET", "/api/v1/me", nil, session, ""); r.Status != 200 {
		t.Errorf("GET with the cookie: %s", r)
	}
	for _, tt := range []struct {
		name, method, path, header string
		cookies                    map[string]string
		status                     int
	}{
		{"POST without header", "POST", "/api/v1/departments", "", session, 403},
		{"PATCH without header", "PATCH", "/api/v1/departments/1", "", both, 403},
		{"POST with a wrong header", "POST", "/api/v1/departments", strings.Repeat("e", 64), both, 403},
		{"POST with the header", "POST", "/api/v1/departments", csrf, both, 201},
	} {
		t.Run("api "+tt.name, func(t *testing.T) {
			r := api(tt.method, tt.path, map[string]string{"name": "市" + tt.name}, tt.cookies, tt.header)
			if r.Status != tt.status {
				t.Errorf("%s, want %d", r, tt.status)
			}
		})
	}
}
