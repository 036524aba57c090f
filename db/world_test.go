package db

import (
	"testing"
	"time"
)

// world is the demo city on a fixed clock, with its six accounts as actors and three
// outsiders: an enterprise, a department and a leader that the demo appeal is not about.
type world struct {
	db                                        *DB
	advance                                   func(time.Duration)
	admin, office, dept, leader, ent, auditor Actor
	otherEnt, otherDept, otherLeader          Actor
}

var worldStart = time.Date(2026, 3, 2, 9, 0, 0, 0, Zone)

func newWorld(t *testing.T) *world {
	t.Helper()
	d := mustOpen(t)
	w := &world{db: d, advance: fixedClock(d, worldStart)}
	if _, err := d.BuildDemo(ctx(), ""); err != nil {
		t.Fatal(err)
	}
	for role, dst := range map[Role]*Actor{RoleAdmin: &w.admin, RoleOffice: &w.office, RoleDepartment: &w.dept,
		RoleLeader: &w.leader, RoleEnterprise: &w.ent, RoleAuditor: &w.auditor} {
		id := int64(countOf(t, d, "SELECT id FROM users WHERE username = ?", string(role)))
		u, err := d.UserByID(ctx(), id)
		if err != nil {
			t.Fatal(err)
		}
		*dst = ActorOf(u)
	}
	if countOf(t, d, "SELECT COUNT(*) FROM liaisons WHERE until IS NULL AND leader_id = ? AND enterprise_id = ?",
		w.leader.LeaderID, w.ent.EnterpriseID) != 1 {
		t.Fatal("the demo enterprise is not one of the demo leader's pairs")
	}
	w.otherEnt = Actor{Name: "另一企业", Role: RoleEnterprise, EnterpriseID: int64(countOf(t, d,
		"SELECT MIN(enterprise_id) FROM liaisons WHERE until IS NULL AND leader_id != ?", w.leader.LeaderID))}
	w.otherDept = Actor{Name: "另一单位", Role: RoleDepartment, DepartmentID: int64(countOf(t, d,
		"SELECT MIN(id) FROM departments WHERE id != ?", w.dept.DepartmentID))}
	w.otherLeader = Actor{Name: "另一领导", Role: RoleLeader, LeaderID: int64(countOf(t, d,
		"SELECT MIN(leader_id) FROM liaisons WHERE leader_id != ?", w.leader.LeaderID))}
	return w
}

// countOf runs a query that answers one integer.
func countOf(t *testing.T, d *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func ptr[T any](v T) *T { return &v }

// file files an appeal about the demo enterprise; mod adjusts the input.
func (w *world) file(t *testing.T, who Actor, mod func(*AppealInput)) *Appeal {
	t.Helper()
	in := AppealInput{Title: "申请办理施工许可", Content: "我公司新建厂房项目需要办理施工许可，材料已经齐全，请尽快受理。",
		Category: "审批服务", EnterpriseID: &w.ent.EnterpriseID}
	if mod != nil {
		mod(&in)
	}
	ap, err := w.db.CreateAppeal(ctx(), who, in)
	if err != nil {
		t.Fatalf("file by %s: %v", who.Role, err)
	}
	return ap
}

// act takes an action on the appeal's current version and fails the test on an error.
func (w *world) act(t *testing.T, who Actor, ap *Appeal, in ActionInput) *Appeal {
	t.Helper()
	in.Version = ap.Version
	out, err := w.db.Act(ctx(), who, ap.ID, in)
	if err != nil {
		t.Fatalf("%s by %s in %s: %v", in.Action, who.Role, ap.Stage, err)
	}
	return out
}

func (w *world) assignTo(dept int64) ActionInput {
	return ActionInput{Action: ActAssign, DepartmentID: &dept}
}

// at files a portal appeal and walks it along the plain loop until it reaches stage.
func (w *world) at(t *testing.T, stage Stage) *Appeal {
	t.Helper()
	ap := w.file(t, w.ent, nil)
	for _, s := range []struct {
		who Actor
		in  ActionInput
	}{
		{w.office, ActionInput{Action: ActAccept}},
		{w.office, w.assignTo(w.dept.DepartmentID)},
		{w.dept, ActionInput{Action: ActReport, Note: "已整改完毕"}},
		{w.ent, ActionInput{Action: ActRate, Resolved: ptr(true), Satisfaction: "satisfied"}},
		{w.office, ActionInput{Action: ActClose}},
	} {
		if ap.Stage == stage {
			break
		}
		ap = w.act(t, s.who, ap, s.in)
	}
	if ap.Stage != stage {
		t.Fatalf("walked to %s, want %s", ap.Stage, stage)
	}
	return ap
}

// snapshot is an appeal's row with the number of timeline events and audit rows, to
// show that a refused action changed nothing.
type snapshot struct {
	ap             Appeal
	events, audits int
}

func (w *world) snap(t *testing.T, id int64) snapshot {
	t.Helper()
	ap, err := w.db.FindAppeal(ctx(), SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{*ap, countOf(t, w.db, "SELECT COUNT(*) FROM appeal_events"), countOf(t, w.db, "SELECT COUNT(*) FROM audit_events")}
}

func wantCode(t *testing.T, err error, code string) *Error {
	t.Helper()
	e, ok := AsError(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	return e
}
