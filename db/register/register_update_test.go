package register_test

import (
	"encoding/json"
	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/db/register"
	"reflect"
	"sort"
	"sync"
	"testing"
)

var (
	adminA = db.Actor{UserID: 9001, Name: "管理员甲", Role: db.RoleAdmin}
	adminB = db.Actor{UserID: 9002, Name: "管理员乙", Role: db.RoleAdmin}
)

// raceEdits queues first, then second, behind a held writer, so that both run in the
// next transaction in that order. Code that read the row on the pool before queuing had
// second read the row as it was before first, and write it back whole.
func raceEdits(t *testing.T, d *db.DB, first, second func() error) (err1, err2 error) {
	t.Helper()
	release, waitQueued := dbtest.HoldWriter(t, d)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); err1 = first() }()
	waitQueued(1)
	go func() { defer wg.Done(); err2 = second() }()
	waitQueued(2)
	release()
	wg.Wait()
	return err1, err2
}

// lastAudit returns the action and the payload keys of the newest audit event.
func lastAudit(t *testing.T, d *db.DB) (string, map[string]any) {
	t.Helper()
	var action, payload string
	if err := d.Read.QueryRow("SELECT action, payload FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&action, &payload); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		t.Fatal(err)
	}
	return action, m
}

func auditKeys(m map[string]any) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestUserConcurrentEditsKeepEarlierChange(t *testing.T) {
	d := dbtest.MustOpen(t)
	u, err := register.CreateUser(dbtest.Ctx(), d, db.SystemActor, register.UserInput{Username: "clerk", Password: "Old-pass-2026!", DisplayName: "办事员", Role: db.RoleOffice})
	if err != nil {
		t.Fatal(err)
	}
	// A password reset, then a rename made from a page opened before it.
	err1, err2 := raceEdits(t, d,
		func() error {
			_, err := register.UpdateUser(dbtest.Ctx(), d, adminA, u.ID, register.UserUpdate{Password: dbtest.Ptr("New-pass-2026!")})
			return err
		},
		func() error {
			_, err := register.UpdateUser(dbtest.Ctx(), d, adminB, u.ID, register.UserUpdate{DisplayName: dbtest.Ptr("办事员小王"), Role: dbtest.Ptr(db.RoleOffice)})
			return err
		})
	if err1 != nil || err2 != nil {
		t.Fatalf("edits: %v, %v", err1, err2)
	}
	got, _ := register.UserByID(dbtest.Ctx(), d, u.ID)
	if ok, _ := register.CheckPassword(got.PasswordHash, "New-pass-2026!"); !ok {
		t.Error("the password reset was undone by the rename")
	}
	if got.DisplayName != "办事员小王" || got.Version != 3 || got.TokenVersion != u.TokenVersion+1 {
		t.Errorf("after both edits: %+v", got)
	}
	if action, m := lastAudit(t, d); action != "user.update" || !reflect.DeepEqual(auditKeys(m), []string{"display_name"}) {
		t.Errorf("rename audited as %s %v; want only display_name", action, m)
	}

	// Disabling, then an edit from a page that still showed the account enabled.
	err1, err2 = raceEdits(t, d,
		func() error {
			_, err := register.UpdateUser(dbtest.Ctx(), d, adminA, u.ID, register.UserUpdate{Disabled: dbtest.Ptr(true)})
			return err
		},
		func() error {
			_, err := register.UpdateUser(dbtest.Ctx(), d, adminB, u.ID, register.UserUpdate{DisplayName: dbtest.Ptr("王办事员")})
			return err
		})
	if err1 != nil || err2 != nil {
		t.Fatalf("edits: %v, %v", err1, err2)
	}
	if got, _ := register.UserByID(dbtest.Ctx(), d, u.ID); !got.Disabled || got.DisplayName != "王办事员" {
		t.Errorf("the disabled account was enabled again: %+v", got)
	}

	// The same edit carrying the version it was made against is refused.
	stale := u.Version
	before := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
	_, err = register.UpdateUser(dbtest.Ctx(), d, adminB, u.ID, register.UserUpdate{Disabled: dbtest.Ptr(false), Version: &stale})
	if db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("stale edit: %v, want a conflict", err)
	}
	if got, _ := register.UserByID(dbtest.Ctx(), d, u.ID); !got.Disabled || dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events") != before {
		t.Errorf("a stale edit wrote something: %+v", got)
	}
}

