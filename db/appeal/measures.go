package appeal

import (
	"fmt"
	"qinqing/db"
)

// The discipline office's lists (db/oversight) filter on measures of an appeal's history.
// The writer keeps them on the appeal as the steps happen, so that a list seeks the few
// appeals it is about instead of reading every timeline on each view.
const (
	// signsSQL decides two signs of a closure that may not be real, when the appeal
	// closes: the shortest time from an assignment to the report that answered it, and
	// the length of the last report when it is one line with no file attached.
	signsSQL = `UPDATE appeals SET
	sign_quick_secs = (SELECT MIN(CASE WHEN g >= 0 THEN g END) FROM (SELECT r.at - (SELECT MAX(s.at) FROM appeal_events s
		WHERE s.appeal_id = r.appeal_id AND s.action = 'assign' AND s.id < r.id) AS g
		FROM appeal_events r WHERE r.appeal_id = ? AND r.action = 'report') x),
	sign_thin_len = (SELECT CASE WHEN r.note NOT LIKE '%` + "\n" + `%' AND NOT EXISTS (SELECT 1 FROM attachments f WHERE f.event_id = r.id)
		THEN length(r.note) END FROM appeal_events r WHERE r.appeal_id = ? AND r.action = 'report' ORDER BY r.id DESC LIMIT 1)
	WHERE id = ?`
)

// keepMeasures updates the measures that the step in just taken on ap changes. The third
// sign, a 不满意 with no report since, is kept at every rating and report, and read at
// closing with the appeal's stage.
func keepMeasures(t *db.Tx, ap *Appeal, before Stage, in ActionInput) error {
	var stmts []string
	switch {
	case in.Action == ActRate && in.Satisfaction == "unsatisfied":
		stmts = append(stmts, "UPDATE appeals SET unsatisfied_count = unsatisfied_count + 1, sign_unsat = TRUE WHERE id = ?")
	case in.Action == ActReport:
		stmts = append(stmts, "UPDATE appeals SET sign_unsat = FALSE WHERE id = ?")
	case in.Action == ActRequestExtension:
		stmts = append(stmts, "UPDATE appeals SET extension_requests = extension_requests + 1 WHERE id = ?")
	}
	for _, s := range stmts {
		if _, err := t.Exec(s, ap.ID); err != nil {
			return fmt.Errorf("db: appeal %d measures: %w", ap.ID, err)
		}
	}
	if ap.Stage == StageClosed && before != StageClosed && ap.CloseReason != "merged" {
		if _, err := t.Exec(signsSQL, ap.ID, ap.ID, ap.ID); err != nil {
			return fmt.Errorf("db: appeal %d closing signs: %w", ap.ID, err)
		}
	}
	return nil
}
