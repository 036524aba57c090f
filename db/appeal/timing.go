package appeal

import (
	"context"
	"errors"
	"fmt"
	"qinqing/db"
	"slices"
	"sync"
	"time"
)

// supervisionGrace is how long an escalated, overdue appeal has before the discipline
// office is asked to supervise it.
const SupervisionGrace = 24 * time.Hour

// EscalateOverdue takes the automatic steps for each overdue appeal (either state of the
// one rule in overdue.go, so an appeal nobody accepted in time is escalated too): a
// lower tier becomes 提级办; an 提级办 appeal still overdue a day after its first
// escalation (or at once if it was filed as 提级办) goes under the discipline office's
// supervision. Each step is recorded on the appeal, so it happens once however often this
// runs, across restarts. Candidates are found on the read pool; each appeal is then
// stepped in its own write, re-checked there, so one appeal that cannot be written does
// not hold back the others (its error is returned beside the count of the rest).
func EscalateOverdue(ctx context.Context, d *db.DB) (int, error) {
	ids, err := OverdueCandidates(ctx, d)
	if err != nil {
		return 0, err
	}
	var (
		mu   sync.Mutex
		n    int
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, 32) // enough to fill a group commit, not the whole queue
	)
	for _, id := range ids {
		sem <- struct{}{}
		wg.Add(1)
		go func(id int64) {
			defer func() { <-sem; wg.Done() }()
			steps := 0
			err := d.Update(ctx, func(tx *db.Tx) error {
				var err error
				steps, err = escalate(tx, id)
				return err
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("db: escalate appeal %d: %w", id, err))
				return
			}
			n += steps
		}(id)
	}
	wg.Wait()
	return n, errors.Join(errs...)
}

// overdueCandidates are the overdue appeals not yet under supervision, by id. It reads the
// pool, never the writer, and asks once per overdue state: each state's condition is a
// range on its own index of held appeals (appeals_held_due, appeals_held_response), where
// the two states' one condition would be a scan of every held appeal. The states are
// disjoint and together are overdue (overdue.go), so the union is the one rule's set; one
// snapshot serves both.
func OverdueCandidates(ctx context.Context, d *db.DB) ([]int64, error) {
	now := d.Now()
	var ids []int64
	err := d.View(ctx, func(ctx context.Context) error {
		for _, st := range []OverdueState{OverdueResolution, OverdueResponse} {
			query, args := OverdueCandidateSQL(st, now)
			got, err := db.QueryIDs(d.R(ctx), query, args...)
			if err != nil {
				return fmt.Errorf("db: overdue: %w", err)
			}
			ids = append(ids, got...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// overdueCandidateSQL is the candidates' query for one overdue state.
func OverdueCandidateSQL(st OverdueState, now time.Time) (string, []any) {
	cond, args := OverdueSQL(st, now)
	return "SELECT a.id FROM appeals a WHERE " + cond + " AND a.escalation_level < 2", args
}

// escalate re-reads one candidate inside the write and takes the steps it is due.
func escalate(t *db.Tx, id int64) (int, error) {
	ap, err := FindOn(t, db.SystemActor, id)
	if err != nil {
		return 0, err
	}
	steps := 0
	for steps < 2 {
		if ap.EscalationLevel >= 2 || !ap.IsOverdue(t.Now) {
			break
		}
		next, err := escalateStep(t, ap)
		if err != nil || next == nil {
			return steps, err
		}
		ap, steps = next, steps+1
	}
	return steps, nil
}

// escalateStep takes one step, or none (nil) when the appeal is not due one yet. The
// escalation state only moves forward: a reassignment that lowers the tier again is
// undone, but the first escalation's time stands, so the overseen cannot restart the
// day of grace before supervision by returning and reassigning the appeal.
func escalateStep(t *db.Tx, ap *Appeal) (*Appeal, error) {
	now := t.Now
	data := map[string]any{"due_at": ap.EffectiveDue().Format(time.RFC3339)}
	switch {
	case ap.Tier != TierEscalated:
		set := map[string]any{"tier": string(TierEscalated)}
		if ap.escalatedAt == nil {
			set["escalation_level"], set["escalated_at"] = 1, now.Unix()
		}
		data["tier_before"] = ap.Tier
		return saveAction(t, db.SystemActor, ap, "auto_escalate", ap.Stage, ap.Stage, "超过办理期限，自动提级为提级办", data, set)
	case ap.escalatedAt == nil || !now.Before(ap.escalatedAt.Add(SupervisionGrace)):
		due := now.Add(3 * 24 * time.Hour)
		set := map[string]any{"escalation_level": 2, "supervision_due_at": due.Unix()}
		if ap.escalatedAt == nil {
			set["escalated_at"] = now.Unix()
		}
		data["supervision_due_at"] = due.In(db.Zone).Format(time.RFC3339)
		return saveAction(t, db.SystemActor, ap, "auto_supervise", ap.Stage, ap.Stage, "提级后仍超期，转纪检监督督办", data, set)
	}
	return nil, nil
}
