package handlers_test

import (
	"fmt"
	"net/url"
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
	"sync"
	"testing"
	"time"
)

// newKey has the admin issue a service key with the hotline scope.
func newKey(t *testing.T, a *api, name string) (id int64, key string) {
	t.Helper()
	r := a.do("POST", "/api/v1/api-keys", a.login("admin"), map[string]any{"name": name, "scopes": []string{"hotline"}})
	mustStatus(a, r, 201, "create key")
	key, _ = r.JSON["key"].(string)
	if !strings.HasPrefix(key, "qqk_") || len(key) < 40 {
		t.Fatalf("key %q", key)
	}
	return r.id("id"), key
}

// TestServiceKeys: a key is shown once, listed without it, acts only where a route names
// service keys (never as a user, never on a page), and stops at once when revoked; a
// wrong key and a user's token are refused on the hotline route.
func TestServiceKeys(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	if r := a.do("POST", "/api/v1/api-keys", a.login("office"), map[string]any{"name": "某系统", "scopes": []string{"hotline"}}); r.Status != 403 {
		t.Errorf("office creates a key: %d", r.Status)
	}
	if r := a.do("POST", "/api/v1/api-keys", admin, map[string]any{"name": "某系统", "scopes": []string{"everything"}}); r.Status != 422 {
		t.Errorf("an unknown scope: %d", r.Status)
	}
	id, key := newKey(t, a, "12345 热线平台")
	list := a.do("GET", "/api/v1/api-keys", admin, nil)
	mustStatus(a, list, 200, "list keys")
	if strings.Contains(string(list.Body), key) || !strings.Contains(string(list.Body), key[:10]) {
		t.Errorf("the list shows the key, or not its start: %s", list.Body)
	}
	for _, p := range []string{"/api/v1/appeals", "/api/v1/me", "/api/v1/notifications", "/api/v1/api-keys"} {
		if r := a.do("GET", p, key, nil); r.Status != 403 {
			t.Errorf("a service key reads %s: %d", p, r.Status)
		}
	}
	if r := a.do("POST", "/api/v1/appeals", key, map[string]any{"title": "热线反映问题", "content": "企业反映的问题需要处理，请尽快办理。",
		"category": "其他", "source": "hotline"}); r.Status != 403 {
		t.Errorf("a service key files through the appeals route: %d", r.Status)
	}
	if r := a.page("GET", "/", key, nil); r.Status == 200 {
		t.Errorf("a service key opens a page")
	}
	ticket := map[string]any{"ticket_no": "GD2026112900001", "title": "企业反映用电报装缓慢", "content": "来电企业反映新厂房用电报装一个月未接电。",
		"category": "要素保障-用电", "credit_code": "91211122MA0T2Q8X5G", "enterprise_name": "盘锦热线来电企业有限公司"}
	for name, tok := range map[string]string{"a wrong key": "qqk_" + strings.Repeat("0", 64), "a user's token": a.login("office")} {
		r := a.do("POST", "/api/v1/integrations/hotline/tickets", tok, ticket)
		if r.Status != 401 && r.Status != 403 {
			t.Errorf("%s files a ticket: %d", name, r.Status)
		}
	}
	mustStatus(a, a.do("POST", "/api/v1/integrations/hotline/tickets", key, ticket), 201, "ticket")
	if r := a.do("POST", fmt.Sprintf("/api/v1/api-keys/%d/revoke", id), admin, nil); r.Status != 200 || r.JSON["revoked_at"] == nil {
		t.Fatalf("revoke: %s", r)
	}
	ticket["ticket_no"] = "GD2026112900002"
	if r := a.do("POST", "/api/v1/integrations/hotline/tickets", key, ticket); r.Status != 401 {
		t.Errorf("a revoked key: %d", r.Status)
	}
	if n := a.countRows("SELECT COUNT(*) FROM audit_events WHERE action IN ('api_key.create', 'api_key.revoke') AND object_id = ?", id); n != 2 {
		t.Errorf("%d audit rows for the key's creation and revocation", n)
	}
	page := a.page("GET", "/admin/api-keys", admin, nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), "已吊销") || !strings.Contains(string(page.Body), "12345 热线平台") {
		t.Errorf("the keys page: %d", page.Status)
	}
	created := a.page("POST", "/admin/api-keys", admin, url.Values{"name": {"投资项目平台"}, "scope_hotline": {"1"}})
	if created.Status != 201 || !strings.Contains(string(created.Body), `data-key>qqk_`) {
		t.Errorf("a key made on the page is not shown once: %d", created.Status)
	}
	if again := a.page("GET", "/admin/api-keys", admin, nil); strings.Contains(string(again.Body), "data-key>qqk_") {
		t.Error("the key is shown again")
	}
}

