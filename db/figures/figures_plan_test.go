package figures_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"strings"
	"testing"
)

// TestFiguresUseIndexes runs every dashboard query of the city and of a department's
// scope under EXPLAIN QUERY PLAN: none may read the appeals table without an index, and
// the city's grouped queries must read their covering index in order, without sorting.
func TestFiguresUseIndexes(t *testing.T) {
	dbtest.SQLiteOnly(t) // reads SQLite's EXPLAIN QUERY PLAN; PostgreSQL's planner picks by its statistics
	d, _ := figureFixture(t)
	type plan struct {
		query string
		lines []string
	}
	var plans []plan
	figures.FigureTrace = func(query string, args []any) {
		rows, err := d.Read.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Errorf("explain %s: %v", query, err)
			return
		}
		defer rows.Close()
		p := plan{query: query}
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			p.lines = append(p.lines, detail)
		}
		plans = append(plans, p)
	}
	defer func() { figures.FigureTrace = nil }()
	month := appeal.Filter{From: "2026-05-01", To: "2026-05-31"}
	for _, actor := range []db.Actor{dbtest.AdminActor, {Role: db.RoleDepartment, DepartmentID: 2, Name: "单位02"}, {Role: db.RoleLeader, LeaderID: 1, Name: "领导01"}} {
		city := actor.Role == db.RoleAdmin
		plans = nil
		if _, err := figures.Overview(dbtest.Ctx(), d, actor, month); err != nil {
			t.Fatal(err)
		}
		for dim := range figures.Dimensions {
			if dim != "months" {
				if _, err := figures.Breakdown(dbtest.Ctx(), d, actor, dim, month); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := figures.Trend(dbtest.Ctx(), d, actor, month, 12); err != nil {
			t.Fatal(err)
		}
		if _, err := figures.Rankings(dbtest.Ctx(), d, actor, "departments", month); err != nil {
			t.Fatal(err)
		}
		if len(plans) < 10 {
			t.Fatalf("only %d figures queries traced", len(plans))
		}
		for _, p := range plans {
			text := strings.Join(p.lines, " | ")
			for _, l := range p.lines {
				if (strings.HasPrefix(l, "SCAN a") || strings.HasPrefix(l, "SCAN appeals")) && !strings.Contains(l, "INDEX") {
					t.Errorf("%s: full scan of appeals:\n%s\n%s", actor.Role, p.query, text)
				}
			}
			if city && strings.Contains(p.query, "GROUP BY") && !strings.Contains(p.query, "fig_open") &&
				(!strings.Contains(text, "appeals_fig_") || strings.Contains(text, "TEMP B-TREE FOR GROUP BY")) {
				t.Errorf("city query does not read a figures index in order:\n%s\n%s", p.query, text)
			}
		}
	}
}
