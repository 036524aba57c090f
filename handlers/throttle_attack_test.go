package handlers_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"qinqing/db/demo"
	"qinqing/db/register"
	"strings"
	"sync"
	"testing"
	"time"

	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/handlers"
)

// Parallel tests under -race hash ten times slower than a server does; a busy test
// machine must not turn a queue for the hashing slots into 503s.
func init() { register.HashWait = 2 * time.Minute }

// startAPIOpts starts a demo server like startAPI, with options and database settings
// of the test's choosing.
func startAPIOpts(t *testing.T, opts func(*handlers.Options), setup func(*db.DB)) *api {
	t.Helper()
	d := dbtest.MustDemo(t)
	if setup != nil {
		setup(d)
	}
	o := handlers.Options{DB: d, Secret: testSecret, Version: "test", Logger: testLogger(t)}
	if opts != nil {
		opts(&o)
	}
	return serveWith(t, o)
}

// trustLoopback makes the test's own connections come through a "proxy".
func trustLoopback(o *handlers.Options) {
	o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// burst sends n requests at once and counts the answers by status.
func burst(n int, send func(i int) *resp) map[int]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := map[int]int{}
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			r := send(i)
			mu.Lock()
			out[r.Status]++
			mu.Unlock()
		}(i)
	}
	close(start)
	wg.Wait()
	return out
}

// loginFrom signs in with X-Forwarded-For set (when xff is not empty).
func (a *api) loginFrom(xff, user, pass string) *resp {
	req := a.request("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pass})
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	return a.send(req)
}

// TestConcurrentPasswordGuesses fires 60 wrong passwords for one account at once: only
// the limit may be evaluated (401), every other answer is 429 without hashing.
func TestConcurrentPasswordGuesses(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	got := burst(60, func(i int) *resp { return a.loginFrom("", "office", fmt.Sprintf("wrong-guess-%d", i)) })
	if got[401] > 5 || got[401]+got[429] != 60 {
		t.Errorf("60 parallel guesses answered %v: want at most 5 evaluated (401), the rest 429", got)
	}
	if r := a.loginFrom("", "office", demo.Password); r.Status != 429 {
		t.Errorf("right password after the burst, same address: %s, want 429", r)
	}
}

// TestConcurrentReceiptGuesses fires 150 wrong receipts at once through the API and the
// /track page, which share one budget of 10.
func TestConcurrentReceiptGuesses(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	got := burst(150, func(i int) *resp {
		code := fmt.Sprintf("%020d", 12345678901234+i)
		if i%2 == 0 {
			return a.do("GET", "/api/v1/public/reports/"+code, "", nil)
		}
		return a.page("POST", "/track", "", url.Values{"receipt": {code}})
	})
	if got[404] > 10 || got[404]+got[429] != 150 {
		t.Errorf("150 parallel receipt guesses answered %v: want at most 10 evaluated (404), the rest 429", got)
	}
}

// TestConcurrentAnonymousReports files 40 reports at once from one address.
func TestConcurrentAnonymousReports(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	got := burst(40, func(int) *resp {
		return a.do("POST", "/api/v1/public/reports", "", map[string]any{"category": "办事拖沓", "title": "证照办理一拖再拖",
			"content": "申请变更登记已经一个月，窗口一直说系统问题。", "anonymous": true})
	})
	if got[201] > 10 || got[201]+got[429] != 40 {
		t.Errorf("40 parallel reports answered %v: want at most 10 filed, the rest 429", got)
	}
}

// TestForwardedForIgnoredFromUntrustedPeers: without trusted proxies, a client cannot
// pick a fresh throttle bucket by sending X-Forwarded-For.
func TestForwardedForIgnoredFromUntrustedPeers(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	for i := 0; i < 5; i++ {
		if r := a.loginFrom(fmt.Sprintf("203.0.113.%d", i+1), "office", "wrong-password"); r.Status != 401 {
			t.Fatalf("guess %d: %s", i, r)
		}
	}
	if r := a.loginFrom("198.51.100.7", "office", demo.Password); r.Status != 429 {
		t.Errorf("a new X-Forwarded-For from the same socket: %s, want 429", r)
	}
}

// TestForwardedForFromTrustedProxy: behind a trusted proxy each client has its own
// bucket, an attacker at A cannot lock the owner at B out, and a forged left-most
// address does not move the attacker to another bucket.
func TestForwardedForFromTrustedProxy(t *testing.T) {
	t.Parallel()
	a := startAPIOpts(t, trustLoopback, nil)
	const attacker, owner = "203.0.113.9", "198.51.100.20"
	for i := 0; i < 5; i++ {
		if r := a.loginFrom(attacker, "admin", "wrong-password"); r.Status != 401 {
			t.Fatalf("guess %d: %s", i, r)
		}
	}
	if r := a.loginFrom(attacker, "admin", demo.Password); r.Status != 429 {
		t.Errorf("attacker's address after 5 failures: %s, want 429", r)
	}
	if r := a.loginFrom(owner+", "+attacker, "admin", demo.Password); r.Status != 429 {
		t.Errorf("attacker forging a left-most address: %s, want 429", r)
	}
	if r := a.loginFrom(owner, "admin", demo.Password); r.Status != 200 {
		t.Errorf("owner from another address: %s, want 200", r)
	}
	// A chain of trusted proxies: the client is the right-most untrusted hop.
	if r := a.loginFrom(attacker+", 127.0.0.5", "admin", demo.Password); r.Status != 429 {
		t.Errorf("attacker through two proxies: %s, want 429", r)
	}
}

// TestPasswordChangeOracle guesses the current password through /me/password: guesses
// are throttled per account (in parallel too), each wrong one is audited, and a right
// new = current guess answers only after the current password held.
func TestPasswordChangeOracle(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	tok := a.freshLogin("department", demo.Password)
	change := func(cur, next string) *resp {
		return a.do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": cur, "new_password": next})
	}
	// new = current with a wrong guess says only that the guess is wrong.
	if r := change("wrong-guess-0", "wrong-guess-0"); r.Status != 422 || !strings.Contains(str(r.JSON, "detail"), "当前密码不正确") {
		t.Fatalf("wrong guess as the new password too: %s", r)
	}
	got := burst(20, func(i int) *resp { return change(fmt.Sprintf("wrong-guess-%d", i+1), "另一个足够长的新密码") })
	if got[422] > 4 || got[422]+got[429] != 20 {
		t.Errorf("20 parallel guesses answered %v: want at most 4 more evaluated (422), the rest 429", got)
	}
	if r := change(demo.Password, "另一个足够长的新密码"); r.Status != 429 {
		t.Errorf("right current password while blocked: %s, want 429", r)
	}
	audit := a.do("GET", "/api/v1/audit/events?action=auth.password_failed", a.login("auditor"), nil)
	if n := audit.total(); n != 1+got[422] {
		t.Errorf("audited wrong current passwords: %d, want %d", n, 1+got[422])
	}
	// Another account's throttle is its own.
	other := a.freshLogin("leader", demo.Password)
	r := a.do("POST", "/api/v1/me/password", other, map[string]string{"current_password": demo.Password, "new_password": demo.Password})
	if r.Status != 422 || !strings.Contains(str(r.JSON, "detail"), "不能与当前密码相同") {
		t.Errorf("right current password, same new one: %s", r)
	}
}

// reportMessage posts a follow-up with files to a receipt.
func (a *api) reportMessage(receipt, text string, files ...[]byte) *resp {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("content", text)
	for i, data := range files {
		fw, _ := w.CreateFormFile("file", fmt.Sprintf("证据%d.png", i))
		fw.Write(data)
	}
	w.Close()
	req := a.request("POST", "/api/v1/public/reports/"+receipt+"/messages", "", buf.Bytes())
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.send(req)
}

func pngOf(size int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, size-8)...)
}

