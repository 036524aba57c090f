package handlers_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
)

// vaultCase is a city with a named report about the demo department, a report filed
// through the web form, and a confidential enterprise appeal, all worked on a little.
type vaultCase struct {
	report, pageReport, confidential int64
	receipt                          string
	aboutDept, otherDept, enterprise int64
	// secrets must appear in no response but the vault's own.
	secrets []string
}

const reportTitle = "窗口人员索要好处费用"

func buildVault(t *testing.T, a *api) *vaultCase {
	v := &vaultCase{secrets: []string{"欧阳举报人", "13987654321", "页面实名人", "13600001111", "保密联系人甲", "13811223344"}}
	v.aboutDept = num(a.me(a.login("department"))["department_id"])
	v.enterprise = num(a.me(a.login("enterprise"))["enterprise_id"])
	depts := a.do("GET", "/api/v1/departments?limit=5", a.login("admin"), nil).items()
	for _, d := range depts {
		if num(d["id"]) != v.aboutDept {
			v.otherDept = num(d["id"])
			break
		}
	}
	auditor, office, company := a.login("auditor"), a.login("office"), a.login("enterprise")

	r := a.do("POST", "/api/v1/public/reports", "", map[string]any{"category": "吃拿卡要", "title": reportTitle,
		"content": "办理食品经营许可时，窗口人员暗示需要另外给好处费才能加快办理。", "about_department_id": v.aboutDept,
		"anonymous": false, "contact_name": "欧阳举报人", "contact_phone": "13987654321"})
	mustStatus(a, r, 201, "file report")
	v.receipt = str(r.JSON, "receipt")
	page := a.postForm("/report", "", map[string]string{"category": "推拖绕", "title": "审批科室推诿扯皮",
		"content": "同一事项在两个科室之间来回推诿，三周没有结果。", "about_department_id": fmt.Sprint(v.aboutDept),
		"anonymous": "false", "contact_name": "页面实名人", "contact_phone": "13600001111"}, map[string][]byte{"证据.png": pngData})
	mustStatus(a, page, 200, "file report through the page")
	reports := a.do("GET", "/api/v1/appeals?source=report", auditor, nil).items()
	if len(reports) != 2 {
		t.Fatalf("reports: %v", reports)
	}
	v.pageReport, v.report = num(reports[0]["id"]), num(reports[1]["id"])

	c := a.do("POST", "/api/v1/appeals", company, map[string]any{"title": "融资担保申请长期无人受理", "content": "企业申请融资担保三个月没有任何答复，请求帮助。",
		"category": "融资", "confidential": true, "contact_name": "保密联系人甲", "contact_phone": "13811223344"})
	mustStatus(a, c, 201, "confidential appeal")
	v.confidential = c.id("id")

	a.act(auditor, v.report, map[string]any{"action": "accept"})
	r = a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/actions", v.report), auditor, map[string]any{"action": "assign",
		"version": a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", v.report), auditor, nil).id("version"), "department_id": v.aboutDept})
	mustStatus(a, r, 422, "assigning a report to the department it is about")
	a.act(auditor, v.report, map[string]any{"action": "assign", "department_id": v.otherDept})
	a.act(auditor, v.report, map[string]any{"action": "comment", "note": "内部意见：调取窗口监控"})
	a.act(auditor, v.report, map[string]any{"action": "comment", "note": "您的举报已受理并交有关单位核查。", "public": true})
	mustStatus(a, a.do("POST", "/api/v1/public/reports/"+v.receipt+"/messages", "", map[string]any{"content": "补充：事情发生在周二上午。"}), 201, "message")
	a.act(auditor, v.report, map[string]any{"action": "report", "note": "经核查属实，已对当事人批评教育。"})
	// 不满意 and a supervision put the report on the workspace's lists too.
	mustStatus(a, a.do("POST", "/api/v1/public/reports/"+v.receipt+"/rating", "", map[string]any{"resolved": false, "satisfaction": "unsatisfied"}), 200, "rating")
	a.act(auditor, v.report, map[string]any{"action": "supervise", "note": "请限期整改", "due_at": "2099-01-01"})

	a.act(office, v.confidential, map[string]any{"action": "accept"})
	a.act(office, v.confidential, map[string]any{"action": "assign", "department_id": v.aboutDept})
	return v
}

// leaks names the secrets a body contains.
func (v *vaultCase) leaks(body []byte) []string {
	var out []string
	for _, s := range v.secrets {
		if strings.Contains(string(body), s) {
			out = append(out, s)
		}
	}
	return out
}

