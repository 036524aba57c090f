package db

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// tierDeadlines are a tier's response and resolution times, counted from filing.
type tierDeadlines struct{ response, resolution time.Duration }

// TierDeadline is a tier's configured deadlines, for the settings page and the API.
type TierDeadline struct {
	Tier              Tier `json:"tier"`
	ResponseSeconds   int  `json:"response_seconds"`
	ResolutionSeconds int  `json:"resolution_seconds"`
}

func (t *Tx) deadlines(tier Tier) (tierDeadlines, error) { return readDeadlines(t, tier) }

func readDeadlines(q queryer, tier Tier) (tierDeadlines, error) {
	var d tierDeadlines
	for _, x := range []struct {
		kind string
		dst  *time.Duration
	}{{"response", &d.response}, {"resolution", &d.resolution}} {
		v, err := setting(q, "deadline."+string(tier)+"."+x.kind)
		if err != nil {
			return d, err
		}
		secs, err := strconv.Atoi(v)
		if err != nil || secs <= 0 {
			return d, fmt.Errorf("db: deadline setting %s.%s is %q", tier, x.kind, v)
		}
		*x.dst = time.Duration(secs) * time.Second
	}
	return d, nil
}

// TierDeadlines lists the configured deadlines of every tier.
func (db *DB) TierDeadlines(ctx context.Context) ([]TierDeadline, error) {
	var out []TierDeadline
	for _, tier := range Tiers {
		d, err := readDeadlines(db.r(ctx), tier)
		if err != nil {
			return nil, err
		}
		out = append(out, TierDeadline{tier, int(d.response.Seconds()), int(d.resolution.Seconds())})
	}
	return out, nil
}

// SetTierDeadline changes a tier's deadlines (admin). Appeals already filed keep theirs.
func (db *DB) SetTierDeadline(ctx context.Context, a Actor, in TierDeadline) error {
	if !a.Is(RoleAdmin) {
		return forbidden()
	}
	var v Violations
	if !contains(Tiers, in.Tier) {
		v.Add("tier", "办理等级须为 immediate、fast 或 escalated")
	}
	if in.ResponseSeconds < 600 || in.ResponseSeconds > 30*86400 {
		v.Add("response_seconds", "响应时限须在 10 分钟到 30 天之间")
	}
	if in.ResolutionSeconds < in.ResponseSeconds || in.ResolutionSeconds > 180*86400 {
		v.Add("resolution_seconds", "办结时限须不短于响应时限，且不超过 180 天")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := tx.SetSetting("deadline."+string(in.Tier)+".response", strconv.Itoa(in.ResponseSeconds)); err != nil {
			return err
		}
		if err := tx.SetSetting("deadline."+string(in.Tier)+".resolution", strconv.Itoa(in.ResolutionSeconds)); err != nil {
			return err
		}
		return tx.Audit(a, "settings.deadline", "settings", 0, in)
	})
}

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

func (db *DB) overdueCandidates(ctx context.Context) ([]int64, error) {
	cond, args := overdueSQL(OverdueNone, db.Now())
	rows, err := db.read.QueryContext(ctx, "SELECT a.id FROM appeals a WHERE "+cond+
		" AND a.escalation_level < 2 ORDER BY a.id", args...)
	if err != nil {
		return nil, fmt.Errorf("db: overdue: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: overdue: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: overdue: %w", err)
	}
	return ids, nil
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
