package handlers

import (
	"qinqing/db/appeal"
	"time"

	"qinqing/db"
)

// clockView is 不停表: time since filing and time to the due time, never paused. Its
// colour follows the one overdue rule (db/overdue.go): red once overdue, or once the
// work was reported or closed late; amber at 80 % of the time used; green otherwise.
type clockView struct {
	Elapsed   string
	LeftLabel string // 距办理期限还剩, 已超期, 受理已超时 or 已反馈
	Left      string
	State     string // ok, soon or bad
	Closed    bool
	OnTime    bool // closed by the due time that counts
	Original  time.Time
	Extended  *time.Time
	// Escalated is the deadline of a tier the job raised: past it, still overdue, the
	// appeal goes to the discipline office.
	Escalated *time.Time
	// Answer says how the appeal was answered at intake: accepted, rejected, or by when.
	Answer string
}

func clockOf(ap *appeal.Appeal, now time.Time) clockView {
	v := clockView{Original: ap.DueAt, Extended: ap.ExtendedDueAt, Closed: ap.Stage == appeal.StageClosed, State: "ok",
		Escalated: ap.EscalationDue()}
	due := ap.EffectiveDue()
	end := now
	if v.Closed && ap.ClosedAt != nil {
		end = *ap.ClosedAt
		v.OnTime = !end.After(due)
	}
	v.Elapsed = humanSpan(end.Sub(ap.CreatedAt))
	switch st := ap.OverdueAt(now); {
	case v.Closed:
		if !v.OnTime {
			v.State = "bad"
		}
	case ap.Stage == appeal.StageFeedback:
		// Reported: the clock waits on the enterprise's rating, and says whether the
		// report itself came in time.
		v.LeftLabel, v.Left = "已反馈，待评价", "按期反馈"
		if ap.FeedbackAt != nil && ap.FeedbackAt.After(due) {
			v.Left, v.State = "超期 "+humanSpan(ap.FeedbackAt.Sub(due))+"反馈", "bad"
		}
	case st == appeal.OverdueResolution:
		v.LeftLabel, v.Left, v.State = "已超期", humanSpan(now.Sub(due)), "bad"
	case st == appeal.OverdueResponse:
		v.LeftLabel, v.Left, v.State = "受理已超时", humanSpan(now.Sub(ap.ResponseDueAt)), "bad"
	default:
		v.LeftLabel, v.Left = "距办理期限还剩", humanSpan(due.Sub(now))
		if ap.DueSoonAt(now) {
			v.State = "soon"
		}
	}
	switch {
	case ap.AcceptedAt != nil:
		v.Answer = "已于 " + ap.AcceptedAt.In(db.Zone).Format("2006-01-02 15:04") + " 受理"
	case ap.Stage.Held():
		v.Answer = "须于 " + ap.ResponseDueAt.In(db.Zone).Format("2006-01-02 15:04") + " 前受理"
	}
	return v
}

// answeredByRejection rewrites the clock's intake line for an appeal turned away at
// intake: rejection stamps the response time, but the appeal was never accepted.
func (v *clockView) answeredByRejection(events []appeal.Event) {
	for _, e := range events {
		if e.Action == appeal.ActAccept {
			return
		}
	}
	for _, e := range events {
		if e.Action == appeal.ActReject {
			v.Answer = "已于 " + e.At.In(db.Zone).Format("2006-01-02 15:04") + " 答复不予受理"
			return
		}
	}
}
