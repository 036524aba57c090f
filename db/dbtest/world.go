package dbtest

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"qinqing/db/register"
	"testing"
	"time"
)

// world is the demo city on a fixed clock, with its six accounts as actors and three
// outsiders: an enterprise, a department and a leader that the demo appeal is not about.
type World struct {
	DB                                        *db.DB
	Advance                                   func(time.Duration)
	Admin, Office, Dept, Leader, Ent, Auditor db.Actor
	OtherEnt, OtherDept, OtherLeader          db.Actor
}

var WorldStart = time.Date(2026, 3, 2, 9, 0, 0, 0, db.Zone)

func NewWorld(t *testing.T) *World {
	t.Helper()
	d := MustOpen(t)
	w := &World{DB: d, Advance: FixedClock(d, WorldStart)}
	if _, err := demo.Build(Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	for role, dst := range map[db.Role]*db.Actor{db.RoleAdmin: &w.Admin, db.RoleOffice: &w.Office, db.RoleDepartment: &w.Dept,
		db.RoleLeader: &w.Leader, db.RoleEnterprise: &w.Ent, db.RoleAuditor: &w.Auditor} {
		id := int64(CountOf(t, d, "SELECT id FROM users WHERE username = ?", string(role)))
		u, err := register.UserByID(Ctx(), d, id)
		if err != nil {
			t.Fatal(err)
		}
		*dst = register.ActorOf(u)
	}
	if CountOf(t, d, "SELECT COUNT(*) FROM liaisons WHERE until IS NULL AND leader_id = ? AND enterprise_id = ?",
		w.Leader.LeaderID, w.Ent.EnterpriseID) != 1 {
		t.Fatal("the demo enterprise is not one of the demo leader's pairs")
	}
	w.OtherEnt = db.Actor{Name: "另一企业", Role: db.RoleEnterprise, EnterpriseID: int64(CountOf(t, d,
		"SELECT MIN(enterprise_id) FROM liaisons WHERE until IS NULL AND leader_id != ?", w.Leader.LeaderID))}
	w.OtherDept = db.Actor{Name: "另一单位", Role: db.RoleDepartment, DepartmentID: int64(CountOf(t, d,
		"SELECT MIN(id) FROM departments WHERE id != ?", w.Dept.DepartmentID))}
	w.OtherLeader = db.Actor{Name: "另一领导", Role: db.RoleLeader, LeaderID: int64(CountOf(t, d,
		"SELECT MIN(leader_id) FROM liaisons WHERE leader_id != ?", w.Leader.LeaderID))}
	return w
}

// countOf runs a query that answers one integer.
func CountOf(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func Ptr[T any](v T) *T { return &v }

// file files an appeal about the demo enterprise; mod adjusts the input.
func (w *World) File(t *testing.T, who db.Actor, mod func(*appeal.Input)) *appeal.Appeal {
	t.Helper()
	in := appeal.Input{Title: "申请办理施工许可", Content: "我公司新建厂房项目需要办理施工许可，材料已经齐全，请尽快受理。",
		Category: "审批服务", EnterpriseID: &w.Ent.EnterpriseID}
	if mod != nil {
		mod(&in)
	}
	ap, err := appeal.Create(Ctx(), w.DB, who, in)
	if err != nil {
		t.Fatalf("file by %s: %v", who.Role, err)
	}
	return ap
}

// act takes an action on the appeal's current version and fails the test on an error.
func (w *World) Act(t *testing.T, who db.Actor, ap *appeal.Appeal, in appeal.ActionInput) *appeal.Appeal {
	t.Helper()
	in.Version = ap.Version
	out, err := appeal.Act(Ctx(), w.DB, who, ap.ID, in)
	if err != nil {
		t.Fatalf("%s by %s in %s: %v", in.Action, who.Role, ap.Stage, err)
	}
	return out
}

func (w *World) AssignTo(dept int64) appeal.ActionInput {
	return appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept}
}

// at files a portal appeal and walks it along the plain loop until it reaches stage.
func (w *World) At(t *testing.T, stage appeal.Stage) *appeal.Appeal {
	t.Helper()
	ap := w.File(t, w.Ent, nil)
	for _, s := range []struct {
		who db.Actor
		in  appeal.ActionInput
	}{
		{w.Office, appeal.ActionInput{Action: appeal.ActAccept}},
		{w.Office, w.AssignTo(w.Dept.DepartmentID)},
		{w.Dept, appeal.ActionInput{Action: appeal.ActReport, Note: "已整改完毕"}},
		{w.Ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: Ptr(true), Satisfaction: "satisfied"}},
		{w.Office, appeal.ActionInput{Action: appeal.ActClose}},
	} {
		if ap.Stage == stage {
			break
		}
		ap = w.Act(t, s.who, ap, s.in)
	}
	if ap.Stage != stage {
		t.Fatalf("walked to %s, want %s", ap.Stage, stage)
	}
	return ap
}

// snapshot is an appeal's row with the number of timeline events and audit rows, to
// show that a refused action changed nothing.
type snapshot struct {
	Ap             appeal.Appeal
	events, audits int
}

func (w *World) Snap(t *testing.T, id int64) snapshot {
	t.Helper()
	ap, err := appeal.Find(Ctx(), w.DB, db.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{*ap, CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events"), CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events")}
}

func WantCode(t *testing.T, err error, code string) *db.Error {
	t.Helper()
	e, ok := db.AsError(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	return e
}
