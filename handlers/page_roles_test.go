package handlers_test

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// pageRoleRules are the UI's role rules written out by hand, by path prefix, so that a
// change to who may open a page has to be matched here; the table the server keeps must
// agree with them, and then every page is tried with every role it does not admit.
var pageRoleRules = []struct {
	prefix string
	roles  []string
}{
	{"/admin/liaisons", []string{"admin", "office"}},
	{"/admin/", []string{"admin"}},
	{"/oversight", []string{"auditor"}},
	{"/visits/new", []string{"leader"}},
	{"/appeals/new", []string{"office", "leader", "enterprise", "auditor"}},
}

var pathParam = regexp.MustCompile(`:[a-z_]+`)

func TestPageRoles(t *testing.T) {
	a := startAPI(t)
	routes := a.srv.PageRoutes()
	if len(routes) < 40 {
		t.Fatalf("only %d page routes recorded", len(routes))
	}
	// Every UI route the app serves went through the table.
	inTable := map[string]bool{}
	for _, r := range routes {
		inTable[r.Method+" "+r.Path] = true
	}
	for _, rt := range a.srv.App().GetRoutes(true) {
		if rt.Method == "HEAD" || rt.Method == "USE" || strings.HasPrefix(rt.Path, "/api/") ||
			strings.HasPrefix(rt.Path, "/static/") || rt.Path == "/healthz" || rt.Path == "/metrics" {
			continue
		}
		if !inTable[rt.Method+" "+rt.Path] {
			t.Errorf("%s %s is served but not in the page table", rt.Method, rt.Path)
		}
	}
	tokens := map[string]string{}
	for _, role := range demoRoles {
		tokens[role] = a.login(role)
	}
	for _, r := range routes {
		for _, rule := range pageRoleRules {
			if strings.HasPrefix(r.Path, rule.prefix) {
				got := make([]string, len(r.Roles))
				for i, role := range r.Roles {
					got[i] = string(role)
				}
				if r.Public || !sameSet(got, rule.roles) {
					t.Errorf("%s %s admits %v (public %v), want %v", r.Method, r.Path, got, r.Public, rule.roles)
				}
				break
			}
		}
		if r.Public {
			continue
		}
		path := pathParam.ReplaceAllString(r.Path, "1")
		var form url.Values
		if r.Method == "POST" {
			form = url.Values{}
		}
		// No session: to the sign-in page, never the page itself.
		if res := a.page(r.Method, path, "", form); res.Status != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s %s without a session: %d %s, want 303 to /login", r.Method, path, res.Status, res.Header.Get("Location"))
		}
		if len(r.Roles) == 0 {
			continue
		}
		for _, role := range demoRoles {
			admitted := false
			for _, x := range r.Roles {
				admitted = admitted || string(x) == role
			}
			if admitted {
				continue
			}
			if res := a.page(r.Method, path, tokens[role], form); res.Status != 404 {
				t.Errorf("%s %s as %s: %d, want 404", r.Method, path, role, res.Status)
			}
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
