package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/register"
	"strings"
	"testing"

	"qinqing/db"
)

// startPageServer serves the demo city from a fresh database and returns its base URL.
func startPageServer(t *testing.T) (string, *db.DB) {
	t.Helper()
	d := dbtest.MustDemo(t)
	s, err := New(Options{DB: d, Secret: []byte("0123456789abcdef0123456789abcdef"),
		Logger: QuietLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), d
}

// pageClient is a cookie-keeping client that, like a test should, looks at redirects itself.
type pageClient struct {
	t    *testing.T
	base string
	hc   *http.Client
}

type pageResult struct {
	Status   int
	Location string
	Body     string
}

func newPageClient(t *testing.T, base string) *pageClient {
	jar, _ := cookiejar.New(nil)
	return &pageClient{t: t, base: base, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *pageClient) result(res *http.Response, err error) pageResult {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return pageResult{res.StatusCode, res.Header.Get("Location"), string(body)}
}

func (b *pageClient) get(path string) pageResult {
	b.t.Helper()
	return b.result(b.hc.Get(b.base + path))
}

// csrf is the token of the visitor's CSRF cookie, fetched from /login when there is none.
func (b *pageClient) csrf() string {
	b.t.Helper()
	u, _ := url.Parse(b.base)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == csrfCookie {
			return c.Value
		}
	}
	b.get("/login")
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == csrfCookie {
			return c.Value
		}
	}
	b.t.Fatal("no CSRF cookie after GET /login")
	return ""
}

// post sends a form with the right CSRF token; kv are name, value pairs.
func (b *pageClient) post(path string, kv ...string) pageResult {
	b.t.Helper()
	return b.postRaw(path, append([]string{csrfField, b.csrf()}, kv...)...)
}

// postRaw sends a form as given, without adding a CSRF token.
func (b *pageClient) postRaw(path string, kv ...string) pageResult {
	b.t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	return b.result(b.hc.PostForm(b.base+path, form))
}

func pageSignIn(t *testing.T, base, username, password string) *pageClient {
	t.Helper()
	b := newPageClient(t, base)
	if p := b.post("/login", "username", username, "password", password); p.Status != 303 || p.Location != "/" {
		t.Fatalf("login %s: %d %s", username, p.Status, p.Location)
	}
	return b
}

// want fails unless the page has the status and contains every string.
func (p pageResult) want(t *testing.T, what string, status int, contains ...string) {
	t.Helper()
	if p.Status != status {
		t.Errorf("%s: status %d, want %d (location %q)", what, p.Status, status, p.Location)
	}
	for _, s := range contains {
		if !strings.Contains(p.Body, s) {
			t.Errorf("%s: page lacks %q", what, s)
		}
	}
}

func TestPagesAdminPagesRender(t *testing.T) {
	base, d := startPageServer(t)
	admin := pageSignIn(t, base, "admin", demo.Password)
	ctx := context.Background()
	leaders, err := register.ListLeaders(ctx, d, register.LeaderFilter{Page: db.Page{Limit: 1}})
	if err != nil || len(leaders.Items) == 0 {
		t.Fatal(leaders, err)
	}
	l := leaders.Items[0]
	for _, c := range []struct {
		path     string
		contains []string
	}{
		{"/admin/users", []string{`data-page="admin-users"`, "新建用户", "系统管理员", `name="department_id"`, `name="leader_id"`, `name="enterprise"`, "共 6 条"}},
		{"/admin/users?role=department", []string{"共 1 条", "责任单位"}},
		{"/admin/users?disabled=true", []string{"没有符合条件的用户"}},
		{"/admin/users/1", []string{`data-page="admin-user"`, "重置密码", "所有设备", "停用", "不能停用"}},
		{"/admin/users/2", []string{"停用账号", "data-confirm="}},
		{"/admin/leaders", []string{`data-page="admin-leaders"`, "在册包保企业", "新建包保领导", l.Name}},
		{fmt.Sprintf("/admin/leaders/%d/edit", l.ID), []string{`data-page="admin-leader-edit"`, l.Name, "保存"}},
		{"/admin/enterprises/new", []string{`data-page="admin-enterprise-form"`, "18 位", "校验", `name="contact_phone"`}},
		{"/admin/enterprises/1", []string{`action="/admin/enterprises/1"`, "调整包保领导"}},
		{"/admin/liaisons", []string{`data-page="admin-liaisons"`, "调整包保领导", "原关系自动结束并保留历史", "在册", "data-confirm="}},
		{"/admin/liaisons?active=false", []string{"没有符合条件的包保关系"}},
	} {
		p := admin.get(c.path)
		p.want(t, c.path, 200, c.contains...)
		if strings.Contains(p.Body, "style=") || strings.Contains(p.Body, "<script>") {
			t.Errorf("%s: inline style or script", c.path)
		}
	}
	admin.get("/admin/users/99999").want(t, "missing user", 404)
	admin.get("/admin/leaders/abc/edit").want(t, "bad id", 400)
}

