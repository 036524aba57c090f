package handlers_test

import (
	"context"
	"fmt"
	"qinqing/db/demo"
	"qinqing/db/register"
	"testing"
	"time"

	"qinqing/db"
	"qinqing/db/dbtest"
)

// ledgerIDs are the demo leader and one enterprise they hold, one they do not, and
// another leader.
type ledgerIDs struct{ leader, own, other, otherLeader int64 }

func demoLedgerIDs(t *testing.T, a *api) ledgerIDs {
	t.Helper()
	var x ledgerIDs
	x.leader = num(a.me(a.login("leader"))["leader_id"])
	l := a.do("GET", fmt.Sprintf("/api/v1/leaders/%d/ledger", x.leader), a.login("leader"), nil)
	pairs, _ := l.JSON["pairs"].([]any)
	for _, p := range pairs {
		m := p.(map[string]any)
		if m["visit_overdue"] == true {
			x.own = num(m["enterprise_id"])
			break
		}
	}
	for _, e := range a.enterprises(t, "") {
		if e.LeaderID != x.leader {
			x.other, x.otherLeader = e.ID, e.LeaderID
			break
		}
	}
	if x.own == 0 || x.other == 0 {
		t.Fatalf("demo ledger ids: %+v (%s)", x, l)
	}
	return x
}

func visitBody(enterprise int64, problems int) map[string]any {
	var ps []map[string]any
	for i := 0; i < problems; i++ {
		ps = append(ps, map[string]any{"title": fmt.Sprintf("走访发现的问题%d", i+1),
			"content": fmt.Sprintf("企业反映第%d个问题：货车进出园区道路拥堵，需协调交通部门。", i+1), "category": "物流"})
	}
	return map[string]any{"enterprise_id": enterprise, "visited_at": "", "mode": "onsite",
		"participants": "企业总经理", "summary": "走访了解企业生产经营情况。", "problems": ps}
}

func TestVisitMakesLinkedAppeals(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	leader, office := a.login("leader"), a.login("office")
	before := a.do("GET", "/api/v1/appeals?source=visit", office, nil).total()
	r := a.do("POST", "/api/v1/visits", leader, visitBody(x.own, 3))
	if r.Status != 201 {
		t.Fatalf("log visit: %s", r)
	}
	visit, _ := r.JSON["visit"].(map[string]any)
	appeals, _ := r.JSON["appeals"].([]any)
	vid := num(visit["id"])
	if len(appeals) != 3 || num(visit["leader_id"]) != x.leader || num(visit["problems"]) != 3 {
		t.Fatalf("visit %v with %d appeals", visit, len(appeals))
	}
	for _, raw := range appeals {
		ap := raw.(map[string]any)
		if ap["source"] != "visit" || num(ap["visit_id"]) != vid || num(ap["leader_id"]) != x.leader || num(ap["enterprise_id"]) != x.own {
			t.Errorf("appeal not linked: %v", ap)
		}
	}
	// The office's intake holds them, linked to the visit.
	if got := a.do("GET", "/api/v1/appeals?source=visit", office, nil).total(); got != before+3 {
		t.Errorf("office sees %d visit appeals, want %d", got, before+3)
	}
	one := a.do("GET", fmt.Sprintf("/api/v1/visits/%d", vid), office, nil)
	if got, _ := one.JSON["appeals"].([]any); one.Status != 200 || len(got) != 3 {
		t.Errorf("GET visit: %s", one)
	}
	if l := a.do("GET", fmt.Sprintf("/api/v1/visits?enterprise_id=%d", x.own), a.login("enterprise"), nil); l.Status != 200 {
		t.Errorf("list visits: %s", l)
	}
	// A problem that is not whole refuses the visit and writes nothing.
	bad := visitBody(x.own, 2)
	bad["problems"].([]map[string]any)[1]["category"] = "没有这个类别"
	if r := a.do("POST", "/api/v1/visits", leader, bad); r.Status != 422 || r.fields()[0] != "problems[1].category" {
		t.Errorf("bad problem: %s", r)
	}
	if n := a.do("GET", fmt.Sprintf("/api/v1/visits?enterprise_id=%d", x.own), leader, nil).total(); n != 1 {
		t.Errorf("visits after a refused one: %d", n)
	}
}

