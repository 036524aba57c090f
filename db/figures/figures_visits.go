package figures

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"strconv"
	"time"
)

// DefaultCadenceDays is how often a leader is expected to contact each of their
// enterprises unless the setting visit.cadence_days says otherwise.
const DefaultCadenceDays = 90

// VisitFigures are the liaison figures of contract §6.
type VisitFigures struct {
	Made        int    `json:"visits_made"`
	NotVisited  int    `json:"not_visited"`
	CadenceDays int    `json:"cadence_days"`
	AsOf        string `json:"as_of"`
}

// Visits counts the visits made in f's period and the liaison enterprises whose last
// visit is older than the cadence at the period's end (or today). It returns nil
// for a department and under filters that visits do not
// carry (department, category, source, tier, stage …).
func Visits(ctx context.Context, d *db.DB, a db.Actor, f appeal.Filter) (*VisitFigures, error) {
	if a.Is(db.RoleDepartment) {
		return nil, nil
	}
	rest := f
	rest.From, rest.To, rest.LeaderID, rest.EnterpriseID, rest.District, rest.Page = "", "", 0, 0, "", db.Page{}
	if rest != (appeal.Filter{}) {
		return nil, nil
	}
	var w db.Where
	switch a.Role {
	case db.RoleLeader:
		w.Add("l.leader_id = ?", a.LeaderID)
	case db.RoleEnterprise:
		w.Add("l.enterprise_id = ?", a.EnterpriseID)
	case db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem:
	default:
		return nil, nil
	}
	w.EqID("l.leader_id", f.LeaderID)
	w.EqID("l.enterprise_id", f.EnterpriseID)
	if f.District != "" {
		w.Add("l.enterprise_id IN (SELECT id FROM enterprises WHERE district = ?)", f.District)
	}
	q := fr(ctx, d)
	out := &VisitFigures{CadenceDays: DefaultCadenceDays}
	if v, err := db.Setting(q, "visit.cadence_days"); err == nil && v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			out.CadenceDays = n
		}
	} else if err != nil {
		return nil, err
	}
	asOf := d.Now().In(db.Zone).Format(db.DateLayout)
	if f.To != "" && f.To < asOf {
		asOf = f.To
	}
	out.AsOf = asOf
	// Visits are counted with the same columns as liaisons, aliased l.
	vw := db.Where{Clauses: append([]string(nil), w.Clauses...), Args: append([]any(nil), w.Args...)}
	if f.From != "" {
		vw.Add("l.visited_at >= ?", f.From)
	}
	if f.To != "" {
		vw.Add("l.visited_at <= ?", f.To)
	}
	if err := q.QueryRow("SELECT COUNT(*) FROM visits l"+vw.Sql(), vw.Args...).Scan(&out.Made); err != nil {
		return nil, fmt.Errorf("db: visits made: %w", err)
	}
	day, _ := time.ParseInLocation(db.DateLayout, asOf, db.Zone)
	cutoff := day.AddDate(0, 0, -out.CadenceDays).Format(db.DateLayout)
	w.Add("l.until IS NULL")
	// The ledger's rule (pairStatuses): overdue once the cadence has run out since the
	// later of the last visit and the pair's start.
	w.Add("l.since < ?", cutoff)
	w.Add(`NOT EXISTS (SELECT 1 FROM visits v WHERE v.enterprise_id = l.enterprise_id AND v.visited_at >= ? AND v.visited_at <= ?)`, cutoff, asOf)
	if err := q.QueryRow("SELECT COUNT(DISTINCT l.enterprise_id) FROM liaisons l"+w.Sql(), w.Args...).Scan(&out.NotVisited); err != nil {
		return nil, fmt.Errorf("db: enterprises not visited: %w", err)
	}
	return out, nil
}
