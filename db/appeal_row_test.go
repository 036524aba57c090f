package db

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWritesReturnTheAppealAsRead: a create and every step of the loop hand back the row
// they wrote (RETURNING, with the names looked up apart) instead of reading the appeal
// again through the list's joins; what they hand back must be exactly what reading the
// appeal gives the same actor, names of the enterprise, leader and department included.
func TestWritesReturnTheAppealAsRead(t *testing.T) {
	w := newWorld(t)
	same := func(who Actor, got *Appeal) {
		t.Helper()
		want, err := w.db.FindAppeal(ctx(), who, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		x, _ := json.Marshal(want)
		if string(g) != string(x) {
			t.Errorf("%s in %s: written\n%s\nread\n%s", who.Role, got.Stage, g, x)
		}
	}
	ap := w.file(t, w.ent, nil)
	if ap.EnterpriseName == "" || ap.LeaderName == "" {
		t.Fatalf("names missing from the new appeal: %+v", ap)
	}
	same(w.ent, ap)
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
		ap = w.act(t, s.who, ap, s.in)
		same(s.who, ap)
	}
	if ap.DepartmentName == "" {
		t.Errorf("department name missing after assignment: %+v", ap)
	}

	// Filed by the office with no enterprise leader named by the caller, confidential:
	// the contact goes to the vault, and the row handed back must say so too.
	conf := w.file(t, w.office, func(in *AppealInput) {
		in.Confidential, in.ContactName, in.ContactPhone = true, "钱保密", "13900000001"
	})
	same(w.office, conf)
	if strings.Contains(conf.ContactName+conf.ContactPhone, "钱保密") {
		t.Errorf("confidential contact handed back: %+v", conf)
	}

	// A stale version still answers the conflict.
	_, err := w.db.Act(ctx(), w.office, conf.ID, ActionInput{Action: ActAccept, Version: conf.Version + 1})
	wantCode(t, err, ECONFLICT)
}
