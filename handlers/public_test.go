package handlers_test

import (
	"bytes"
	"net/url"
	"os"
	"qinqing/db"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var receiptPattern = regexp.MustCompile(`^[0-9]{20}$`)

func fileAnonymous(t *testing.T, a *api) (number, receipt string) {
	t.Helper()
	r := a.do("POST", "/api/v1/public/reports", "", map[string]any{"category": "办事拖沓", "title": "证照办理一拖再拖",
		"content": "申请变更登记已经一个月，窗口一直说系统问题，没有任何书面答复。", "anonymous": true})
	mustStatus(a, r, 201, "file anonymous report")
	return str(r.JSON, "number"), str(r.JSON, "receipt")
}

// problemShape is what a client can tell apart in an error: everything but the request id.
func problemShape(r *resp) string {
	return r.Header.Get("Content-Type") + "|" + str(r.JSON, "type") + "|" + str(r.JSON, "title") + "|" + str(r.JSON, "detail") +
		"|" + strings.Join(r.fields(), ",") + "|" + strconv.Itoa(r.Status)
}

func TestReceiptThrottled(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	a := startAPIWith(t, clock.Now)
	_, receipt := fileAnonymous(t, a)
	if !receiptPattern.MatchString(receipt) {
		t.Fatalf("receipt %q is not 20 digits", receipt)
	}
	if r := a.do("GET", "/api/v1/public/reports/"+receipt, "", nil); r.Status != 200 || str(r.JSON, "stage") != "discovered" {
		t.Fatalf("right receipt: %s", r)
	}
	wrong := []byte(receipt)
	wrong[5] = '0' + (wrong[5]-'0'+3)%10
	guesses := []string{string(wrong), "00000000000000000000", "123", "1234%20abcd", strings.Repeat("9", 21)}
	var shapes []string
	// Eight guesses and one wrong message and rating each: ten failures.
	for i := 0; i < 8; i++ {
		g := guesses[i%len(guesses)]
		r := a.do("GET", "/api/v1/public/reports/"+g, "", nil)
		if r.Status != 404 {
			t.Fatalf("guess %d %q: %s", i, g, r)
		}
		shapes = append(shapes, problemShape(r))
	}
	for _, s := range shapes {
		if s != shapes[0] {
			t.Errorf("a wrong receipt answers unlike an unknown one:\n%s\n%s", s, shapes[0])
		}
	}
	// Messages and ratings with a wrong code look the same and count the same.
	for path, body := range map[string]map[string]any{"/messages": {"content": "补充"}, "/rating": {"resolved": true, "satisfaction": "satisfied"}} {
		r := a.do("POST", "/api/v1/public/reports/"+string(wrong)+path, "", body)
		if r.Status != 404 || problemShape(r) != shapes[0] {
			t.Errorf("POST %s with a wrong code: %s", path, r)
		}
	}
	for path, body := range map[string]map[string]any{"/messages": {"content": "补充"}, "/rating": {"resolved": true, "satisfaction": "satisfied"}} {
		r := a.do("POST", "/api/v1/public/reports/"+string(wrong)+path, "", body)
		if r.Status != 429 {
			t.Errorf("POST %s after 10 wrong guesses: %s", path, r)
		}
	}
	// Blocked means blocked: the right code too, so a guesser learns nothing.
	r := a.do("GET", "/api/v1/public/reports/"+receipt, "", nil)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after repeated wrong receipts: %s", r)
	}
	if p := a.page("POST", "/track", "", url.Values{"receipt": {receipt}}); p.Status != 429 {
		t.Errorf("track page while blocked: %d", p.Status)
	}
	clock.Advance(16 * time.Minute)
	if r := a.do("GET", "/api/v1/public/reports/"+receipt, "", nil); r.Status != 200 {
		t.Errorf("after the window: %s", r)
	}
	// The same through the page: a wrong code shows the lookup form again, with a 404.
	p := a.page("POST", "/track", "", url.Values{"receipt": {string(wrong)}})
	if p.Status != 404 || !strings.Contains(string(p.Body), `name="receipt"`) || strings.Contains(string(p.Body), "证照办理一拖再拖") {
		t.Errorf("track page with a wrong code: %d", p.Status)
	}
	p = a.page("POST", "/track", "", url.Values{"receipt": {receipt[:4] + " " + receipt[4:8] + " " + receipt[8:]}})
	if p.Status != 200 || !strings.Contains(string(p.Body), "证照办理一拖再拖") {
		t.Errorf("track page with the code in groups: %d", p.Status)
	}
}