func TestVisitOutsideOwnPairs(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	leader := a.login("leader")
	for _, c := range []struct {
		name string
		tok  string
		body map[string]any
		want int
	}{
		{"another leader's enterprise", leader, visitBody(x.other, 1), 404},
		{"a missing enterprise", leader, visitBody(999999, 1), 404},
		{"as another leader", leader, func() map[string]any { b := visitBody(x.own, 0); b["leader_id"] = x.otherLeader; return b }(), 403},
		{"the office", a.login("office"), visitBody(x.own, 1), 403},
		{"an enterprise", a.login("enterprise"), visitBody(x.own, 1), 403},
	} {
		if r := a.do("POST", "/api/v1/visits", c.tok, c.body); r.Status != c.want {
			t.Errorf("%s: %s, want %d", c.name, r, c.want)
		}
	}
	if r := a.do("GET", fmt.Sprintf("/api/v1/leaders/%d/ledger", x.otherLeader), leader, nil); r.Status != 404 {
		t.Errorf("another leader's ledger: %s", r)
	}
	if r := a.do("GET", "/api/v1/visits", a.login("admin"), nil); r.total() != 0 {
		t.Errorf("refused visits were written: %s", r)
	}
}

func TestDossierAndReassignment(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	admin, leader := a.login("admin"), a.login("leader")
	if r := a.do("POST", "/api/v1/visits", leader, visitBody(x.own, 2)); r.Status != 201 {
		t.Fatalf("log visit: %s", r)
	}
	if r := a.do("POST", "/api/v1/liaisons", admin, map[string]any{"leader_id": x.otherLeader, "enterprise_id": x.own}); r.Status != 201 {
		t.Fatalf("reassign: %s", r)
	}
	// Reassignment keeps the history: the old pair ended, the new one current.
	pairs := a.do("GET", fmt.Sprintf("/api/v1/liaisons?enterprise_id=%d", x.own), admin, nil)
	if pairs.total() != 2 || pairs.items()[0]["active"] != true || pairs.items()[1]["until"] == nil ||
		num(pairs.items()[1]["leader_id"]) != x.leader {
		t.Errorf("history after reassignment: %s", pairs)
	}
	d := a.do("GET", fmt.Sprintf("/api/v1/enterprises/%d", x.own), admin, nil)
	if d.Status != 200 || num(d.JSON["id"]) != x.own || d.JSON["credit_code"] == "" || num(d.JSON["leader_id"]) != x.otherLeader {
		t.Fatalf("dossier profile: %s", d)
	}
	liaisons, _ := d.JSON["liaisons"].([]any)
	visits, _ := d.JSON["visits"].([]any)
	appeals, _ := d.JSON["appeals"].([]any)
	figures, _ := d.JSON["figures"].(map[string]any)
	if len(liaisons) != 2 || liaisons[1].(map[string]any)["until"] == nil {
		t.Errorf("dossier liaisons: %v", liaisons)
	}
	if len(visits) != 1 || len(appeals) != 2 || num(figures["appeals"]) != 2 || num(figures["visits"]) != 1 {
		t.Errorf("dossier: %d visits, %d appeals, figures %v", len(visits), len(appeals), figures)
	}
	for _, raw := range appeals {
		ap := raw.(map[string]any)
		if ap["stage"] != "discovered" || ap["number"] == "" {
			t.Errorf("dossier appeal: %v", ap)
		}
	}
	// The former leader no longer sees it; the new one does.
	if r := a.do("GET", fmt.Sprintf("/api/v1/enterprises/%d", x.own), leader, nil); r.Status != 404 {
		t.Errorf("former leader: %s", r)
	}
}

