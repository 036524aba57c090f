package appeal_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/figures"
	"qinqing/db/oversight"
	"slices"
	"testing"
	"time"
)

// overdueOracle checks that the five places that judge overdue agree at the database's
// now: the appeal itself (the Go predicate on every row), the list's 仅超期 filter, the
// figures, the discipline office's overdue list and the escalation job's candidates. It
// returns the overdue set so callers can check it is not trivially empty.
func overdueOracle(t *testing.T, d *db.DB) map[int64]appeal.OverdueState {
	t.Helper()
	now := d.Now()
	auditor := db.Actor{UserID: 1, Name: "纪检", Role: db.RoleAuditor}

	rows, err := d.Read.Query("SELECT " + appeal.Columns + " FROM " + appeal.From + " ORDER BY a.id")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]appeal.OverdueState{}
	var escalatable []int64
	total := 0
	for rows.Next() {
		ap, err := appeal.Scan(rows)
		if err != nil {
			t.Fatal(err)
		}
		total++
		if st := ap.OverdueAt(now); st != appeal.OverdueNone {
			want[ap.ID] = st
			if ap.EscalationLevel < 2 {
				escalatable = append(escalatable, ap.ID)
			}
		}
	}
	rows.Close()
	wantIDs := keysOf(want)

	listIDs := func(f appeal.Filter) []int64 {
		t.Helper()
		var ids []int64
		f.Limit = db.MaxLimit
		for {
			l, err := appeal.List(dbtest.Ctx(), d, auditor, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, ap := range l.Items {
				ids = append(ids, ap.ID)
				if !ap.Overdue || ap.OverdueState != want[ap.ID] {
					t.Errorf("list row %s: overdue %v (%s), predicate says %q", ap.Number, ap.Overdue, ap.OverdueState, want[ap.ID])
				}
			}
			if l.NextCursor == "" {
				slices.Sort(ids)
				if len(ids) != l.Total {
					t.Errorf("list total %d, rows %d", l.Total, len(ids))
				}
				return ids
			}
			f.Cursor = l.NextCursor
		}
	}
	yes := true
	if got := listIDs(appeal.Filter{Overdue: &yes}); !slices.Equal(got, wantIDs) {
		t.Errorf("仅超期 list: %d appeals, predicate: %d\nlist %v\nwant %v", len(got), len(wantIDs), got, wantIDs)
	}
	for _, st := range []appeal.OverdueState{appeal.OverdueResponse, appeal.OverdueResolution} {
		kind := map[appeal.OverdueState]string{appeal.OverdueResponse: appeal.TodoUnaccepted, appeal.OverdueResolution: appeal.TodoLate}[st]
		var wantSt []int64
		for id, s := range want {
			if s == st {
				wantSt = append(wantSt, id)
			}
		}
		slices.Sort(wantSt)
		if got := listIDs(appeal.Filter{DrillFilter: appeal.DrillFilter{Todo: kind}}); !slices.Equal(got, wantSt) {
			t.Errorf("%s list: %v, predicate %v", st.Label(), got, wantSt)
		}
	}

	fig, err := figures.Overview(dbtest.Ctx(), d, auditor, appeal.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if fig.Overdue != len(want) {
		t.Errorf("figures overdue %d, predicate %d", fig.Overdue, len(want))
	}
	if fig.Filed != total {
		t.Errorf("figures count %d of %d appeals: the oracle would miss some", fig.Filed, total)
	}

	var watched []int64
	wf := oversight.WatchFilter{Filter: appeal.Filter{Page: db.Page{Limit: db.MaxLimit}}}
	for {
		l, err := oversight.Watch(dbtest.Ctx(), d, auditor, oversight.WatchOverdue, wf)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range l.Items {
			watched = append(watched, x.Appeal.ID)
		}
		if l.NextCursor == "" {
			break
		}
		wf.Cursor = l.NextCursor
	}
	slices.Sort(watched)
	if !slices.Equal(watched, wantIDs) {
		t.Errorf("oversight overdue: %d appeals, predicate %d\noversight %v\nwant %v", len(watched), len(wantIDs), watched, wantIDs)
	}

	cands, err := appeal.OverdueCandidates(dbtest.Ctx(), d)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cands, escalatable) {
		t.Errorf("escalation candidates %v, predicate (not yet supervised) %v", cands, escalatable)
	}
	return want
}

