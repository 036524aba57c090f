package handlers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Role sets of contract §2, written out here rather than read from routes.go, so that a
// change to the route table has to be matched by a change to this test.
var (
	everyone     = demoRoles
	adminOnly    = []string{"admin"}
	adminAuditor = []string{"admin", "auditor"}
	notCompany   = []string{"admin", "office", "department", "leader", "auditor"}
	filers       = []string{"office", "leader", "enterprise", "auditor"}

	classReaders  = []string{"admin", "office", "department", "auditor"}
	classWriters  = []string{"admin", "office"}
	reportReaders = []string{"admin", "office", "auditor"}
	// monthlyReaders read the 通报: the city's staff and the leaders it is sent to.
	monthlyReaders = []string{"admin", "office", "auditor", "leader"}
)

// roleCase is one API route called by every role. Allowed roles get ok (or the status in
// scoped, where the object lies outside the role's scope); the others get 403; a caller
// without a token gets 401, or ok on a public route.
type roleCase struct {
	method, path string
	body         any
	roles        []string
	public       bool
	ok           []int
	scoped       map[string][]int
}

// roleIDs are the demo objects the route table calls with.
type roleIDs struct {
	admin, dept, leader, enterprise, liaison int64
}

func roleCases(x roleIDs) []roleCase {
	empty := map[string]any{}
	p := func(format string, id int64) string { return fmt.Sprintf(format, id) }
	notOwn := map[string][]int{"office": {404}, "department": {404}, "leader": {404}, "enterprise": {404}}
	// Departments see the enterprises of the appeals assigned to them, which may be none.
	deptMaybe := map[string][]int{"department": {200, 404}}
	return []roleCase{
		{"POST", "/api/v1/auth/login", empty, nil, true, []int{422}, nil},
		{"GET", "/api/v1/me", nil, everyone, false, []int{200}, nil},
		{"POST", "/api/v1/me/password", empty, everyone, false, []int{422}, nil},
		{"GET", "/api/v1/notifications", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/api-keys", nil, adminOnly, false, []int{200}, nil},
		{"POST", "/api/v1/api-keys", empty, adminOnly, false, []int{422}, nil},
		{"POST", "/api/v1/api-keys/999999/revoke", nil, adminOnly, false, []int{404}, nil},
		// Only a service key files tickets: every signed-in role is refused.
		{"POST", "/api/v1/integrations/hotline/tickets", empty, nil, false, nil, nil},
		{"POST", "/api/v1/notifications/read", empty, everyone, false, []int{422}, nil},

		{"GET", "/api/v1/users", nil, adminAuditor, false, []int{200}, nil},
		{"POST", "/api/v1/users", empty, adminOnly, false, []int{422}, nil},
		{"GET", p("/api/v1/users/%d", x.admin), nil, everyone, false, []int{200}, notOwn},
		{"PATCH", p("/api/v1/users/%d", x.admin), empty, adminOnly, false, []int{200}, nil},

		{"GET", "/api/v1/departments", nil, everyone, false, []int{200}, nil},
		{"POST", "/api/v1/departments", empty, adminOnly, false, []int{422}, nil},
		{"GET", p("/api/v1/departments/%d", x.dept), nil, everyone, false, []int{200}, nil},
		{"PATCH", p("/api/v1/departments/%d", x.dept), empty, adminOnly, false, []int{200}, nil},

		{"GET", "/api/v1/leaders", nil, notCompany, false, []int{200}, nil},
		{"POST", "/api/v1/leaders", empty, adminOnly, false, []int{422}, nil},
		{"GET", p("/api/v1/leaders/%d", x.leader), nil, notCompany, false, []int{200}, nil},
		{"PATCH", p("/api/v1/leaders/%d", x.leader), empty, adminOnly, false, []int{200}, nil},

		{"GET", "/api/v1/enterprises", nil, everyone, false, []int{200}, nil},
		{"POST", "/api/v1/enterprises", empty, adminOnly, false, []int{422}, nil},
		{"GET", p("/api/v1/enterprises/%d", x.enterprise), nil, everyone, false, []int{200}, deptMaybe},
		{"PATCH", p("/api/v1/enterprises/%d", x.enterprise), empty, adminOnly, false, []int{200}, nil},
		{"GET", "/api/v1/enterprises/review", nil, []string{"admin", "office"}, false, []int{200}, nil},
		{"POST", p("/api/v1/enterprises/%d/review", x.enterprise), nil, adminOnly, false, []int{409}, nil},

		{"GET", "/api/v1/liaisons", nil, everyone, false, []int{200}, nil},
		{"POST", "/api/v1/liaisons", empty, adminOnly, false, []int{422}, nil},
		{"GET", p("/api/v1/liaisons/%d", x.liaison), nil, everyone, false, []int{200}, deptMaybe},
		{"PATCH", p("/api/v1/liaisons/%d", x.liaison), empty, adminOnly, false, []int{200}, nil},

		// Appeals are checked in depth by their own tests; here only who may call them.
		{"GET", "/api/v1/appeals", nil, everyone, false, []int{200}, nil},
		{"POST", "/api/v1/appeals", empty, filers, false, []int{400, 422}, nil},
		{"GET", "/api/v1/appeals/1", nil, everyone, false, []int{200, 404}, nil},
		{"POST", "/api/v1/appeals/1/actions", empty, everyone, false, []int{400, 404, 409, 422}, nil},
		{"POST", "/api/v1/appeals/bulk", empty, []string{"office", "auditor"}, false, []int{422}, nil},
		{"GET", "/api/v1/appeals/1/events", nil, everyone, false, []int{200, 404}, nil},
		{"POST", "/api/v1/appeals/1/attachments", empty, everyone, false, []int{400, 404, 413, 415, 422}, nil},
		{"GET", "/api/v1/attachments/999999", nil, everyone, false, []int{404}, nil},
		{"GET", "/api/v1/categories", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/settings/deadlines", nil, everyone, false, []int{200}, nil},
		{"PUT", "/api/v1/settings/deadlines", empty, adminOnly, false, []int{200, 400, 422}, nil},

		// Figures are scoped, not refused; issue classes and the report are the office's.
		{"GET", "/api/v1/stats/overview", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/stats/trend", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/stats/rankings", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/stats/weights", nil, everyone, false, []int{200}, nil},
		{"PUT", "/api/v1/stats/weights", empty, adminOnly, false, []int{422}, nil},
		{"GET", "/api/v1/stats/departments", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/issue-classes", nil, classReaders, false, []int{200}, nil},
		{"POST", "/api/v1/issue-classes", empty, classWriters, false, []int{422}, nil},
		{"GET", "/api/v1/issue-classes/suggestions", nil, reportReaders, false, []int{200}, nil},
		{"GET", "/api/v1/issue-classes/999999", nil, classReaders, false, []int{404}, nil},
		{"PATCH", "/api/v1/issue-classes/999999", empty, classWriters, false, []int{404}, nil},
		{"GET", "/api/v1/issue-classes/999999/candidates", nil, classReaders, false, []int{404}, nil},
		{"GET", "/api/v1/reports/monthly", nil, monthlyReaders, false, []int{200}, nil},
		{"GET", "/api/v1/reports/monthly.pdf", nil, monthlyReaders, false, []int{200}, nil},
		{"GET", "/api/v1/reports/monthly.xlsx", nil, monthlyReaders, false, []int{200}, nil},

		{"GET", "/api/v1/audit/events", nil, adminAuditor, false, []int{200}, nil},
		{"GET", "/api/v1/audit/verify", nil, adminAuditor, false, []int{200}, nil},
		{"GET", "/api/v1/openapi.json", nil, nil, true, []int{200}, nil},
		// Last: it revokes the caller's tokens.
		{"POST", "/api/v1/auth/logout", nil, everyone, false, []int{204}, nil},
	}
}

func TestRouteRoles(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	ent := a.me(a.login("enterprise"))
	x := roleIDs{
		admin:      num(a.me(a.login("admin"))["id"]),
		dept:       num(a.me(a.login("department"))["department_id"]),
		leader:     num(a.me(a.login("leader"))["leader_id"]),
		enterprise: num(ent["enterprise_id"]),
	}
	pairs := a.do("GET", fmt.Sprintf("/api/v1/liaisons?enterprise_id=%d&active=true", x.enterprise), a.login("admin"), nil)
	if pairs.total() != 1 || num(pairs.items()[0]["leader_id"]) != x.leader {
		t.Fatalf("the demo enterprise account should belong to the demo leader: %s", pairs)
	}
	x.liaison = num(pairs.items()[0]["id"])
	cases := withOversightCases(roleCases(x), x)
	// The ledger's rows go before the last row, which signs everyone out.
	cases = slices.Insert(cases, len(cases)-1, append(ledgerRoleCases(x), calendarRoleCases()...)...)

	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method+" "+c.path] = true
	}
	for _, rt := range a.srv.App().GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Method == "HEAD" {
			continue
		}
		found := false
		for k := range covered {
			if m, p, _ := strings.Cut(k, " "); m == rt.Method && samePattern(rt.Path, p) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s %s has no row in the role table", rt.Method, rt.Path)
		}
	}

	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			for _, role := range append([]string{""}, demoRoles...) {
				want := []int{403}
				switch {
				case role == "" && c.public:
					want = c.ok
				case role == "":
					want = []int{401}
				case c.public || slices.Contains(c.roles, role):
					want = c.ok
					if s, ok := c.scoped[role]; ok {
						want = s
					}
				}
				tok := ""
				if role != "" {
					tok = a.login(role)
				}
				r := a.do(c.method, c.path, tok, c.body)
				if !slices.Contains(want, r.Status) {
					t.Errorf("role %q: %s, want %v", role, r, want)
				}
				if r.Status >= 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("role %q: %d answered as %q", role, r.Status, r.Header.Get("Content-Type"))
				}
			}
		})
	}
}

