package oversight

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"time"
)

// The discipline office's workspace: lists of appeals that deserve a second look, each
// with the measure that put the appeal there. Every list takes the appeal filters
// (department, category, source, tier, filing dates, text) and pages like any list.

// Workspace list kinds.
const (
	WatchOverdue      = "overdue"
	WatchReopened     = "reopened"
	WatchUnsatisfied  = "unsatisfied"
	WatchReturned     = "returned"
	WatchExtensions   = "extensions"
	WatchSuspicious   = "suspicious"
	WatchSupervisions = "supervisions"
)

// WatchKinds lists the workspace lists in display order, with their Chinese names.
var WatchKinds = []struct{ Kind, Label string }{
	{WatchOverdue, "超期未办结"}, {WatchReopened, "重办"}, {WatchUnsatisfied, "评价不满意"},
	{WatchReturned, "多次退回"}, {WatchExtensions, "多次延期"}, {WatchSuspicious, "可疑办结"},
	{WatchSupervisions, "督办"},
}

// Suspicious-closure reasons.
const (
	SuspectQuick       = "quick"       // rectification reported within minutes of assignment
	SuspectThin        = "thin"        // a one-line report with no evidence
	SuspectUnsatisfied = "unsatisfied" // closed after 不满意 with no new report
)

// WatchFilter selects a workspace list.
type WatchFilter struct {
	appeal.Filter
	// MinDays: overdue by at least this many days.
	MinDays int
	// MinCount: returned or extended at least this many times (default 2).
	MinCount int
	// Reason narrows suspicious closures to one reason.
	Reason string
	// Minutes is how soon after assignment a report counts as suspicious (default 30);
	// MaxChars how short a one-line report must be (default 20).
	Minutes, MaxChars int
	// State narrows supervisions: open, overdue, done.
	State string
}

// Flagged is an appeal on a workspace list and why it is there.
type Flagged struct {
	Appeal *appeal.Appeal `json:"appeal"`
	// Detail says in one line why the appeal is listed (超期 3 天 4 小时, 延期 3 次 …).
	Detail       string   `json:"detail"`
	OverdueHours float64  `json:"overdue_hours,omitempty"`
	Count        int      `json:"count,omitempty"`
	Reasons      []string `json:"reasons,omitempty"`
	// Supervision is the state of a 督办: 督办中, 督办超期, 按期落实, 逾期落实.
	Supervision  string     `json:"supervision,omitempty"`
	LastActionAt *time.Time `json:"last_action_at,omitempty"`
	LastAction   string     `json:"last_action,omitempty"`
}

func (f *Flagged) Key() int64 { return f.Appeal.ID }

// extraScanner scans the appeal columns and then the list's own columns.
type extraScanner struct {
	s     db.Scanner
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.s.Scan(append(dest, e.extra...)...) }

// Watch returns one workspace list. Only auditors keep it.
func Watch(ctx context.Context, d *db.DB, a db.Actor, kind string, f WatchFilter) (*db.List[Flagged], error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	now := d.Now()
	w, err := f.Where(ctx, d, a, now)
	if err != nil {
		return nil, err
	}
	if err := WatchWhere(&w, kind, &f, now); err != nil {
		return nil, err
	}
	q := d.R(ctx)
	var out *db.List[Flagged]
	switch kind {
	case WatchOverdue:
		out, err = overdueList(d.Engine(), q, w, f, now)
	case WatchReopened:
		out, err = flaggedList(q, w, f.Page, "a.reopen_count", func(x *Flagged, n int) { x.Count, x.Detail = n, fmt.Sprintf("重办 %d 次", n) })
	case WatchUnsatisfied:
		out, err = flaggedList(q, w, f.Page, "a.unsatisfied_count", func(x *Flagged, n int) { x.Count, x.Detail = n, fmt.Sprintf("不满意 %d 次", n) })
	case WatchReturned:
		out, err = flaggedList(q, w, f.Page, "a.return_count", func(x *Flagged, n int) { x.Count, x.Detail = n, fmt.Sprintf("退回 %d 次", n) })
	case WatchExtensions:
		out, err = extensionList(q, w, f, d.Engine())
	case WatchSuspicious:
		out, err = suspiciousList(q, w, f)
	case WatchSupervisions:
		out, err = supervisionList(q, w, f, now)
	}
	if err != nil {
		return nil, err
	}
	for i := range out.Items {
		out.Items[i].Appeal.Present(a, now)
	}
	return out, nil
}