// TestReportStoresNoClient files anonymous reports by API and by page with a telltale
// browser, then searches the database file and its WAL for anything of the sender.
func TestReportStoresNoClient(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	const agent = "Mozilla/5.0 (X11) QinqingLeakProbe/7.3"
	req := a.request("POST", "/api/v1/public/reports", "", map[string]any{"category": "吃拿卡要", "title": "执法检查索要财物",
		"content": "检查人员暗示企业购买指定产品，否则就多次来检查。", "anonymous": true})
	req.Header.Set("User-Agent", agent)
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	r := a.send(req)
	mustStatus(a, r, 201, "report by API")
	receipts := []string{str(r.JSON, "receipt")}
	page := a.postForm("/report", "", map[string]string{"category": "推拖绕", "title": "窗口推诿不予受理",
		"content": "窗口以材料不全为由多次退回，却不一次性告知缺什么材料。", "anonymous": "true",
		"contact_name": "不该保存", "contact_phone": "13700000000"}, map[string][]byte{"截图.png": pngData})
	mustStatus(a, page, 200, "report by page")
	m := regexp.MustCompile(`data-receipt>([0-9 ]+)<`).FindSubmatch(page.Body)
	if m == nil {
		t.Fatalf("the page does not show the receipt: %s", page.Body)
	}
	receipts = append(receipts, strings.ReplaceAll(string(m[1]), " ", ""))
	if !receiptPattern.MatchString(receipts[1]) {
		t.Fatalf("page receipt %q", receipts[1])
	}
	if page.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the receipt page may be cached: %q", page.Header.Get("Cache-Control"))
	}
	for _, rc := range receipts {
		if r := a.do("GET", "/api/v1/public/reports/"+rc, "", nil); r.Status != 200 {
			t.Errorf("receipt %s: %s", rc, r)
		}
	}
	files := a.storedBytes()
	needles := []string{"127.0.0.1", "203.0.113.77", "QinqingLeakProbe", testCSRF, "不该保存", "13700000000"}
	for _, rc := range receipts {
		needles = append(needles, rc, rc[:10], rc[10:])
	}
	for _, n := range needles {
		for i, b := range files {
			if bytes.Contains(b, []byte(n)) {
				t.Errorf("%q is in the database file %d", n, i)
			}
		}
	}
	if len(files[1]) == 0 {
		t.Error("the WAL is empty: the search proved nothing")
	}
}

// storedBytes is what the database keeps, in two parts that must both hold something:
// on SQLite its file and its WAL; on PostgreSQL, which has no file of the database's
// own, every row of every table as text, and the audit payloads and event data again.
func (a *api) storedBytes() [][]byte {
	a.t.Helper()
	if a.db.Engine() == db.SQLite {
		var files [][]byte
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(a.db.Path + suffix)
			if err != nil {
				a.t.Fatal(err)
			}
			files = append(files, b)
		}
		return files
	}
	dump := func(query string) []byte {
		rows, err := a.db.Read.Query(query)
		if err != nil {
			a.t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		var out bytes.Buffer
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				a.t.Fatal(err)
			}
			out.WriteString(s)
			out.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			a.t.Fatal(err)
		}
		return out.Bytes()
	}
	var tables []string
	for _, line := range bytes.Fields(dump("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
		tables = append(tables, string(line))
	}
	var all bytes.Buffer
	for _, table := range tables {
		all.Write(dump("SELECT CAST(x AS text) FROM " + table + " x"))
	}
	// A row's text escapes quotes and backslashes in JSON; the payloads again as stored.
	recent := dump("SELECT payload FROM audit_events UNION ALL SELECT COALESCE(data, '') FROM appeal_events")
	return [][]byte{all.Bytes(), recent}
}

func TestPublicReportFlow(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	_, receipt := fileAnonymous(t, a)
	auditor := a.login("auditor")
	id := a.do("GET", "/api/v1/appeals?source=report", auditor, nil).items()[0]["id"]
	rid := num(id)

	msg := a.postForm("/api/v1/public/reports/"+receipt+"/messages", "", map[string]string{"content": "补充一张现场照片"},
		map[string][]byte{"现场.png": pngData})
	mustStatus(a, msg, 201, "message with a file")
	steps, _ := msg.JSON["steps"].([]any)
	last, _ := steps[len(steps)-1].(map[string]any)
	if str(last, "label") != "您补充的情况" || !strings.Contains(string(msg.Body), "现场.png") {
		t.Errorf("message step: %s", msg)
	}
	if r := a.do("POST", "/api/v1/public/reports/"+receipt+"/rating", "", map[string]any{"resolved": true, "satisfaction": "satisfied"}); r.Status != 409 {
		t.Errorf("rating before any feedback: %s", r)
	}
	a.act(auditor, rid, map[string]any{"action": "accept"})
	a.act(auditor, rid, map[string]any{"action": "dismiss", "note": "经核查，该事项已于上周办结，窗口已书面告知。"})
	if r := a.do("POST", "/api/v1/appeals/"+itoa(rid)+"/actions", a.login("office"), map[string]any{"action": "comment", "version": 99, "note": "x", "public": true}); r.Status != 404 {
		t.Errorf("office public reply: %s", r)
	}
	view := a.do("GET", "/api/v1/public/reports/"+receipt, "", nil)
	if view.JSON["can_rate"] != true || !strings.Contains(string(view.Body), "已于上周办结") {
		t.Fatalf("after the feedback: %s", view)
	}
	r := a.do("POST", "/api/v1/public/reports/"+receipt+"/rating", "", map[string]any{"resolved": false, "satisfaction": "unsatisfied", "comment": "并没有办结"})
	if r.Status != 200 || str(r.JSON, "stage") != "verifying" {
		t.Fatalf("unsatisfied rating: %s", r)
	}
	if w := a.do("GET", "/api/v1/oversight/unsatisfied", auditor, nil); w.total() != 1 {
		t.Errorf("the unsatisfied report is not on the workspace list: %s", w)
	}
	for _, bad := range []map[string]any{{}, {"resolved": true}, {"resolved": true, "satisfaction": "很好"}} {
		if r := a.do("POST", "/api/v1/public/reports/"+receipt+"/rating", "", bad); r.Status != 422 {
			t.Errorf("rating %v: %s", bad, r)
		}
	}
	if r := a.do("POST", "/api/v1/public/reports", "", map[string]any{"title": "x"}); r.Status != 422 {
		t.Errorf("empty report: %s", r)
	}
	if r := a.do("POST", "/api/v1/public/reports", "", `{"title": "x", "ip": "1.2.3.4"}`); r.Status != 400 {
		t.Errorf("unknown field: %s", r)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
