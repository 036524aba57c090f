package appeal

import (
	"context"
	"errors"
	"fmt"
	"qinqing/db"
	"time"
)

// The system's steps when a rating does not arrive. They are rows of the workflow table,
// taken only by the system actor.
const (
	ActRemindRating Action = "remind_rating"
	ActCloseUnrated Action = "close_unrated"
)

// ratingReminderAfter is how long feedback waits before the rater is reminded, once;
// after unratedAfter (7 days) the system closes the appeal as 未评价.
const RatingReminderAfter = 3 * 24 * time.Hour

// Notes the system writes on the timeline, where the enterprise reads them.
const (
	remindRatingNote = "办理结果已反馈满 3 天，请您对办理结果进行评价；反馈满 7 天仍未评价的，系统将按“未评价”办结。"
	closeUnratedNote = "办理结果反馈满 7 天未评价，系统按“未评价”办结；未评价不计入满意。"
)

// RatingTimers reminds the raters of appeals waiting 3 days in 反馈 and closes as 未评价
// those waiting 7. Every step is recorded on the appeal, so a step happens once however
// often this runs. As in EscalateOverdue, each appeal is re-checked and stepped in its own
// write, so one that fails does not hold back the others.
func RatingTimers(ctx context.Context, d *db.DB) (int, error) {
	now := d.Now()
	ids, err := appealIDs(d.R(ctx), `SELECT a.id FROM appeals a WHERE a.stage = 'feedback' AND a.reported_at <= ?
		AND (a.rated_at IS NULL OR a.rated_at < a.reported_at)
		AND (a.reported_at <= ? OR NOT EXISTS (SELECT 1 FROM appeal_events v WHERE v.appeal_id = a.id
			AND v.action = 'remind_rating' AND v.at >= a.reported_at))
		ORDER BY a.id`, now.Add(-RatingReminderAfter).Unix(), now.Add(-UnratedAfter).Unix())
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		stepped := false
		err := d.Update(ctx, func(tx *db.Tx) error {
			var err error
			stepped, err = RatingStep(tx, id)
			return err
		})
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("db: rating timer of appeal %d: %w", id, err))
		case stepped:
			n++
		}
	}
	return n, errors.Join(errs...)
}

func appealIDs(q db.Queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: rating timers: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: rating timers: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ratingStep re-reads one appeal inside the write and takes the step it is due, if any.
func RatingStep(t *db.Tx, id int64) (bool, error) {
	ap, err := FindOn(t, db.SystemActor, id)
	if err != nil {
		return false, err
	}
	if ap.Stage != StageFeedback || ap.FeedbackAt == nil || ratedThisRound(ap) {
		return false, nil
	}
	waited := t.Now.Sub(*ap.FeedbackAt)
	data := map[string]any{"feedback_at": ap.FeedbackAt.In(db.Zone).Format(time.RFC3339)}
	switch {
	case waited >= UnratedAfter:
		set := map[string]any{"closed_at": t.Now.Unix(), "close_reason": "unrated"}
		_, err := saveAction(t, db.SystemActor, ap, ActCloseUnrated, StageFeedback, StageClosed, closeUnratedNote, data, set)
		return err == nil, err
	case waited >= RatingReminderAfter:
		reminded, err := remindedThisRound(t, ap)
		if err != nil || reminded {
			return false, err
		}
		// A reminder is only a note on the timeline: it leaves the version alone, so a
		// rating form the enterprise has open stays valid.
		data["due"] = ap.FeedbackAt.Add(UnratedAfter).In(db.Zone).Format(time.RFC3339)
		return true, appealEvent(t, db.SystemActor, ap.ID, ActRemindRating, StageFeedback, StageFeedback, remindRatingNote, data)
	}
	return false, nil
}

// ratedThisRound reports whether the current feedback has its rating.
func ratedThisRound(ap *Appeal) bool {
	return ap.Rating != nil && ap.FeedbackAt != nil && !ap.Rating.RatedAt.Before(*ap.FeedbackAt)
}

func remindedThisRound(t *db.Tx, ap *Appeal) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND action = ? AND at >= ?`,
		ap.ID, string(ActRemindRating), ap.FeedbackAt.Unix()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: rating reminder of appeal %d: %w", ap.ID, err)
	}
	return n > 0, nil
}

// RatingDue is an appeal waiting for the enterprise's rating, for its home page.
type RatingDue struct {
	ID         int64     `json:"id"`
	Number     string    `json:"number"`
	Title      string    `json:"title"`
	FeedbackAt time.Time `json:"feedback_at"`
	ClosesAt   time.Time `json:"closes_at"` // when the system closes it as 未评价
	Reminded   bool      `json:"reminded"`
}

// AwaitingRating lists the enterprise's appeals whose current feedback waits for its
// rating, the longest waiting first.
func AwaitingRating(ctx context.Context, d *db.DB, a db.Actor) ([]RatingDue, error) {
	if !a.Is(db.RoleEnterprise) {
		return nil, nil
	}
	rows, err := d.R(ctx).Query(`SELECT a.id, a.number, a.title, a.reported_at,
		EXISTS (SELECT 1 FROM appeal_events v WHERE v.appeal_id = a.id AND v.action = 'remind_rating' AND v.at >= a.reported_at)
		FROM appeals a WHERE a.enterprise_id = ? AND a.source != 'report' AND a.stage = 'feedback'
		AND a.reported_at IS NOT NULL AND (a.rated_at IS NULL OR a.rated_at < a.reported_at)
		ORDER BY a.reported_at, a.id LIMIT 50`, a.EnterpriseID)
	if err != nil {
		return nil, fmt.Errorf("db: awaiting rating: %w", err)
	}
	defer rows.Close()
	var out []RatingDue
	for rows.Next() {
		var r RatingDue
		var at int64
		if err := rows.Scan(&r.ID, &r.Number, &r.Title, &at, &r.Reminded); err != nil {
			return nil, fmt.Errorf("db: awaiting rating: %w", err)
		}
		r.FeedbackAt = time.Unix(at, 0).In(db.Zone)
		r.ClosesAt = r.FeedbackAt.Add(UnratedAfter)
		out = append(out, r)
	}
	return out, rows.Err()
}
