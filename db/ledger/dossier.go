package ledger

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/register"
)

// Dossier is 一企一档: the enterprise's profile at the top level, its liaison history
// (ended pairs too), its visits, its appeals with stage and rating, and a few figures.
// Visits and appeals are those the actor may see.
type Dossier struct {
	*register.Enterprise
	Liaisons    []register.Liaison `json:"liaisons"`
	Visits      []Visit            `json:"visits"`
	Appeals     []appeal.Appeal    `json:"appeals"`
	Figures     DossierFigures     `json:"figures"`
	VisitStatus *PairStatus        `json:"visit_status"`
	CadenceDays int                `json:"cadence_days"`
}

// DossierFigures sum up an enterprise's appeals and visits.
type DossierFigures struct {
	Appeals          int      `json:"appeals"`
	Open             int      `json:"open"`
	Closed           int      `json:"closed"`
	Overdue          int      `json:"overdue"`
	Rated            int      `json:"rated"`
	Satisfied        int      `json:"satisfied"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	Visits           int      `json:"visits"`
	LastVisit        *string  `json:"last_visit"`
}

// EnterpriseDossier returns the dossier of an enterprise the actor may see; others are
// "not found".
func EnterpriseDossier(ctx context.Context, d2 *db.DB, a db.Actor, id int64) (*Dossier, error) {
	e, err := register.FindEnterprise(ctx, d2, a, id)
	if err != nil {
		return nil, err
	}
	d := &Dossier{Enterprise: e}
	q := d2.R(ctx)
	// The pairs are the enterprise's history, not the actor's: a leader sees who held the
	// enterprise before them.
	rows, err := q.Query("SELECT "+register.LiaisonColumns+" FROM "+register.LiaisonFrom+" WHERE p.enterprise_id = ? ORDER BY p.since DESC, p.id DESC", id)
	if err != nil {
		return nil, fmt.Errorf("db: dossier %d liaisons: %w", id, err)
	}
	d.Liaisons = []register.Liaison{}
	for rows.Next() {
		l, err := register.ScanLiaison(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: dossier %d liaisons: %w", id, err)
		}
		d.Liaisons = append(d.Liaisons, *l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: dossier %d liaisons: %w", id, err)
	}
	if d.Visits, err = Collect(func(p db.Page) (*db.List[Visit], error) {
		return ListVisits(ctx, d2, a, VisitFilter{EnterpriseID: id, Page: p})
	}); err != nil {
		return nil, err
	}
	if d.Appeals, err = allAppeals(ctx, d2, a, appeal.Filter{EnterpriseID: id}); err != nil {
		return nil, err
	}
	if d.CadenceDays, err = visitCadence(q); err != nil {
		return nil, err
	}
	pairs, err := pairStatuses(q, db.Today(d2.Now()), d.CadenceDays, "p.enterprise_id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(pairs) == 1 {
		d.VisitStatus = &pairs[0]
	}
	f := &d.Figures
	for _, ap := range d.Appeals {
		f.Appeals++
		if ap.Stage == appeal.StageClosed {
			f.Closed++
		} else {
			f.Open++
		}
		if ap.Overdue {
			f.Overdue++
		}
		if ap.Rating != nil {
			f.Rated++
			if ap.Rating.Satisfaction == "satisfied" || ap.Rating.Satisfaction == "basic" {
				f.Satisfied++
			}
		}
	}
	f.SatisfactionRate = rate(f.Satisfied, f.Rated)
	f.Visits = len(d.Visits)
	for _, v := range d.Visits {
		if f.LastVisit == nil || v.VisitedAt > *f.LastVisit {
			last := v.VisitedAt
			f.LastVisit = &last
		}
	}
	return d, nil
}
