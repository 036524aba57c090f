package ledger

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"sort"
	"strconv"
	"time"
)

// DefaultVisitCadence is how many days may pass between visits to a pair (常态化联系)
// unless the admin sets another.
const DefaultVisitCadence = 90

const cadenceKey = "visit.cadence_days"

func visitCadence(q db.Queryer) (int, error) {
	v, err := db.Setting(q, cadenceKey)
	if err != nil || v == "" {
		return DefaultVisitCadence, err
	}
	days, err := strconv.Atoi(v)
	if err != nil || days <= 0 {
		return 0, fmt.Errorf("db: setting %s is %q", cadenceKey, v)
	}
	return days, nil
}

// VisitCadence returns the days allowed between visits to a pair.
func VisitCadence(ctx context.Context, d *db.DB) (int, error) { return visitCadence(d.R(ctx)) }

// SetVisitCadence changes the days allowed between visits (admin). Flags follow at once,
// since they are computed, never stored.
func SetVisitCadence(ctx context.Context, d *db.DB, a db.Actor, days int) error {
	if !a.Is(db.RoleAdmin) {
		return db.Forbidden()
	}
	if days < 7 || days > 365 {
		return db.InvalidField("days", "走访周期须在 7 到 365 天之间")
	}
	return d.Update(ctx, func(tx *db.Tx) error {
		if err := tx.SetSetting(cadenceKey, strconv.Itoa(days)); err != nil {
			return err
		}
		return tx.Audit(a, "settings.visit_cadence", "settings", 0, map[string]int{"days": days})
	})
}

