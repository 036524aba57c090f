package handlers

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	filterForm  = regexp.MustCompile(`(?s)<form class="filters appeal-filters".*?</form>`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	listTotal   = regexp.MustCompile(`<span class="count">(\d+)</span>`)
	chipLink    = regexp.MustCompile(`<li class="chip" data-chip="([^"]+)"><span>([^<]+)</span><a href="([^"]+)"`)
)

func totalOf(t *testing.T, body string) int {
	t.Helper()
	m := listTotal.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no total on the list page")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestDrillFilterSurvivesVisibleFilter follows a figure's link (逾期办结, on_time=no),
// then changes a visible filter the way the form does: the drill-down filter travels
// as a hidden input, so the count is the true one, not a silently wider list.
func TestDrillFilterSurvivesVisibleFilter(t *testing.T) {
	base, d := startPageServer(t)
	ctx := context.Background()
	if _, err := demo.BuildAppeals(ctx, d, 300); err != nil {
		t.Fatal(err)
	}
	oa := actorFor(t, d, "office")
	count := func(f appeal.Filter) int {
		f.Limit = 1
		l, err := appeal.List(ctx, d, oa, f)
		if err != nil {
			t.Fatal(err)
		}
		return l.Total
	}
	office := pageSignIn(t, base, "office", demo.Password)
	p := office.get("/appeals?on_time=no&responded=on_time")
	p.want(t, "drill-down", 200, `data-chip="办结时效"`, "办结时效：逾期办结", "受理时效：按时受理")
	want := count(appeal.Filter{DrillFilter: appeal.DrillFilter{OnTime: "no", Responded: "on_time"}})
	if got := totalOf(t, p.Body); got != want || want == 0 {
		t.Fatalf("drill-down total %d, direct count %d", got, want)
	}
	form := filterForm.FindString(p.Body)
	q := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(form, -1) {
		q.Add(m[1], html.UnescapeString(m[2]))
	}
	if q.Get("on_time") != "no" || q.Get("responded") != "on_time" {
		t.Fatalf("the filter form does not carry the drill-down filters: %v", q)
	}
	// The user picks 马上办 and submits the form.
	q.Set("tier", "immediate")
	p = office.get("/appeals?" + q.Encode())
	want = count(appeal.Filter{Tier: appeal.TierImmediate, DrillFilter: appeal.DrillFilter{OnTime: "no", Responded: "on_time"}})
	wider := count(appeal.Filter{Tier: appeal.TierImmediate})
	if got := totalOf(t, p.Body); got != want || want == wider {
		t.Errorf("after choosing 马上办: total %d, direct count %d (without the drill-down %d)", got, want, wider)
	}
	// Each chip drops its own filter and keeps the others.
	chips := map[string]string{}
	for _, m := range chipLink.FindAllStringSubmatch(p.Body, -1) {
		chips[m[1]] = html.UnescapeString(m[3])
	}
	rm, ok := chips["办结时效"]
	if !ok || len(chips) != 3 {
		t.Fatalf("chips %v", chips)
	}
	u, _ := url.Parse(rm)
	if u.Query().Has("on_time") || u.Query().Get("tier") != "immediate" || u.Query().Get("responded") != "on_time" {
		t.Errorf("removing 办结时效 links to %s", rm)
	}
	// The export and the pages carry them too.
	for _, want := range []string{"/api/v1/export/appeals.xlsx?", "on_time=no"} {
		if !strings.Contains(html.UnescapeString(p.Body), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	p = office.get("/appeals?limit=20&on_time=no")
	if n := count(appeal.Filter{DrillFilter: appeal.DrillFilter{OnTime: "no"}}); n > 20 {
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.Body)
		if next == nil || !strings.Contains(next[1], "on_time=no") || !strings.Contains(next[1], "page=2") {
			t.Errorf("next page link %v", next)
		}
	}
}

// TestPagesBulk: the office checks several appeals and accepts them in one go; one that
// changed since the page was drawn fails alone, with its number and the reason.
func TestPagesBulk(t *testing.T) {
	base, d := startPageServer(t)
	ctx := context.Background()
	office := pageSignIn(t, base, "office", demo.Password)
	firm := pageSignIn(t, base, "enterprise", demo.Password)
	var ids []int64
	for i := 0; i < 4; i++ {
		ids = append(ids, fileAppeal(t, firm, "title", fmt.Sprintf("批量受理测试 %d", i), "content", "需要专班批量受理的诉求内容。",
			"category", "其他"))
	}
	p := office.get("/appeals?q=" + url.QueryEscape("批量受理测试"))
	p.want(t, "list with bulk bar", 200, `data-bulk-form`, `data-select-all`, fmt.Sprintf(`name="id" value="%d"`, ids[0]))
	// The bulk form comes back to the same list: its action carries the search.
	action := regexp.MustCompile(`<form id="bulk"[^>]* action="([^"]+)"`).FindStringSubmatch(p.Body)
	if action == nil {
		t.Fatal("no bulk form")
	}
	bulkURL, _ := url.Parse(html.UnescapeString(action[1]))
	if bulkURL.Path != "/appeals/bulk" || bulkURL.Query().Get("q") != "批量受理测试" {
		t.Fatalf("bulk form posts to %s", action[1])
	}
	ea := actorFor(t, d, "enterprise")
	stale, _ := appeal.Find(ctx, d, ea, ids[3])
	if _, err := appeal.Act(ctx, d, ea, stale.ID, appeal.ActionInput{Action: appeal.ActComment, Version: stale.Version, Note: "补充"}); err != nil {
		t.Fatal(err)
	}
	form := []string{"action", "accept"}
	for _, id := range ids {
		ap, _ := appeal.Find(ctx, d, ea, id)
		v := ap.Version
		if id == stale.ID {
			v = stale.Version
		}
		form = append(form, "id", strconv.FormatInt(id, 10), "v"+strconv.FormatInt(id, 10), strconv.FormatInt(v, 10))
	}
	p = office.post(bulkURL.String(), form...)
	p.want(t, "bulk accept", 200, "批量受理：成功 <b data-ok>3</b> 件，失败 <b data-failed>1</b> 件", stale.Number+"</span>\n        失败：诉求已被他人更新")
	for _, id := range ids[:3] {
		if ap, _ := appeal.Find(ctx, d, ea, id); ap.Stage != appeal.StageVerifying {
			t.Errorf("appeal %d in %s after bulk accept", id, ap.Stage)
		}
	}
	// The list the result sits on keeps its search.
	if !strings.Contains(p.Body, `value="批量受理测试"`) {
		t.Error("the list after the bulk action lost its search")
	}
	office.post("/appeals/bulk", "action", "accept").want(t, "nothing checked", 422, "请选择要办理的诉求")
	ex := office.post("/appeals/bulk", "action", "export", "id", strconv.FormatInt(ids[0], 10), "id", strconv.FormatInt(ids[1], 10))
	if ex.Status != 303 || !strings.HasPrefix(ex.Location, "/api/v1/export/appeals.xlsx?ids=") {
		t.Errorf("export of the selection: %d %s", ex.Status, ex.Location)
	}
	for _, role := range []string{"department", "enterprise", "leader", "admin"} {
		b := pageSignIn(t, base, role, demo.Password)
		if p := b.post("/appeals/bulk", "action", "urge", "id", strconv.FormatInt(ids[0], 10)); p.Status != 403 && p.Status != 404 {
			t.Errorf("%s bulk: %d", role, p.Status)
		}
		if p := b.get("/appeals"); strings.Contains(p.Body, "data-bulk-form") {
			t.Errorf("%s sees the bulk bar", role)
		}
	}
}
