package handlers_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestRevealOnAuditorTimeline: a look into the identity vault shows on the appeal's
// timeline for auditors (page and API), with the reason and never the identity; nobody
// else's timeline shows it.
func TestRevealOnAuditorTimeline(t *testing.T) {
	a := startAPI(t)
	v := buildVault(t, a)
	auditor := a.login("auditor")
	reason := "需要联系举报人核实线索"
	if r := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/identity", v.confidential), auditor, map[string]any{"reason": reason}); r.Status != 200 {
		t.Fatalf("reveal: %s", r)
	}
	events := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", v.confidential), auditor, nil)
	found := false
	for _, e := range events.items() {
		if e["action"] == "identity_reveal" && strings.Contains(str(e, "note"), reason) && e["actor_role"] == "auditor" {
			found = true
		}
	}
	if !found || len(v.leaks(events.Body)) > 0 {
		t.Errorf("the auditor's timeline: %s", events)
	}
	for _, path := range []string{"/appeals/%d", "/oversight/appeals/%d"} {
		body := a.page("GET", fmt.Sprintf(path, v.confidential), auditor, nil).Body
		if !strings.Contains(string(body), "查阅举报人身份") || !strings.Contains(string(body), reason) || len(v.leaks(body)) > 0 {
			t.Errorf("%s: the reveal is not on the auditor's timeline, or the identity leaks", path)
		}
	}
	for _, role := range []string{"office", "department", "enterprise"} {
		tok := a.login(role)
		r := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", v.confidential), tok, nil)
		if r.Status == 200 && strings.Contains(string(r.Body), "identity_reveal") {
			t.Errorf("%s sees the reveal on the timeline", role)
		}
		if p := a.page("GET", fmt.Sprintf("/appeals/%d", v.confidential), tok, nil); strings.Contains(string(p.Body), "查阅举报人身份") {
			t.Errorf("%s sees the reveal on the appeal page", role)
		}
	}
}
