package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/url"
	"qinqing/db/demo"
	"regexp"
	"strings"
	"testing"
	"time"
)

// evilCookie is what every hostile target tries to plant as a response header.
const evilCookie = "Set-Cookie: qq_evil=1"

// hostileTargets are redirect targets as the handler sees them after form decoding:
// each control character raw, once and twice percent-encoded, the Unicode line breaks,
// and the usual ways out of this site.
func hostileTargets() []string {
	var out []string
	ctrl := make([]byte, 0, 33)
	for b := byte(0); b < 0x20; b++ {
		ctrl = append(ctrl, b)
	}
	ctrl = append(ctrl, 0x7f)
	for _, b := range ctrl {
		out = append(out,
			"/x"+string([]byte{b})+evilCookie,
			fmt.Sprintf("/x%%%02X%s", b, evilCookie),
			fmt.Sprintf("/x%%25%02x%s", b, evilCookie),
			fmt.Sprintf("/x%%2525%02X%s", b, evilCookie))
	}
	out = append(out, "/x\r\n\r\nHTTP/1.1 200 OK\r\n"+evilCookie+"\r\nContent-Length: 0\r\n\r\n")
	for _, r := range []rune{'\u0085', '\u2028', '\u2029'} {
		enc := url.PathEscape(string(r))
		out = append(out, "/x"+string(r)+evilCookie, "/x"+enc+evilCookie,
			"/x"+strings.ReplaceAll(enc, "%", "%25")+evilCookie)
	}
	return append(out, "//evil.example", "/\\evil.example", "https://evil.example", "http:/evil.example",
		"\\\\evil.example", "evil.example", "/%2f%2fevil.example", "/%2F/evil.example", "/%5cevil.example",
		"/%252f%252fevil.example", "/%255cevil.example", "/.%2F%2Fevil.example", "/x y", "/x\"y", "/x<y",
		"/x#y", "/%zz", "/x%", "", "/"+strings.Repeat("a", 4096))
}

// goodTargets must survive unchanged: they are what the pages themselves send.
var goodTargets = []string{"/appeals?stage=verifying&page=2", "/enterprises/12",
	"/oversight/sample?month=2026-01", "/appeals?q=%E5%8F%91%E7%A5%A8", "/admin/liaisons?leader_id=3&q=a+b"}

// loginTargets are the hostile targets tried on the login form.
var loginTargets = []string{"/x\r" + evilCookie, "/x\n" + evilCookie, "/x\r\n" + evilCookie,
	"/x\r\n\r\nHTTP/1.1 200 OK\r\n" + evilCookie + "\r\n\r\n", "/x\x00" + evilCookie, "/x\t" + evilCookie,
	"/x\x7f" + evilCookie, "/x\u2028" + evilCookie, "/x%0d%0a" + evilCookie, "/x%250d%250a" + evilCookie,
	"//evil.example", "/\\evil.example", "https://evil.example", "/%2f%2fevil.example", "/%5cevil.example"}

// safeLocation is the shape every Location must have: one path on this site.
var safeLocation = regexp.MustCompile(`^/[A-Za-z0-9\-._~/?=&%+,:@]*$`)

var lineBreak = regexp.MustCompile(`\r\n|\r|\n`)

// rawExchange sends one request as raw bytes and reads the raw answer until the
// server closes the connection.
func rawExchange(t *testing.T, base, request string) []byte {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Only a guard against a hung test; nothing is asserted about time.
	conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	return raw
}

// formRequest is a raw form post carrying the CSRF pair and, when set, a session.
func formRequest(path, token string, form url.Values) string {
	form.Set("_csrf", testCSRF)
	body := form.Encode()
	cookie := "qq_csrf=" + testCSRF
	if token != "" {
		cookie += "; qq_token=" + token
	}
	return "POST " + path + " HTTP/1.1\r\nHost: qinqing.test\r\nConnection: close\r\nCookie: " + cookie +
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n" + body
}

// checkAnswer fails unless raw is exactly one response with no header planted by
// target and, for a redirect, exactly one safe Location; it returns that Location.
func checkAnswer(t *testing.T, what string, raw []byte) string {
	t.Helper()
	if n := bytes.Count(raw, []byte("HTTP/1.")); n != 1 {
		t.Errorf("%s: %d responses on the connection:\n%q", what, n, raw)
	}
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	var locations []string
	// Split as the most lenient client would, on a lone CR or LF too.
	for _, line := range lineBreak.Split(string(head), -1) {
		// A Location may quote the payload escaped; it is checked for shape below.
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Location") {
			locations = append(locations, strings.TrimSpace(v))
		} else if strings.Contains(strings.ToLower(line), "qq_evil") {
			t.Errorf("%s: planted header %q", what, line)
		}
	}
	if bytes.HasPrefix(raw, []byte("HTTP/1.1 3")) && len(locations) != 1 {
		t.Errorf("%s: %d Location headers: %q", what, len(locations), head)
	}
	for _, l := range locations {
		if !safeLocation.MatchString(l) || strings.HasPrefix(l, "//") {
			t.Errorf("%s: unsafe Location %q", what, l)
		}
	}
	if len(locations) == 0 {
		return ""
	}
	return locations[0]
}

