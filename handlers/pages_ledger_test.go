package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// testCSRF is the CSRF token the page tests carry in both the cookie and the form.
var testCSRF = strings.Repeat("ab", 32)

// browse sends a page request as a signed-in browser would: the session and CSRF
// cookies, and the CSRF field in any form it posts.
func (a *api) browse(method, path, role string, form url.Values) *resp {
	var body io.Reader
	if form != nil {
		form.Set("_csrf", testCSRF)
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	a.signIn(req, role)
	return a.send(req)
}

func (a *api) signIn(req *http.Request, role string) {
	req.AddCookie(&http.Cookie{Name: "qq_token", Value: a.login(role)})
	req.AddCookie(&http.Cookie{Name: "qq_csrf", Value: testCSRF})
}

func TestLedgerPagesByRole(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	staff := []string{"admin", "office", "auditor"}
	for _, c := range []struct {
		path string
		ok   []string
	}{
		{"/", demoRoles},
		{"/visits/new", []string{"leader"}},
		{"/visits", demoRoles},
		{"/leaders", staff},
		{fmt.Sprintf("/leaders/%d", x.leader), append(staff, "leader")},
		{fmt.Sprintf("/enterprises/%d", x.own), []string{"admin", "office", "auditor", "leader"}},
		{"/admin/import", []string{"admin"}},
		{"/admin/liaisons", []string{"admin", "office"}},
	} {
		for _, role := range demoRoles {
			want := 404
			if slices.Contains(c.ok, role) {
				want = 200
			}
			if r := a.browse("GET", c.path, role, nil); r.Status != want {
				t.Errorf("%s as %s: %d, want %d", c.path, role, r.Status, want)
			}
		}
	}
	if r := a.browse("GET", fmt.Sprintf("/leaders/%d", x.otherLeader), "leader", nil); r.Status != 404 {
		t.Errorf("another leader's ledger page: %d", r.Status)
	}
}

func TestVisitFormPage(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	form := func(secondCategory string) url.Values {
		return url.Values{
			"enterprise_id": {fmt.Sprint(x.own)}, "visited_at": {""}, "mode": {"phone"}, "participants": {"企业总经理"},
			"summary":          {"电话了解企业复工复产情况。"},
			"problem_title":    {"用电报装进度慢", "", "货车通行证难办"},
			"problem_category": {"要素保障-用电", "融资", secondCategory},
			"problem_content":  {"新厂房报装已申请两个月尚未接电。", "", "危化品运输车辆进港通行证每月都要重新办理。"},
		}
	}
	bad := a.browse("POST", "/visits", "leader", form("不存在的类别"))
	if bad.Status != 422 || !bytes.Contains(bad.Body, []byte("电话了解企业复工复产情况。")) ||
		!bytes.Contains(bad.Body, []byte("货车通行证难办")) || !bytes.Contains(bad.Body, []byte("问题 2：")) {
		t.Fatalf("a bad problem should show the form again with what was typed: %d", bad.Status)
	}
	if n := a.do("GET", "/api/v1/visits", a.login("admin"), nil).total(); n != 0 {
		t.Fatalf("a refused form wrote %d visits", n)
	}
	r := a.browse("POST", "/visits", "leader", form("物流"))
	loc := r.Header.Get("Location")
	if r.Status != 303 || !strings.HasPrefix(loc, "/visits/") {
		t.Fatalf("log a visit: %s (Location %q)", r, loc)
	}
	v := a.do("GET", "/api/v1"+loc, a.login("office"), nil)
	if got, _ := v.JSON["appeals"].([]any); len(got) != 2 || v.JSON["mode"] != "phone" {
		t.Errorf("the blank middle row is dropped, two problems become appeals: %s", v)
	}
	if page := a.browse("GET", loc, "leader", nil); page.Status != 200 || !bytes.Contains(page.Body, []byte("货车通行证难办")) {
		t.Errorf("visit page: %d", page.Status)
	}
}

func TestDirectLinePages(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	sent := a.browse("POST", "/messages", "enterprise", url.Values{"title": {"厂区道路积水"}, "body": {"厂区门口道路每逢下雨积水严重，影响货车通行。"}})
	if sent.Status != 303 {
		t.Fatalf("send: %s", sent)
	}
	if r := a.browse("POST", "/messages", "enterprise", url.Values{"title": {"短"}, "body": {"太短"}}); r.Status != 422 ||
		!bytes.Contains(r.Body, []byte("领导干部直通车")) {
		t.Errorf("a bad message should show home again: %d", r.Status)
	}
	home := a.browse("GET", "/", "leader", nil)
	if !bytes.Contains(home.Body, []byte("厂区道路积水")) {
		t.Fatalf("the leader's home lacks the message")
	}
	m := a.do("GET", "/api/v1/messages?pending=true", a.login("leader"), nil).items()[0]
	r := a.browse("POST", fmt.Sprintf("/messages/%d/appeal", num(m["id"])), "leader", url.Values{"category": {"物流"}})
	if r.Status != 303 {
		t.Fatalf("to appeal: %s", r)
	}
	if home := a.browse("GET", "/", "enterprise", nil); !bytes.Contains(home.Body, []byte("已转为诉求 SQ")) {
		t.Errorf("the enterprise does not see its message became an appeal")
	}
}

func TestImportPage(t *testing.T) {
	t.Parallel()
	a := startEmptyAPI(t)
	upload := func(kind, name, body string) *resp {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("_csrf", testCSRF)
		w, _ := mw.CreateFormFile("file", name)
		w.Write([]byte(body))
		mw.Close()
		req, _ := http.NewRequest("POST", a.base+"/admin/import/"+kind, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		a.signIn(req, "admin")
		return a.send(req)
	}
	bad := upload("enterprises", "e.csv", "企业名称,统一社会信用代码\n盘锦示例石化有限公司,914403001922038217\n")
	if bad.Status != 422 || !bytes.Contains(bad.Body, []byte("第 2 行")) {
		t.Errorf("bad file: %d", bad.Status)
	}
	good := upload("enterprises", "e.csv", "企业名称,统一社会信用代码\n盘锦示例石化有限公司,914403001922038216\n")
	if good.Status != 303 || a.totalOf("/api/v1/enterprises") != 1 {
		t.Errorf("good file: %s", good)
	}
	if r := upload("visits", "e.csv", "x\n1\n"); r.Status != 404 {
		t.Errorf("unknown kind: %d", r.Status)
	}
}

func TestExportButtonsKeepFilters(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	for _, c := range []struct{ page, link string }{
		{"/appeals?source=visit&stage=discovered", "/api/v1/export/appeals.xlsx?source=visit&amp;stage=discovered"},
		{"/enterprises?district=" + url.QueryEscape("大洼区"), "/api/v1/export/enterprises.xlsx?district=" + url.QueryEscape("大洼区")},
		{"/admin/liaisons?active=false", "/api/v1/export/liaisons.xlsx?active=false"},
		{"/visits?mode=phone", "/api/v1/export/visits.xlsx?mode=phone"},
	} {
		r := a.browse("GET", c.page, "admin", nil)
		if r.Status != 200 || !bytes.Contains(r.Body, []byte(`href="`+c.link)) {
			t.Errorf("%s: %d, no export link %s", c.page, r.Status, c.link)
		}
	}
}
