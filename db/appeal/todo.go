package appeal

import (
	"context"
	"fmt"
	"qinqing/db"
	"strings"
	"time"
)

// 我的待办: what needs a role now. Each kind is one list filter (todo=kind on the appeal
// list), so a home tile or a nav badge counts exactly the rows its link opens.

// TodoKind is one kind of thing waiting on someone.
type TodoKind struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	// Tone is how the tile is coloured: bad (red), warn (amber) or info.
	Tone string `json:"tone"`
}

// The kinds; TodoAll is the union of the caller's role's kinds (the nav's 待办 badge).
const (
	TodoSoon       = "soon"       // ≥ 80 % of the pending deadline's time used
	TodoLate       = "late"       // 办理超期
	TodoUnaccepted = "unaccepted" // 受理超时
	TodoOverdue    = "overdue"    // either overdue state
	TodoReturned   = "returned"   // returned by a department, waiting to be assigned again
	TodoExtension  = "extension"  // an extension request awaits the office
	TodoSupervised = "supervised" // under the discipline office's supervision (督办)
	TodoPressed    = "pressed"    // an urge (催办) or instruction (批示) not yet answered
	TodoUnrated    = "unrated"    // reported, waiting on the enterprise's rating
	TodoAll        = "all"
	// TodoIntake is the office's intake queue (发现 and 核查); a home tile, not a badge.
	TodoIntake = "intake"
)

var todoKinds = map[string]TodoKind{
	TodoSoon:       {TodoSoon, "即将超期", "warn"},
	TodoLate:       {TodoLate, "已超期", "bad"},
	TodoUnaccepted: {TodoUnaccepted, "受理超时", "bad"},
	TodoOverdue:    {TodoOverdue, "已超期", "bad"},
	TodoReturned:   {TodoReturned, "被退回", "warn"},
	TodoExtension:  {TodoExtension, "延期待批", "info"},
	TodoSupervised: {TodoSupervised, "督办", "bad"},
	TodoPressed:    {TodoPressed, "催办/批示", "warn"},
	TodoUnrated:    {TodoUnrated, "待评价", "info"},
	TodoAll:        {TodoAll, "全部待办", "info"},
	TodoIntake:     {TodoIntake, "待受理与核查", "info"},
}

// roleTodos are each role's kinds, in the order its home shows them.
var roleTodos = map[db.Role][]string{
	db.RoleOffice:     {TodoSoon, TodoLate, TodoUnaccepted, TodoReturned, TodoExtension, TodoSupervised, TodoPressed},
	db.RoleDepartment: {TodoSoon, TodoLate, TodoSupervised, TodoPressed, TodoExtension},
	db.RoleLeader:     {TodoSoon, TodoOverdue, TodoSupervised},
	db.RoleEnterprise: {TodoUnrated},
}

// TodoKinds lists the role's kinds of 待办, in order; none for roles without one.
func TodoKinds(r db.Role) []TodoKind {
	var out []TodoKind
	for _, k := range roleTodos[r] {
		out = append(out, todoKinds[k])
	}
	return out
}

// TodoLabel is the Chinese name of a kind, "" if unknown.
func TodoLabel(kind string) string { return todoKinds[kind].Label }

// pressedSQL: an urge or instruction after which nobody handling the appeal has acted.
const pressedSQL = `EXISTS (SELECT 1 FROM appeal_events x WHERE x.appeal_id = a.id AND x.action IN ('urge', 'instruct')
	AND NOT EXISTS (SELECT 1 FROM appeal_events y WHERE y.appeal_id = a.id AND y.id > x.id
		AND y.actor_role IN ('office', 'department', 'auditor') AND y.action NOT IN ('urge', 'instruct')))`

// todoSQL is the condition of one kind at now.
func todoSQL(kind string, now time.Time) (string, []any) {
	switch kind {
	case TodoSoon:
		return dueSoonSQL(now)
	case TodoLate:
		return OverdueSQL(OverdueResolution, now)
	case TodoUnaccepted:
		return OverdueSQL(OverdueResponse, now)
	case TodoOverdue:
		return OverdueSQL(OverdueNone, now)
	case TodoReturned:
		return "(a.stage = 'verifying' AND a.return_count > 0)", nil
	case TodoExtension:
		return "(a.stage = 'rectifying' AND a.ext_requested_days IS NOT NULL)", nil
	case TodoSupervised:
		return "(" + heldSQL + " AND a.supervision_due_at IS NOT NULL)", nil
	case TodoPressed:
		return "(" + heldSQL + " AND " + pressedSQL + ")", nil
	case TodoIntake:
		return "a.stage IN ('discovered', 'verifying')", nil
	case TodoUnrated:
		return "(a.stage = 'feedback' AND a.rated_at IS NULL)", nil
	}
	return "", nil
}

// todo adds the todo=kind condition for the actor. A department's 待办 is only what it
// holds now (整改 with it), not the appeals it once handled.
func (f *DrillFilter) todo(w *db.Where, v *db.Violations, a db.Actor, now time.Time) {
	if f.Todo == "" {
		return
	}
	kinds := []string{f.Todo}
	if f.Todo == TodoAll {
		kinds = roleTodos[a.Role]
	}
	var parts []string
	var args []any
	for _, k := range kinds {
		cond, xs := todoSQL(k, now)
		if cond == "" {
			v.Add("todo", "待办类别无效")
			return
		}
		parts, args = append(parts, cond), append(args, xs...)
	}
	if len(parts) == 0 {
		w.Add("FALSE")
		return
	}
	w.Add("("+strings.Join(parts, " OR ")+")", args...)
	if a.Role == db.RoleDepartment {
		w.Add("a.department_id = ? AND a.stage = 'rectifying'", a.DepartmentID)
	}
}

// Count is the number of appeals the actor may list that f selects: the total the list
// page shows for the same filter (up to db.TotalBound), without fetching a row.
func Count(ctx context.Context, d *db.DB, a db.Actor, f Filter) (db.Total, error) {
	w, err := f.Where(ctx, d, a, d.Now().Truncate(time.Second))
	if err != nil {
		return db.Total{}, err
	}
	n, capped, err := db.CountUpTo(d.R(ctx), db.CountFrom(From, CountFrom, w), w)
	if err != nil {
		return db.Total{}, fmt.Errorf("db: count appeals: %w", err)
	}
	return db.Total{N: n, Capped: capped}, nil
}
