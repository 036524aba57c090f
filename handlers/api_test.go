package handlers_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"qinqing/db"
)

// ent is what the filter tests need to know of an enterprise.
type ent struct {
	ID                                   int64
	Name, CreditCode, District, Industry string
	LeaderID                             int64
}

// walk follows a list's cursors to the end and returns every item, checking that each
// page reports the same total and that no item comes twice.
func (a *api) walk(t *testing.T, path, token string, limit int) ([]map[string]any, int) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var all []map[string]any
	seen := map[int64]bool{}
	cursor, total := "", -1
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatalf("%s: cursor walk does not end", path)
		}
		r := a.do("GET", fmt.Sprintf("%s%slimit=%d&cursor=%s", path, sep, limit, url.QueryEscape(cursor)), token, nil)
		if r.Status != 200 {
			t.Fatalf("GET %s page %d: %s", path, page, r)
		}
		if total >= 0 && r.total() != total {
			t.Errorf("%s: total changed from %d to %d between pages", path, total, r.total())
		}
		total = r.total()
		items := r.items()
		if len(items) > limit {
			t.Errorf("%s: page of %d items, limit %d", path, len(items), limit)
		}
		for _, it := range items {
			id := num(it["id"])
			if seen[id] {
				t.Errorf("%s: item %d listed twice", path, id)
			}
			seen[id] = true
			all = append(all, it)
		}
		cursor, _ = r.JSON["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	return all, total
}

func (a *api) enterprises(t *testing.T, query string) []ent {
	t.Helper()
	items, total := a.walk(t, "/api/v1/enterprises"+query, a.login("admin"), 500)
	if total != len(items) {
		t.Errorf("enterprises%s: total %d, walked %d", query, total, len(items))
	}
	out := make([]ent, 0, len(items))
	for _, it := range items {
		s := func(k string) string { v, _ := it[k].(string); return v }
		out = append(out, ent{num(it["id"]), s("name"), s("credit_code"), s("district"), s("industry"), num(it["leader_id"])})
	}
	return out
}

func ids(es []ent) map[int64]bool {
	m := map[int64]bool{}
	for _, e := range es {
		m[e.ID] = true
	}
	return m
}

func TestPagination(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")

	for _, limit := range []int{7, 500} {
		items, total := a.walk(t, "/api/v1/enterprises", admin, limit)
		if total != 680 || len(items) != 680 {
			t.Errorf("limit %d: walked %d items, total %d; want 680", limit, len(items), total)
		}
		for i := 1; i < len(items); i++ {
			if num(items[i]["id"]) <= num(items[i-1]["id"]) {
				t.Fatalf("limit %d: ids not ascending at %d", limit, i)
			}
		}
	}
	if r := a.do("GET", "/api/v1/enterprises", admin, nil); r.Status != 200 || len(r.items()) != db.DefaultLimit {
		t.Errorf("default page: %d items (%s), want %d", len(r.items()), r, db.DefaultLimit)
	}
	end := "/api/v1/enterprises?cursor=" + encodeCursor(1<<40)
	if r := a.do("GET", end, admin, nil); r.Status != 200 || len(r.items()) != 0 || r.total() != 680 || r.JSON["next_cursor"] != "" {
		t.Errorf("cursor past the end: %s", r)
	}

	bad := []struct {
		query, field string
	}{
		{"limit=0", "limit"}, {"limit=501", "limit"}, {"limit=abc", "limit"}, {"limit=-1", "limit"},
		{"limit=1.5", "limit"}, {"limit=99999999999999999999", "limit"},
		{"cursor=!!!", "cursor"}, {"cursor=abc", "cursor"}, {"cursor=" + encodeCursor(0), "cursor"},
		{"cursor=" + encodeCursor(-1), "cursor"},
	}
	for _, tt := range bad {
		t.Run(tt.query, func(t *testing.T) {
			r := a.do("GET", "/api/v1/enterprises?"+tt.query, admin, nil)
			if r.Status < 400 || r.Status >= 500 {
				t.Fatalf("status %s, want 4xx", r)
			}
			if tt.field == "cursor" && r.Status != 400 {
				t.Errorf("bad cursor: %d, want 400", r.Status)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q", ct)
			}
			if f := r.fields(); len(f) != 1 || f[0] != tt.field {
				t.Errorf("errors name %v, want [%s]", f, tt.field)
			}
		})
	}
}