func TestPagesAdminUserForms(t *testing.T) {
	base, d := startPageServer(t)
	admin := pageSignIn(t, base, "admin", demo.Password)
	ctx := context.Background()

	// A typing mistake shows the form again, with the message and what was typed.
	p := admin.post("/admin/users", "username", "x", "display_name", "王小明", "role", "department", "password", "Secret-2026")
	p.want(t, "bad username", 422, "用户名须为", `value="王小明"`, `value="department" selected`)
	if strings.Contains(p.Body, "Secret-2026") {
		t.Error("a failed form shows the password again")
	}
	p = admin.post("/admin/users", "username", "wangxm", "role", "department", "password", "Secret-2026")
	p.want(t, "no department", 422, "须指定所属责任单位", `value="wangxm"`)

	// CSRF: no token, or a token that is not the cookie's, is refused and nothing is written.
	admin.postRaw("/admin/users", "username", "nocsrf", "role", "admin", "password", "Secret-2026").want(t, "no csrf", 403)
	admin.postRaw("/admin/users", csrfField, strings.Repeat("ab", 32), "username", "badcsrf", "role", "admin",
		"password", "Secret-2026").want(t, "wrong csrf", 403)

	p = admin.post("/admin/users", "username", "wangxm", "display_name", "王小明", "role", "department",
		"department_id", "2", "leader_id", "1", "password", "Secret-2026")
	if p.Status != 303 || p.Location != "/admin/users" {
		t.Fatalf("create: %d %s", p.Status, p.Location)
	}
	admin.get("/admin/users?q=wangxm").want(t, "flash and list", 200, "已新建用户", "王小明", "共 1 条")
	list, err := register.ListUsers(ctx, d, register.ActorOf(&register.User{ID: 1, Role: db.RoleAdmin}), register.UserFilter{Q: "nocsrf"})
	if err != nil || list.Total != 0 {
		t.Errorf("a refused post wrote a user: %v %v", list, err)
	}
	wang := pageSignIn(t, base, "wangxm", "Secret-2026")
	wang.get("/").want(t, "new user home", 200, `data-page="home-department"`)

	// An enterprise account is found by its credit code.
	e, err := register.FindEnterprise(ctx, d, db.SystemActor, 3)
	if err != nil {
		t.Fatal(err)
	}
	admin.post("/admin/users", "username", "firm3", "role", "enterprise", "enterprise", strings.ToLower(e.CreditCode),
		"password", "Secret-2026").want(t, "enterprise user", 303)
	admin.post("/admin/users", "username", "firm4", "role", "enterprise", "enterprise", e.CreditCode[:17]+"*",
		"password", "Secret-2026").want(t, "malformed code", 422, "没有找到")
	badCheck := e.CreditCode[:17] + map[bool]string{true: "1", false: "0"}[e.CreditCode[17] == '0']
	admin.post("/admin/users", "username", "firm4", "role", "enterprise", "enterprise", badCheck,
		"password", "Secret-2026").want(t, "bad check character", 422, "校验位不符", badCheck)
	admin.post("/admin/users", "username", "firm4", "role", "enterprise", "enterprise", "没有这家企业",
		"password", "Secret-2026").want(t, "unknown enterprise", 422, "没有找到", "没有这家企业")

	// Edit Wang's account on its own page.
	u, err := register.ListUsers(ctx, d, register.ActorOf(&register.User{ID: 1, Role: db.RoleAdmin}), register.UserFilter{Q: "wangxm"})
	if err != nil || len(u.Items) != 1 {
		t.Fatal(u, err)
	}
	path := fmt.Sprintf("/admin/users/%d", u.Items[0].ID)
	admin.post(path, "display_name", "王晓明", "role", "leader", "leader_id", "").want(t, "leader without leader", 422, "须指定所属包保领导", `value="王晓明"`)
	admin.post(path, "display_name", "王晓明", "role", "department", "department_id", "3").want(t, "edit", 303)
	admin.get(path).want(t, "edited", 200, "已保存", "王晓明")

	// Resetting the password signs the user out everywhere.
	admin.post(path+"/password", "password", "short").want(t, "weak password", 422, "密码至少")
	admin.post(path+"/password", "password", "Another-2026").want(t, "reset", 303)
	wang.get("/").want(t, "signed out after reset", 303)
	wang = pageSignIn(t, base, "wangxm", "Another-2026")
	admin.post(path+"/status", "disabled", "true").want(t, "disable", 303)
	wang.get("/").want(t, "signed out after disable", 303)
	admin.get(path).want(t, "disabled", 200, "已停用", "启用账号")
	admin.post("/admin/users/1/status", "disabled", "true").want(t, "disable self", 422, "不能停用自己的账号")
}