// WatchWhere adds the conditions of one workspace list to w, filling f's defaults. Each
// reads a measure the writer keeps on the appeal (db/appeal/measures.go) through a
// partial index that holds only the appeals it is about, never the timeline of each.
func WatchWhere(w *db.Where, kind string, f *WatchFilter, now time.Time) error {
	if f.MinCount <= 0 {
		f.MinCount = 2
	}
	switch kind {
	case WatchOverdue:
		cond, args := appeal.OverdueSQL(appeal.OverdueNone, now.Add(-time.Duration(f.MinDays)*24*time.Hour))
		w.Add(cond, args...)
	case WatchReopened:
		w.Add("a.reopen_count > 0")
	case WatchUnsatisfied:
		w.Add("a.unsatisfied_count > 0")
	case WatchReturned:
		// The first condition names the partial index, which a bound ? cannot.
		w.Add("a.return_count > 0 AND a.return_count >= ?", f.MinCount)
	case WatchExtensions:
		w.Add("a.extension_requests > 0 AND a.extension_requests >= ?", f.MinCount)
	case WatchSuspicious:
		return suspiciousWhere(w, f)
	case WatchSupervisions:
		return supervisionWhere(w, f, now)
	default:
		return &db.Error{Code: db.EINVALID, Message: "未知的监督清单：" + kind + "。", Fields: []db.FieldError{{Field: "kind", Message: "未知的清单"}}}
	}
	return nil
}

// flaggedList lists by id, newest first, with one counted measure per appeal.
func flaggedList(q db.Queryer, w db.Where, p db.Page, count string, fill func(*Flagged, int)) (*db.List[Flagged], error) {
	return db.RunList(q, db.ListQuery{From: appeal.From, Cols: appeal.Columns + ", " + count, ID: "a.id", Where: w, Desc: true}, p,
		func(s db.Scanner) (*Flagged, error) {
			var n int
			ap, err := appeal.Scan(extraScanner{s, []any{&n}})
			if err != nil {
				return nil, err
			}
			x := &Flagged{Appeal: ap}
			fill(x, n)
			return x, nil
		})
}

// overdueList lists the overdue appeals (the one rule, db/overdue.go), the longest
// overdue first; MinDays asks for those overdue by at least that many days, that is
// those that were already overdue that long ago.
func overdueList(e db.Engine, q db.Queryer, w db.Where, f WatchFilter, now time.Time) (*db.List[Flagged], error) {
	list, err := appeal.ListByDue(e, q, w, f.Page, 0, []int{0}) // overdue appeals are open
	if err != nil {
		return nil, err
	}
	out := &db.List[Flagged]{Items: []Flagged{}, NextCursor: list.NextCursor, Total: list.Total}
	for i := range list.Items {
		ap := &list.Items[i]
		late, what := now.Sub(ap.EffectiveDue()), "办结"
		if ap.OverdueAt(now) == appeal.OverdueResponse {
			late, what = now.Sub(ap.ResponseDueAt), "受理"
		}
		out.Items = append(out.Items, Flagged{Appeal: ap, OverdueHours: float64(int(late.Hours()*10)) / 10,
			Detail: ap.OverdueAt(now).Label() + "：超过" + what + "期限 " + HumanDuration(late)})
	}
	return out, nil
}

// extensionList lists extension chains: appeals whose department asked for more time again and again.
func extensionList(q db.Queryer, w db.Where, f WatchFilter, e db.Engine) (*db.List[Flagged], error) {
	cols := appeal.Columns + ", a.extension_requests, " + `(SELECT COUNT(*) FROM appeal_events x WHERE x.appeal_id = a.id AND x.action = 'approve_extension'),
		(SELECT COALESCE(SUM(` + eventInt(e, "x", "days") + `), 0) FROM appeal_events x WHERE x.appeal_id = a.id AND x.action = 'approve_extension')`
	return db.RunList(q, db.ListQuery{From: appeal.From, Cols: cols, ID: "a.id", Where: w, Desc: true}, f.Page,
		func(s db.Scanner) (*Flagged, error) {
			var asked, approved, days int
			ap, err := appeal.Scan(extraScanner{s, []any{&asked, &approved, &days}})
			if err != nil {
				return nil, err
			}
			return &Flagged{Appeal: ap, Count: asked,
				Detail: fmt.Sprintf("申请延期 %d 次，批准 %d 次，累计延长 %d 天", asked, approved, days)}, nil
		})
}

// eventInt reads an integer key of an event's data, which is JSON kept as text on both
// engines; each reads it its own way (PostgreSQL's ->> gives text, which it will neither
// add up nor compare with a number).
func eventInt(e db.Engine, alias, key string) string {
	if e == db.Postgres {
		return fmt.Sprintf("((%s.data::jsonb ->> '%s')::bigint)", alias, key)
	}
	return fmt.Sprintf("json_extract(%s.data, '$.%s')", alias, key)
}

// HumanDuration writes a duration as days and hours, or hours and minutes when short.
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days, hours := int(d.Hours())/24, int(d.Hours())%24
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d 天 %d 小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d 天", days)
	case hours > 0:
		return fmt.Sprintf("%d 小时 %d 分钟", hours, int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d 分钟", int(d.Minutes()))
}

// WatchCounts is the total of every workspace list, for the workspace's tabs.
func WatchCounts(ctx context.Context, d *db.DB, a db.Actor) (map[string]int, error) {
	out := map[string]int{}
	for _, k := range WatchKinds {
		list, err := Watch(ctx, d, a, k.Kind, WatchFilter{Filter: appeal.Filter{Page: db.Page{Limit: 1}}})
		if err != nil {
			return nil, err
		}
		out[k.Kind] = list.Total
	}
	return out, nil
}