func keysOf[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestOverdueOracleGrid runs the oracle on every combination that ever split the five
// places: each stage, accepted or not, the response and resolution deadlines before, at
// and after now, with and without an extension (passed or not), and escalation levels,
// at a now that is not a whole second.
func TestOverdueOracleGrid(t *testing.T) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 500_000_000, db.Zone)
	n := now.Unix()
	rel := map[string]int64{"past": n - 3600, "second": n - 1, "at": n, "future": n + 3600}
	var list []dbtest.RawAppeal
	var levels []int
	id := int64(0)
	for _, stage := range appeal.Stages {
		for _, accepted := range []bool{false, true} {
			for _, resp := range []string{"past", "second", "at", "future"} {
				for _, due := range []string{"past", "second", "at", "future"} {
					for _, ext := range []string{"", "past", "future"} {
						id++
						created := n - 10*86400
						a := dbtest.RawAppeal{Id: id, Dept: 1 + id%3, Assigned: []int64{1 + id%3}, Leader: 1, Enterprise: 1 + id%4,
							Category: "融资", Stage: stage, Created: created, RespDue: rel[resp], Due: rel[due],
							Source: appeal.SourcePortal, Tier: appeal.TierFast}
						if a.RespDue > a.Due {
							a.RespDue = a.Due
						}
						if accepted {
							a.Accepted = dbtest.I64p(created + 60)
						}
						if ext != "" {
							a.Extended = dbtest.I64p(rel[ext])
						}
						if stage == appeal.StageClosed {
							a.Closed, a.CloseReason = dbtest.I64p(n-60), "resolved"
						}
						if stage == appeal.StageFeedback && id%2 == 0 {
							// Rejected: answered (accepted_at is the rejection) and reported.
							a.Accepted = dbtest.I64p(created + 30)
						}
						list = append(list, a)
						levels = append(levels, int(id%3))
					}
				}
			}
		}
	}
	d := dbtest.MustFixture(t, list, 3, 1, 4)
	for i, lvl := range levels {
		if _, err := d.Write.Exec("UPDATE appeals SET escalation_level = ? WHERE id = ?", lvl, i+1); err != nil {
			t.Fatal(err)
		}
	}
	dbtest.FixedClock(d, now)
	got := overdueOracle(t, d)
	var resp, res int
	for _, st := range got {
		if st == appeal.OverdueResponse {
			resp++
		} else {
			res++
		}
	}
	if resp == 0 || res == 0 {
		t.Fatalf("the grid has %d 受理超时 and %d 办理超期: it should have both", resp, res)
	}
	// Spot checks against the plain-words rule.
	for _, ap := range list {
		if (ap.Stage == appeal.StageFeedback || ap.Stage == appeal.StageClosed) && got[ap.Id] != appeal.OverdueNone {
			t.Errorf("appeal %d in %s counted overdue", ap.Id, ap.Stage)
		}
	}
}

// TestOverdueOracleDemo runs the oracle on the demo city, built through the real
// workflow, now and again as its clock runs on.
func TestOverdueOracleDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo city")
	}
	d := dbtest.MustOpen(t)
	advance := dbtest.FixedClock(d, time.Date(2026, 6, 15, 10, 0, 0, 0, db.Zone))
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildAppeals(dbtest.Ctx(), d, 400); err != nil {
		t.Fatal(err)
	}
	for i, step := range []time.Duration{0, 90 * time.Minute, 2 * 24 * time.Hour} {
		advance(step)
		t.Run(fmt.Sprint("t", i), func(t *testing.T) {
			if got := overdueOracle(t, d); len(got) == 0 {
				t.Error("the demo city has no overdue appeal: the oracle proves nothing")
			}
		})
	}
	// The job acts on exactly the candidates, and afterwards the five still agree.
	if _, err := appeal.EscalateOverdue(dbtest.Ctx(), d); err != nil {
		t.Fatal(err)
	}
	overdueOracle(t, d)
}