func TestPagesAdminLeaderAndEnterpriseForms(t *testing.T) {
	base, d := startPageServer(t)
	admin := pageSignIn(t, base, "admin", demo.Password)

	admin.post("/admin/leaders", "name", "李", "title", "副市长", "phone", "12").
		want(t, "bad leader", 422, "姓名须为", "电话号码格式不正确", `value="副市长"`)
	admin.post("/admin/leaders", "name", "李建华", "title", "副市长", "phone", "13800000000").want(t, "leader", 303)
	admin.get("/admin/leaders?q=李建华").want(t, "leader listed", 200, "已新建包保领导", "副市长", "共 1 条")
	admin.post("/admin/leaders/1", "name", "张", "title", "", "phone", "").want(t, "bad edit", 422, `value="张"`)
	admin.post("/admin/leaders/1", "name", "张国庆", "title", "市长", "phone", "").want(t, "edit leader", 303)
	if l, err := register.FindLeader(context.Background(), d, 1); err != nil || l.Name != "张国庆" || l.Title != "市长" {
		t.Errorf("leader 1 after edit: %+v %v", l, err)
	}

	code := register.MakeCreditCode("211103", 98765432)
	bad := code[:17] + "0"
	if bad == code {
		bad = code[:17] + "1"
	}
	admin.post("/admin/enterprises", "name", "盘锦测试科技有限公司", "credit_code", bad, "district", "兴隆台区").
		want(t, "bad code", 422, "校验位", `value="盘锦测试科技有限公司"`, `value="兴隆台区"`)
	p := admin.post("/admin/enterprises", "name", "盘锦测试科技有限公司", "credit_code", code, "district", "兴隆台区",
		"industry", "软件", "scale", "小微", "contact_phone", "0427-2800000")
	if p.Status != 303 || !strings.HasPrefix(p.Location, "/enterprises/") {
		t.Fatalf("create enterprise: %d %s", p.Status, p.Location)
	}
	admin.get(p.Location).want(t, "dossier", 200, "已新建企业", code)
	edit := "/admin" + p.Location
	admin.post(edit, "name", "盘锦测试科技有限公司", "credit_code", code, "contact_phone", "12").
		want(t, "bad phone", 422, "电话号码格式不正确", `value="12"`)
	admin.post(edit, "name", "盘锦测试软件有限公司", "credit_code", code, "district", "兴隆台区").want(t, "edit", 303)
	admin.get(p.Location).want(t, "edited", 200, "盘锦测试软件有限公司")
	admin.post("/admin/enterprises", "name", "另一家公司", "credit_code", code).want(t, "duplicate", 409, "已存在")
}

