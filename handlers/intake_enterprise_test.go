package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// newFirm is an enterprise the demo register does not hold; its code is valid.
var newFirm = map[string]any{"name": "盘山县新来机械有限公司", "credit_code": "91211122MA0T2Q8X5G",
	"district": "盘山县", "industry": "装备制造"}

func intakeBody(ent map[string]any) map[string]any {
	return map[string]any{"title": "热线反映用电报装慢", "content": "企业来电反映新厂房用电报装已申请一个月仍未接电，影响投产。",
		"category": "要素保障-用电", "source": "hotline", "enterprise": ent}
}

// registerCounts are the totals that a refused intake must leave as they were.
func registerCounts(a *api) [2]int {
	a.t.Helper()
	office := a.login("office")
	e := a.do("GET", "/api/v1/enterprises?limit=1", office, nil)
	ap := a.do("GET", "/api/v1/appeals?limit=1", office, nil)
	mustStatus(a, e, 200, "enterprises")
	mustStatus(a, ap, 200, "appeals")
	return [2]int{e.total(), ap.total()}
}

func TestIntakeRegistersEnterpriseAPI(t *testing.T) {
	a := startAPI(t)
	office, admin := a.login("office"), a.login("admin")
	before := registerCounts(a)

	// Refusals write nothing: a bad check digit, a code already registered, a role
	// that may not register, an id beside a new enterprise.
	bad := map[string]any{}
	for k, v := range newFirm {
		bad[k] = v
	}
	bad["credit_code"] = "91211122MA0T2Q8X5C"
	r := a.do("POST", "/api/v1/appeals", office, intakeBody(bad))
	if r.Status != 422 || !strings.Contains(string(r.Body), "enterprise.credit_code") {
		t.Errorf("bad code: %s", r)
	}
	existing := a.do("GET", "/api/v1/enterprises?limit=1", office, nil).items()[0]
	dup := map[string]any{}
	for k, v := range newFirm {
		dup[k] = v
	}
	dup["credit_code"] = existing["credit_code"]
	r = a.do("POST", "/api/v1/appeals", office, intakeBody(dup))
	if r.Status != 409 || !strings.Contains(str(r.JSON, "detail"), "已登记为") {
		t.Errorf("duplicate code: %s", r)
	}
	r = a.do("POST", "/api/v1/appeals", a.login("enterprise"), intakeBody(newFirm))
	if r.Status != 403 {
		t.Errorf("enterprise registers a firm: %s", r)
	}
	both := intakeBody(newFirm)
	both["enterprise_id"] = existing["id"]
	if r = a.do("POST", "/api/v1/appeals", office, both); r.Status != 422 {
		t.Errorf("id and new enterprise: %s", r)
	}
	if got := registerCounts(a); got != before {
		t.Fatalf("refused intakes wrote: %v → %v", before, got)
	}

	r = a.do("POST", "/api/v1/appeals", office, intakeBody(newFirm))
	mustStatus(a, r, 201, "intake with a new enterprise")
	entID := r.id("enterprise_id")
	if entID == 0 || str(r.JSON, "enterprise_name") != newFirm["name"] {
		t.Fatalf("filed: %s", r)
	}
	if got := registerCounts(a); got != [2]int{before[0] + 1, before[1] + 1} {
		t.Errorf("counts after intake: %v, before %v", got, before)
	}
	rv := a.do("GET", "/api/v1/enterprises/review", admin, nil)
	if rv.Status != 200 || rv.total() != 1 || int64(rv.items()[0]["id"].(float64)) != entID {
		t.Fatalf("to review: %s", rv)
	}
	audit := a.do("GET", fmt.Sprintf("/api/v1/audit/events?object_type=enterprise&object_id=%d", entID), a.login("auditor"), nil)
	if audit.Status != 200 || !strings.Contains(string(audit.Body), "enterprise.intake") || !strings.Contains(string(audit.Body), "enterprise.create") {
		t.Errorf("audit of the new enterprise: %s", audit)
	}
	if r = a.do("POST", fmt.Sprintf("/api/v1/enterprises/%d/review", entID), office, nil); r.Status != 403 {
		t.Errorf("office confirms: %s", r)
	}
	mustStatus(a, a.do("POST", fmt.Sprintf("/api/v1/enterprises/%d/review", entID), admin, nil), 200, "confirm")
	if r = a.do("POST", fmt.Sprintf("/api/v1/enterprises/%d/review", entID), admin, nil); r.Status != 409 {
		t.Errorf("confirm twice: %s", r)
	}
	if rv = a.do("GET", "/api/v1/enterprises/review", admin, nil); rv.total() != 0 {
		t.Errorf("to review after confirming: %s", rv)
	}
}

