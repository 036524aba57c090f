package oversight

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
	"time"
)

// The three signs of a closure that may not be real, each a condition on a closed appeal.
const (
	// The department reported the rectification done within minutes of being assigned.
	suspectQuickSQL = `EXISTS (SELECT 1 FROM appeal_events r WHERE r.appeal_id = a.id AND r.action = 'report'
		AND r.at - (SELECT MAX(s.at) FROM appeal_events s WHERE s.appeal_id = a.id AND s.action = 'assign' AND s.id < r.id)
		BETWEEN 0 AND %d)`
	// The last report is one short line, with no file attached to it. The newline sits in
	// the literal itself, which both engines read as is.
	suspectThinSQL = `EXISTS (SELECT 1 FROM appeal_events r WHERE r.id = (SELECT MAX(x.id) FROM appeal_events x
		WHERE x.appeal_id = a.id AND x.action = 'report') AND r.note NOT LIKE '%%` + "\n" + `%%' AND length(r.note) < %d
		AND NOT EXISTS (SELECT 1 FROM attachments f WHERE f.event_id = r.id))`
	// Rated 不满意, and closed without any report after that rating.
	suspectUnsatisfiedSQL = `EXISTS (SELECT 1 FROM appeal_events u WHERE u.appeal_id = a.id AND u.action = 'rate'
		AND %s = 'unsatisfied'
		AND NOT EXISTS (SELECT 1 FROM appeal_events r WHERE r.appeal_id = a.id AND r.action = 'report' AND r.id > u.id))`
)

var suspectLabels = map[string]string{
	SuspectQuick:       "交办后数分钟即报告整改完成",
	SuspectThin:        "整改报告仅一行且无佐证材料",
	SuspectUnsatisfied: "评价不满意后未重新整改即办结",
}

// SuspectLabel is the Chinese name of a suspicious-closure reason.
func SuspectLabel(reason string) string { return suspectLabels[reason] }

// suspiciousList lists closed appeals that show any of the three signs.
func suspiciousList(q db.Queryer, w db.Where, f WatchFilter, e db.Engine) (*db.List[Flagged], error) {
	if f.Minutes <= 0 {
		f.Minutes = 30
	}
	if f.MaxChars <= 0 {
		f.MaxChars = 20
	}
	// The thresholds are integers, written into the SQL so that the flags can be both
	// conditions and selected columns (a selected column takes no bound argument here).
	quick, thin := fmt.Sprintf(suspectQuickSQL, f.Minutes*60), fmt.Sprintf(suspectThinSQL, f.MaxChars)
	unsat := fmt.Sprintf(suspectUnsatisfiedSQL, eventText(e, "u", "satisfaction"))
	w.Add("a.stage = 'closed' AND COALESCE(a.close_reason, '') != 'merged'")
	switch f.Reason {
	case "":
		w.Add("(" + quick + " OR " + thin + " OR " + unsat + ")")
	case SuspectQuick:
		w.Add(quick)
	case SuspectThin:
		w.Add(thin)
	case SuspectUnsatisfied:
		w.Add(unsat)
	default:
		return nil, &db.Error{Code: db.EINVALID, Message: "可疑原因须为 quick、thin 或 unsatisfied。", Fields: []db.FieldError{{Field: "reason", Message: "无效的原因"}}}
	}
	cols := appeal.Columns + ", " + quick + ", " + thin + ", " + unsat
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

// supervisionList lists appeals under supervision (督办) with its deadline and what has
// happened since it was ordered.
func supervisionList(q db.Queryer, w db.Where, f WatchFilter, now time.Time) (*db.List[Flagged], error) {
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
		return nil, &db.Error{Code: db.EINVALID, Message: "督办状态须为 open、overdue 或 done。", Fields: []db.FieldError{{Field: "state", Message: "无效的状态"}}}
	}
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