// refusedNUL reports whether a target holding a NUL was refused as every form field
// holding one is (400, saying so), and fails the test if such a target was taken.
func refusedNUL(t *testing.T, target string, raw []byte) bool {
	t.Helper()
	if !strings.Contains(target, "\x00") {
		return false
	}
	if !bytes.HasPrefix(raw, []byte("HTTP/1.1 400")) || !bytes.Contains(raw, []byte("空字符")) {
		t.Errorf("a form whose target holds NUL, %q: %q", target, raw)
	}
	return true
}

// TestLoginNextCannotInjectHeaders signs in with a hostile next: the answer sends the
// visitor home in one clean response, and keeps a good next as it was.
func TestLoginNextCannotInjectHeaders(t *testing.T) {
	a := startAPI(t)
	login := func(next string) string {
		raw := rawExchange(t, a.base, formRequest("/login", "", url.Values{"username": {"admin"},
			"password": {demo.Password}, "next": {next}}))
		if refusedNUL(t, next, raw) {
			return checkAnswer(t, fmt.Sprintf("login next %q", next), raw) + "/"
		}
		if !bytes.HasPrefix(raw, []byte("HTTP/1.1 303")) {
			t.Errorf("login with next %q: %q", next, raw)
		}
		return checkAnswer(t, fmt.Sprintf("login next %q", next), raw)
	}
	// Each sign-in costs a password hash, so the login form tries the sharpest few and the
	// full table goes through the oversight form, which shares the same check.
	for _, next := range loginTargets {
		if got := login(next); got != "/" {
			t.Errorf("login next %q: Location %q, want /", next, got)
		}
	}
	for _, next := range goodTargets {
		if got := login(next); got != next {
			t.Errorf("login next %q: Location %q", next, got)
		}
	}
	// The login page carries only a clean next into its form.
	for _, next := range []string{"/x\r\n" + evilCookie, "//evil.example", "/x%0d%0a" + evilCookie} {
		r := a.page("GET", "/login?next="+url.QueryEscape(next), "", nil)
		if r.Status != 200 || !bytes.Contains(r.Body, []byte(`name="next" value="/"`)) {
			t.Errorf("login page with next %q: %s", next, r)
		}
	}
}

// TestOversightBackCannotInjectHeaders acts on a report with a hostile back target:
// the answer returns to the report in one clean response.
func TestOversightBackCannotInjectHeaders(t *testing.T) {
	a := startAPI(t)
	r := a.do("POST", "/api/v1/public/reports", "", map[string]any{"category": "吃拿卡要", "title": "窗口人员索要好处",
		"content": "办理许可时窗口人员暗示需要另外给好处费。", "anonymous": true})
	mustStatus(a, r, 201, "file report")
	auditor := a.login("auditor")
	reports := a.do("GET", "/api/v1/appeals?source=report", auditor, nil).items()
	if len(reports) == 0 {
		t.Fatal("no report to act on")
	}
	id := num(reports[0]["id"])
	home := fmt.Sprintf("/oversight/appeals/%d", id)
	comment := func(back string) string {
		ver := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", id), auditor, nil).id("version")
		raw := rawExchange(t, a.base, formRequest(home+"/act", auditor, url.Values{"action": {"comment"},
			"version": {fmt.Sprint(ver)}, "note": {"内部核查记录"}, "back": {back}}))
		if refusedNUL(t, back, raw) {
			return checkAnswer(t, fmt.Sprintf("back %q", back), raw) + home
		}
		if !bytes.HasPrefix(raw, []byte("HTTP/1.1 303")) {
			t.Fatalf("comment with back %q: %q", back, raw)
		}
		return checkAnswer(t, fmt.Sprintf("back %q", back), raw)
	}
	for _, back := range hostileTargets() {
		if got := comment(back); got != home {
			t.Errorf("back %q: Location %q, want %s", back, got, home)
		}
	}
	if got := comment("/oversight/sample?month=2026-01"); got != "/oversight/sample?month=2026-01" {
		t.Errorf("good back: Location %q", got)
	}
	// The appeal page, opened without a back link, sends "/": act and stay on the appeal.
	if got := comment("/"); got != home {
		t.Errorf("back /: Location %q, want %s", got, home)
	}
}

// TestRequestLineCannotInjectHeaders sends hostile bytes in the request line of a page
// that needs a session: whatever the server answers, it is one response with no planted
// header, and the sign-in redirect it may give is clean.
func TestRequestLineCannotInjectHeaders(t *testing.T) {
	a := startAPI(t)
	for _, target := range hostileTargets() {
		for _, path := range []string{"/enterprises?q=" + target, "/enterprises" + target} {
			raw := rawExchange(t, a.base, "GET "+path+" HTTP/1.1\r\nHost: qinqing.test\r\nConnection: close\r\n\r\n")
			loc := checkAnswer(t, fmt.Sprintf("GET %q", path), raw)
			if loc != "" && !strings.HasPrefix(loc, "/login") {
				t.Errorf("GET %q: Location %q", path, loc)
			}
		}
	}
}