func TestIntakeRegistersEnterprisePage(t *testing.T) {
	a := startAPI(t)
	office, admin := a.login("office"), a.login("admin")
	form := func(code string) map[string]string {
		return map[string]string{"source": "hotline", "tier": "fast", "title": "热线反映用电报装慢",
			"content": "企业来电反映新厂房用电报装已申请一个月仍未接电，影响投产。", "category": "要素保障-用电",
			"new_enterprise": "1", "enterprise.name": "盘山县新来机械有限公司", "enterprise.credit_code": code,
			"enterprise.district": "盘山县", "enterprise.industry": "装备制造"}
	}
	page := a.page("GET", "/appeals/new", office, nil)
	if !strings.Contains(string(page.Body), `name="enterprise.credit_code"`) {
		t.Fatal("the intake form has no new-enterprise fields")
	}
	before := registerCounts(a)
	existing := a.do("GET", "/api/v1/enterprises?limit=1", office, nil).items()[0]
	r := a.postForm("/appeals", office, form(str(existing, "credit_code")), nil)
	body := string(r.Body)
	if r.Status != 409 || !strings.Contains(body, "已登记为") || !strings.Contains(body, "盘山县新来机械有限公司") {
		t.Errorf("duplicate code on the form: %d, message or typed name missing", r.Status)
	}
	r = a.postForm("/appeals", office, form("91211122MA0T2Q8X5C"), nil)
	if r.Status != 422 || !strings.Contains(string(r.Body), "校验位不符") {
		t.Errorf("bad code on the form: %d", r.Status)
	}
	if got := registerCounts(a); got != before {
		t.Fatalf("refused forms wrote: %v → %v", before, got)
	}
	r = a.postForm("/appeals", office, form("91211122MA0T2Q8X5G"), nil)
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/appeals/") {
		t.Fatalf("intake form: %s", r)
	}
	list := a.page("GET", "/enterprises?review=1", admin, nil)
	if !strings.Contains(string(list.Body), "待审核企业") || !strings.Contains(string(list.Body), "91211122MA0T2Q8X5G") {
		t.Error("the enterprises page does not list the enterprise to review")
	}
	rv := a.do("GET", "/api/v1/enterprises/review", admin, nil)
	id := int64(rv.items()[0]["id"].(float64))
	ent := a.page("GET", fmt.Sprintf("/enterprises/%d", id), admin, nil)
	if !strings.Contains(string(ent.Body), "/confirm") {
		t.Error("the enterprise page offers no confirmation")
	}
	r = a.page("POST", fmt.Sprintf("/admin/enterprises/%d/confirm", id), admin, url.Values{})
	if r.Status != 303 {
		t.Fatalf("confirm: %s", r)
	}
	if rv = a.do("GET", "/api/v1/enterprises/review", admin, nil); rv.total() != 0 {
		t.Errorf("still to review: %s", rv)
	}
	if r = a.page("POST", fmt.Sprintf("/admin/enterprises/%d/confirm", id), office, url.Values{}); r.Status != 403 && r.Status != 404 {
		t.Errorf("office confirms on the page: %d", r.Status)
	}
}