// everything is every response a role can get that might carry an appeal's author.
func (v *vaultCase) everything(t *testing.T, a *api, role string) map[string]*resp {
	tok := a.login(role)
	out := map[string]*resp{}
	get := func(path string) { out["GET "+path] = a.do("GET", path, tok, nil) }
	view := func(path string) { out["page "+path] = a.page("GET", path, tok, nil) }
	get("/api/v1/appeals?limit=500")
	for _, q := range []string{"索要好处费用", "推诿扯皮", "欧阳举报人", "13987654321", "融资担保"} {
		get("/api/v1/appeals?q=" + url.QueryEscape(q))
	}
	for _, id := range []int64{v.report, v.pageReport, v.confidential} {
		get(fmt.Sprintf("/api/v1/appeals/%d", id))
		get(fmt.Sprintf("/api/v1/appeals/%d/events", id))
		view(fmt.Sprintf("/oversight/appeals/%d", id))
		view(fmt.Sprintf("/appeals/%d", id))
	}
	for _, q := range []string{"", "?q=" + url.QueryEscape("索要好处费用"), "?source=report", "?q=" + url.QueryEscape("融资担保")} {
		view("/appeals" + q)
	}
	get(fmt.Sprintf("/api/v1/enterprises/%d", v.enterprise))
	get("/api/v1/users?limit=500")
	get("/api/v1/cases")
	get("/api/v1/oversight/summary")
	for _, k := range []string{"overdue", "reopened", "unsatisfied", "returned", "extensions", "suspicious", "supervisions", "reveals", "sample", "accountability"} {
		get("/api/v1/oversight/" + k)
	}
	if role == "admin" || role == "auditor" {
		events, _ := a.walk(t, "/api/v1/audit/events", tok, 500)
		out["GET /api/v1/audit/events (all pages)"] = &resp{Status: 200, Body: []byte(fmt.Sprint(events))}
	}
	for _, p := range []string{"/", "/cases", fmt.Sprintf("/enterprises/%d", v.enterprise), "/oversight", "/oversight/reports",
		"/oversight/reveals", "/oversight/checkpoint", "/oversight/watch/reopened", "/oversight/watch/unsatisfied",
		"/oversight/watch/supervisions", "/oversight/sample"} {
		view(p)
	}
	v.sweep(a, tok, out)
	return out
}

// sweep GETs every route the server has, API and pages alike, with the case's ids in its
// parameters, so that routes added later (exports, figures, dossiers) are held to the
// same rule without this test knowing them.
func (v *vaultCase) sweep(a *api, tok string, out map[string]*resp) {
	ids := []string{fmt.Sprint(v.report), fmt.Sprint(v.pageReport), fmt.Sprint(v.confidential), fmt.Sprint(v.enterprise)}
	values := map[string][]string{"id": ids, "receipt": {v.receipt},
		"kind": {"overdue", "reopened", "unsatisfied", "returned", "extensions", "suspicious", "supervisions",
			"appeals.xlsx", "enterprises.xlsx", "visits.xlsx", "liaisons.xlsx", "appeals", "enterprises"}}
	for _, rt := range a.srv.App().GetRoutes(true) {
		if rt.Method != "GET" || strings.Contains(rt.Path, "*") || rt.Path == "/metrics" {
			continue
		}
		paths := []string{""}
		for _, seg := range strings.Split(strings.TrimPrefix(rt.Path, "/"), "/") {
			choices := []string{seg}
			if name, ok := strings.CutPrefix(seg, ":"); ok {
				name, _, _ = strings.Cut(name, "<")
				if choices, ok = values[strings.TrimSuffix(name, "?")]; !ok {
					choices = []string{"1"}
				}
			}
			var next []string
			for _, p := range paths {
				for _, c := range choices {
					next = append(next, p+"/"+c)
				}
			}
			paths = next
		}
		for _, p := range paths {
			if _, done := out["sweep "+p]; !done {
				r := a.page("GET", p, tok, nil)
				r.Body = readable(r.Body)
				out["sweep "+p] = r
			}
		}
	}
}

// readable unpacks an .xlsx (or any zip) so that its text can be searched.
func readable(body []byte) []byte {
	if !bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		return body
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return body
	}
	out := append([]byte(nil), body...)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(rc, 64<<20))
		rc.Close()
		out = append(out, b...)
	}
	return out
}

