package appeal

import (
	"fmt"
	"strings"
	"time"
)

// The one overdue rule. An appeal is overdue only while the government holds it (发现,
// 核查, 整改): once the work is reported (反馈) it waits on the enterprise's rating,
// which is nobody's delay, and a closed appeal is judged by its closing time instead.
// While held it is in one of two states:
//
//   - 办理超期: the resolution deadline (the extended one once approved) has passed;
//   - 受理超时: not yet accepted and the response deadline has passed, the resolution
//     deadline not yet.
//
// The Go predicate (Appeal.OverdueAt) and the SQL (overdueSQL) below are built from the
// same stage list and compare the same whole seconds, so the appeal page, the lists, the
// figures, the discipline office's view and the escalation job always agree; the oracle
// test in overdue_test.go holds them to it.

// OverdueState is which deadline an appeal held by the government has missed, if any.
type OverdueState string

// The overdue states; OverdueNone is on time.
const (
	OverdueNone       OverdueState = ""
	OverdueResponse   OverdueState = "response"   // 受理超时
	OverdueResolution OverdueState = "resolution" // 办理超期
)

// Label is the state's Chinese name.
func (s OverdueState) Label() string {
	switch s {
	case OverdueResponse:
		return "受理超时"
	case OverdueResolution:
		return "办理超期"
	}
	return ""
}

// heldStages are the stages in which the government holds an appeal: the only ones in
// which it can be overdue.
var heldStages = []Stage{StageDiscovered, StageVerifying, StageRectifying}

// soonNumer/soonDenom: an appeal is due soon once this share of its pending deadline's
// time (from filing) is used; 4/5 is 80 %.
const soonNumer, soonDenom = 4, 5

// Held reports whether the government holds the appeal now (发现, 核查 or 整改).
func (s Stage) Held() bool { return Contains(heldStages, s) }

// OverdueAt is the appeal's overdue state at now. Deadlines are whole seconds and so is
// the comparison, exactly as in SQL.
func (a *Appeal) OverdueAt(now time.Time) OverdueState {
	if !a.Stage.Held() {
		return OverdueNone
	}
	n := now.Unix()
	switch {
	case a.EffectiveDue().Unix() < n:
		return OverdueResolution
	case a.AcceptedAt == nil && a.ResponseDueAt.Unix() < n:
		return OverdueResponse
	}
	return OverdueNone
}

// IsOverdue reports whether the appeal is in either overdue state at now.
func (a *Appeal) IsOverdue(now time.Time) bool { return a.OverdueAt(now) != OverdueNone }

// pendingDue is the deadline the appeal is working towards: the response deadline until
// it is accepted, then the resolution deadline.
func (a *Appeal) pendingDue() time.Time {
	if a.AcceptedAt == nil && a.ResponseDueAt.Before(a.EffectiveDue()) {
		return a.ResponseDueAt
	}
	return a.EffectiveDue()
}

// DueSoonAt reports whether a held appeal, not overdue, has used 80 % or more of the time
// to its pending deadline.
func (a *Appeal) DueSoonAt(now time.Time) bool {
	if !a.Stage.Held() || a.IsOverdue(now) {
		return false
	}
	used, span := now.Unix()-a.CreatedAt.Unix(), a.pendingDue().Unix()-a.CreatedAt.Unix()
	return used*soonDenom >= span*soonNumer
}

// Countdown is an open appeal's clock in one word: how it stands and the time left or over.
type Countdown struct {
	// State is ok, soon (≥ 80 % used), response (受理超时) or resolution (办理超期).
	State string `json:"state"`
	Text  string `json:"text"` // 剩 2天3小时, 受理超时 5小时, 超期 1天
}

// CountdownAt is the appeal's countdown at now; nil once the government no longer holds it.
func (a *Appeal) CountdownAt(now time.Time) *Countdown {
	if !a.Stage.Held() {
		return nil
	}
	switch st := a.OverdueAt(now); st {
	case OverdueResolution:
		return &Countdown{string(st), "超期 " + ShortSpan(now.Sub(a.EffectiveDue()))}
	case OverdueResponse:
		return &Countdown{string(st), "受理超时 " + ShortSpan(now.Sub(a.ResponseDueAt))}
	}
	c := &Countdown{State: "ok", Text: "剩 " + ShortSpan(a.pendingDue().Sub(now))}
	if a.AcceptedAt == nil && a.ResponseDueAt.Before(a.EffectiveDue()) {
		c.Text = "受理" + c.Text
	}
	if a.DueSoonAt(now) {
		c.State = "soon"
	}
	return c
}

// ShortSpan says a duration compactly, to the two largest units: 2天3小时, 5小时20分, 12分.
func ShortSpan(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d天", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d小时%d分", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d小时", hours)
	}
	return fmt.Sprintf("%d分", max(mins, 1))
}

// heldSQL is the SQL of Stage.Held. stage != 'closed' is spelt out so that the partial
// index of open appeals (appeals_fig_open) applies.
var heldSQL = func() string {
	q := make([]string, len(heldStages))
	for i, s := range heldStages {
		q[i] = "'" + string(s) + "'"
	}
	return "a.stage != '" + string(StageClosed) + "' AND a.stage IN (" + strings.Join(q, ", ") + ")"
}()

const (
	resolutionLateSQL = "COALESCE(a.extended_due_at, a.due_at) < ?"
	responseLateSQL   = "a.accepted_at IS NULL AND a.response_due_at < ?"
)

// overdueSQL is the condition of an overdue state at now: OverdueNone stands for either
// state (any overdue appeal). It is Appeal.OverdueAt in SQL.
func OverdueSQL(st OverdueState, now time.Time) (string, []any) {
	n := now.Unix()
	switch st {
	case OverdueResolution:
		return "(" + heldSQL + " AND " + resolutionLateSQL + ")", []any{n}
	case OverdueResponse:
		return "(" + heldSQL + " AND " + responseLateSQL + " AND NOT " + resolutionLateSQL + ")", []any{n, n}
	}
	return "(" + heldSQL + " AND (" + resolutionLateSQL + " OR (" + responseLateSQL + ")))", []any{n, n}
}

// dueSoonSQL is Appeal.DueSoonAt in SQL.
func dueSoonSQL(now time.Time) (string, []any) {
	over, args := OverdueSQL(OverdueNone, now)
	pending := "(CASE WHEN a.accepted_at IS NULL AND a.response_due_at < COALESCE(a.extended_due_at, a.due_at) " +
		"THEN a.response_due_at ELSE COALESCE(a.extended_due_at, a.due_at) END)"
	cond := fmt.Sprintf("(%s AND NOT %s AND (? - a.created_at) * %d >= (%s - a.created_at) * %d)",
		heldSQL, over, soonDenom, pending, soonNumer)
	return cond, append(args, now.Unix())
}

// EscalationDue is when an appeal the job raised to 提级办 goes under the discipline
// office's supervision if it is still overdue: the deadline the escalated tier works to.
// Nil unless the job has raised it and it is not yet supervised.
func (a *Appeal) EscalationDue() *time.Time {
	if a.escalatedAt == nil || a.EscalationLevel != 1 || !a.Stage.Held() {
		return nil
	}
	d := a.escalatedAt.Add(SupervisionGrace)
	return &d
}
