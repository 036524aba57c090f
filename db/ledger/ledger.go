package ledger

import (
	"context"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/register"
)

// eachPage follows a list's cursors to the end, handing every item to fn, so that a
// caller that needs every row (an export, a dossier) reuses the list's scope and filters.
// Their totals are not counted: a count of the whole list on every page would cost
// more than the pages themselves.
func EachPage[T any](p db.Page, list func(db.Page) (*db.List[T], error), fn func(*T) error) error {
	p.Limit, p.NoTotal = db.MaxLimit, true
	for {
		page, err := list(p)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		p.Cursor = page.NextCursor
	}
}

// collect returns every item of a list.
func Collect[T any](list func(db.Page) (*db.List[T], error)) ([]T, error) {
	out := []T{}
	err := EachPage(db.Page{}, list, func(x *T) error {
		out = append(out, *x)
		return nil
	})
	return out, err
}

// allAppeals lists every appeal the actor may see that matches f.
func allAppeals(ctx context.Context, d *db.DB, a db.Actor, f appeal.Filter) ([]appeal.Appeal, error) {
	return Collect(func(p db.Page) (*db.List[appeal.Appeal], error) {
		f.Page = p
		return appeal.List(ctx, d, a, f)
	})
}

// LeaderLedger is a leader's 包保台账: their pairs and how each stands, the visits they
// made this month, quarter and year, and the problems they raised and how far each has come.
type LeaderLedger struct {
	Leader       *register.Leader `json:"leader"`
	CadenceDays  int              `json:"cadence_days"`
	Today        string           `json:"today"`
	Pairs        []PairStatus     `json:"pairs"`
	VisitOverdue int              `json:"visit_overdue"`
	Visits       VisitCounts      `json:"visits"`
	Problems     *ProblemCounts   `json:"problems"`
	// ProblemItems are the latest problems raised, newest first; the export has them all.
	ProblemItems []appeal.Appeal `json:"problem_items"`
	RecentVisits []Visit         `json:"recent_visits"`
}

// ledgerLimit bounds the problems and visits a ledger lists by name.
const ledgerLimit = 100

// canReadLedger reports whether the actor may read the leader's ledger: the leader
// themselves, and the staff who oversee every leader. Others' ledgers are "not found"
// to a leader; the other roles may never read one.
func canReadLedger(a db.Actor, leaderID int64) error {
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem:
		return nil
	case db.RoleLeader:
		if a.LeaderID == leaderID {
			return nil
		}
		return db.NotFound("包保领导")
	}
	return db.Forbidden()
}

// LeaderLedger returns a leader's ledger.
func LeaderLedgerOf(ctx context.Context, d *db.DB, a db.Actor, leaderID int64) (*LeaderLedger, error) {
	if err := canReadLedger(a, leaderID); err != nil {
		return nil, err
	}
	l, err := register.FindLeader(ctx, d, leaderID)
	if err != nil {
		return nil, err
	}
	q := d.R(ctx)
	now := d.Now()
	out := &LeaderLedger{Leader: l, Today: db.Today(now)}
	if out.CadenceDays, err = visitCadence(q); err != nil {
		return nil, err
	}
	if out.Pairs, err = pairStatuses(q, out.Today, out.CadenceDays, "p.leader_id = ?", leaderID); err != nil {
		return nil, err
	}
	for _, p := range out.Pairs {
		if p.VisitOverdue {
			out.VisitOverdue++
		}
	}
	counts, err := visitCounts(q, now, leaderID)
	if err != nil {
		return nil, err
	}
	out.Visits = counts[leaderID]
	problems, err := problemCounts(q, leaderID)
	if err != nil {
		return nil, err
	}
	if out.Problems = problems[leaderID]; out.Problems == nil {
		out.Problems = newProblemCounts()
	}
	items, err := appeal.List(ctx, d, a, appeal.Filter{Source: appeal.SourceVisit, LeaderID: leaderID, Page: db.Page{Limit: ledgerLimit}})
	if err != nil {
		return nil, err
	}
	out.ProblemItems = items.Items
	visits, err := ListVisits(ctx, d, a, VisitFilter{LeaderID: leaderID, Page: db.Page{Limit: ledgerLimit}})
	if err != nil {
		return nil, err
	}
	out.RecentVisits = visits.Items
	return out, nil
}