func TestPagesAdminOfficeAndLiaisons(t *testing.T) {
	base, d := startPageServer(t)
	ctx := context.Background()
	office := pageSignIn(t, base, "office", demo.Password)
	office.get("/admin/users").want(t, "office users", 404)
	office.get("/admin/leaders").want(t, "office leaders", 404)
	office.get("/admin/enterprises/new").want(t, "office new enterprise", 404)
	p := office.get("/admin/liaisons")
	p.want(t, "office liaisons", 200, `data-page="admin-liaisons"`, "在册")
	if strings.Contains(p.Body, `method="post" action="/admin/liaisons"`) || strings.Contains(p.Body, "/end") {
		t.Error("office sees the forms that change pairs")
	}

	yes := true
	cur, err := register.ListLiaisons(ctx, d, db.SystemActor, register.LiaisonFilter{Active: &yes, Page: db.Page{Limit: 1}})
	if err != nil || len(cur.Items) == 0 {
		t.Fatal(cur, err)
	}
	old := cur.Items[0]
	leaders, err := register.ListLeaders(ctx, d, register.LeaderFilter{Page: db.Page{Limit: 2}})
	if err != nil {
		t.Fatal(err)
	}
	other := leaders.Items[0].ID
	if other == old.LeaderID {
		other = leaders.Items[1].ID
	}
	since := db.Today(d.Now())
	form := []string{"enterprise", fmt.Sprint(old.EnterpriseID), "leader_id", fmt.Sprint(other), "since", since}
	office.post("/admin/liaisons", form...).want(t, "office create", 403)
	office.post(fmt.Sprintf("/admin/liaisons/%d/end", old.ID), "until", since).want(t, "office end", 403)

	admin := pageSignIn(t, base, "admin", demo.Password)
	// 结束 brings the admin back to the same filtered list.
	admin.get("/admin/liaisons?active=true&q=%E5%85%AC%E5%8F%B8").want(t, "end keeps filters", 200, "/end?active=true&amp;q=%E5%85%AC%E5%8F%B8")
	admin.post("/admin/liaisons", "enterprise", fmt.Sprint(old.EnterpriseID), "leader_id", fmt.Sprint(other), "since", "2026-13-01").
		want(t, "bad date", 422, "日期格式", `value="2026-13-01"`)
	admin.post("/admin/liaisons", "enterprise", "", "leader_id", fmt.Sprint(other)).want(t, "no enterprise", 422, "请填写企业")
	admin.postRaw("/admin/liaisons", form...).want(t, "no csrf", 403)
	p = admin.post("/admin/liaisons", form...)
	if want := fmt.Sprintf("/admin/liaisons?enterprise_id=%d", old.EnterpriseID); p.Status != 303 || p.Location != want {
		t.Fatalf("reassign: %d %s, want 303 %s", p.Status, p.Location, want)
	}
	admin.get(p.Location).want(t, "history", 200, "原包保领导", old.LeaderName, "已结束", since+" 止", old.EnterpriseName)

	all, err := register.ListLiaisons(ctx, d, db.SystemActor, register.LiaisonFilter{EnterpriseID: old.EnterpriseID})
	if err != nil {
		t.Fatal(err)
	}
	var ended, active int
	for _, l := range all.Items {
		switch {
		case l.ID == old.ID && l.Until != nil && *l.Until == since:
			ended++
		case l.Active && l.LeaderID == other:
			active++
		}
	}
	if ended != 1 || active != 1 || all.Total != 2 {
		t.Errorf("after reassign: %d ended, %d active of %d; want the old pair kept, ended %s", ended, active, all.Total, since)
	}

	// Ending a pair before it began is refused next to its own row; today is fine.
	now := all.Items[0]
	end := fmt.Sprintf("/admin/liaisons/%d/end?active=true", now.ID)
	admin.post(end, "end_id", fmt.Sprint(now.ID), "until", "2000-01-01").want(t, "end too early", 422, "不能早于开始日期")
	p = admin.post(end, "end_id", fmt.Sprint(now.ID), "until", since)
	if p.Status != 303 || p.Location != "/admin/liaisons?active=true" {
		t.Errorf("end: %d %s", p.Status, p.Location)
	}
	if l, err := register.FindLiaison(ctx, d, db.SystemActor, now.ID); err != nil || l.Active {
		t.Errorf("pair %d still active: %v", now.ID, err)
	}
	admin.post(end, "until", since).want(t, "end twice", 422, "已于")
}
