package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"qinqing/db/demo"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"qinqing/db/dbtest"
)

// crawlAppeals is how many demo appeals the crawl's city holds: every kind of appeal,
// rated ones on most enterprises, at a fraction of the full demo's build time under -race.
const crawlAppeals = 400

// crawlCity starts a server on the demo city as `serve --demo` builds it, with fewer
// appeals.
func crawlCity(t *testing.T) *api {
	t.Helper()
	ctx := context.Background()
	d := dbtest.MustOpen(t)
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("close db: %v", err)
		}
	})
	// The server uses the keys the database opened, so receipts made here stay valid.
	keys := d.Keys.Load()
	if _, err := demo.Build(ctx, d, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildAppeals(ctx, d, crawlAppeals); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildVisits(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildOversight(ctx, d, keys); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildHotline(ctx, d); err != nil {
		t.Fatal(err)
	}
	a := serveAPI(t, d, nil)
	seedCrawl(t, a)
	return a
}

// seedCrawl adds what the demo lacks so that every page kind has something to show:
// an enterprise appeal with a photo, and an issue class over it.
func seedCrawl(t *testing.T, a *api) {
	company := a.login("enterprise")
	ap := a.do("POST", "/api/v1/appeals", company, map[string]any{"title": "厂区门前道路积水", "content": "雨后厂区门前道路积水严重，货车无法进出。", "category": "物流"})
	mustStatus(a, ap, 201, "file appeal")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "积水.png")
	fw.Write(pngData)
	mw.Close()
	req := a.request("POST", fmt.Sprintf("/api/v1/appeals/%d/attachments", ap.id("id")), company, body.Bytes())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	mustStatus(a, a.send(req), 201, "attach photo")

	office := a.login("office")
	items := a.do("GET", "/api/v1/appeals?limit=1&stage=rectifying", office, nil).items()
	if len(items) == 0 {
		t.Fatal("no appeal in rectifying to class")
	}
	mustStatus(a, a.do("POST", "/api/v1/issue-classes", office, map[string]any{"title": "同类问题集中整治",
		"cause": items[0]["title"], "category": items[0]["category"], "department_id": items[0]["department_id"],
		"month": a.db.Now().Format("2006-01"), "due_date": "2030-01-31", "appeal_ids": []int64{num(items[0]["id"])}}),
		201, "create issue class")
}

// crawlShapes are page kinds each role must reach from its start page, and
// crawlMinShapes how many kinds it reached when the crawl was written: together they
// fail the crawl when links go missing, so that it cannot silently shrink.
var (
	crawlShapes = map[string][]string{
		"admin": {"/", "/enterprises", "/enterprises/{id}", "/leaders", "/leaders/{id}", "/appeals", "/appeals/{id}",
			"/visits", "/visits/{id}", "/admin/users", "/admin/users/{id}", "/admin/departments", "/admin/liaisons",
			"/admin/leaders", "/admin/leaders/{id}/edit", "/admin/enterprises/new", "/admin/enterprises/{id}",
			"/admin/import", "/admin/settings", "/admin/api-keys", "/stats", "/reports/monthly", "/issue-classes/{id}", "/cases", "/notices", "/me/password"},
		"office": {"/", "/enterprises", "/enterprises/{id}", "/leaders", "/leaders/{id}", "/appeals", "/appeals/{id}",
			"/appeals/new", "/admin/liaisons", "/visits", "/visits/{id}", "/stats", "/reports/monthly", "/issue-classes",
			"/issue-classes/{id}", "/cases", "/notices"},
		"department": {"/", "/appeals", "/appeals/{id}", "/enterprises/{id}", "/stats", "/cases", "/notices"},
		"leader": {"/", "/enterprises", "/enterprises/{id}", "/leaders/{id}", "/appeals", "/appeals/{id}", "/appeals/new",
			"/visits", "/visits/{id}", "/visits/new", "/stats", "/cases", "/notices"},
		"enterprise": {"/", "/appeals", "/appeals/{id}", "/appeals/new", "/enterprises/{id}", "/visits/{id}", "/cases", "/notices"},
		"auditor": {"/", "/oversight", "/oversight/appeals/{id}", "/oversight/reports", "/oversight/reveals",
			"/oversight/sample", "/oversight/accountability", "/oversight/cases", "/oversight/checkpoint",
			"/oversight/watch/overdue", "/oversight/watch/unsatisfied", "/appeals/{id}", "/issue-classes/{id}", "/cases", "/notices"},
		"visitor": {"/login", "/report", "/track"},
	}
	crawlMinShapes = map[string]int{"admin": 26, "office": 19, "department": 9, "leader": 15, "enterprise": 10,
		"auditor": 31, "visitor": 3}
	// crawlDownloads must each be fetched by some role.
	crawlDownloads = []string{"/api/v1/export/appeals.xlsx", "/api/v1/export/enterprises.xlsx",
		"/api/v1/export/liaisons.xlsx", "/api/v1/export/visits.xlsx", "/api/v1/audit/checkpoint",
		"/reports/monthly.pdf", "/reports/monthly.xlsx", "/attachments/{id}"}
)

