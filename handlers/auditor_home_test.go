package handlers_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestAuditorHomeIsTheOversightDashboard(t *testing.T) {
	a := startFigures(t)
	home := a.pageAs("auditor", "/")
	for _, want := range []string{`data-page="oversight"`, `data-chain-ok="true"`, `data-audit-log`, `<td title="auth.login">登录</td>`} {
		if !strings.Contains(home, want) {
			t.Errorf("the auditor's home lacks %s", want)
		}
	}
	// The events name appeals by number and link to them.
	log := a.pageAs("auditor", "/oversight/audit?object_type=appeal&limit=20")
	if !regexp.MustCompile(`<a href="/oversight/appeals/\d+">诉求 [A-Z]+\d`).MatchString(log) {
		t.Errorf("the audit log does not link appeals by number")
	}
	for _, code := range regexp.MustCompile(`<td title="([a-z_.]+)">([^<]*)</td>`).FindAllStringSubmatch(log, -1) {
		if code[1] == code[2] || strings.ContainsAny(code[2], "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("action %s shown as %q", code[1], code[2])
		}
	}
	// Viewed again, the home re-hashes only what was appended since, not the chain.
	events := a.do("GET", "/api/v1/audit/events?limit=1", a.login("auditor"), nil).total()
	again := a.pageAs("auditor", "/")
	m := regexp.MustCompile(`data-hashed="(\d+)"`).FindStringSubmatch(again)
	if m == nil {
		t.Fatal("no chain card on the second view")
	}
	if n, _ := strconv.Atoi(m[1]); n > 5 || events < 100 {
		t.Errorf("the second view re-hashed %d of %d events", n, events)
	}
	// The full verify stays on demand.
	if r := a.page("POST", "/oversight/verify", a.login("auditor"), map[string][]string{}); r.Status != 303 {
		t.Errorf("full verify: %d", r.Status)
	}
	if r := a.page("POST", "/oversight/verify", a.login("office"), map[string][]string{}); r.Status == 303 {
		t.Errorf("the office runs the auditors' verify")
	}
	cp := a.pageAs("auditor", "/oversight/checkpoint")
	for _, want := range []string{"它能证明什么", "校验不通过怎么办"} {
		if !strings.Contains(cp, want) {
			t.Errorf("the checkpoint page lacks %q", want)
		}
	}
}
