package handlers_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// nulQueries are search texts that once reached the full-text query as they were typed.
var nulQueries = []string{"%00", "%00abc%00", "%E8%90%A5%00%E5%95%86%E7%8E%AF", "a%00b%22c", "%22%00%22", "%FF%FEabc"}

// A NUL byte (or a quote, or bytes that are not UTF-8) in q never answers 5xx, on any GET
// route of the API or the pages, for any role.
func TestNULInQueryNeverFails(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	var paths []string
	for _, rt := range a.srv.App().GetRoutes(true) {
		if rt.Method != "GET" || strings.Contains(rt.Path, "*") || rt.Path == "/metrics" {
			continue
		}
		p := rt.Path
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ":") {
				p = strings.Replace(p, seg, "1", 1)
			}
		}
		paths = append(paths, p)
	}
	for _, role := range demoRoles {
		tok := a.login(role)
		// Every text for the office, whose pages search the most; the others' pages
		// read q the same way, so two texts (a NUL inside a word, bytes not UTF-8) do.
		queries := nulQueries
		if role != "office" {
			queries = []string{nulQueries[2], nulQueries[5]}
		}
		for _, p := range paths {
			for _, q := range queries {
				r := a.page("GET", p+"?q="+q, tok, nil)
				if r.Status >= 500 {
					t.Errorf("%s GET %s?q=%s: %d", role, p, q, r.Status)
				}
			}
		}
	}
}

// The API's answers, errors too, are never kept by a cache.
func TestAPINoStore(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	tok := a.login("office")
	for _, p := range []string{"/api/v1/me", "/api/v1/appeals?limit=1", "/api/v1/appeals/999999", "/api/v1/nowhere"} {
		r := a.do("GET", p, tok, nil)
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("GET %s (%d): Cache-Control %q", p, r.Status, cc)
		}
	}
	if r := a.do("GET", "/api/v1/me", "", nil); r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("401: Cache-Control %q", r.Header.Get("Cache-Control"))
	}
}

// rawRequest writes one request as bytes and returns the status line and headers.
func rawRequest(t *testing.T, a *api, req string) (int, http.Header, string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(a.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(body)
}

// A form that is not well-formed multipart, and headers past the read buffer, answer a
// problem document on the API rather than the people's error page.
func TestMalformedRequestsAnswerProblems(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	tok := a.login("office")
	body := "--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nabc" // never closed
	for _, path := range []string{"/api/v1/appeals/1/attachments", "/api/v1/public/reports"} {
		status, h, b := rawRequest(t, a, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", path, tok, len(body), body))
		if status != 400 && status != 404 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
			t.Errorf("malformed form on %s: %d %s %s", path, status, h.Get("Content-Type"), b)
		}
	}
	status, h, b := rawRequest(t, a, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 40<<10)+"\r\nConnection: close\r\n\r\n")
	if status != 431 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || !strings.Contains(b, "请求头过大") {
		t.Errorf("oversized headers: %d %s %s", status, h.Get("Content-Type"), b)
	}
}

// A NUL character in a JSON string, a form field or a multipart field is refused with a
// 400 that says so, on either engine (PostgreSQL cannot keep one in text), and nothing is
// written; a file holding NUL bytes is not text and is taken.
func TestNULInBodiesRefused(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	office := a.login("office")
	ent := a.do("GET", "/api/v1/enterprises?limit=1", office, nil).items()[0]
	before := a.countRows("SELECT COUNT(*) FROM appeals")
	content := "企业反映新厂房用电报装已申请一个月仍未接电，影响投产。"
	for name, r := range map[string]*resp{
		"json": a.do("POST", "/api/v1/appeals", office, map[string]any{"title": "用电\x00报装", "content": content,
			"category": "要素保障-用电", "source": "hotline", "enterprise_id": ent["id"]}),
		"form": a.page("POST", "/appeals", office, url.Values{"title": {"用电报装"}, "content": {content + "\x00"},
			"category": {"要素保障-用电"}, "source": {"hotline"}, "enterprise_id": {fmt.Sprint(ent["id"])}}),
		"multipart": a.postForm("/report", "", map[string]string{"category": "推拖绕", "title": "审批\x00推诿",
			"content": "同一事项在两个科室之间来回推诿，三周没有结果。", "anonymous": "true"}, map[string][]byte{"证据.png": pngData}),
	} {
		if r.Status != 400 || !strings.Contains(string(r.Body), "空字符") {
			t.Errorf("%s with NUL: %d %s", name, r.Status, r.Body)
		}
	}
	if got := a.countRows("SELECT COUNT(*) FROM appeals"); got != before {
		t.Errorf("refused bodies wrote %d appeals", got-before)
	}
	r := a.do("POST", "/api/v1/appeals", office, map[string]any{"title": "用电报装", "content": content,
		"category": "要素保障-用电", "source": "hotline", "enterprise_id": ent["id"]})
	mustStatus(a, r, 201, "the same appeal without NUL")
	if !strings.Contains(string(pngData), "\x00") {
		t.Fatal("the evidence file holds no NUL byte")
	}
	page := a.postForm("/report", "", map[string]string{"category": "推拖绕", "title": "审批推诿",
		"content": "同一事项在两个科室之间来回推诿，三周没有结果。", "anonymous": "true"}, map[string][]byte{"证据.png": pngData})
	mustStatus(a, page, 200, "a report whose evidence holds NUL bytes")
}