// TestCrawlPages signs in through the login form as every demo role, follows the
// same-origin links from the home page, and fails on any answer 5xx.
func TestCrawlPages(t *testing.T) {
	a := crawlCity(t)
	var (
		mu     sync.Mutex
		shapes = map[string][]string{}
	)
	c := &crawler{a: a, downloads: map[string]bool{}}
	roles := append(slices.Clone(demoRoles), "visitor")
	t.Run("roles", func(t *testing.T) {
		for _, role := range roles {
			t.Run(role, func(t *testing.T) {
				t.Parallel()
				token, start := "", "/login"
				if role != "visitor" {
					token, start = formLogin(t, a, role), "/"
				}
				got := c.crawl(t, role, token, start, "/report")
				mu.Lock()
				shapes[role] = got
				mu.Unlock()
			})
		}
	})
	for _, role := range roles {
		got := shapes[role]
		t.Logf("%s reached %d page kinds: %s", role, len(got), strings.Join(got, " "))
		for _, want := range crawlShapes[role] {
			if !slices.Contains(got, want) {
				t.Errorf("%s: the crawl never reached %s", role, want)
			}
		}
		if len(got) < crawlMinShapes[role] {
			t.Errorf("%s: reached %d page kinds, want at least %d", role, len(got), crawlMinShapes[role])
		}
	}
	for _, d := range crawlDownloads {
		if !c.downloads[d] {
			t.Errorf("no role fetched the download %s", d)
		}
	}
}

// crawlPerShape bounds the distinct paths, and separately the query variations, visited
// for each page kind.
const crawlPerShape = 3

var (
	hrefAttr   = regexp.MustCompile(`<a\s[^>]*?href="([^"]*)"`)
	numSegment = regexp.MustCompile(`^[0-9]+$`)
)

// shapeOf is a path with its numeric segments replaced by {id}.
func shapeOf(path string) string {
	seg := strings.Split(path, "/")
	for i, s := range seg {
		if numSegment.MatchString(s) {
			seg[i] = "{id}"
		}
	}
	return strings.Join(seg, "/")
}

// crawler is the state the roles' crawls share: each kind of download is fetched once,
// by whichever role reaches it first, since building one is slow under -race.
type crawler struct {
	a         *api
	mu        sync.Mutex
	downloads map[string]bool
}

// firstDownload reports whether shape is a download nobody has fetched yet, and claims it.
func (c *crawler) firstDownload(shape string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.downloads[shape] {
		return false
	}
	c.downloads[shape] = true
	return true
}

// crawl visits the pages one role can reach from the start pages and returns the page
// kinds it saw; an empty token crawls as a visitor who has not signed in.
func (c *crawler) crawl(t *testing.T, role, token string, start ...string) []string {
	a := c.a
	base, _ := url.Parse(a.base)
	paths := map[string]map[string]bool{}
	queries := map[string]int{}
	seen := map[string]bool{}
	var queue []string
	enqueue := func(from *url.URL, ref string) {
		u, err := from.Parse(html.UnescapeString(ref))
		if err != nil || u.Host != base.Host || u.Scheme != base.Scheme {
			return
		}
		u.Fragment = ""
		if u.Path == "/logout" || strings.HasPrefix(u.Path, "/static/") {
			return
		}
		key := u.RequestURI()
		if seen[key] {
			return
		}
		shape := shapeOf(u.Path)
		if download(u.Path) {
			if c.firstDownload(shape) {
				seen[key] = true
				queue = append(queue, key)
			}
			return
		}
		if paths[shape] == nil {
			paths[shape] = map[string]bool{}
		}
		if !paths[shape][u.Path] && len(paths[shape]) >= crawlPerShape {
			return
		}
		if u.RawQuery != "" {
			if queries[shape] >= crawlPerShape {
				return
			}
			queries[shape]++
		}
		paths[shape][u.Path] = true
		seen[key] = true
		queue = append(queue, key)
	}
	for _, p := range start {
		enqueue(base, p)
	}
	var reached []string
	var broken []string
	for len(queue) > 0 {
		key := queue[0]
		queue = queue[1:]
		req, _ := http.NewRequest("GET", a.base+key, nil)
		if token != "" {
			req.AddCookie(&http.Cookie{Name: "qq_token", Value: token})
		}
		r := a.send(req)
		shape := shapeOf(strings.SplitN(key, "?", 2)[0])
		switch {
		case r.Status >= 500:
			broken = append(broken, fmt.Sprintf("%s %s: %s", role, key, r))
			continue
		case r.Status >= 400:
			t.Logf("%s %s: %d", role, key, r.Status)
			continue
		}
		from, _ := base.Parse(key)
		if loc := r.Header.Get("Location"); loc != "" {
			enqueue(from, loc)
		}
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue // a redirect, or a download: fetched, not read
		}
		if !slices.Contains(reached, shape) {
			reached = append(reached, shape)
		}
		for _, m := range hrefAttr.FindAllSubmatch(r.Body, -1) {
			enqueue(from, string(m[1]))
		}
	}
	for _, b := range broken {
		t.Error(b)
	}
	slices.Sort(reached)
	return reached
}

// download reports whether a path answers a file rather than a page.
func download(path string) bool {
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/attachments/") ||
		strings.HasSuffix(path, ".xlsx") || strings.HasSuffix(path, ".pdf")
}

// formLogin signs in through the login form and returns the session cookie's value.
func formLogin(t *testing.T, a *api, username string) string {
	r := a.page("POST", "/login", "", url.Values{"username": {username}, "password": {demo.Password}})
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "qq_token" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("%s: sign in through the form: %s", username, r)
	return ""
}
