package db

import (
	"context"
	"fmt"
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
func (db *DB) Visits(ctx context.Context, a Actor, f AppealFilter) (*VisitFigures, error) {
	if a.Is(RoleDepartment) {
		return nil, nil
	}
	rest := f
	rest.From, rest.To, rest.LeaderID, rest.EnterpriseID, rest.District, rest.Page = "", "", 0, 0, "", Page{}
	if rest != (AppealFilter{}) {
		return nil, nil
	}
	var w where
	switch a.Role {
	case RoleLeader:
		w.add("l.leader_id = ?", a.LeaderID)
	case RoleEnterprise:
		w.add("l.enterprise_id = ?", a.EnterpriseID)
	case RoleAdmin, RoleOffice, RoleAuditor, RoleSystem:
	default:
		return nil, nil
	}
	w.eqID("l.leader_id", f.LeaderID)
	w.eqID("l.enterprise_id", f.EnterpriseID)
	if f.District != "" {
		w.add("l.enterprise_id IN (SELECT id FROM enterprises WHERE district = ?)", f.District)
	}
	q := db.fr(ctx)
	out := &VisitFigures{CadenceDays: DefaultCadenceDays}
	if v, err := setting(q, "visit.cadence_days"); err == nil && v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			out.CadenceDays = n
		}
	} else if err != nil {
		return nil, err
	}
	asOf := db.Now().In(Zone).Format(DateLayout)
	if f.To != "" && f.To < asOf {
		asOf = f.To
	}
	out.AsOf = asOf
	// Visits are counted with the same columns as liaisons, aliased l.
	vw := where{clauses: append([]string(nil), w.clauses...), args: append([]any(nil), w.args...)}
	if f.From != "" {
		vw.add("l.visited_at >= ?", f.From)
	}
	if f.To != "" {
		vw.add("l.visited_at <= ?", f.To)
	}
	if err := q.QueryRow("SELECT COUNT(*) FROM visits l"+vw.sql(), vw.args...).Scan(&out.Made); err != nil {
		return nil, fmt.Errorf("db: visits made: %w", err)
	}
	day, _ := time.ParseInLocation(DateLayout, asOf, Zone)
	cutoff := day.AddDate(0, 0, -out.CadenceDays).Format(DateLayout)
	w.add("l.until IS NULL")
	// The ledger's rule (pairStatuses): overdue once the cadence has run out since the
	// later of the last visit and the pair's start.
	w.add("l.since < ?", cutoff)
	w.add(`NOT EXISTS (SELECT 1 FROM visits v WHERE v.enterprise_id = l.enterprise_id AND v.visited_at >= ? AND v.visited_at <= ?)`, cutoff, asOf)
	if err := q.QueryRow("SELECT COUNT(DISTINCT l.enterprise_id) FROM liaisons l"+w.sql(), w.args...).Scan(&out.NotVisited); err != nil {
		return nil, fmt.Errorf("db: enterprises not visited: %w", err)
	}
	return out, nil
}
