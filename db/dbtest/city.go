package dbtest

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"qinqing/db/oversight"
	"qinqing/db/register"
	"testing"
	"time"
)

type City struct {
	DB                               *db.DB
	Keys                             *db.Keys
	Advance                          func(time.Duration)
	Office, Auditor, Dept, Admin     db.Actor
	DeptID, OtherDeptID, ThirdDeptID int64
}

func MustCity(t *testing.T) *City {
	t.Helper()
	d := MustOpen(t)
	if _, err := demo.Build(Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	c := &City{DB: d, Keys: MustKeys(t), Advance: FixedClock(d, time.Date(2026, 3, 2, 9, 0, 0, 0, db.Zone))}
	for name, dst := range map[string]*db.Actor{"office": &c.Office, "auditor": &c.Auditor, "department": &c.Dept, "admin": &c.Admin} {
		u, err := register.UserWhere(d.R(Ctx()), "username = ?", name)
		if err != nil {
			t.Fatal(err)
		}
		*dst = register.ActorOf(u)
	}
	c.DeptID = c.Dept.DepartmentID
	if err := d.Read.QueryRow("SELECT MIN(id) FROM departments WHERE id != ?", c.DeptID).Scan(&c.OtherDeptID); err != nil {
		t.Fatal(err)
	}
	if err := d.Read.QueryRow("SELECT MAX(id) FROM departments WHERE id NOT IN (?, ?)", c.DeptID, c.OtherDeptID).Scan(&c.ThirdDeptID); err != nil {
		t.Fatal(err)
	}
	return c
}

// report files a report about dept with a name and phone (or anonymously when name is "").
func (c *City) Report(t *testing.T, dept int64, name, phone string) (*oversight.FiledReport, int64) {
	t.Helper()
	in := oversight.ReportInput{Category: "吃拿卡要", Title: "窗口人员索要好处费", Content: "办理许可证时窗口人员暗示需要另外“意思意思”才给加快办理。",
		AboutDepartmentID: &dept, Anonymous: name == "", ContactName: name, ContactPhone: phone}
	f, err := oversight.FileReport(Ctx(), c.DB, c.Keys, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := c.DB.Read.QueryRow("SELECT id FROM appeals WHERE number = ?", f.Number).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return f, id
}

// act takes an action on the current version.
func (c *City) Act(t *testing.T, a db.Actor, id int64, in appeal.ActionInput) *appeal.Appeal {
	t.Helper()
	c.Advance(time.Hour)
	ap, err := appeal.Find(Ctx(), c.DB, a, id)
	if err != nil {
		t.Fatalf("%s finds %d: %v", a.Role, id, err)
	}
	in.Version = ap.Version
	out, err := appeal.Act(Ctx(), c.DB, a, id, in)
	if err != nil {
		t.Fatalf("%s %s: %v", a.Role, in.Action, err)
	}
	return out
}
