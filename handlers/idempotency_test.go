package handlers_test

import (
	"bytes"
	"database/sql"
	"qinqing/db"
	"strings"
	"sync"
	"testing"
	"time"
)

// keyed posts body with an Idempotency-Key.
func (a *api) keyed(path, token, key string, body any) *resp {
	req := a.request("POST", path, token, body)
	req.Header.Set("Idempotency-Key", key)
	return a.send(req)
}

// countRows counts rows on a connection of its own to the server's database (on
// PostgreSQL every connection of the read pool is one).
func (a *api) countRows(query string, args ...any) int {
	a.t.Helper()
	conn := a.db.Read
	if a.db.Engine() == db.SQLite {
		var err error
		if conn, err = sql.Open("sqlite3", "file:"+a.db.Path+"?mode=ro"); err != nil {
			a.t.Fatal(err)
		}
		defer conn.Close()
	}
	var n int
	if err := conn.QueryRow(query, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func idemAppeal(title string) map[string]any {
	return map[string]any{"title": title, "content": "我公司新建厂房需要办理施工许可，材料已齐全，请尽快受理。", "category": "审批服务"}
}

// A client that lost its answer sends the create again, many times at once: one appeal
// is filed, and every attempt hears the first answer.
func TestIdempotentAppealRetries(t *testing.T) {
	a, clk := startLoopAPI(t)
	tok := a.login("enterprise")
	const title = "重试不应重复立案"
	body := idemAppeal(title)

	const n = 20
	answers := make([]*resp, n)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = a.keyed("/api/v1/appeals", tok, "retry-1", body)
		}()
	}
	wg.Wait()
	for i, r := range answers {
		if r.Status != 201 || !bytes.Equal(r.Body, answers[0].Body) {
			t.Fatalf("attempt %d: %d %s, want 201 %s", i, r.Status, r.Body, answers[0].Body)
		}
	}
	if got := a.countRows("SELECT COUNT(*) FROM appeals WHERE title = ?", title); got != 1 {
		t.Fatalf("%d concurrent retries filed %d appeals, want 1", n, got)
	}

	again := a.keyed("/api/v1/appeals", tok, "retry-1", body)
	if again.Status != 201 || !bytes.Equal(again.Body, answers[0].Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry after success: %d %s", again.Status, again.Body)
	}

	other := idemAppeal("换了内容的另一件诉求")
	if r := a.keyed("/api/v1/appeals", tok, "retry-1", other); r.Status != 422 {
		t.Fatalf("same key, other body: %d %s, want 422", r.Status, r.Body)
	}
	if got := a.countRows("SELECT COUNT(*) FROM appeals WHERE title = ?", "换了内容的另一件诉求"); got != 0 {
		t.Fatalf("a reused key filed the other appeal")
	}

	// Another caller's key is its own, even when it is spelled the same.
	office := idemAppeal(title)
	office["enterprise_id"] = a.me(tok)["enterprise_id"]
	r := a.keyed("/api/v1/appeals", a.login("office"), "retry-1", office)
	if r.Status != 201 || str(r.JSON, "number") == str(answers[0].JSON, "number") {
		t.Fatalf("another user's same key: %d %s", r.Status, r.Body)
	}

	// After a day the key is forgotten, and the same request files anew.
	a.advance(clk, 25*time.Hour)
	r = a.keyed("/api/v1/appeals", a.login("enterprise"), "retry-1", body)
	if r.Status != 201 || str(r.JSON, "number") == str(answers[0].JSON, "number") {
		t.Fatalf("key older than a day: %d %s", r.Status, r.Body)
	}
	if got := a.countRows("SELECT COUNT(*) FROM appeals WHERE title = ?", title); got != 3 {
		t.Fatalf("%d appeals titled %q, want 3", got, title)
	}
	if got := a.countRows("SELECT COUNT(*) FROM idempotency_keys WHERE created_at <= ?", clk.Now().Add(-24*time.Hour).Unix()); got != 0 {
		t.Fatalf("%d expired keys kept", got)
	}
}

