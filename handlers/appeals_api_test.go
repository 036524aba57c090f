package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"qinqing/db/demo"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"qinqing/db/dbtest"
	"qinqing/handlers"
)

// startLoopAPI is startAPI with the database on a clock that the test moves. The clock
// is set before the first write, so the writer and the handlers read it without a race.
func startLoopAPI(t *testing.T) (*api, *testClock) {
	t.Helper()
	clk := &testClock{}
	d := dbtest.MustOpen(t)
	d.Now = clk.Now
	if _, err := demo.Build(context.Background(), d, ""); err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(handlers.Options{DB: d, Secret: testSecret, Now: clk.Now, Version: "test", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a := &api{t: t, srv: srv, db: d, base: "http://" + ln.Addr().String(), tokens: map[string]string{}, hc: &http.Client{}}
	t.Cleanup(func() {
		a.hc.CloseIdleConnections()
		srv.Shutdown(context.Background())
		if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return a, clk
}

// advance moves the clock and signs everyone in again, as tokens last 12 hours.
func (a *api) advance(clk *testClock, d time.Duration) {
	clk.Advance(d)
	a.mu.Lock()
	a.tokens = map[string]string{}
	a.mu.Unlock()
}

// loopAct posts an action on an appeal.
func (a *api) loopAct(user string, id int64, body map[string]any) *resp {
	return a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/actions", id), a.login(user), body)
}

// loopFile files an appeal and returns the created appeal, failing the test otherwise.
func (a *api) loopFile(user string, body map[string]any) *resp {
	a.t.Helper()
	in := map[string]any{"title": "申请办理施工许可", "content": "我公司新建厂房需要办理施工许可，材料已齐全，请尽快受理。", "category": "审批服务"}
	if user != "enterprise" {
		in["enterprise_id"] = a.me(a.login("enterprise"))["enterprise_id"]
	}
	for k, v := range body {
		in[k] = v
	}
	r := a.do("POST", "/api/v1/appeals", a.login(user), in)
	if r.Status != 201 {
		a.t.Fatalf("file by %s: %s", user, r)
	}
	return r
}

// step is one action in a scenario and the stage it must lead to.
type step struct {
	user  string
	body  map[string]any
	stage string
}

// walkLoop takes the steps in order, each with the version the last answer carried.
func (a *api) walkLoop(ap *resp, steps ...step) *resp {
	a.t.Helper()
	for _, s := range steps {
		s.body["version"] = ap.id("version")
		r := a.loopAct(s.user, ap.id("id"), s.body)
		if r.Status != 200 || r.JSON["stage"] != s.stage || r.id("version") != ap.id("version")+1 {
			a.t.Fatalf("%s %v by %s: %s, want stage %s", s.body["action"], s.body, s.user, r, s.stage)
		}
		ap = r
	}
	return ap
}

func TestAPIAppealLoop(t *testing.T) {
	a, _ := startLoopAPI(t)
	dept := a.me(a.login("department"))["department_id"]
	ap := a.loopFile("enterprise", nil)
	for _, k := range []string{"id", "number", "title", "content", "category", "source", "tier", "stage", "version",
		"enterprise_id", "leader_id", "department_id", "confidential", "created_at", "accepted_at", "response_due_at",
		"due_at", "extended_due_at", "closed_at", "reopen_count", "overdue", "rating", "allowed_actions"} {
		if _, ok := ap.JSON[k]; !ok {
			t.Errorf("the appeal has no %q", k)
		}
	}
	if ap.JSON["source"] != "portal" || ap.JSON["stage"] != "discovered" || !strings.HasSuffix(ap.JSON["created_at"].(string), "+08:00") {
		t.Errorf("filed: %s", ap)
	}
	ap = a.walkLoop(ap,
		step{"office", map[string]any{"action": "accept"}, "verifying"},
		step{"office", map[string]any{"action": "assign", "department_id": dept}, "rectifying"},
		step{"department", map[string]any{"action": "report", "note": "已协调办理"}, "feedback"},
		step{"enterprise", map[string]any{"action": "rate", "resolved": false, "satisfaction": "unsatisfied", "note": "还没拿到许可证"}, "rectifying"},
		step{"department", map[string]any{"action": "report", "note": "许可证已发放"}, "feedback"},
		step{"enterprise", map[string]any{"action": "rate", "resolved": true, "satisfaction": "satisfied"}, "feedback"},
		step{"office", map[string]any{"action": "close"}, "closed"},
	)
	rating, _ := ap.JSON["rating"].(map[string]any)
	if ap.id("reopen_count") != 1 || rating == nil || rating["satisfaction"] != "satisfied" || rating["resolved"] != true || ap.JSON["closed_at"] == nil {
		t.Errorf("closed: %s", ap)
	}
	want := []string{"file", "accept", "assign", "report", "rate", "report", "rate", "close"}
	for _, user := range []string{"enterprise", "office", "department", "leader", "auditor"} {
		r := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", ap.id("id")), a.login(user), nil)
		var got []string
		for _, e := range r.items() {
			got = append(got, e["action"].(string))
		}
		if r.Status != 200 || !slices.Equal(got, want) {
			t.Errorf("%s reads the timeline %v (%d), want %v", user, got, r.Status, want)
		}
	}
	if r := a.do("GET", "/api/v1/audit/verify", a.login("auditor"), nil); r.Status != 200 || r.JSON["ok"] != true {
		t.Errorf("audit verify: %s", r)
	}
}

func TestAPIActionStatuses(t *testing.T) {
	a, _ := startLoopAPI(t)
	ap := a.loopFile("enterprise", nil)
	id, v := ap.id("id"), ap.id("version")
	for _, c := range []struct {
		name, user string
		body       any
		status     int
		check      func(*resp) bool
	}{
		{"enterprise accepts", "enterprise", map[string]any{"action": "accept", "version": v}, 403, nil},
		{"admin comments", "admin", map[string]any{"action": "comment", "version": v, "note": "看看"}, 403, nil},
		{"assign before accept", "office", map[string]any{"action": "assign", "version": v, "department_id": 1}, 409,
			func(r *resp) bool {
				return fmt.Sprint(r.JSON["allowed_actions"]) == "[accept merge reject comment urge escalate attach]"
			}},
		{"a stale version", "office", map[string]any{"action": "accept", "version": v - 1}, 409,
			func(r *resp) bool { return slices.Contains(r.fields(), "version") }},
		{"reject without reason", "office", map[string]any{"action": "reject", "version": v}, 422,
			func(r *resp) bool { return slices.Equal(r.fields(), []string{"note"}) }},
		{"an unknown action", "office", map[string]any{"action": "fly", "version": v}, 422, nil},
		{"a bad satisfaction type", "enterprise", map[string]any{"action": "rate", "version": v, "satisfaction": 5}, 422, nil},
		{"an unknown field", "office", map[string]any{"action": "accept", "version": v, "foo": 1}, 400, nil},
		{"malformed JSON", "office", `{"action": "accept",`, 400, nil},
		{"a department before assignment", "department", map[string]any{"action": "comment", "version": v, "note": "x"}, 404, nil},
	} {
		r := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/actions", id), a.login(c.user), c.body)
		if r.Status != c.status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
			(c.check != nil && !c.check(r)) {
			t.Errorf("%s: %s, want %d", c.name, r, c.status)
		}
	}
	for path, status := range map[string]int{"/api/v1/appeals/abc/actions": 400, "/api/v1/appeals/999999/actions": 404} {
		if r := a.do("POST", path, a.login("office"), map[string]any{"action": "accept", "version": 1}); r.Status != status {
			t.Errorf("POST %s: %s, want %d", path, r, status)
		}
	}
	if r := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", id), a.login("department"), nil); r.Status != 404 {
		t.Errorf("a department reads an appeal it never had: %s", r)
	}
	after := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", id), a.login("office"), nil)
	if now := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", id), a.login("office"), nil); now.id("version") != v || len(after.items()) != 1 {
		t.Errorf("refused actions changed the appeal: version %d, %d events", now.id("version"), len(after.items()))
	}
}

func TestAPIConcurrentActions(t *testing.T) {
	a, _ := startLoopAPI(t)
	ap := a.loopFile("enterprise", nil)
	a.login("office")
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = a.loopAct("office", ap.id("id"), map[string]any{"action": "accept", "version": ap.id("version")}).Status
		})
	}
	wg.Wait()
	slices.Sort(statuses)
	if statuses[0] != 200 || statuses[1] != 409 {
		t.Errorf("two accepts at once: %v, want one 200 and one 409", statuses)
	}
}