// encodeCursor makes a cursor the way the server does, to probe ids it never issued.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprint(id)))
}

// matchQ is what q means: the text anywhere in the name or the credit code.
func matchQ(q string) func(ent) bool {
	return func(e ent) bool { return strings.Contains(e.Name, q) || strings.Contains(e.CreditCode, q) }
}

func TestEnterpriseFilters(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	all := a.enterprises(t, "")
	if len(all) != 680 {
		t.Fatalf("%d enterprises", len(all))
	}
	pick := all[123]
	runes := []rune(pick.Name)
	tests := []struct {
		name  string
		query url.Values
		match func(e ent) bool
	}{
		{"q full name", url.Values{"q": {pick.Name}}, matchQ(pick.Name)},
		{"q part of name", url.Values{"q": {string(runes[2:4])}}, matchQ(string(runes[2:4]))},
		{"q credit code", url.Values{"q": {pick.CreditCode}}, func(e ent) bool { return e.ID == pick.ID }},
		{"q end of credit code", url.Values{"q": {pick.CreditCode[12:]}}, matchQ(pick.CreditCode[12:])},
		{"q padded with spaces", url.Values{"q": {"  " + pick.CreditCode + " "}}, func(e ent) bool { return e.ID == pick.ID }},
		{"q LIKE wildcard is literal", url.Values{"q": {"%"}}, matchQ("%")},
		{"q underscore is literal", url.Values{"q": {"_"}}, matchQ("_")},
		{"district", url.Values{"district": {pick.District}}, func(e ent) bool { return e.District == pick.District }},
		{"industry", url.Values{"industry": {pick.Industry}}, func(e ent) bool { return e.Industry == pick.Industry }},
		{"leader_id", url.Values{"leader_id": {fmt.Sprint(pick.LeaderID)}}, func(e ent) bool { return e.LeaderID == pick.LeaderID }},
		{"district and industry", url.Values{"district": {pick.District}, "industry": {pick.Industry}},
			func(e ent) bool { return e.District == pick.District && e.Industry == pick.Industry }},
		{"no such district", url.Values{"district": {"火星区"}}, func(ent) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(a.enterprises(t, "?"+tt.query.Encode()))
			want := map[int64]bool{}
			for _, e := range all {
				if tt.match(e) {
					want[e.ID] = true
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d enterprises, want %d", len(got), len(want))
			}
			for id := range want {
				if !got[id] {
					t.Errorf("enterprise %d missing", id)
					break
				}
			}
		})
	}
	if r := a.do("GET", "/api/v1/enterprises?leader_id=abc", a.login("admin"), nil); r.Status != 400 {
		t.Errorf("leader_id=abc: %s, want 400", r)
	}
}

