package db

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// overdueOracle checks that the five places that judge overdue agree at the database's
// now: the appeal itself (the Go predicate on every row), the list's 仅超期 filter, the
// figures, the discipline office's overdue list and the escalation job's candidates. It
// returns the overdue set so callers can check it is not trivially empty.
func overdueOracle(t *testing.T, d *DB) map[int64]OverdueState {
	t.Helper()
	now := d.Now()
	auditor := Actor{UserID: 1, Name: "纪检", Role: RoleAuditor}

	rows, err := d.read.Query("SELECT " + appealColumns + " FROM " + appealFrom + " ORDER BY a.id")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]OverdueState{}
	var escalatable []int64
	total := 0
	for rows.Next() {
		ap, err := scanAppeal(rows)
		if err != nil {
			t.Fatal(err)
		}
		total++
		if st := ap.OverdueAt(now); st != OverdueNone {
			want[ap.ID] = st
			if ap.EscalationLevel < 2 {
				escalatable = append(escalatable, ap.ID)
			}
		}
	}
	rows.Close()
	wantIDs := keysOf(want)

	listIDs := func(f AppealFilter) []int64 {
		t.Helper()
		var ids []int64
		f.Limit = MaxLimit
		for {
			l, err := d.ListAppeals(ctx(), auditor, f)
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
	if got := listIDs(AppealFilter{Overdue: &yes}); !slices.Equal(got, wantIDs) {
		t.Errorf("仅超期 list: %d appeals, predicate: %d\nlist %v\nwant %v", len(got), len(wantIDs), got, wantIDs)
	}
	for _, st := range []OverdueState{OverdueResponse, OverdueResolution} {
		kind := map[OverdueState]string{OverdueResponse: TodoUnaccepted, OverdueResolution: TodoLate}[st]
		var wantSt []int64
		for id, s := range want {
			if s == st {
				wantSt = append(wantSt, id)
			}
		}
		slices.Sort(wantSt)
		if got := listIDs(AppealFilter{DrillFilter: DrillFilter{Todo: kind}}); !slices.Equal(got, wantSt) {
			t.Errorf("%s list: %v, predicate %v", st.Label(), got, wantSt)
		}
	}

	fig, err := d.Overview(ctx(), auditor, AppealFilter{})
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
	wf := WatchFilter{AppealFilter: AppealFilter{Page: Page{Limit: MaxLimit}}}
	for {
		l, err := d.Watch(ctx(), auditor, WatchOverdue, wf)
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

	cands, err := d.overdueCandidates(ctx())
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
	now := time.Date(2026, 6, 15, 10, 0, 0, 500_000_000, Zone)
	n := now.Unix()
	rel := map[string]int64{"past": n - 3600, "second": n - 1, "at": n, "future": n + 3600}
	var list []rawAppeal
	var levels []int
	id := int64(0)
	for _, stage := range Stages {
		for _, accepted := range []bool{false, true} {
			for _, resp := range []string{"past", "second", "at", "future"} {
				for _, due := range []string{"past", "second", "at", "future"} {
					for _, ext := range []string{"", "past", "future"} {
						id++
						created := n - 10*86400
						a := rawAppeal{id: id, dept: 1 + id%3, assigned: []int64{1 + id%3}, leader: 1, enterprise: 1 + id%4,
							category: "融资", stage: stage, created: created, respDue: rel[resp], due: rel[due],
							source: SourcePortal, tier: TierFast}
						if a.respDue > a.due {
							a.respDue = a.due
						}
						if accepted {
							a.accepted = i64p(created + 60)
						}
						if ext != "" {
							a.extended = i64p(rel[ext])
						}
						if stage == StageClosed {
							a.closed, a.closeReason = i64p(n-60), "resolved"
						}
						if stage == StageFeedback && id%2 == 0 {
							// Rejected: answered (accepted_at is the rejection) and reported.
							a.accepted = i64p(created + 30)
						}
						list = append(list, a)
						levels = append(levels, int(id%3))
					}
				}
			}
		}
	}
	d := mustFixture(t, list, 3, 1, 4)
	for i, lvl := range levels {
		if _, err := d.write.Exec("UPDATE appeals SET escalation_level = ? WHERE id = ?", lvl, i+1); err != nil {
			t.Fatal(err)
		}
	}
	fixedClock(d, now)
	got := overdueOracle(t, d)
	var resp, res int
	for _, st := range got {
		if st == OverdueResponse {
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
		if (ap.stage == StageFeedback || ap.stage == StageClosed) && got[ap.id] != OverdueNone {
			t.Errorf("appeal %d in %s counted overdue", ap.id, ap.stage)
		}
	}
}

// TestOverdueOracleDemo runs the oracle on the demo city, built through the real
// workflow, now and again as its clock runs on.
func TestOverdueOracleDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo city")
	}
	d := mustOpen(t)
	advance := fixedClock(d, time.Date(2026, 6, 15, 10, 0, 0, 0, Zone))
	if _, err := d.BuildDemo(ctx(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.BuildDemoAppeals(ctx(), 400); err != nil {
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
	if _, err := d.EscalateOverdue(ctx()); err != nil {
		t.Fatal(err)
	}
	overdueOracle(t, d)
}