func TestAPIAttachments(t *testing.T) {
	a, _ := startLoopAPI(t)
	ap := a.loopFile("enterprise", nil)
	upload := func(user, name string, data []byte) *resp {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("note", "现场照片")
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		req := a.request("POST", fmt.Sprintf("/api/v1/appeals/%d/attachments", ap.id("id")), a.login(user), body.Bytes())
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return a.send(req)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 1000)...)
	if r := upload("enterprise", "现场 照片.png", png); r.Status != 201 || r.JSON["stage"] != "discovered" {
		t.Fatalf("upload: %s", r)
	}
	if r := upload("enterprise", "tool.exe", []byte("MZ\x90\x00 not a document")); r.Status != 422 {
		t.Errorf("an executable: %s", r)
	}
	if r := upload("department", "a.png", png); r.Status != 404 {
		t.Errorf("a department that never had the appeal uploads: %s", r)
	}
	events := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", ap.id("id")), a.login("office"), nil).items()
	last := events[len(events)-1]
	atts, _ := last["attachments"].([]any)
	if last["action"] != "attach" || len(atts) != 1 || len(events) != 2 {
		t.Fatalf("timeline after the upload: %v", events)
	}
	att := atts[0].(map[string]any)
	path := fmt.Sprintf("/api/v1/attachments/%d", num(att["id"]))
	r := a.do("GET", path, a.login("leader"), nil)
	if r.Status != 200 || !bytes.Equal(r.Body, png) || r.Header.Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87.png") {
		t.Errorf("download: %d %v", r.Status, r.Header)
	}
	if r := a.do("GET", path, a.login("department"), nil); r.Status != 404 {
		t.Errorf("download out of scope: %s", r)
	}
}

