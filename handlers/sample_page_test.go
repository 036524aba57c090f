package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"qinqing/db/demo"
	"qinqing/db/oversight"
	"strings"
	"testing"
)

// TestSampleFailWithoutNote: a 不通过 verdict without a note, given on the 抽查 page,
// stays on that page with the message and the choice made; the page's address is the
// sample page's, so a refresh does not post again; nothing is recorded.
func TestSampleFailWithoutNote(t *testing.T) {
	a := startAPI(t)
	if _, err := demo.BuildAppeals(context.Background(), a.db, 300); err != nil {
		t.Fatal(err)
	}
	auditor := a.login("auditor")
	month := oversight.LastMonth(a.db.Now())
	sample := a.do("GET", "/api/v1/oversight/sample?month="+month, auditor, nil)
	mustStatus(a, sample, 200, "sample")
	if drawn, _ := sample.JSON["drawn"].(bool); !drawn {
		sample = a.do("POST", "/api/v1/oversight/sample", auditor, map[string]any{"month": month})
		mustStatus(a, sample, 201, "draw")
	}
	var id, version int64
	for _, it := range sample.items() {
		ap, _ := it["appeal"].(map[string]any)
		if it["verdict"] == "" && ap != nil {
			id, version = int64(ap["id"].(float64)), int64(ap["version"].(float64))
			break
		}
	}
	if id == 0 {
		t.Fatalf("no unchecked sample item in %s: %s", month, sample)
	}
	page := string(a.page("GET", "/oversight/sample", auditor, nil).Body)
	if !strings.Contains(page, "（选“不通过”时必填）") || !strings.Contains(page, `value="`+month+`"`) {
		t.Error("the sample page does not default to last month or does not label the note")
	}
	events := len(a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", id), auditor, nil).items())
	back := "/oversight/sample?month=" + month
	r := a.page("POST", fmt.Sprintf("/oversight/appeals/%d/act", id), auditor, url.Values{"action": {"audit"},
		"version": {fmt.Sprint(version)}, "verdict": {"fail"}, "note": {""}, "back": {back}})
	body := string(r.Body)
	if r.Status != 422 || !strings.Contains(body, `data-page="oversight-sample"`) || !strings.Contains(body, `id="failed-verdict"`) {
		t.Fatalf("不通过 without a note: %d, not the sample page with the failed row", r.Status)
	}
	if !strings.Contains(body, `data-page-url="`+strings.ReplaceAll(back, "?", "?")+`"`) {
		t.Error("the answer does not name the sample page's address")
	}
	if !strings.Contains(body, `value="fail" checked`) {
		t.Error("the verdict typed is lost")
	}
	if got := len(a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", id), auditor, nil).items()); got != events {
		t.Errorf("a refused verdict wrote %d events", got-events)
	}
}

// TestFailedFormsNameTheirPage: the failed intake form and a failed appeal action are
// answered with their page's address, for the browser to show instead of the POST's.
func TestFailedFormsNameTheirPage(t *testing.T) {
	a := startAPI(t)
	office := a.login("office")
	r := a.postForm("/appeals", office, map[string]string{"title": "短", "category": "审批服务"}, nil)
	if r.Status != 422 || !strings.Contains(string(r.Body), `data-page-url="/appeals/new"`) {
		t.Errorf("intake form: %d, page address missing", r.Status)
	}
	filed := a.do("POST", "/api/v1/appeals", a.login("enterprise"), map[string]any{"title": "申请办理施工许可",
		"content": "我公司新建厂房需要办理施工许可，材料已齐全，请尽快受理。", "category": "审批服务"})
	mustStatus(a, filed, 201, "file")
	id := filed.id("id")
	r = a.page("POST", fmt.Sprintf("/appeals/%d/actions", id), office, url.Values{"action": {"reject"}, "version": {"1"}, "note": {""}})
	if r.Status < 400 || !strings.Contains(string(r.Body), fmt.Sprintf(`data-page-url="/appeals/%d"`, id)) {
		t.Errorf("action form: %d, page address missing", r.Status)
	}
}
