package appeal_test

import (
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"strings"
	"testing"
	"time"
)

// TestEscalationCandidatesUseIndexes: the escalation job looks for its candidates every
// minute, so each overdue state's query must be a range on its index of held appeals,
// never a scan of the appeals table or of every held appeal.
func TestEscalationCandidatesUseIndexes(t *testing.T) {
	dbtest.SQLiteOnly(t) // reads SQLite's plan text (SEARCH … USING INDEX)
	d := dbtest.MustOpen(t)
	for st, index := range map[appeal.OverdueState]string{appeal.OverdueResolution: "appeals_held_due", appeal.OverdueResponse: "appeals_held_response"} {
		query, args := appeal.OverdueCandidateSQL(st, time.Now())
		lines := dbtest.Explain(t, d, query, args...)
		plan := strings.Join(lines, " | ")
		if !strings.Contains(plan, "SEARCH a USING") || !strings.Contains(plan, index+" (stage=? AND ") {
			t.Errorf("%s candidates are not a range on %s:\n%s\n%s", st, index, query, plan)
		}
		for _, l := range lines {
			if strings.HasPrefix(l, "SCAN") {
				t.Errorf("%s candidates scan: %s\n%s", st, l, query)
			}
		}
	}
}