// PairStatus is one active pair as its leader's ledger shows it: the enterprise, when it
// was last visited (by anyone), when the next visit is due and how its appeals stand.
type PairStatus struct {
	LeaderID       int64   `json:"leader_id"`
	EnterpriseID   int64   `json:"enterprise_id"`
	EnterpriseName string  `json:"enterprise_name"`
	District       string  `json:"district"`
	Industry       string  `json:"industry"`
	Since          string  `json:"since"`
	LastVisit      *string `json:"last_visit"`
	// DueBy is the last day the next visit is due on: the cadence after the last visit,
	// or after the pair began if it is newer.
	DueBy            string   `json:"due_by"`
	VisitOverdue     bool     `json:"visit_overdue"`
	Appeals          int      `json:"appeals"`
	OpenAppeals      int      `json:"open_appeals"`
	Rated            int      `json:"rated"`
	Satisfied        int      `json:"satisfied"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
}

// rate is part/whole, or nil when there is nothing to divide.
func rate(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	r := float64(part) / float64(whole)
	return &r
}

// pairStatuses reads the active pairs that match the condition, most urgent first. A
// pair is overdue for a visit when today is past its due day; the rule lives here only.
func pairStatuses(q db.Queryer, today string, cadence int, cond string, args ...any) ([]PairStatus, error) {
	rows, err := q.Query(`SELECT p.leader_id, e.id, e.name, e.district, e.industry, p.since, lv.last,
		(SELECT COUNT(*) FROM appeals a WHERE a.enterprise_id = e.id AND a.source != 'report'),
		(SELECT COUNT(*) FROM appeals a WHERE a.enterprise_id = e.id AND a.source != 'report' AND a.stage != 'closed'),
		(SELECT COUNT(*) FROM appeals a WHERE a.enterprise_id = e.id AND a.source != 'report' AND a.rated_at IS NOT NULL),
		(SELECT COUNT(*) FROM appeals a WHERE a.enterprise_id = e.id AND a.source != 'report' AND a.rated_at IS NOT NULL
			AND a.satisfaction IN ('satisfied', 'basic'))
		FROM liaisons p JOIN enterprises e ON e.id = p.enterprise_id
		LEFT JOIN (SELECT enterprise_id, MAX(visited_at) AS last FROM visits GROUP BY enterprise_id) lv ON lv.enterprise_id = e.id
		WHERE p.until IS NULL AND `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("db: pair statuses: %w", err)
	}
	defer rows.Close()
	out := []PairStatus{}
	for rows.Next() {
		var p PairStatus
		if err := rows.Scan(&p.LeaderID, &p.EnterpriseID, &p.EnterpriseName, &p.District, &p.Industry, &p.Since,
			&p.LastVisit, &p.Appeals, &p.OpenAppeals, &p.Rated, &p.Satisfied); err != nil {
			return nil, fmt.Errorf("db: pair statuses: %w", err)
		}
		if p.DueBy, err = dueBy(p.Since, p.LastVisit, cadence); err != nil {
			return nil, fmt.Errorf("db: pair statuses: %w", err)
		}
		p.VisitOverdue = today > p.DueBy
		p.SatisfactionRate = rate(p.Satisfied, p.Rated)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: pair statuses: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DueBy != out[j].DueBy {
			return out[i].DueBy < out[j].DueBy
		}
		return out[i].EnterpriseID < out[j].EnterpriseID
	})
	return out, nil
}

// dueBy is the cadence's days after the later of the pair's start and its last visit.
// Date arithmetic is done here rather than in SQL, which the engines spell differently.
func dueBy(since string, last *string, cadence int) (string, error) {
	from := since
	if last != nil && *last > from {
		from = *last
	}
	t, err := time.Parse(db.DateLayout, from)
	if err != nil {
		return "", err
	}
	return t.AddDate(0, 0, cadence).Format(db.DateLayout), nil
}

// periodStarts are the first days of the month, quarter and year that today falls in.
func periodStarts(now time.Time) (month, quarter, year string) {
	t := now.In(db.Zone)
	m := t.Month()
	q := time.Month((int(m)-1)/3*3 + 1)
	return fmt.Sprintf("%04d-%02d-01", t.Year(), m), fmt.Sprintf("%04d-%02d-01", t.Year(), q), fmt.Sprintf("%04d-01-01", t.Year())
}

// VisitCounts are the visits a leader made this month, quarter and year.
type VisitCounts struct {
	Month   int `json:"month"`
	Quarter int `json:"quarter"`
	Year    int `json:"year"`
}

// visitCounts counts visits by leader over the current periods; leaderID 0 counts everyone's.
func visitCounts(q db.Queryer, now time.Time, leaderID int64) (map[int64]VisitCounts, error) {
	month, quarter, year := periodStarts(now)
	var w db.Where
	w.Add("visited_at >= ?", year)
	w.Add("visited_at <= ?", db.Today(now))
	w.EqID("leader_id", leaderID)
	rows, err := q.Query(`SELECT leader_id, SUM(CASE WHEN visited_at >= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN visited_at >= ? THEN 1 ELSE 0 END), COUNT(*) FROM visits`+
		w.Sql()+` GROUP BY leader_id`, append([]any{month, quarter}, w.Args...)...)
	if err != nil {
		return nil, fmt.Errorf("db: visit counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]VisitCounts{}
	for rows.Next() {
		var id int64
		var c VisitCounts
		if err := rows.Scan(&id, &c.Month, &c.Quarter, &c.Year); err != nil {
			return nil, fmt.Errorf("db: visit counts: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}

// ProblemCounts are the appeals a leader raised on visits, by how far they have come.
type ProblemCounts struct {
	Raised  int                  `json:"raised"`
	Open    int                  `json:"open"`
	Closed  int                  `json:"closed"`
	ByStage map[appeal.Stage]int `json:"by_stage"`
}

// problemCounts counts visit-source appeals by leader and stage; leaderID 0 counts everyone's.
func problemCounts(q db.Queryer, leaderID int64) (map[int64]*ProblemCounts, error) {
	var w db.Where
	w.Add("source = 'visit'")
	w.Add("leader_id IS NOT NULL")
	w.EqID("leader_id", leaderID)
	rows, err := q.Query("SELECT leader_id, stage, COUNT(*) FROM appeals"+w.Sql()+" GROUP BY leader_id, stage", w.Args...)
	if err != nil {
		return nil, fmt.Errorf("db: problem counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]*ProblemCounts{}
	for rows.Next() {
		var id int64
		var stage appeal.Stage
		var n int
		if err := rows.Scan(&id, &stage, &n); err != nil {
			return nil, fmt.Errorf("db: problem counts: %w", err)
		}
		c := out[id]
		if c == nil {
			c = newProblemCounts()
			out[id] = c
		}
		c.ByStage[stage] += n
		c.Raised += n
		if stage == appeal.StageClosed {
			c.Closed += n
		} else {
			c.Open += n
		}
	}
	return out, rows.Err()
}

func newProblemCounts() *ProblemCounts {
	c := &ProblemCounts{ByStage: map[appeal.Stage]int{}}
	for _, s := range appeal.Stages {
		c.ByStage[s] = 0
	}
	return c
}