func TestIdempotencyKeyFormat(t *testing.T) {
	a := startAPI(t)
	tok := a.login("enterprise")
	for _, key := range []string{strings.Repeat("k", 129), "键值"} {
		if r := a.keyed("/api/v1/appeals", tok, key, idemAppeal("格式不对的键")); r.Status != 400 {
			t.Errorf("key %q: %d %s, want 400", key, r.Status, r.Body)
		}
	}
	if got := a.countRows("SELECT COUNT(*) FROM appeals WHERE title = ?", "格式不对的键"); got != 0 {
		t.Fatalf("a bad key filed %d appeals", got)
	}
	if r := a.keyed("/api/v1/appeals", tok, strings.Repeat("k", 128), idemAppeal("格式正确的键")); r.Status != 201 {
		t.Fatalf("128-character key: %d %s", r.Status, r.Body)
	}
}

// A repeated public report is filed once, and its receipt code is not shown a second
// time to whoever sends the same key.
func TestIdempotentPublicReport(t *testing.T) {
	a := startAPI(t)
	const title = "重试举报只应登记一次"
	body := map[string]any{"category": "办事拖沓", "title": title,
		"content": "申请变更登记已经一个月，窗口一直说系统问题，没有任何书面答复。", "anonymous": true}
	first := a.keyed("/api/v1/public/reports", "", "report-1", body)
	if first.Status != 201 || str(first.JSON, "receipt") == "" {
		t.Fatalf("first report: %d %s", first.Status, first.Body)
	}
	receipt := str(first.JSON, "receipt")
	again := a.keyed("/api/v1/public/reports", "", "report-1", body)
	if again.Status != 409 || bytes.Contains(again.Body, []byte(receipt)) {
		t.Fatalf("repeat: %d %s, want 409 without the receipt", again.Status, again.Body)
	}
	if got := a.countRows("SELECT COUNT(*) FROM appeals WHERE title = ?", title); got != 1 {
		t.Fatalf("%d reports filed, want 1", got)
	}
	if got := a.countRows("SELECT COUNT(*) FROM idempotency_keys WHERE body IS NOT NULL AND caller = 'public'"); got != 0 {
		t.Fatalf("a public answer was stored")
	}
}

// Every create the API description marks as idempotent reads the header: a malformed key
// is refused before anything is written.
func TestIdempotentRoutesDocumented(t *testing.T) {
	a := startAPI(t)
	doc := a.do("GET", "/api/v1/openapi.json", a.login("admin"), nil)
	paths, _ := doc.JSON["paths"].(map[string]any)
	marked := 0
	for p, ops := range paths {
		post, _ := ops.(map[string]any)["post"].(map[string]any)
		params, _ := post["parameters"].([]any)
		for _, x := range params {
			if x.(map[string]any)["name"] != "Idempotency-Key" {
				continue
			}
			marked++
			role := "admin"
			switch p {
			case "/api/v1/appeals":
				role = "enterprise"
			case "/api/v1/visits":
				role = "leader"
			case "/api/v1/issue-classes":
				role = "office"
			case "/api/v1/oversight/accountability", "/api/v1/oversight/cases":
				role = "auditor"
			case "/api/v1/public/reports":
				role = ""
			case "/api/v1/messages":
				role = "enterprise"
			case "/api/v1/messages/{id}/appeal":
				role, p = "leader", "/api/v1/messages/1/appeal"
			}
			tok := ""
			if role != "" {
				tok = a.login(role)
			}
			if r := a.keyed(p, tok, "键", map[string]any{}); r.Status != 400 {
				t.Errorf("%s with a malformed key: %d %s, want 400", p, r.Status, r.Body)
			}
		}
	}
	if marked != 13 {
		t.Fatalf("%d creates documented with Idempotency-Key, want 13", marked)
	}
}

// TestIdempotentMessage: a retried 直通车 message reaches its leader once.
func TestIdempotentMessage(t *testing.T) {
	a := startAPI(t)
	firm := a.login("enterprise")
	before := a.countRows("SELECT COUNT(*) FROM direct_messages")
	body := map[string]any{"title": "用电报装", "body": "新厂房用电报装迟迟未办理。"}
	first := a.keyed("/api/v1/messages", firm, "msg-retry-1", body)
	again := a.keyed("/api/v1/messages", firm, "msg-retry-1", body)
	if first.Status != 201 || again.Status != 201 || string(first.Body) != string(again.Body) {
		t.Fatalf("first %d %s, again %d %s", first.Status, first.Body, again.Status, again.Body)
	}
	if n := a.countRows("SELECT COUNT(*) FROM direct_messages"); n != before+1 {
		t.Fatalf("%d messages after a retried send, want %d", n, before+1)
	}
}
