package db

import (
	"testing"
	"time"
)

type city struct {
	db                               *DB
	keys                             *Keys
	advance                          func(time.Duration)
	office, auditor, dept, admin     Actor
	deptID, otherDeptID, thirdDeptID int64
}

func mustCity(t *testing.T) *city {
	t.Helper()
	d := mustOpen(t)
	if _, err := d.BuildDemo(ctx(), ""); err != nil {
		t.Fatal(err)
	}
	c := &city{db: d, keys: mustKeys(t), advance: fixedClock(d, time.Date(2026, 3, 2, 9, 0, 0, 0, Zone))}
	for name, dst := range map[string]*Actor{"office": &c.office, "auditor": &c.auditor, "department": &c.dept, "admin": &c.admin} {
		u, err := findUser(d.r(ctx()), "username = ?", name)
		if err != nil {
			t.Fatal(err)
		}
		*dst = ActorOf(u)
	}
	c.deptID = c.dept.DepartmentID
	if err := d.read.QueryRow("SELECT MIN(id) FROM departments WHERE id != ?", c.deptID).Scan(&c.otherDeptID); err != nil {
		t.Fatal(err)
	}
	if err := d.read.QueryRow("SELECT MAX(id) FROM departments WHERE id NOT IN (?, ?)", c.deptID, c.otherDeptID).Scan(&c.thirdDeptID); err != nil {
		t.Fatal(err)
	}
	return c
}

// report files a report about dept with a name and phone (or anonymously when name is "").
func (c *city) report(t *testing.T, dept int64, name, phone string) (*FiledReport, int64) {
	t.Helper()
	in := ReportInput{Category: "吃拿卡要", Title: "窗口人员索要好处费", Content: "办理许可证时窗口人员暗示需要另外“意思意思”才给加快办理。",
		AboutDepartmentID: &dept, Anonymous: name == "", ContactName: name, ContactPhone: phone}
	f, err := c.db.FileReport(ctx(), c.keys, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := c.db.read.QueryRow("SELECT id FROM appeals WHERE number = ?", f.Number).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return f, id
}

// act takes an action on the current version.
func (c *city) act(t *testing.T, a Actor, id int64, in ActionInput) *Appeal {
	t.Helper()
	c.advance(time.Hour)
	ap, err := c.db.FindAppeal(ctx(), a, id)
	if err != nil {
		t.Fatalf("%s finds %d: %v", a.Role, id, err)
	}
	in.Version = ap.Version
	out, err := c.db.Act(ctx(), a, id, in)
	if err != nil {
		t.Fatalf("%s %s: %v", a.Role, in.Action, err)
	}
	return out
}