func TestLiaisonFilters(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	all := a.enterprises(t, "")
	e0, e1 := all[0], all[1]
	if e0.LeaderID == e1.LeaderID {
		e1 = all[len(all)-1]
	}
	// Hand e0 over to e1's leader: the old pair ends and stays in the history.
	r := a.do("POST", "/api/v1/liaisons", admin, map[string]any{"leader_id": e1.LeaderID, "enterprise_id": e0.ID})
	if r.Status != 201 {
		t.Fatalf("new pair: %s", r)
	}
	since, _ := r.JSON["since"].(string)

	perLeader := 0
	for _, e := range all {
		if e.LeaderID == e0.LeaderID && e.ID != e0.ID {
			perLeader++
		}
	}
	tests := []struct {
		query string
		total int
		each  func(m map[string]any) bool
	}{
		{"active=true", 680, func(m map[string]any) bool { return m["active"] == true && m["until"] == nil }},
		{"active=false", 1, func(m map[string]any) bool {
			return m["active"] == false && m["until"] == since && num(m["enterprise_id"]) == e0.ID
		}},
		{fmt.Sprintf("enterprise_id=%d", e0.ID), 2, func(m map[string]any) bool { return num(m["enterprise_id"]) == e0.ID }},
		{fmt.Sprintf("enterprise_id=%d&active=true", e0.ID), 1, func(m map[string]any) bool {
			return num(m["leader_id"]) == e1.LeaderID
		}},
		{fmt.Sprintf("leader_id=%d&active=true", e0.LeaderID), perLeader, func(m map[string]any) bool {
			return num(m["leader_id"]) == e0.LeaderID
		}},
		{fmt.Sprintf("leader_id=%d", e0.LeaderID), perLeader + 1, func(m map[string]any) bool {
			return num(m["leader_id"]) == e0.LeaderID
		}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			items, total := a.walk(t, "/api/v1/liaisons?"+tt.query, admin, 500)
			if total != tt.total || len(items) != tt.total {
				t.Errorf("total %d, %d items; want %d", total, len(items), tt.total)
			}
			for _, m := range items {
				if !tt.each(m) {
					t.Errorf("item does not match the filter: %v", m)
					break
				}
			}
		})
	}
	for _, q := range []string{"active=maybe", "leader_id=x", "enterprise_id=-3"} {
		if r := a.do("GET", "/api/v1/liaisons?"+q, admin, nil); r.Status != 400 {
			t.Errorf("%s: %s, want 400", q, r)
		}
	}
}

func TestSystemEndpoints(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	if r := a.do("GET", "/healthz", "", nil); r.Status != 200 || r.JSON["status"] != "ok" {
		t.Errorf("healthz: %s", r)
	}
	a.do("GET", "/api/v1/me", a.login("office"), nil)
	a.do("GET", "/api/v1/enterprises/1", a.login("office"), nil)
	a.do("GET", "/api/v1/no-such-route-xyz", "", nil)

	t.Run("metrics", func(t *testing.T) {
		r := a.do("GET", "/metrics", "", nil)
		body := string(r.Body)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("metrics: %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		for _, want := range []string{
			"# TYPE qinqing_http_requests_total counter",
			`qinqing_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1`,
			`qinqing_http_requests_total{method="POST",route="/api/v1/auth/login",status="200"} 1`,
			`route="/api/v1/enterprises/:id"`,
			"qinqing_db_write_transactions_total ",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		// Labels name route patterns, never raw paths, so callers cannot grow them.
		for _, leak := range []string{"no-such-route-xyz", `route="/api/v1/enterprises/1"`} {
			if strings.Contains(body, leak) {
				t.Errorf("metrics carry the raw path %q", leak)
			}
		}
		sample := regexp.MustCompile(`^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$`)
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			if !strings.HasPrefix(line, "#") && !sample.MatchString(line) {
				t.Errorf("not Prometheus text: %q", line)
			}
		}
	})

	t.Run("openapi lists every route", func(t *testing.T) {
		r := a.do("GET", "/api/v1/openapi.json", "", nil)
		if r.Status != 200 {
			t.Fatalf("openapi: %s", r)
		}
		var doc struct {
			OpenAPI string                                `json:"openapi"`
			Paths   map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(r.Body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Fatalf("openapi document: %v %q", err, doc.OpenAPI)
		}
		param := regexp.MustCompile(`:([A-Za-z_]+)`)
		inApp := map[string]bool{}
		for _, rt := range a.srv.App().GetRoutes(true) {
			if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Method == "HEAD" {
				continue
			}
			p := param.ReplaceAllString(rt.Path, "{$1}")
			key := strings.ToLower(rt.Method) + " " + p
			inApp[key] = true
			if _, ok := doc.Paths[p][strings.ToLower(rt.Method)]; !ok {
				t.Errorf("%s %s is served but not in openapi.json", rt.Method, rt.Path)
			}
		}
		if len(inApp) < 27 {
			t.Errorf("only %d API routes found in the app", len(inApp))
		}
		for p, ops := range doc.Paths {
			for m := range ops {
				if !inApp[m+" "+p] {
					t.Errorf("openapi.json lists %s %s, which the app does not serve", m, p)
				}
			}
		}
	})
}
