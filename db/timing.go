package db

import (
	"context"
	"fmt"
	"strconv"
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

// EscalateOverdue takes one automatic step for each open appeal past its due time: a
// lower tier becomes 提级办; an 提级办 appeal still overdue a day after that (or at once if
// it was filed as 提级办) goes under the discipline office's supervision. Each step is
// recorded on the appeal, so it happens once however often this runs, across restarts.
func (db *DB) EscalateOverdue(ctx context.Context) (int, error) {
	n := 0
	err := db.Update(ctx, func(tx *Tx) error {
		n = 0
		now := tx.Now.Unix()
		rows, err := tx.Query(`SELECT id FROM appeals WHERE stage NOT IN ('feedback', 'closed') AND escalation_level < 2
			AND COALESCE(extended_due_at, due_at) < ? ORDER BY id`, now)
		if err != nil {
			return fmt.Errorf("db: overdue: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			ap, err := findAppeal(tx, SystemActor, id)
			if err != nil {
				return err
			}
			stepped, err := tx.escalateStep(ap)
			if err != nil {
				return err
			}
			if stepped {
				n++
			}
		}
		return nil
	})
	return n, err
}

func (t *Tx) escalateStep(ap *Appeal) (bool, error) {
	now := t.Now
	data := map[string]any{"due_at": ap.EffectiveDue().Format(time.RFC3339)}
	switch {
	case ap.Tier != TierEscalated:
		// Also after a reassignment lowered the tier again: overdue work goes back up.
		set := map[string]any{"tier": string(TierEscalated), "escalation_level": 1, "escalated_at": now.Unix()}
		data["tier_before"] = ap.Tier
		_, err := t.saveAction(SystemActor, ap, "auto_escalate", ap.Stage, ap.Stage, "超过办理期限，自动提级为提级办", data, set)
		return err == nil, err
	case ap.Tier == TierEscalated && (ap.escalatedAt == nil || !now.Before(ap.escalatedAt.Add(supervisionGrace))):
		due := now.Add(3 * 24 * time.Hour)
		set := map[string]any{"escalation_level": 2, "supervision_due_at": due.Unix()}
		if ap.escalatedAt == nil {
			set["escalated_at"] = now.Unix()
		}
		data["supervision_due_at"] = due.In(Zone).Format(time.RFC3339)
		_, err := t.saveAction(SystemActor, ap, "auto_supervise", ap.Stage, ap.Stage, "提级后仍超期，转纪检监督督办", data, set)
		return err == nil, err
	}
	return false, nil
}
