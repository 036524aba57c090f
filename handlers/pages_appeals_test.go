package handlers

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"qinqing/db/register"
	"regexp"
	"slices"
	"strings"
	"testing"

	"qinqing/db"
)

// postMultipart sends a multipart form with the browser's CSRF token; files maps a
// file name to its content, all under the field "file".
func postMultipart(b *pageClient, path string, files map[string][]byte, kv ...string) pageResult {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	kv = append([]string{csrfField, b.csrf()}, kv...)
	for i := 0; i+1 < len(kv); i += 2 {
		w.WriteField(kv[i], kv[i+1])
	}
	for name, data := range files {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(data)
	}
	w.Close()
	req, err := http.NewRequest("POST", b.base+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.result(b.hc.Do(req))
}

// actorFor is the db actor of a demo account.
func actorFor(t *testing.T, d *db.DB, username string) db.Actor {
	t.Helper()
	u, err := register.Authenticate(context.Background(), d, username, demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	return register.ActorOf(u)
}

var appealPath = regexp.MustCompile(`^/appeals/(\d+)$`)

// fileAppeal files an appeal through the form and returns its id.
func fileAppeal(t *testing.T, b *pageClient, kv ...string) int64 {
	t.Helper()
	p := b.post("/appeals", kv...)
	m := appealPath.FindStringSubmatch(p.Location)
	if p.Status != 303 || m == nil {
		t.Fatalf("file appeal: %d %q %s", p.Status, p.Location, alertText(p.Body))
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

func alertText(body string) string {
	_, after, _ := strings.Cut(body, "alert-error")
	return after[:min(len(after), 300)]
}

var actionInputs = regexp.MustCompile(`name="action" value="([a-z_]+)"`)

func formActions(body string) []string {
	var out []string
	for _, m := range actionInputs.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

func TestPagesAppealOfficeIntake(t *testing.T) {
	base, d := startPageServer(t)
	ctx := context.Background()
	office := pageSignIn(t, base, "office", demo.Password)
	office.get("/appeals/new").want(t, "intake form", 200, `data-page="appeal-new"`, `name="source"`, `value="hotline"`,
		`name="enterprise_q"`, `hx-get="/appeals/new"`, `name="tier"`, "身份保护", `name="file"`)
	e, err := register.FindEnterprise(ctx, d, db.SystemActor, 7)
	if err != nil {
		t.Fatal(err)
	}
	// The picker's search answers with the matching enterprises in a select.
	office.get("/appeals/new?enterprise_q="+e.CreditCode).want(t, "picker", 200,
		`<select name="enterprise_id"`, fmt.Sprintf(`value="%d" selected`, e.ID))

	// A mistake keeps what was typed.
	p := office.post("/appeals", "source", "steward", "tier", "immediate", "enterprise_id", fmt.Sprint(e.ID),
		"title", "短", "content", "企业反映厂区道路长期积水，影响货车通行。", "category", "物流")
	p.want(t, "short title", 422, "标题须为", "企业反映厂区道路长期积水", `value="steward" selected`, `value="immediate" selected`)

	// The credit code typed into the search box is enough without picking.
	id := fileAppeal(t, office, "source", "hotline", "tier", "immediate", "enterprise_q", e.CreditCode,
		"title", "厂区道路积水影响通行", "content", "企业反映厂区道路长期积水，影响货车通行，请协调处理。", "category", "物流",
		"contact_name", "王经理", "contact_phone", "13800001111")
	ap, err := appeal.Find(ctx, d, actorFor(t, d, "office"), id)
	if err != nil {
		t.Fatal(err)
	}
	if ap.Source != appeal.SourceHotline || ap.Tier != appeal.TierImmediate || ap.Stage != appeal.StageDiscovered ||
		ap.EnterpriseID == nil || *ap.EnterpriseID != e.ID || ap.ContactName != "王经理" {
		t.Errorf("filed appeal: %+v", ap)
	}
	office.get(fmt.Sprintf("/appeals/%d", id)).want(t, "detail", 200, "诉求已提交", ap.Number, "厂区道路积水影响通行",
		e.Name, fmt.Sprintf(`href="/enterprises/%d"`, e.ID), "12345热线", "马上办", "发现", `aria-current="step"`)
	office.get("/").want(t, "office queue", 200, `id="intake"`, ap.Number)
	office.get("/appeals?q=道路积水&tier=immediate").want(t, "search", 200, ap.Number, "共 1 条")

	pageSignIn(t, base, "department", demo.Password).get("/appeals/new").want(t, "department new", 404)

	// A leader files from a visit, for the leader's own enterprises only.
	la := actorFor(t, d, "leader")
	mine, err := register.ListEnterprises(ctx, d, la, register.EnterpriseFilter{Page: db.Page{Limit: db.MaxLimit}})
	if err != nil || len(mine.Items) == 0 {
		t.Fatal(mine, err)
	}
	leader := pageSignIn(t, base, "leader", demo.Password)
	leader.get("/appeals/new").want(t, "leader form", 200, "登记走访发现的问题", mine.Items[0].Name)
	form := []string{"title", "园区道路年久失修", "content", "走访时企业反映园区主干道破损严重，货车通行困难。", "category", "物流"}
	id = fileAppeal(t, leader, append(form, "enterprise_id", fmt.Sprint(mine.Items[0].ID))...)
	if ap, err := appeal.Find(ctx, d, la, id); err != nil || ap.Source != appeal.SourceVisit {
		t.Errorf("leader's appeal: %+v %v", ap, err)
	}
	other := int64(1)
	for slices.ContainsFunc(mine.Items, func(e register.Enterprise) bool { return e.ID == other }) {
		other++
	}
	leader.post("/appeals", append(form, "enterprise_id", fmt.Sprint(other))...).want(t, "not my enterprise", 422, "不在您的范围内")
}

func TestPagesAppealListFilters(t *testing.T) {
	base, d := startPageServer(t)
	if _, err := demo.BuildAppeals(context.Background(), d, 120); err != nil {
		t.Fatal(err)
	}
	office := pageSignIn(t, base, "office", demo.Password)
	// The pager keeps the filters.
	p := office.get("/appeals?stage=closed&limit=5")
	p.want(t, "filtered list", 200, `data-page="appeals"`, `value="closed" selected`)
	next := regexp.MustCompile(`href="(/appeals\?limit=5&amp;page=2&amp;stage=closed)" rel="next"`).FindStringSubmatch(p.Body)
	if next == nil {
		t.Fatal("the next-page link drops the filters")
	}
	p = office.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	p.want(t, "second page", 200, `rel="prev">上一页`, `aria-current="page">2<`, `value="closed" selected`)
	if strings.Contains(p.Body, `class="tag stage stage-rectifying"`) {
		t.Error("the second page lost the stage filter")
	}
	office.get("/appeals?stage=nonsense").want(t, "bad filter", 422, "环节无效")
	office.get("/appeals?overdue=true").want(t, "overdue", 200, `value="true" selected`)

	// A department's list runs by due time unless asked otherwise.
	dept := pageSignIn(t, base, "department", demo.Password)
	dept.get("/appeals").want(t, "department list", 200, "按办理期限排列", `value="due" selected`)
	dept.get("/appeals?sort=new").want(t, "department newest first", 200, `value="new" selected`)
}

func TestPagesAppealActionFormsPerRole(t *testing.T) {
	base, d := startPageServer(t)
	ctx := context.Background()
	firm := pageSignIn(t, base, "enterprise", demo.Password)
	firm.get("/appeals/new").want(t, "portal form", 200, "我要反映问题", `name="confidential"`, "身份保护")
	id := fileAppeal(t, firm, "title", "用电增容申请迟迟未办", "content", "三个月前提交用电增容申请，至今没有答复。",
		"category", "要素保障-用电")
	path := fmt.Sprintf("/appeals/%d", id)
	for _, role := range []string{"admin", "office", "leader", "enterprise", "auditor"} {
		ap, err := appeal.Find(ctx, d, actorFor(t, d, role), id)
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		var want []string
		for _, a := range ap.AllowedActions {
			want = append(want, string(a))
		}
		slices.Sort(want)
		p := pageSignIn(t, base, role, demo.Password).get(path)
		p.want(t, role+" detail", 200, `data-page="appeal"`)
		if got := formActions(p.Body); !slices.Equal(got, want) {
			t.Errorf("%s sees forms %v, want %v", role, got, want)
		}
	}
	// Before it is assigned, the department does not know the appeal exists.
	pageSignIn(t, base, "department", demo.Password).get(path).want(t, "department before assign", 404)

	office := pageSignIn(t, base, "office", demo.Password)
	p := office.get(path)
	if got := formActions(p.Body); !slices.Contains(got, "accept") || slices.Contains(got, "assign") || slices.Contains(got, "rate") {
		t.Errorf("office forms in 发现: %v", got)
	}
	if got := formActions(firm.get(path).Body); slices.Contains(got, "accept") || slices.Contains(got, "rate") {
		t.Errorf("enterprise forms in 发现: %v", got)
	}
}

func TestPagesAppealStaleVersion(t *testing.T) {
	base, d := startPageServer(t)
	ctx := context.Background()
	firm := pageSignIn(t, base, "enterprise", demo.Password)
	id := fileAppeal(t, firm, "title", "审批材料被反复退回", "content", "同一份材料被要求补正三次，每次要求都不一样。",
		"category", "审批服务")
	office := pageSignIn(t, base, "office", demo.Password)
	oa := actorFor(t, d, "office")
	before, err := appeal.Find(ctx, d, oa, id)
	if err != nil {
		t.Fatal(err)
	}
	events, _ := appeal.Events(ctx, d, oa, id)
	path := fmt.Sprintf("/appeals/%d/actions", id)

	p := office.post(path, "action", "accept", "version", fmt.Sprint(before.Version+3), "note", "我的受理意见：请尽快核实")
	p.want(t, "stale", 409, "诉求已被他人更新", "我的受理意见：请尽快核实", `data-page="appeal"`,
		fmt.Sprintf(`name="version" value="%d"`, before.Version))
	p = office.post(path, "action", "close", "version", fmt.Sprint(before.Version))
	p.want(t, "wrong stage", 409, "不能办结")
	p = office.post(path, "action", "reject", "version", fmt.Sprint(before.Version))
	p.want(t, "no reason", 422, "请填写理由")
	office.postRaw(path, "action", "accept", "version", fmt.Sprint(before.Version)).want(t, "no csrf", 403)

	after, err := appeal.Find(ctx, d, oa, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version || after.Stage != appeal.StageDiscovered || after.AcceptedAt != nil {
		t.Errorf("a refused post changed the appeal: version %d → %d, stage %s", before.Version, after.Version, after.Stage)
	}
	if now, _ := appeal.Events(ctx, d, oa, id); len(now) != len(events) {
		t.Errorf("a refused post wrote %d events", len(now)-len(events))
	}

	// With the current version the same action goes through.
	office.post(path, "action", "accept", "version", fmt.Sprint(before.Version)).want(t, "accept", 303)
	office.get(fmt.Sprintf("/appeals/%d", id)).want(t, "accepted", 200, "已完成“受理”", "发现 → 核查")

	// A duplicate is merged into the original, named by its number.
	dup := fileAppeal(t, firm, "title", "审批材料被反复要求补正", "content", "再次反映：同一份材料被要求补正三次。", "category", "审批服务")
	dupPath := fmt.Sprintf("/appeals/%d/actions", dup)
	office.get(fmt.Sprintf("/appeals/%d", dup)).want(t, "merge form", 200, `list="merge-candidates"`, `<option value="`+before.Number+`">`)
	office.post(dupPath, "action", "merge", "version", "1", "target", "SQ2000-999999").want(t, "unknown number", 422, "没有找到编号")
	office.post(dupPath, "action", "merge", "version", "1", "target", strings.ToLower(before.Number)).want(t, "merge", 303)
	office.get(fmt.Sprintf("/appeals/%d", dup)).want(t, "merged", 200, "已作为重复件合并到", "合并到 "+before.Number)
}

func TestPagesAppealEscapesTitle(t *testing.T) {
	base, _ := startPageServer(t)
	firm := pageSignIn(t, base, "enterprise", demo.Password)
	id := fileAppeal(t, firm, "title", "<script>alert(1)</script>标题", "content", "内容<b>加粗</b>与<img src=x onerror=alert(2)>图片",
		"category", "其他")
	for _, path := range []string{fmt.Sprintf("/appeals/%d", id), "/appeals", "/"} {
		p := firm.get(path)
		p.want(t, path, 200, "&lt;script&gt;alert(1)&lt;/script&gt;标题")
		if strings.Contains(p.Body, "<script>alert(1)") || strings.Contains(p.Body, "<img src=x") || strings.Contains(p.Body, "<b>加粗") {
			t.Errorf("%s renders user text as HTML", path)
		}
		if strings.Contains(p.Body, "style=") || strings.Contains(p.Body, "<script>") {
			t.Errorf("%s: inline style or script", path)
		}
	}
}

func TestPagesAppealLoopWithFile(t *testing.T) {
	base, d := startPageServer(t)
	ctx := context.Background()
	firm := pageSignIn(t, base, "enterprise", demo.Password)
	id := fileAppeal(t, firm, "title", "食品经营许可证变更办理慢", "content", "变更法人后申请许可证变更，超过承诺时限仍未办结。",
		"category", "审批服务")
	path := fmt.Sprintf("/appeals/%d", id)
	act := path + "/actions"
	oa := actorFor(t, d, "office")
	version := func() string {
		ap, err := appeal.Find(ctx, d, oa, id)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ap.Version)
	}
	depts, err := register.ListDepartments(ctx, d, register.DepartmentFilter{Q: "市场监督管理局"})
	if err != nil || len(depts.Items) == 0 {
		t.Fatal(depts, err)
	}
	office := pageSignIn(t, base, "office", demo.Password)
	office.post(act, "action", "accept", "version", version()).want(t, "accept", 303)
	office.post(act, "action", "assign", "version", version(), "tier", "fast").want(t, "assign without department", 422, "请选择责任单位")
	office.post(act, "action", "assign", "version", version(), "department_id", fmt.Sprint(depts.Items[0].ID), "tier", "fast").
		want(t, "assign", 303)

	dept := pageSignIn(t, base, "department", demo.Password)
	dept.get("/").want(t, "department queue", 200, `id="queue"`, "食品经营许可证变更办理慢")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	p := postMultipart(dept, act, map[string][]byte{"notes.txt": []byte("plain text")}, "action", "report", "version", version(),
		"note", "已当场办结变更手续。")
	p.want(t, "bad file type", 422, "类型不支持", "已当场办结变更手续。")
	postMultipart(dept, act, map[string][]byte{"现场照片.png": png}, "action", "report", "version", version(),
		"note", "已当场办结变更手续。").want(t, "report", 303)
	p = dept.get(path)
	p.want(t, "reported", 200, "报告整改结果", "现场照片.png", "整改 → 反馈")
	m := regexp.MustCompile(`href="/attachments/(\d+)"`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatal("no attachment link")
	}
	res, err := firm.hc.Get(base + "/attachments/" + m[1])
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("download: %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), res.Header.Get("Content-Type"))
	}
	firm.get("/attachments/999999").want(t, "missing attachment", 404)

	firm.post(act, "action", "rate", "version", version(), "resolved", "no", "satisfaction", "unsatisfied", "note", "还是没有办").
		want(t, "rate", 303)
	p = firm.get(path)
	p.want(t, "unsatisfied", 200, "tag-redo", "重办", "不满意", "反馈 → 整改", "还是没有办")
}