func TestAPIAppealFilters(t *testing.T) {
	a, clk := startLoopAPI(t)
	ent, dept := a.me(a.login("enterprise"))["enterprise_id"], a.me(a.login("department"))["department_id"]
	mark := "滤镜标记"
	with := func(kv ...any) map[string]any {
		m := map[string]any{"title": mark + "的诉求", "content": "用于检验列表筛选条件的诉求内容：" + mark}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	first := a.loopFile("office", with("tier", "immediate", "source", "hotline", "category", "融资"))
	a.advance(clk, 48*time.Hour)
	a.loopFile("office", with("tier", "escalated", "source", "steward", "category", "用工"))
	a.loopFile("enterprise", with("category", "用工"))
	assigned := a.loopFile("office", with("source", "hotline", "category", "物流"))
	a.walkLoop(assigned,
		step{"office", map[string]any{"action": "accept"}, "verifying"},
		step{"office", map[string]any{"action": "assign", "department_id": dept}, "rectifying"})
	a.advance(clk, 3*time.Hour) // the immediate appeal filed two days ago is now overdue; the others not
	day := func(r *resp) string { return r.JSON["created_at"].(string)[:10] }
	later := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", assigned.id("id")), a.login("office"), nil)
	for _, c := range []struct {
		user, query string
		total       int
	}{
		{"office", "", 4},
		{"office", "stage=rectifying", 1},
		{"office", "stage=discovered", 3},
		{"office", "tier=immediate", 1},
		{"office", "tier=fast", 2},
		{"office", "overdue=true", 1},
		{"office", "overdue=false", 3},
		{"office", fmt.Sprintf("department_id=%v", dept), 1},
		{"office", fmt.Sprintf("enterprise_id=%v", ent), 4},
		{"office", "category=%E7%94%A8%E5%B7%A5", 2},
		{"office", "source=hotline", 2},
		{"office", "source=portal", 1},
		{"office", "from=" + day(later), 3},
		{"office", "to=" + day(first), 1},
		{"office", "from=" + day(first) + "&to=" + day(later), 4},
		{"office", "tier=fast&source=hotline&stage=rectifying", 1},
		{"enterprise", "", 4},
		{"department", "", 1},
		{"leader", "", 4},
	} {
		r := a.do("GET", "/api/v1/appeals?limit=2&q="+mark+"&"+c.query, a.login(c.user), nil)
		if r.Status != 200 || r.total() != c.total || len(r.items()) != min(2, c.total) {
			t.Errorf("%s lists %q: %s, want total %d", c.user, c.query, r, c.total)
		}
	}
	for query, status := range map[string]int{"stage=nowhere": 422, "tier=slow": 422, "source=rumor": 422, "overdue=maybe": 400,
		"department_id=abc": 400, "from=2026-13-01": 422, "limit=0": 422, "limit=501": 422, "cursor=%21%21": 400,
		"q=%22": 200, "q=NEAR%28%E4%BE%9B%E7%94%B5%29": 200, "q=-%2A": 200} {
		if r := a.do("GET", "/api/v1/appeals?"+query, a.login("office"), nil); r.Status != status {
			t.Errorf("GET /appeals?%s: %s, want %d", query, r, status)
		}
	}
}

func TestAPICategoriesAndDeadlines(t *testing.T) {
	a, _ := startLoopAPI(t)
	r := a.do("GET", "/api/v1/categories", a.login("enterprise"), nil)
	names := map[string]bool{}
	for _, c := range r.items() {
		names[c["name"].(string)] = c["active"] == true
	}
	for _, want := range []string{"政策兑现", "审批服务", "融资", "用工", "物流", "执法检查", "吃拿卡要", "推拖绕"} {
		if !names[want] {
			t.Errorf("categories lack %s: %s", want, r)
		}
	}
	good := map[string]any{"tier": "fast", "response_seconds": 7200, "resolution_seconds": 172800}
	for _, c := range []struct {
		user   string
		body   any
		status int
	}{
		{"office", good, 403},
		{"auditor", good, 403},
		{"admin", map[string]any{"tier": "slow", "response_seconds": 7200, "resolution_seconds": 172800}, 422},
		{"admin", map[string]any{"tier": "fast", "response_seconds": 5, "resolution_seconds": 172800}, 422},
		{"admin", map[string]any{"tier": "fast", "response_seconds": 7200, "resolution_seconds": 60}, 422},
		{"admin", map[string]any{"tier": "fast", "response_seconds": "2h", "resolution_seconds": 60}, 422},
		{"admin", map[string]any{"tier": "fast", "hours": 2}, 400},
		{"admin", good, 200},
	} {
		if r := a.do("PUT", "/api/v1/settings/deadlines", a.login(c.user), c.body); r.Status != c.status {
			t.Errorf("%s PUT %v: %s, want %d", c.user, c.body, r, c.status)
		}
	}
	r = a.do("GET", "/api/v1/settings/deadlines", a.login("department"), nil)
	if got := fmt.Sprint(r.items()[1]); got != "map[resolution_days:0 resolution_seconds:172800 response_days:0 response_seconds:7200 tier:fast unit:hours]" {
		t.Errorf("fast deadlines now %s", got)
	}
	ap := a.loopFile("enterprise", nil)
	created, _ := time.Parse(time.RFC3339, ap.JSON["created_at"].(string))
	due, _ := time.Parse(time.RFC3339, ap.JSON["due_at"].(string))
	if due.Sub(created) != 48*time.Hour {
		t.Errorf("a new fast appeal is due after %v", due.Sub(created))
	}
}