func TestCadenceFlagsMoveWithAVisit(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	leader, admin := a.login("leader"), a.login("admin")
	ledger := func() (bool, int64, string) {
		l := a.do("GET", fmt.Sprintf("/api/v1/leaders/%d/ledger", x.leader), leader, nil)
		for _, p := range l.JSON["pairs"].([]any) {
			if m := p.(map[string]any); num(m["enterprise_id"]) == x.own {
				return m["visit_overdue"] == true, num(l.JSON["visit_overdue"]), m["due_by"].(string)
			}
		}
		t.Fatalf("enterprise missing from the ledger: %s", l)
		return false, 0, ""
	}
	coverage := func() int64 {
		c := a.do("GET", "/api/v1/ledger/coverage", admin, nil)
		for _, it := range c.JSON["items"].([]any) {
			if m := it.(map[string]any); num(m["leader_id"]) == x.leader {
				return num(m["visit_overdue"])
			}
		}
		return -1
	}
	flagged, before, _ := ledger()
	if !flagged || coverage() != before {
		t.Fatalf("before the visit: flagged %v, %d overdue, coverage %d", flagged, before, coverage())
	}
	if r := a.do("POST", "/api/v1/visits", leader, visitBody(x.own, 0)); r.Status != 201 {
		t.Fatal(r)
	}
	flagged, after, due := ledger()
	today := time.Now().In(db.Zone)
	if want := today.AddDate(0, 0, 90).Format(db.DateLayout); due != want {
		t.Errorf("due by %s after a visit today, want %s", due, want)
	}
	if flagged || after != before-1 || coverage() != after {
		t.Errorf("after the visit: flagged %v, %d → %d overdue, coverage %d", flagged, before, after, coverage())
	}
	if r := a.do("PUT", "/api/v1/settings/visit-cadence", admin, map[string]int{"days": 3650}); r.Status != 422 {
		t.Errorf("cadence of ten years: %s", r)
	}
	if r := a.do("PUT", "/api/v1/settings/visit-cadence", admin, map[string]int{"days": 365}); r.Status != 200 || num(r.JSON["days"]) != 365 {
		t.Errorf("set cadence: %s", r)
	}
	if _, n, due := ledger(); n > after || due != today.AddDate(0, 0, 365).Format(db.DateLayout) {
		t.Errorf("a cadence of 365 days: %d overdue (was %d), due by %s", n, after, due)
	}
}

func TestDirectMessageAPI(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	company, leader := a.login("enterprise"), a.login("leader")
	m := a.do("POST", "/api/v1/messages", company, map[string]string{"title": "用工招聘困难", "body": "今年扩产需要招聘技术工人 50 名，希望协调人社部门组织专场招聘。"})
	if m.Status != 201 || num(m.JSON["leader_id"]) != num(a.me(leader)["leader_id"]) {
		t.Fatalf("send: %s", m)
	}
	if r := a.do("GET", "/api/v1/messages?pending=true", leader, nil); r.total() != 1 {
		t.Errorf("leader inbox: %s", r)
	}
	ap := a.do("POST", fmt.Sprintf("/api/v1/messages/%d/appeal", m.id("id")), leader, map[string]string{"category": "用工"})
	if ap.Status != 201 || ap.JSON["source"] != "portal" || num(ap.JSON["enterprise_id"]) != num(m.JSON["enterprise_id"]) {
		t.Fatalf("to appeal: %s", ap)
	}
	if r := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", ap.id("id")), company, nil); r.Status != 200 {
		t.Errorf("the enterprise follows its appeal: %s", r)
	}
	if r := a.do("GET", "/api/v1/messages?pending=true", leader, nil); r.total() != 0 {
		t.Errorf("handled message still pending: %s", r)
	}
}

// startEmptyAPI serves a fresh database that holds only an admin account.
func startEmptyAPI(t *testing.T) *api {
	t.Helper()
	d := dbtest.MustOpen(t)
	if _, err := register.CreateUser(context.Background(), d, db.SystemActor, register.UserInput{Username: "admin",
		Password: demo.Password, DisplayName: "管理员", Role: db.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	return serveAPI(t, d, nil)
}
