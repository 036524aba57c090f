package appeal_test

import (
	"encoding/json"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"strings"
	"testing"
)

// TestWritesReturnTheAppealAsRead: a create and every step of the loop hand back the row
// they wrote (RETURNING, with the names looked up apart) instead of reading the appeal
// again through the list's joins; what they hand back must be exactly what reading the
// appeal gives the same actor, names of the enterprise, leader and department included.
func TestWritesReturnTheAppealAsRead(t *testing.T) {
	w := dbtest.NewWorld(t)
	same := func(who db.Actor, got *appeal.Appeal) {
		t.Helper()
		want, err := appeal.Find(dbtest.Ctx(), w.DB, who, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		x, _ := json.Marshal(want)
		if string(g) != string(x) {
			t.Errorf("%s in %s: written\n%s\nread\n%s", who.Role, got.Stage, g, x)
		}
	}
	ap := w.File(t, w.Ent, nil)
	if ap.EnterpriseName == "" || ap.LeaderName == "" {
		t.Fatalf("names missing from the new appeal: %+v", ap)
	}
	same(w.Ent, ap)
	for _, s := range []struct {
		who db.Actor
		in  appeal.ActionInput
	}{
		{w.Office, appeal.ActionInput{Action: appeal.ActAccept}},
		{w.Office, w.AssignTo(w.Dept.DepartmentID)},
		{w.Dept, appeal.ActionInput{Action: appeal.ActReport, Note: "已整改完毕"}},
		{w.Ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "satisfied"}},
		{w.Office, appeal.ActionInput{Action: appeal.ActClose}},
	} {
		ap = w.Act(t, s.who, ap, s.in)
		same(s.who, ap)
	}
	if ap.DepartmentName == "" {
		t.Errorf("department name missing after assignment: %+v", ap)
	}

	// Filed by the office with no enterprise leader named by the caller, confidential:
	// the contact goes to the vault, and the row handed back must say so too.
	conf := w.File(t, w.Office, func(in *appeal.Input) {
		in.Confidential, in.ContactName, in.ContactPhone = true, "钱保密", "13900000001"
	})
	same(w.Office, conf)
	if strings.Contains(conf.ContactName+conf.ContactPhone, "钱保密") {
		t.Errorf("confidential contact handed back: %+v", conf)
	}

	// A stale version still answers the conflict.
	_, err := appeal.Act(dbtest.Ctx(), w.DB, w.Office, conf.ID, appeal.ActionInput{Action: appeal.ActAccept, Version: conf.Version + 1})
	dbtest.WantCode(t, err, db.ECONFLICT)
}
