package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"qinqing/db/demo"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/handlers"
)

// testSecret is the signing key of every test server; the JWT tests forge tokens with it.
var testSecret = []byte("test-secret-0123456789abcdef0123")

// demoRoles are the six demo accounts, named after their roles.
var demoRoles = []string{"admin", "office", "department", "leader", "enterprise", "auditor"}

// testClock is a clock that tests can move forward while the server runs.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// api is a real server on a real SQLite file holding the demo city, with a small client.
type api struct {
	t    *testing.T
	srv  *handlers.Server
	db   *db.DB
	base string
	hc   *http.Client

	mu     sync.Mutex
	tokens map[string]string
}

// resp is one answer: its status, headers, raw body and, when the body is a JSON
// object, the decoded object.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

// startAPI starts a server with the demo city on a fresh database.
func startAPI(t *testing.T) *api { return startAPIWith(t, nil) }

// startAPIWith starts a server whose tokens and throttle use the given clock.
func startAPIWith(t *testing.T, now func() time.Time) *api {
	t.Helper()
	d := dbtest.MustDemo(t)
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("close db: %v", err)
		}
	})
	return serveAPI(t, d, now)
}

// serveAPI serves an open database on a free port until the test ends.
func serveAPI(t *testing.T, d *db.DB, now func() time.Time) *api {
	t.Helper()
	return serveWith(t, handlers.Options{DB: d, Secret: testSecret, Now: now, Version: "test", Logger: testLogger(t)})
}

// serveWith serves with the options given until the test ends.
func serveWith(t *testing.T, o handlers.Options) *api {
	t.Helper()
	srv, err := handlers.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a := &api{t: t, srv: srv, db: o.DB, base: "http://" + ln.Addr().String(), tokens: map[string]string{},
		hc: &http.Client{
			// UI form posts answer with redirects that the tests look at themselves.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	t.Cleanup(func() {
		a.hc.CloseIdleConnections()
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return a
}

// login signs a demo account in once per server and reuses its token.
func (a *api) login(username string) string {
	a.mu.Lock()
	tok, ok := a.tokens[username]
	a.mu.Unlock()
	if ok {
		return tok
	}
	tok = a.freshLogin(username, demo.Password)
	a.mu.Lock()
	a.tokens[username] = tok
	a.mu.Unlock()
	return tok
}

// freshLogin signs in with a password and returns a new token, failing the test otherwise.
func (a *api) freshLogin(username, password string) string {
	r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	tok, _ := r.JSON["token"].(string)
	if r.Status != 200 || tok == "" {
		a.t.Errorf("login %s: %d %s", username, r.Status, r.Body)
	}
	return tok
}

// do sends a request. body may be nil, a string or []byte (sent as is, as JSON), or any
// value to marshal.
func (a *api) do(method, path, token string, body any) *resp {
	return a.send(a.request(method, path, token, body))
}

// request builds a request that the caller may adjust before send.
func (a *api) request(method, path, token string, body any) *http.Request {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Errorf("marshal body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Errorf("new request: %v", err)
		req, _ = http.NewRequest("GET", a.base+"/", nil)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// send performs a request; a transport failure fails the test and answers status 0.
func (a *api) send(req *http.Request) *resp {
	res, err := a.hc.Do(req)
	if err != nil {
		a.t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
		return &resp{Header: http.Header{}}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Errorf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	r := &resp{Status: res.StatusCode, Header: res.Header, Body: body}
	if strings.Contains(res.Header.Get("Content-Type"), "json") {
		_ = json.Unmarshal(body, &r.JSON)
	}
	return r
}

// id returns the numeric field of a JSON object as an int64 (0 when absent).
func (r *resp) id(key string) int64 {
	f, _ := r.JSON[key].(float64)
	return int64(f)
}

// items returns the objects of a list answer.
func (r *resp) items() []map[string]any {
	raw, _ := r.JSON["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		m, _ := x.(map[string]any)
		out = append(out, m)
	}
	return out
}

// total returns a list answer's total.
func (r *resp) total() int { return int(r.id("total")) }

// fields lists the field names of a problem's errors.
func (r *resp) fields() []string {
	raw, _ := r.JSON["errors"].([]any)
	var out []string
	for _, x := range raw {
		m, _ := x.(map[string]any)
		s, _ := m["field"].(string)
		out = append(out, s)
	}
	return out
}

func (r *resp) String() string {
	body := []rune(string(r.Body))
	if len(body) > 200 {
		body = append(body[:200:200], '…')
	}
	return fmt.Sprintf("%d %s", r.Status, string(body))
}

// num reads a JSON number as an int64.
func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// me returns the signed-in account of a token.
func (a *api) me(token string) map[string]any {
	r := a.do("GET", "/api/v1/me", token, nil)
	if r.Status != 200 {
		a.t.Errorf("GET /me: %s", r)
	}
	return r.JSON
}

// totalOf returns the total of a list endpoint as seen by the admin.
func (a *api) totalOf(path string) int {
	r := a.do("GET", path, a.login("admin"), nil)
	if r.Status != 200 {
		a.t.Errorf("GET %s: %s", path, r)
	}
	return r.total()
}

// testLogger keeps a test server quiet unless QINQING_TEST_LOG is set (see QuietLogger).
func testLogger(t testing.TB) *slog.Logger { return handlers.QuietLogger(t) }
