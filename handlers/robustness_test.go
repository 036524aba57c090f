package handlers_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
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
		for _, p := range paths {
			for _, q := range nulQueries {
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