func TestIdentityVault(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	v := buildVault(t, a)

	for _, role := range demoRoles {
		for what, r := range v.everything(t, a, role) {
			if r.Status >= 500 {
				t.Errorf("%s %s: %s", role, what, r)
			}
			if l := v.leaks(r.Body); len(l) > 0 {
				t.Errorf("%s %s shows %v", role, what, l)
			}
		}
	}
	pub := a.do("GET", "/api/v1/public/reports/"+v.receipt, "", nil)
	track := a.page("POST", "/track", "", url.Values{"receipt": {v.receipt}})
	for what, r := range map[string]*resp{"public view": pub, "track page": track} {
		if r.Status != 200 || len(v.leaks(r.Body)) > 0 || !strings.Contains(string(r.Body), "批评教育") {
			t.Errorf("%s: %s leaks %v", what, r, v.leaks(r.Body))
		}
		if strings.Contains(string(r.Body), "调取窗口监控") || !strings.Contains(string(r.Body), "已受理并交有关单位核查") {
			t.Errorf("%s: internal comment shown or public reply missing", what)
		}
	}

	// The department the report is about never sees it, even by search.
	dept := a.login("department")
	for _, id := range []int64{v.report, v.pageReport} {
		for _, p := range []string{"/api/v1/appeals/%d", "/api/v1/appeals/%d/events"} {
			if r := a.do("GET", fmt.Sprintf(p, id), dept, nil); r.Status != 404 {
				t.Errorf("department concerned: GET %s: %s", fmt.Sprintf(p, id), r)
			}
		}
	}
	if r := a.do("GET", "/api/v1/appeals?q="+url.QueryEscape("索要好处费用"), dept, nil); r.total() != 0 {
		t.Errorf("department concerned finds the report: %s", r)
	}
	if r := a.do("GET", "/api/v1/appeals?q="+url.QueryEscape("索要好处费用"), a.login("auditor"), nil); r.total() != 1 {
		t.Errorf("auditor does not find the report: %s", r)
	}
	// The confidential appeal is the department's to handle, without its author.
	if r := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", v.confidential), dept, nil); r.Status != 200 {
		t.Errorf("assigned department cannot see the confidential appeal: %s", r)
	}

	// The vault: 404 for all but auditors, exactly as for an appeal that does not exist.
	reason := map[string]any{"reason": "需要联系举报人核实线索"}
	missing := a.do("POST", "/api/v1/appeals/999999/identity", a.login("office"), reason)
	for _, role := range []string{"admin", "office", "department", "leader", "enterprise"} {
		r := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/identity", v.report), a.login(role), reason)
		if r.Status != 404 || r.JSON["detail"] != missing.JSON["detail"] || len(v.leaks(r.Body)) > 0 {
			t.Errorf("%s opens the vault: %s", role, r)
		}
	}
	if r := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/identity", v.report), "", reason); r.Status != 401 {
		t.Errorf("anonymous caller: %s", r)
	}
	auditor := a.login("auditor")
	for _, body := range []any{map[string]any{}, map[string]any{"reason": "  "}, map[string]any{"reason": "看"}} {
		if r := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/identity", v.report), auditor, body); r.Status != 422 || len(v.leaks(r.Body)) > 0 {
			t.Errorf("reveal without a reason %v: %s", body, r)
		}
	}
	if r := a.do("GET", "/api/v1/oversight/reveals", auditor, nil); r.total() != 0 {
		t.Fatalf("refused reveals were recorded: %s", r)
	}

	r := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/identity", v.report), auditor, reason)
	if r.Status != 200 || str(r.JSON, "name") != "欧阳举报人" || str(r.JSON, "phone") != "13987654321" {
		t.Fatalf("auditor reveal: %s", r)
	}
	r = a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/identity", v.confidential), auditor, map[string]any{"reason": "核实企业诉求真实性"})
	if r.Status != 200 || str(r.JSON, "name") != "保密联系人甲" || str(r.JSON, "username") != "enterprise" {
		t.Fatalf("auditor reveal of a confidential appeal: %s", r)
	}
	p := a.page("POST", fmt.Sprintf("/oversight/appeals/%d/identity", v.pageReport), auditor, url.Values{"reason": {"联系实名举报人了解情况"}})
	if p.Status != 200 || !strings.Contains(string(p.Body), "页面实名人") || !strings.Contains(string(p.Body), "13600001111") {
		t.Fatalf("reveal page: %s", p)
	}

	// Each reveal is an event every auditor sees, with the reason and never the identity.
	reveals := a.do("GET", "/api/v1/oversight/reveals", auditor, nil)
	if reveals.total() != 3 || len(v.leaks(reveals.Body)) > 0 || !strings.Contains(string(reveals.Body), "需要联系举报人核实线索") {
		t.Errorf("reveals: %s", reveals)
	}
	events := a.do("GET", "/api/v1/audit/events?action=identity.reveal", auditor, nil)
	if events.total() != 3 || len(v.leaks(events.Body)) > 0 {
		t.Errorf("reveal events: %s", events)
	}
	// Nothing of the reveals stuck to any response afterwards, for anyone.
	for _, role := range demoRoles {
		for what, r := range v.everything(t, a, role) {
			if l := v.leaks(r.Body); len(l) > 0 {
				t.Errorf("after reveals, %s %s shows %v", role, what, l)
			}
		}
	}
}
