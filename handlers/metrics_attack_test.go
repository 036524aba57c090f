package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"qinqing/handlers"
)

// TestMetricsGuarded: /metrics answers this machine or the metrics token, never a client
// behind a proxy, and keeps no count of the identity vault or the public channel.
func TestMetricsGuarded(t *testing.T) {
	t.Parallel()
	a := startAPIOpts(t, func(o *handlers.Options) { trustLoopback(o); o.MetricsToken = "metrics-token-0123" }, nil)
	get := func(xff, token string) *resp {
		req := a.request("GET", "/metrics", token, nil)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		return a.send(req)
	}
	if r := get("203.0.113.5", ""); r.Status != 403 {
		t.Errorf("remote client through the proxy, no token: %d, want 403", r.Status)
	}
	if r := get("203.0.113.5", "wrong-token"); r.Status != 403 {
		t.Errorf("remote client, wrong token: %d, want 403", r.Status)
	}
	if r := get("203.0.113.5", "metrics-token-0123"); r.Status != 200 {
		t.Errorf("remote client with the token: %s", r)
	}

	// Traffic the counters must not show.
	_, receipt := fileAnonymous(t, a)
	a.do("GET", "/api/v1/public/reports/"+receipt, "", nil)
	a.do("POST", "/api/v1/public/reports/"+receipt+"/messages", "", map[string]string{"content": "补充情况"})
	a.page("POST", "/track", "", url.Values{"receipt": {receipt}})
	a.page("GET", "/report", "", nil)
	a.do("POST", "/api/v1/appeals/1/identity", a.login("auditor"), map[string]string{"reason": "核查需要"})
	a.do("GET", "/api/v1/oversight/reveals", a.login("auditor"), nil)
	a.me(a.login("auditor"))

	r := get("", "")
	if r.Status != 200 {
		t.Fatalf("metrics from this machine: %s", r)
	}
	body := string(r.Body)
	if !strings.Contains(body, `route="/api/v1/me"`) {
		t.Errorf("metrics lack the ordinary routes:\n%s", body)
	}
	for _, leak := range []string{"/public", "/identity", "/reveals", "/track", `route="/report"`} {
		if strings.Contains(body, leak) {
			t.Errorf("metrics count %s", leak)
		}
	}
}

// TestMetricsBehindUntrustedLocalProxy: a proxy on this machine that is not configured
// as trusted does not make its clients local.
func TestMetricsBehindUntrustedLocalProxy(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	req := a.request("GET", "/metrics", "", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.5")
	if r := a.send(req); r.Status != 403 {
		t.Errorf("forwarded request from a local untrusted proxy: %d, want 403", r.Status)
	}
	if r := a.do("GET", "/metrics", "", nil); r.Status != 200 {
		t.Errorf("local scraper: %d", r.Status)
	}
}