// TestFollowUpFlood floods a report with follow-ups and files: the address, the report
// and the day each have a cap, and what is stored stays under them.
func TestFollowUpFlood(t *testing.T) {
	t.Parallel()
	caps := db.UploadCaps{PerReport: 40 << 10, PerDay: 100 << 10, MessagesPerDay: 6}
	a := startAPIOpts(t, nil, func(d *db.DB) { d.PublicUploads = caps })
	_, receipt := fileAnonymous(t, a)
	file := pngOf(4 << 10)
	got := burst(20, func(i int) *resp {
		return a.reportMessage(receipt, fmt.Sprintf("补充 %d", i), file, file, file)
	})
	stored := got[201]
	if stored > 3 || got[429]+got[413]+stored != 20 {
		t.Errorf("20 parallel follow-ups of 12 KB answered %v: want at most 3 stored (40 KB cap), the rest 413/429", got)
	}
	var onDisk int64
	err := filepath.Walk(a.db.FilesDir(), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			onDisk += fi.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if onDisk > caps.PerReport {
		t.Errorf("%d bytes stored, over the %d cap", onDisk, caps.PerReport)
	}
	if r := a.reportMessage(receipt, "再补充", file, file, file); r.Status != 413 && r.Status != 429 ||
		!strings.Contains(str(r.JSON, "detail"), "上限") && !strings.Contains(str(r.JSON, "detail"), "频繁") {
		t.Errorf("a file past the cap: %s", r)
	}
	// Words alone still count against the report's daily number of follow-ups.
	for i := stored; i < caps.MessagesPerDay; i++ {
		mustStatus(a, a.do("POST", "/api/v1/public/reports/"+receipt+"/messages", "", map[string]string{"content": "文字补充"}), 201, "text follow-up")
	}
	if r := a.do("POST", "/api/v1/public/reports/"+receipt+"/messages", "", map[string]string{"content": "又一条"}); r.Status != 429 ||
		!strings.Contains(str(r.JSON, "detail"), "上限") {
		t.Errorf("follow-up past the daily number: %s", r)
	}
}
