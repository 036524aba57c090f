package handlers

import (
	"crypto/subtle"
	"fmt"
	"qinqing/db/register"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// metrics counts requests per route pattern (never per raw path, which would let
// callers grow the label set without bound).
type metrics struct {
	mu      sync.Mutex
	started time.Time
	count   map[metricKey]int64
	seconds map[metricKey]float64
}

type metricKey struct {
	method, route string
	status        int
}

func newMetrics() *metrics {
	return &metrics{started: time.Now(), count: map[metricKey]int64{}, seconds: map[metricKey]float64{}}
}

// unobserved reports whether a route's traffic must stay out of the metrics: counts of the
// identity vault tell when a reporter's identity was looked at, and counts of the public
// channel tell when reports were filed and followed, which is enough to link a report to
// a person seen at the time.
func unobserved(route string) bool {
	return strings.HasPrefix(route, "/api/v1/public/") || strings.Contains(route, "/identity") ||
		strings.Contains(route, "/reveals") || route == "/report" || strings.HasPrefix(route, "/track")
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	if unobserved(route) {
		return
	}
	if route == "" || route == "/" && status == 404 {
		route = "unmatched"
	}
	k := metricKey{method, route, status}
	m.mu.Lock()
	m.count[k]++
	m.seconds[k] += d.Seconds()
	m.mu.Unlock()
}

// metricsAllowed admits this machine (a scraper beside the server) and anyone showing the
// configured metrics token; the counters are not for the public.
func (s *Server) metricsAllowed(c *fiber.Ctx) bool {
	if s.mtoken != "" {
		scheme, tok, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
		if ok && strings.EqualFold(scheme, "Bearer") &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.mtoken)) == 1 {
			return true
		}
	}
	return s.fromLoopback(c)
}

func (s *Server) serveMetrics(c *fiber.Ctx) error {
	if !s.metricsAllowed(c) {
		return db.Errorf(db.EFORBIDDEN, "运行指标仅对本机或持有指标令牌的请求开放。")
	}
	var b strings.Builder
	m := s.metrics
	m.mu.Lock()
	keys := make([]metricKey, 0, len(m.count))
	for k := range m.count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		if keys[i].method != keys[j].method {
			return keys[i].method < keys[j].method
		}
		return keys[i].status < keys[j].status
	})
	b.WriteString("# HELP qinqing_http_requests_total HTTP requests answered, by route pattern and status.\n")
	b.WriteString("# TYPE qinqing_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "qinqing_http_requests_total{method=%q,route=%q,status=\"%d\"} %d\n", k.method, k.route, k.status, m.count[k])
	}
	b.WriteString("# HELP qinqing_http_request_duration_seconds_total Time spent answering, by route pattern and status.\n")
	b.WriteString("# TYPE qinqing_http_request_duration_seconds_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "qinqing_http_request_duration_seconds_total{method=%q,route=%q,status=\"%d\"} %g\n", k.method, k.route, k.status, m.seconds[k])
	}
	started := m.started
	m.mu.Unlock()

	batches, writes := s.db.WriteStats()
	b.WriteString("# HELP qinqing_db_write_transactions_total Write transactions committed (each one fsync).\n")
	b.WriteString("# TYPE qinqing_db_write_transactions_total counter\n")
	fmt.Fprintf(&b, "qinqing_db_write_transactions_total %d\n", batches)
	b.WriteString("# HELP qinqing_db_writes_total Write requests carried by those transactions.\n")
	b.WriteString("# TYPE qinqing_db_writes_total counter\n")
	fmt.Fprintf(&b, "qinqing_db_writes_total %d\n", writes)
	b.WriteString("# HELP qinqing_login_audit_dropped_total Sign-in audit events not saved because the disk was full.\n")
	b.WriteString("# TYPE qinqing_login_audit_dropped_total counter\n")
	fmt.Fprintf(&b, "qinqing_login_audit_dropped_total %d\n", db.DroppedLoginAudits())
	b.WriteString("# HELP qinqing_password_hashes_total argon2id runs (sign-ins, password changes, receipt checks).\n")
	b.WriteString("# TYPE qinqing_password_hashes_total counter\n")
	fmt.Fprintf(&b, "qinqing_password_hashes_total %d\n", register.PasswordHashes())
	b.WriteString("# HELP qinqing_goroutines Goroutines running.\n# TYPE qinqing_goroutines gauge\n")
	fmt.Fprintf(&b, "qinqing_goroutines %d\n", runtime.NumGoroutine())
	b.WriteString("# HELP qinqing_uptime_seconds Seconds since the server started.\n# TYPE qinqing_uptime_seconds gauge\n")
	fmt.Fprintf(&b, "qinqing_uptime_seconds %g\n", time.Since(started).Seconds())
	b.WriteString("# HELP qinqing_build_info Build version.\n# TYPE qinqing_build_info gauge\n")
	fmt.Fprintf(&b, "qinqing_build_info{version=%q} 1\n", s.version)
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	return c.SendString(b.String())
}
