package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// scenario is one request as one role; conc overrides the reads' concurrency (the
// heaviest pages are measured one at a time, as a person opens them).
type scenario struct {
	name, role, path string
	html             bool
	conc             int
}

var scenarios = []scenario{
	{name: "api list limit=50", role: "office", path: "/api/v1/appeals?limit=50"},
	{name: "api q=用电 (2 chars)", role: "office", path: "/api/v1/appeals?limit=50&q=" + url.QueryEscape("用电")},
	{name: "api q=物流费用", role: "office", path: "/api/v1/appeals?limit=50&q=" + url.QueryEscape("物流费用")},
	{name: "api q=number", role: "office", path: "/api/v1/appeals?limit=50&q=001845"},
	{name: "api sort=due", role: "office", path: "/api/v1/appeals?limit=50&sort=due"},
	{name: "api stats/overview", role: "office", path: "/api/v1/stats/overview"},
	{name: "html /stats", role: "office", path: "/stats", html: true},
	{name: "html / office", role: "office", path: "/", html: true},
	{name: "html /appeals office", role: "office", path: "/appeals", html: true},
	{name: "html / department", role: "department", path: "/", html: true},
	{name: "html / enterprise", role: "enterprise", path: "/", html: true},
	{name: "html / auditor (c1)", role: "auditor", path: "/", html: true, conc: 1},
}

// target is one server with a token per demo role.
type target struct {
	base    string
	tokens  map[string]string
	appeals int
	client  *http.Client
}

func connect(ctx context.Context, base, password string) (*target, error) {
	t := &target{base: base, tokens: map[string]string{}, client: newClient(64)}
	for _, role := range []string{"office", "department", "enterprise", "auditor"} {
		var out struct{ Token string }
		if err := t.post(ctx, "", "/api/v1/auth/login", map[string]string{"username": role, "password": password}, &out); err != nil {
			return nil, fmt.Errorf("sign in as %s: %w", role, err)
		}
		t.tokens[role] = out.Token
	}
	var list struct{ Total int }
	if err := t.get(ctx, "office", "/api/v1/appeals?limit=1", &list); err != nil {
		return nil, err
	}
	t.appeals = list.Total
	return t, nil
}

func (t *target) request(ctx context.Context, method, role, path string, html bool, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, body)
	if err != nil {
		return nil, err
	}
	if tok := t.tokens[role]; tok != "" {
		if html {
			req.AddCookie(&http.Cookie{Name: "qq_token", Value: tok})
		} else {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func (t *target) do(req *http.Request, out any) error {
	res, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, b)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
	return json.NewDecoder(res.Body).Decode(out)
}

func (t *target) get(ctx context.Context, role, path string, out any) error {
	req, err := t.request(ctx, "GET", role, path, false, nil)
	if err != nil {
		return err
	}
	return t.do(req, out)
}

func (t *target) post(ctx context.Context, role, path string, in, out any) error {
	b, _ := json.Marshal(in)
	req, err := t.request(ctx, "POST", role, path, false, bytes.NewReader(b))
	if err != nil {
		return err
	}
	return t.do(req, out)
}

// result is one scenario's throughput and latencies over one run.
type result struct {
	rps           float64
	p50, p95, p99 time.Duration
	n, errors     int
	firstErr      string
}

func (r result) String() string {
	s := fmt.Sprintf("%.1f req/s p50 %s p95 %s p99 %s", r.rps, ms(r.p50), ms(r.p95), ms(r.p99))
	if r.errors > 0 {
		s += fmt.Sprintf(" (%d errors: %s)", r.errors, r.firstErr)
	}
	return s
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// measure runs one scenario at conc for dur (and at least one request per worker).
func measure(ctx context.Context, t *target, s scenario, conc int, dur time.Duration) result {
	return hammer(conc, dur, func() error {
		req, err := t.request(ctx, "GET", s.role, s.path, s.html, nil)
		if err != nil {
			return err
		}
		return t.do(req, nil)
	})
}

func hammer(conc int, dur time.Duration, call func() error) result {
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for first := true; first || time.Now().Before(deadline); first = false {
				t0 := time.Now()
				if err := call(); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{n: len(lat), errors: int(errs.Load()), rps: float64(len(lat)) / elapsed.Seconds()}
	if s, ok := firstErr.Load().(string); ok {
		r.firstErr = s
	}
	if len(lat) > 0 {
		r.p50, r.p95, r.p99 = lat[len(lat)*50/100], lat[len(lat)*95/100], lat[len(lat)*99/100]
	}
	return r
}

// median picks the round with the median throughput.
func median(rs []result) result {
	sort.Slice(rs, func(i, j int) bool { return rs[i].rps < rs[j].rps })
	return rs[len(rs)/2]
}