// LeaderCoverage is one leader's line in the side-by-side view of every leader.
type LeaderCoverage struct {
	LeaderID     int64          `json:"leader_id"`
	Name         string         `json:"name"`
	Title        string         `json:"title"`
	Pairs        int            `json:"pairs"`
	Visited      int            `json:"visited"` // pairs visited within the cadence
	VisitOverdue int            `json:"visit_overdue"`
	Coverage     *float64       `json:"coverage"` // visited / pairs
	Visits       VisitCounts    `json:"visits"`
	Problems     *ProblemCounts `json:"problems"`
	OpenAppeals  int            `json:"open_appeals"` // of their enterprises, any source
}

// Coverage is every leader's coverage, with the city's totals.
type Coverage struct {
	CadenceDays int              `json:"cadence_days"`
	Today       string           `json:"today"`
	Items       []LeaderCoverage `json:"items"`
	Total       LeaderCoverage   `json:"total"`
}

// LedgerCoverage sets every leader's ledger side by side (admin, office, auditor).
func LedgerCoverage(ctx context.Context, d *db.DB, a db.Actor) (*Coverage, error) {
	if !a.Is(db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	leaders, err := Collect(func(p db.Page) (*db.List[register.Leader], error) {
		return register.ListLeaders(ctx, d, register.LeaderFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	q := d.R(ctx)
	now := d.Now()
	out := &Coverage{Today: db.Today(now), Items: []LeaderCoverage{}}
	if out.CadenceDays, err = visitCadence(q); err != nil {
		return nil, err
	}
	pairs, err := pairStatuses(q, out.Today, out.CadenceDays, "TRUE")
	if err != nil {
		return nil, err
	}
	visits, err := visitCounts(q, now, 0)
	if err != nil {
		return nil, err
	}
	problems, err := problemCounts(q, 0)
	if err != nil {
		return nil, err
	}
	byLeader := map[int64]*LeaderCoverage{}
	for _, l := range leaders {
		out.Items = append(out.Items, LeaderCoverage{LeaderID: l.ID, Name: l.Name, Title: l.Title,
			Visits: visits[l.ID], Problems: problems[l.ID]})
	}
	for i := range out.Items {
		c := &out.Items[i]
		if c.Problems == nil {
			c.Problems = newProblemCounts()
		}
		byLeader[c.LeaderID] = c
	}
	for _, p := range pairs {
		c := byLeader[p.LeaderID]
		if c == nil {
			continue
		}
		c.Pairs++
		c.OpenAppeals += p.OpenAppeals
		if p.VisitOverdue {
			c.VisitOverdue++
		} else {
			c.Visited++
		}
	}
	t := &out.Total
	t.Name, t.Problems = "全市合计", newProblemCounts()
	for i := range out.Items {
		c := &out.Items[i]
		c.Coverage = rate(c.Visited, c.Pairs)
		t.Pairs, t.Visited, t.VisitOverdue, t.OpenAppeals = t.Pairs+c.Pairs, t.Visited+c.Visited, t.VisitOverdue+c.VisitOverdue, t.OpenAppeals+c.OpenAppeals
		t.Visits.Month, t.Visits.Quarter, t.Visits.Year = t.Visits.Month+c.Visits.Month, t.Visits.Quarter+c.Visits.Quarter, t.Visits.Year+c.Visits.Year
		t.Problems.Raised, t.Problems.Open, t.Problems.Closed = t.Problems.Raised+c.Problems.Raised, t.Problems.Open+c.Problems.Open, t.Problems.Closed+c.Problems.Closed
		for s, n := range c.Problems.ByStage {
			t.Problems.ByStage[s] += n
		}
	}
	t.Coverage = rate(t.Visited, t.Pairs)
	return out, nil
}