func TestDepartmentConcurrentEditsKeepEarlierChange(t *testing.T) {
	d := dbtest.MustOpen(t)
	dep, err := register.CreateDepartment(dbtest.Ctx(), d, adminA, register.DepartmentInput{Name: "市交通局", Kind: "市直"})
	if err != nil {
		t.Fatal(err)
	}
	v := dep.Version
	err1, err2 := raceEdits(t, d,
		func() error {
			_, err := register.UpdateDepartment(dbtest.Ctx(), d, adminA, dep.ID, register.DepartmentUpdate{Name: dbtest.Ptr("市交通运输局"), Version: &v})
			return err
		},
		func() error {
			_, err := register.UpdateDepartment(dbtest.Ctx(), d, adminB, dep.ID, register.DepartmentUpdate{Kind: dbtest.Ptr("垂直管理")})
			return err
		})
	if err1 != nil || err2 != nil {
		t.Fatalf("edits: %v, %v", err1, err2)
	}
	got, _ := register.FindDepartment(dbtest.Ctx(), d, dep.ID)
	if got.Name != "市交通运输局" || got.Kind != "垂直管理" || got.Version != 3 {
		t.Errorf("after both edits: %+v", got)
	}
	if _, m := lastAudit(t, d); !reflect.DeepEqual(auditKeys(m), []string{"kind"}) {
		t.Errorf("audited %v; want only kind", m)
	}
	// Made against version 1 after both: refused, nothing written.
	_, err = register.UpdateDepartment(dbtest.Ctx(), d, adminB, dep.ID, register.DepartmentUpdate{Name: dbtest.Ptr("市交通局"), Version: &v})
	if db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("stale edit: %v", err)
	}
	if got, _ := register.FindDepartment(dbtest.Ctx(), d, dep.ID); got.Name != "市交通运输局" {
		t.Errorf("stale edit wrote: %+v", got)
	}
	// An edit that changes nothing writes nothing.
	n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
	if got, err := register.UpdateDepartment(dbtest.Ctx(), d, adminB, dep.ID, register.DepartmentUpdate{Name: dbtest.Ptr(" 市交通运输局 ")}); err != nil || got.Version != 3 {
		t.Errorf("no-op edit: %+v %v", got, err)
	}
	if dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events") != n {
		t.Error("a no-op edit was audited")
	}
}

func TestLeaderConcurrentEditsKeepEarlierChange(t *testing.T) {
	d := dbtest.MustOpen(t)
	l, err := register.CreateLeader(dbtest.Ctx(), d, adminA, register.LeaderInput{Name: "张副市长", Title: "副市长"})
	if err != nil {
		t.Fatal(err)
	}
	err1, err2 := raceEdits(t, d,
		func() error {
			_, err := register.UpdateLeader(dbtest.Ctx(), d, adminA, l.ID, register.LeaderUpdate{Phone: dbtest.Ptr("13800138000")})
			return err
		},
		func() error {
			_, err := register.UpdateLeader(dbtest.Ctx(), d, adminB, l.ID, register.LeaderUpdate{Title: dbtest.Ptr("常务副市长")})
			return err
		})
	if err1 != nil || err2 != nil {
		t.Fatalf("edits: %v, %v", err1, err2)
	}
	got, _ := register.FindLeader(dbtest.Ctx(), d, l.ID)
	if got.Phone != "13800138000" || got.Title != "常务副市长" || got.Version != 3 {
		t.Errorf("after both edits: %+v", got)
	}
	if _, m := lastAudit(t, d); !reflect.DeepEqual(auditKeys(m), []string{"title"}) {
		t.Errorf("audited %v; want only title", m)
	}
	stale := int64(2)
	if _, err := register.UpdateLeader(dbtest.Ctx(), d, adminB, l.ID, register.LeaderUpdate{Phone: dbtest.Ptr(""), Version: &stale}); db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("stale edit: %v", err)
	}
}

