package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/ledger"
	"strings"
	"testing"
	"time"
)

// appealIndexUser is a query of the application, built as the application builds it,
// that needs one of the indexes on appeals.
type appealIndexUser struct {
	name  string
	query string
	args  []any
}

// appealListPage is the SQL of the first page of ListAppeals (runList) for the actor and
// filter. (Its total may count over a figures index instead, which has the same leading
// column and needs no order.)
func appealListPage(t *testing.T, d *db.DB, name string, a db.Actor, f appeal.Filter) []appealIndexUser {
	t.Helper()
	w, err := f.Where(t.Context(), d, a, time.Now())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return []appealIndexUser{{name, "SELECT " + appeal.Columns + " FROM " + appeal.From + w.Sql() + " ORDER BY a.id DESC LIMIT ?", append(w.Args, 21)}}
}

// watchIndexes are the partial indexes of the discipline office's lists, whose users
// TestWatchListsUseIndexes (db/oversight) names.
var watchIndexes = map[string]bool{"appeals_reopened": true, "appeals_unsatisfied": true, "appeals_returned": true,
	"appeals_ext_requests": true, "appeals_sign_quick": true, "appeals_sign_thin": true, "appeals_sign_unsat": true,
	"appeals_supervised": true}

// TestAppealIndexesHaveUsers: every index on appeals costs the writer on each create and
// each step of an appeal, so each must be one that some query of the application reads.
// Every index is listed from the schema, and each must have a named user whose query
// plan reads it; an index without one is dropped by a migration, and a new index comes
// with its user here. The figures indexes (appeals_fig_*) are proven by
// TestFiguresUseIndexes, and the UNIQUE constraint's own index by the constraint.
func TestAppealIndexesHaveUsers(t *testing.T) {
	dbtest.SQLiteOnly(t) // reads sqlite_master and SQLite's plans; TestDueOrderUsesIndex checks PostgreSQL's own due index
	d := dbtest.MustOpen(t)
	office := db.Actor{Role: db.RoleOffice, Name: "专班"}
	dept := db.Actor{Role: db.RoleDepartment, DepartmentID: 2, Name: "单位"}
	id := int64(1)
	resolution, rArgs := appeal.OverdueCandidateSQL(appeal.OverdueResolution, time.Now())
	response, sArgs := appeal.OverdueCandidateSQL(appeal.OverdueResponse, time.Now())
	var open db.Where
	dueSQL, dueArgs := appeal.DueRunSQL(dbtest.Engine(), open, 0, nil, 21, 0)
	yes := true
	users := map[string][]appealIndexUser{
		"appeals_stage_due":     appealListPage(t, d, "list of one stage", office, appeal.Filter{Stage: appeal.StageRectifying}),
		"appeals_held_due":      {{"escalation candidates past their resolution deadline", resolution, rArgs}},
		"appeals_held_response": {{"escalation candidates not accepted in time", response, sArgs}},
		"appeals_due_order":     {{"the office's list by due time (open run)", dueSQL, dueArgs}},
		"appeals_ext_pending":   appealListPage(t, d, "the office's extension requests", office, appeal.Filter{Extension: &yes}),
		"appeals_enterprise":    appealListPage(t, d, "an enterprise's own list", db.Actor{Role: db.RoleEnterprise, EnterpriseID: 1}, appeal.Filter{}),
		"appeals_leader":        appealListPage(t, d, "list of one leader's appeals", office, appeal.Filter{LeaderID: id}),
		"appeals_department":    appealListPage(t, d, "a department's 待办", dept, appeal.Filter{DrillFilter: appeal.DrillFilter{Todo: appeal.TodoAll}}),
		"appeals_created":       appealListPage(t, d, "list of a date range", office, appeal.Filter{From: "2026-05-01", To: "2026-05-31"}),
		"appeals_external_ref":  {{"a hotline ticket's appeal", "SELECT id FROM appeals WHERE source = 'hotline' AND external_ref = ?", []any{"GD-1"}}},
		"appeals_category":      appealListPage(t, d, "list of one category", office, appeal.Filter{Category: "要素保障-用电"}),
		"appeals_visit": append(appealListPage(t, d, "list of one visit's appeals", office, appeal.Filter{VisitID: id}),
			appealIndexUser{"a visit's appeal count", "SELECT " + ledger.VisitColumns + " FROM " + ledger.VisitFrom + " WHERE v.id = ?", []any{id}}),
	}
	rows, err := d.Read.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'appeals' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var indexes []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "appeals_fig_") && !strings.HasPrefix(name, "sqlite_autoindex_") && !watchIndexes[name] {
			indexes = append(indexes, name)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(indexes) == 0 {
		t.Fatal("no index on appeals found")
	}
	for _, index := range indexes {
		us, ok := users[index]
		if !ok {
			t.Errorf("index %s has no known user: name the query that needs it here, or drop it", index)
			continue
		}
		delete(users, index)
		for _, u := range us {
			plan := explainPlan(t, d, u.query, u.args)
			if !strings.Contains(plan+" ", "INDEX "+index+" ") {
				t.Errorf("%s: %s does not read index %s:\n%s\n%s", index, u.name, index, u.query, plan)
			}
		}
	}
	for index := range users {
		t.Errorf("users listed for %s, which is not an index on appeals", index)
	}
}

func explainPlan(t *testing.T, d *db.DB, query string, args []any) string {
	t.Helper()
	return strings.Join(dbtest.Explain(t, d, query, args...), " | ")
}
