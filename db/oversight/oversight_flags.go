package oversight

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
	"time"
)

// The three signs of a closure that may not be real, each a condition on a closed appeal
// over the measures the writer decided when it closed (db/appeal/measures.go). The
// thresholds are integers, written into the SQL so that a sign can be both a condition
// and a selected column (a selected column takes no bound argument here).
const (
	// The department reported the rectification done within minutes of being assigned.
	suspectQuickSQL = `a.sign_quick_secs <= %d`
	// The last report is one short line, with no file attached to it.
	suspectThinSQL = `a.sign_thin_len < %d`
	// Rated 不满意, and closed without any report after that rating.
	suspectUnsatisfiedSQL = `a.sign_unsat = TRUE`
)

var suspectLabels = map[string]string{
	SuspectQuick:       "交办后数分钟即报告整改完成",
	SuspectThin:        "整改报告仅一行且无佐证材料",
	SuspectUnsatisfied: "评价不满意后未重新整改即办结",
}

// SuspectLabel is the Chinese name of a suspicious-closure reason.
func SuspectLabel(reason string) string { return suspectLabels[reason] }

// suspiciousWhere selects closed appeals that show any of the three signs, or the one
// that f.Reason names.
func suspiciousWhere(w *db.Where, f *WatchFilter) error {
	if f.Minutes <= 0 {
		f.Minutes = 30
	}
	if f.MaxChars <= 0 {
		f.MaxChars = 20
	}
	quick, thin, unsat := suspectSigns(*f)
	w.Add("COALESCE(a.close_reason, '') != 'merged'")
	// The closed stage sits in each alternative, where each sign's index reads it with
	// the sign (a union of three index ranges), rather than once outside them, where one
	// index would read every closed appeal to test the three.
	const closed = "a.stage = 'closed' AND "
	switch f.Reason {
	case "":
		w.Add("((" + closed + quick + ") OR (" + closed + thin + ") OR (" + closed + unsat + "))")
	case SuspectQuick:
		w.Add(closed + quick)
	case SuspectThin:
		w.Add(closed + thin)
	case SuspectUnsatisfied:
		w.Add(closed + unsat)
	default:
		return &db.Error{Code: db.EINVALID, Message: "可疑原因须为 quick、thin 或 unsatisfied。", Fields: []db.FieldError{{Field: "reason", Message: "无效的原因"}}}
	}
	return nil
}

func suspectSigns(f WatchFilter) (quick, thin, unsat string) {
	return fmt.Sprintf(suspectQuickSQL, f.Minutes*60), fmt.Sprintf(suspectThinSQL, f.MaxChars), suspectUnsatisfiedSQL
}

// suspiciousList lists the closed appeals suspiciousWhere selects, with the signs each shows.
func suspiciousList(q db.Queryer, w db.Where, f WatchFilter) (*db.List[Flagged], error) {
	quick, thin, unsat := suspectSigns(f)
	cols := appeal.Columns + ", COALESCE(" + quick + ", FALSE), COALESCE(" + thin + ", FALSE), " + unsat
	return db.RunList(q, db.ListQuery{From: appeal.From, Cols: cols, ID: "a.id", Where: w, Desc: true}, f.Page, func(s db.Scanner) (*Flagged, error) {
		var isQuick, isThin, isUnsat bool
		ap, err := appeal.Scan(extraScanner{s, []any{&isQuick, &isThin, &isUnsat}})
		if err != nil {
			return nil, err
		}
		x := &Flagged{Appeal: ap, Reasons: []string{}}
		var labels []string
		for _, r := range []struct {
			on   bool
			name string
		}{{isQuick, SuspectQuick}, {isThin, SuspectThin}, {isUnsat, SuspectUnsatisfied}} {
			if r.on {
				x.Reasons = append(x.Reasons, r.name)
				labels = append(labels, suspectLabels[r.name])
			}
		}
		x.Detail = strings.Join(labels, "；")
		return x, nil
	})
}

// supervisionWhere selects appeals under supervision (督办), narrowed by f.State.
func supervisionWhere(w *db.Where, f *WatchFilter, now time.Time) error {
	w.Add("a.supervision_due_at IS NOT NULL")
	n := now.Unix()
	switch f.State {
	case "":
	case "open":
		w.Add("a.stage NOT IN ('feedback', 'closed') AND a.supervision_due_at >= ?", n)
	case "overdue":
		w.Add("a.stage NOT IN ('feedback', 'closed') AND a.supervision_due_at < ?", n)
	case "done":
		w.Add("a.stage IN ('feedback', 'closed')")
	default:
		return &db.Error{Code: db.EINVALID, Message: "督办状态须为 open、overdue 或 done。", Fields: []db.FieldError{{Field: "state", Message: "无效的状态"}}}
	}
	return nil
}

// supervisionList lists appeals under supervision with its deadline and what has
// happened since it was ordered.
func supervisionList(q db.Queryer, w db.Where, f WatchFilter, now time.Time) (*db.List[Flagged], error) {
	const since = `(SELECT MAX(s.id) FROM appeal_events s WHERE s.appeal_id = a.id AND s.action IN ('supervise', 'auto_supervise'))`
	cols := appeal.Columns + `, (SELECT COUNT(*) FROM appeal_events x WHERE x.appeal_id = a.id AND x.id > ` + since + `),
		(SELECT x.action FROM appeal_events x WHERE x.appeal_id = a.id ORDER BY x.id DESC LIMIT 1),
		(SELECT x.at FROM appeal_events x WHERE x.appeal_id = a.id ORDER BY x.id DESC LIMIT 1)`
	return db.RunList(q, db.ListQuery{From: appeal.From, Cols: cols, ID: "a.id", Where: w, Desc: true}, f.Page,
		func(s db.Scanner) (*Flagged, error) {
			var after int
			var last string
			var lastAt int64
			ap, err := appeal.Scan(extraScanner{s, []any{&after, &last, &lastAt}})
			if err != nil {
				return nil, err
			}
			at := time.Unix(lastAt, 0).In(db.Zone)
			x := &Flagged{Appeal: ap, Count: after, LastAction: appeal.ActionLabel(appeal.Action(last)), LastActionAt: &at}
			due := *ap.SupervisionDueAt
			done := ap.FeedbackAt
			if ap.ClosedAt != nil && (done == nil || ap.ClosedAt.Before(*done)) {
				done = ap.ClosedAt
			}
			switch {
			case ap.Stage == appeal.StageFeedback || ap.Stage == appeal.StageClosed:
				x.Supervision = "按期落实"
				if done != nil && done.After(due) {
					x.Supervision = "逾期落实"
				}
			case now.After(due):
				x.Supervision = "督办超期"
			default:
				x.Supervision = "督办中"
			}
			x.Detail = fmt.Sprintf("督办期限 %s，%s；督办后办理 %d 步", due.Format("2006-01-02 15:04"), x.Supervision, after)
			return x, nil
		})
}