func TestEnterpriseConcurrentEditsKeepEarlierChange(t *testing.T) {
	d := dbtest.MustOpen(t)
	e, err := register.CreateEnterprise(dbtest.Ctx(), d, adminA, register.EnterpriseInput{Name: "辽河石化", CreditCode: register.MakeCreditCode("211103", 7), District: "兴隆台区"})
	if err != nil {
		t.Fatal(err)
	}
	err1, err2 := raceEdits(t, d,
		func() error {
			_, err := register.UpdateEnterprise(dbtest.Ctx(), d, adminA, e.ID, register.EnterpriseUpdate{Address: dbtest.Ptr("石油大街 1 号")})
			return err
		},
		func() error {
			_, err := register.UpdateEnterprise(dbtest.Ctx(), d, adminB, e.ID, register.EnterpriseUpdate{Name: dbtest.Ptr("辽河石化有限公司"), District: dbtest.Ptr("兴隆台区")})
			return err
		})
	if err1 != nil || err2 != nil {
		t.Fatalf("edits: %v, %v", err1, err2)
	}
	got, _ := register.FindEnterprise(dbtest.Ctx(), d, adminA, e.ID)
	if got.Address != "石油大街 1 号" || got.Name != "辽河石化有限公司" || got.Version != 3 {
		t.Errorf("after both edits: %+v", got)
	}
	if _, m := lastAudit(t, d); !reflect.DeepEqual(auditKeys(m), []string{"name"}) {
		t.Errorf("audited %v; want only name", m)
	}
	stale := e.Version
	if _, err := register.UpdateEnterprise(dbtest.Ctx(), d, adminB, e.ID, register.EnterpriseUpdate{Address: dbtest.Ptr(""), Version: &stale}); db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("stale edit: %v", err)
	}
}

func TestLiaisonConcurrentEditsKeepEarlierChange(t *testing.T) {
	d := dbtest.MustOpen(t)
	l, err := register.CreateLeader(dbtest.Ctx(), d, adminA, register.LeaderInput{Name: "李局长", Title: "局长"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := register.CreateEnterprise(dbtest.Ctx(), d, adminA, register.EnterpriseInput{Name: "盘锦港务", CreditCode: register.MakeCreditCode("211100", 9)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := register.CreateLiaison(dbtest.Ctx(), d, adminA, register.LiaisonInput{LeaderID: l.ID, EnterpriseID: e.ID, Since: "2026-01-05"})
	if err != nil {
		t.Fatal(err)
	}
	// Ending the pair, then a note edited on a page opened while it was active.
	err1, err2 := raceEdits(t, d,
		func() error {
			_, err := register.UpdateLiaison(dbtest.Ctx(), d, adminA, p.ID, register.LiaisonUpdate{Until: dbtest.Ptr("2026-10-31")})
			return err
		},
		func() error {
			_, err := register.UpdateLiaison(dbtest.Ctx(), d, adminB, p.ID, register.LiaisonUpdate{Note: dbtest.Ptr("每月走访一次")})
			return err
		})
	if err1 != nil || err2 != nil {
		t.Fatalf("edits: %v, %v", err1, err2)
	}
	got, _ := register.FindLiaison(dbtest.Ctx(), d, adminA, p.ID)
	if got.Active || got.Until == nil || *got.Until != "2026-10-31" || got.Note != "每月走访一次" || got.Version != 3 {
		t.Errorf("the ended pair is active again or lost its note: %+v", got)
	}
	if action, m := lastAudit(t, d); action != "liaison.update" || !reflect.DeepEqual(auditKeys(m), []string{"note"}) {
		t.Errorf("note edit audited as %s %v; want only note", action, m)
	}
	stale := p.Version
	if _, err := register.UpdateLiaison(dbtest.Ctx(), d, adminB, p.ID, register.LiaisonUpdate{Note: dbtest.Ptr("改"), Version: &stale}); db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("stale edit: %v", err)
	}
	// A new pair ends this one's successor in place, and that write bumps its version too.
	p2, err := register.CreateLiaison(dbtest.Ctx(), d, adminA, register.LiaisonInput{LeaderID: l.ID, EnterpriseID: e.ID, Since: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := register.CreateLeader(dbtest.Ctx(), d, adminA, register.LeaderInput{Name: "王主任", Title: "主任"})
	if _, err := register.CreateLiaison(dbtest.Ctx(), d, adminA, register.LiaisonInput{LeaderID: l2.ID, EnterpriseID: e.ID, Since: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := register.FindLiaison(dbtest.Ctx(), d, adminA, p2.ID); got.Active || got.Version != p2.Version+1 {
		t.Errorf("replaced pair: %+v, want ended with version %d", got, p2.Version+1)
	}
}