// TestHotlineTickets: a ticket files one appeal of source hotline with the ticket's number
// and deadline, however often and however concurrently it is sent; an unknown firm with a
// valid code is registered for review; a bad code is refused with nothing written; the
// appeal page warns when the hotline's deadline is earlier than ours; every filing counts
// as a use of the key.
func TestHotlineTickets(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	office := a.login("office")
	keyID, key := newKey(t, a, "12345 热线平台")
	ent := a.do("GET", "/api/v1/enterprises?limit=1", office, nil).items()[0]
	due := time.Now().Add(48 * time.Hour).In(db.Zone).Format(time.RFC3339)
	ticket := map[string]any{"ticket_no": "GD-20261129-0101", "received_at": time.Now().Format(time.RFC3339), "title": "企业反映审批材料反复补正",
		"content": "来电企业反映施工许可审批要求反复补正材料，已三次往返。", "category": "审批服务", "credit_code": ent["credit_code"],
		"caller_name": "张先生", "caller_phone": "13800001111", "due_at": due}
	first := a.do("POST", "/api/v1/integrations/hotline/tickets", key, ticket)
	mustStatus(a, first, 201, "ticket")
	if first.JSON["source"] != "hotline" || first.JSON["external_ref"] != "GD-20261129-0101" || first.JSON["upstream_due_at"] == nil ||
		num(first.JSON["enterprise_id"]) != num(ent["id"]) {
		t.Errorf("the ticket's appeal: %s", first.Body)
	}
	again := a.do("POST", "/api/v1/integrations/hotline/tickets", key, ticket)
	if again.Status != 200 || again.id("id") != first.id("id") {
		t.Errorf("the same ticket again: %d, id %d (first %d)", again.Status, again.id("id"), first.id("id"))
	}

	// Eight copies of a new ticket at once: one appeal, one 201.
	ticket["ticket_no"] = "GD-20261129-0102"
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	ids := make([]int64, 8)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := a.do("POST", "/api/v1/integrations/hotline/tickets", key, ticket)
			statuses[i], ids[i] = r.Status, r.id("id")
		}(i)
	}
	wg.Wait()
	created := 0
	for i, s := range statuses {
		if s == 201 {
			created++
		}
		if (s != 200 && s != 201) || ids[i] != ids[0] {
			t.Errorf("copy %d: %d, id %d (first %d)", i, s, ids[i], ids[0])
		}
	}
	if created != 1 || a.countRows("SELECT COUNT(*) FROM appeals WHERE external_ref = ?", "GD-20261129-0102") != 1 {
		t.Errorf("concurrent copies made %d answers 201 and %d appeals", created, a.countRows("SELECT COUNT(*) FROM appeals WHERE external_ref = ?", "GD-20261129-0102"))
	}

	// An unknown firm: registered from the ticket, for review; a bad code: nothing written.
	before := a.countRows("SELECT COUNT(*) FROM appeals")
	bad := map[string]any{"ticket_no": "GD-20261129-0103", "title": "企业反映物流费用高", "content": "来电企业反映园区物流费用明显偏高。",
		"category": "物流", "credit_code": "91211122MA0T2Q8X5C", "enterprise_name": "盘锦新来物流有限公司"}
	if r := a.do("POST", "/api/v1/integrations/hotline/tickets", key, bad); r.Status != 422 || !strings.Contains(string(r.Body), "credit_code") {
		t.Errorf("an invalid code: %s", r)
	}
	bad["credit_code"], bad["enterprise_name"] = "91211122MA0T2Q8X5G", ""
	if r := a.do("POST", "/api/v1/integrations/hotline/tickets", key, bad); r.Status != 422 || !strings.Contains(string(r.Body), "enterprise_name") {
		t.Errorf("an unknown code without a name: %s", r)
	}
	if got := a.countRows("SELECT COUNT(*) FROM appeals"); got != before {
		t.Errorf("refused tickets wrote %d appeals", got-before)
	}
	bad["enterprise_name"] = "盘锦新来物流有限公司"
	r := a.do("POST", "/api/v1/integrations/hotline/tickets", key, bad)
	mustStatus(a, r, 201, "an unknown firm with a valid code")
	if n := a.countRows("SELECT COUNT(*) FROM enterprises WHERE credit_code = ? AND needs_review", "91211122MA0T2Q8X5G"); n != 1 {
		t.Errorf("the firm was not registered for review (%d)", n)
	}

	// The hotline wants it sooner than our own due time: the page says so.
	ticket["ticket_no"], ticket["due_at"] = "GD-20261129-0104", time.Now().Add(2*time.Hour).In(db.Zone).Format(time.RFC3339)
	soon := a.do("POST", "/api/v1/integrations/hotline/tickets", key, ticket)
	mustStatus(a, soon, 201, "an urgent ticket")
	page := a.page("GET", fmt.Sprintf("/appeals/%d", soon.id("id")), office, nil)
	if body := string(page.Body); !strings.Contains(body, "早于本系统办理期限") || !strings.Contains(body, "12345 工单 GD-20261129-0104") {
		t.Errorf("the appeal page does not warn of the earlier hotline deadline")
	}
	if uses := a.countRows("SELECT uses FROM api_keys WHERE id = ?", keyID); uses != 4 {
		t.Errorf("the key counts %d uses, want 4 filings", uses)
	}

	// Without the hotline scope a service actor files nothing.
	_, _, err := appeal.FileTicket(t.Context(), a.db, db.Actor{Role: db.RoleService, Name: "另一个系统", Scopes: "projects"}, appeal.Ticket{TicketNo: "x"})
	if db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("a key without the hotline scope: %v", err)
	}
}
