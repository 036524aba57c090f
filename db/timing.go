package db

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// supervisionGrace is how long an escalated, overdue appeal has before the discipline
// office is asked to supervise it.
const supervisionGrace = 24 * time.Hour

// EscalateOverdue takes the automatic steps for each overdue appeal (either state of the
// one rule in overdue.go, so an appeal nobody accepted in time is escalated too): a
// lower tier becomes 提级办; an 提级办 appeal still overdue a day after its first
// escalation (or at once if it was filed as 提级办) goes under the discipline office's
// supervision. Each step is recorded on the appeal, so it happens once however often this
// runs, across restarts. Candidates are found on the read pool; each appeal is then
// stepped in its own write, re-checked there, so one appeal that cannot be written does
// not hold back the others (its error is returned beside the count of the rest).
func (db *DB) EscalateOverdue(ctx context.Context) (int, error) {
	ids, err := db.overdueCandidates(ctx)
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
			err := db.Update(ctx, func(tx *Tx) error {
				var err error
				steps, err = tx.escalate(id)
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
func (db *DB) overdueCandidates(ctx context.Context) ([]int64, error) {
	now := db.Now()
	var ids []int64
	err := db.View(ctx, func(ctx context.Context) error {
		for _, st := range []OverdueState{OverdueResolution, OverdueResponse} {
			query, args := overdueCandidateSQL(st, now)
			got, err := queryIDs(db.r(ctx), query, args...)
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
func overdueCandidateSQL(st OverdueState, now time.Time) (string, []any) {
	cond, args := overdueSQL(st, now)
	return "SELECT a.id FROM appeals a WHERE " + cond + " AND a.escalation_level < 2", args
}

// escalate re-reads one candidate inside the write and takes the steps it is due.
func (t *Tx) escalate(id int64) (int, error) {
	ap, err := findAppeal(t, SystemActor, id)
	if err != nil {
		return 0, err
	}
	steps := 0
	for steps < 2 {
		if ap.EscalationLevel >= 2 || !ap.IsOverdue(t.Now) {
			break
		}
		next, err := t.escalateStep(ap)
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
func (t *Tx) escalateStep(ap *Appeal) (*Appeal, error) {
	now := t.Now
	data := map[string]any{"due_at": ap.EffectiveDue().Format(time.RFC3339)}
	switch {
	case ap.Tier != TierEscalated:
		set := map[string]any{"tier": string(TierEscalated)}
		if ap.escalatedAt == nil {
			set["escalation_level"], set["escalated_at"] = 1, now.Unix()
		}
		data["tier_before"] = ap.Tier
		return t.saveAction(SystemActor, ap, "auto_escalate", ap.Stage, ap.Stage, "超过办理期限，自动提级为提级办", data, set)
	case ap.escalatedAt == nil || !now.Before(ap.escalatedAt.Add(supervisionGrace)):
		due := now.Add(3 * 24 * time.Hour)
		set := map[string]any{"escalation_level": 2, "supervision_due_at": due.Unix()}
		if ap.escalatedAt == nil {
			set["escalated_at"] = now.Unix()
		}
		data["supervision_due_at"] = due.In(Zone).Format(time.RFC3339)
		return t.saveAction(SystemActor, ap, "auto_supervise", ap.Stage, ap.Stage, "提级后仍超期，转纪检监督督办", data, set)
	}
	return nil, nil
}
