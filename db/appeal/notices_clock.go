package appeal

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/notify"
	"slices"
	"time"
)

// dueSoonWindow is how far ahead the clock looks for appeals coming due: a fifth of the
// longest deadline (提级办's 15 days), so that every appeal reaches 80% inside it.
const dueSoonWindow = 3 * 24 * time.Hour

// NoticeDueSoon tells whoever holds each appeal that has used 80% of its time (the
// pending deadline's, as 我的待办 counts it), once per appeal however often it runs.
// Candidates come from the held appeals' due indexes on the read pool; the notices are
// written in one transaction, each claimed first.
func NoticeDueSoon(ctx context.Context, d *db.DB) (int, error) {
	now := d.Now()
	var ids []int64
	const notSent = " AND NOT EXISTS (SELECT 1 FROM notices_sent s WHERE s.kind = '" + notify.AppealDueSoon + "' AND s.object_id = a.id)"
	err := d.View(ctx, func(ctx context.Context) error {
		for _, q := range []string{
			"SELECT a.id FROM appeals a WHERE " + heldSQL + " AND COALESCE(a.extended_due_at, a.due_at) >= ? AND COALESCE(a.extended_due_at, a.due_at) < ?",
			"SELECT a.id FROM appeals a WHERE " + heldSQL + " AND a.accepted_at IS NULL AND a.response_due_at >= ? AND a.response_due_at < ?",
		} {
			got, err := db.QueryIDs(d.R(ctx), q+notSent, now.Unix(), now.Add(dueSoonWindow).Unix())
			if err != nil {
				return fmt.Errorf("db: due soon: %w", err)
			}
			ids = append(ids, got...)
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	n := 0
	err = d.Update(ctx, func(t *db.Tx) error {
		n = 0
		for _, id := range ids {
			ap, err := FindOn(t, db.SystemActor, id)
			if err != nil {
				return err
			}
			if !ap.DueSoonAt(t.Now) {
				continue
			}
			if first, err := notify.Claim(t, notify.AppealDueSoon, id); err != nil || !first {
				if err != nil {
					return err
				}
				continue
			}
			due := ap.EffectiveDue()
			if ap.AcceptedAt == nil && ap.ResponseDueAt.Before(due) {
				due = ap.ResponseDueAt
			}
			to := holderOf(ap)
			if _, err := notify.Add(t, notify.Notice{Kind: notify.AppealDueSoon, Title: fmt.Sprintf("%s：%s", ap.Number, ap.Title),
				Body: "办理时限已用去八成，将于 " + due.In(db.Zone).Format("01-02 15:04") + " 到期", Link: linkFor(ap, to),
				ObjectType: "appeal", ObjectID: &ap.ID}, to); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