// samePattern reports whether a Fiber route pattern matches a concrete path.
func samePattern(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if ps[i] != xs[i] && !strings.HasPrefix(ps[i], ":") {
			return false
		}
	}
	return true
}

// TestScope checks that objects outside a caller's scope answer 404 and lists hold only
// what the caller may see.
func TestScope(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin, leader, company := a.login("admin"), a.login("leader"), a.login("enterprise")
	leaderID := num(a.me(leader)["leader_id"])
	ownEnt := num(a.me(company)["enterprise_id"])
	all := a.enterprises(t, "")
	var other int64
	otherCode := ""
	for _, e := range all {
		if e.LeaderID != leaderID {
			other, otherCode = e.ID, e.CreditCode
			break
		}
	}

	get := func(tok, path string, want int) {
		t.Helper()
		if r := a.do("GET", path, tok, nil); r.Status != want {
			t.Errorf("GET %s: %s, want %d", path, r, want)
		}
	}
	get(leader, fmt.Sprintf("/api/v1/enterprises/%d", other), 404)
	get(leader, fmt.Sprintf("/api/v1/enterprises/%d", ownEnt), 200)
	get(company, fmt.Sprintf("/api/v1/enterprises/%d", other), 404)
	get(company, fmt.Sprintf("/api/v1/enterprises/%d", ownEnt), 200)
	get(company, "/api/v1/enterprises/999999", 404)

	// The 404 for another's enterprise must be indistinguishable from a missing one.
	r1 := a.do("GET", fmt.Sprintf("/api/v1/enterprises/%d", other), company, nil)
	r2 := a.do("GET", "/api/v1/enterprises/999999", company, nil)
	if r1.JSON["detail"] != r2.JSON["detail"] || r1.JSON["type"] != r2.JSON["type"] {
		t.Errorf("out of scope %s differs from missing %s", r1, r2)
	}

	mine := a.do("GET", "/api/v1/enterprises", company, nil)
	if mine.total() != 1 || len(mine.items()) != 1 || num(mine.items()[0]["id"]) != ownEnt {
		t.Errorf("enterprise lists enterprises: %s", mine)
	}
	if r := a.do("GET", "/api/v1/enterprises?q="+otherCode, company, nil); r.Status != 200 || r.total() != 0 {
		t.Errorf("search reaches past scope: %s", r)
	}

	theirs, total := a.walk(t, "/api/v1/liaisons", leader, 500)
	want := 0
	for _, e := range all {
		if e.LeaderID == leaderID {
			want++
		}
	}
	if total != want || len(theirs) != want || want == 0 {
		t.Errorf("leader sees %d pairs (total %d), leads %d", len(theirs), total, want)
	}
	for _, p := range theirs {
		if num(p["leader_id"]) != leaderID {
			t.Fatalf("leader sees another leader's pair %v", p)
		}
	}
	// Asking for another leader's pairs by filter gives nothing, not theirs.
	if r := a.do("GET", fmt.Sprintf("/api/v1/liaisons?enterprise_id=%d", other), leader, nil); r.total() != 0 {
		t.Errorf("leader filters to another's enterprise: %s", r)
	}
	if r := a.do("GET", fmt.Sprintf("/api/v1/enterprises?leader_id=%d", all[len(all)-1].LeaderID+1000), leader, nil); r.total() != 0 {
		t.Errorf("enterprise filter by unknown leader: %s", r)
	}
	companyPairs := a.do("GET", "/api/v1/liaisons", company, nil)
	for _, p := range companyPairs.items() {
		if num(p["enterprise_id"]) != ownEnt {
			t.Errorf("enterprise sees pair %v", p)
		}
	}

	adminID := num(a.me(admin)["id"])
	for _, role := range []string{"office", "department", "leader", "enterprise"} {
		tok := a.login(role)
		self := num(a.me(tok)["id"])
		get(tok, fmt.Sprintf("/api/v1/users/%d", adminID), 404)
		get(tok, fmt.Sprintf("/api/v1/users/%d", self), 200)
	}
	get(a.login("auditor"), fmt.Sprintf("/api/v1/users/%d", adminID), 200)
}
