package appeal

import (
	"context"
	"encoding/json"
	"fmt"
	"qinqing/db"
	"strings"
	"time"
)

// AppealFilter selects appeals (contract §7).
type Filter struct {
	Stage        Stage
	Tier         Tier
	Source       Source
	Category     string
	Overdue      *bool
	DepartmentID int64
	EnterpriseID int64
	LeaderID     int64
	VisitID      int64  // the visit the appeals were found on
	From, To     string // filing dates, YYYY-MM-DD, inclusive
	Open         *bool  // true: not closed; false: closed
	Extension    *bool  // true: a department's extension request awaits a decision
	Number       string // the appeal number, e.g. SQ2026-000123
	Q            string
	// Sort "due" lists by due time, overdue first (a department's queue); "old" oldest
	// first (an intake queue); "dept" by department; default newest first.
	Sort string
	db.Page
	// PageNo, from 1, pages by position instead of by cursor: the numbered pages of the UI.
	PageNo int
	// IDs narrows the list to chosen appeals, "12,40,41" (an export of a selection).
	IDs string
	// DrillFilter adds the filters that the figures' links use (figures_filter.go).
	DrillFilter
}

// Where is the filter's conditions in the SQL of d's engine (the text search differs, and
// on PostgreSQL reads the enterprises and categories a search names first).
func (f *Filter) Where(ctx context.Context, d *db.DB, a db.Actor, now time.Time) (db.Where, error) {
	return f.WhereIn(ctx, d, Scope, a, now)
}

// WhereIn is Where under the given scope: figures count in a wider one than lists show.
func (f *Filter) WhereIn(ctx context.Context, d *db.DB, scope func(*db.Where, db.Actor), a db.Actor, now time.Time) (db.Where, error) {
	var w db.Where
	var v db.Violations
	scope(&w, a)
	if f.Stage != "" && !Contains(Stages, f.Stage) {
		v.Add("stage", "环节无效")
	}
	if f.Tier != "" && !Contains(Tiers, f.Tier) {
		v.Add("tier", "办理等级无效")
	}
	if f.Source != "" && !Contains(Sources, f.Source) {
		v.Add("source", "来源无效")
	}
	if _, ok := appealOrders[f.Sort]; !ok {
		v.Add("sort", "排序须为 due、old、new 或 dept")
	}
	w.Eq("a.number", strings.ToUpper(strings.TrimSpace(f.Number)))
	f.whereIDs(&w, &v)
	if f.Open != nil {
		if *f.Open {
			w.Add("a.stage != 'closed'")
		} else {
			w.Add("a.stage = 'closed'")
		}
	}
	if f.Extension != nil {
		if *f.Extension {
			w.Add("a.ext_requested_days IS NOT NULL")
		} else {
			w.Add("a.ext_requested_days IS NULL")
		}
	}
	w.Eq("a.stage", string(f.Stage))
	w.Eq("a.tier", string(f.Tier))
	w.Eq("a.source", string(f.Source))
	w.Eq("a.category", f.Category)
	w.EqID("a.department_id", f.DepartmentID)
	w.EqID("a.enterprise_id", f.EnterpriseID)
	w.EqID("a.leader_id", f.LeaderID)
	w.EqID("a.visit_id", f.VisitID)
	for _, d := range []struct {
		field, val, op string
		shift          time.Duration
	}{{"from", f.From, ">=", 0}, {"to", f.To, "<", 24 * time.Hour}} {
		if d.val == "" {
			continue
		}
		t, _, err := db.ParseTime(d.val)
		if err != nil {
			v.Add(d.field, "日期"+db.DateHint)
			continue
		}
		t = db.CalDayStart(t) // a time stands for its day in the city
		w.Add("a.created_at "+d.op+" ?", t.Add(d.shift).Unix())
	}
	if f.Overdue != nil {
		cond, args := OverdueSQL(OverdueNone, now)
		if !*f.Overdue {
			cond = "NOT " + cond
		}
		w.Add(cond, args...)
	}
	f.DrillFilter.todo(&w, &v, a, now)
	if err := Search(d.Engine(), d.R(ctx), &w, &v, f.Q); err != nil {
		return w, err
	}
	f.DrillFilter.apply(&w, &v)
	return w, v.Err()
}

// AppealEvent is one step on an appeal's timeline.
type Event struct {
	ID          int64           `json:"id"`
	At          time.Time       `json:"at"`
	ActorName   string          `json:"actor_name"`
	ActorRole   db.Role         `json:"actor_role"`
	Action      Action          `json:"action"`
	ActionLabel string          `json:"action_label"`
	StageBefore Stage           `json:"stage_before"`
	StageAfter  Stage           `json:"stage_after"`
	Note        string          `json:"note"`
	Data        json.RawMessage `json:"data"`
	Attachments []Attachment    `json:"attachments"`
}

// AppealEvents returns the timeline of an appeal the actor may see, oldest first.
func Events(ctx context.Context, d *db.DB, a db.Actor, id int64) ([]Event, error) {
	q := d.R(ctx)
	if _, err := FindOn(q, a, id); err != nil {
		return nil, err
	}
	rows, err := q.Query(`SELECT id, at, actor_name, actor_role, action, stage_before, stage_after, note, data
		FROM appeal_events WHERE appeal_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("db: appeal events: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	index := map[int64]int{}
	for rows.Next() {
		var e Event
		var at int64
		var data string
		if err := rows.Scan(&e.ID, &at, &e.ActorName, &e.ActorRole, &e.Action, &e.StageBefore, &e.StageAfter, &e.Note, &data); err != nil {
			return nil, err
		}
		e.At = time.Unix(at, 0).In(db.Zone)
		e.Data = json.RawMessage(data)
		e.ActionLabel = ActionLabel(e.Action)
		e.Attachments = []Attachment{}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	atts, err := ListAttachments(q, id)
	if err != nil {
		return nil, err
	}
	for _, att := range atts {
		if att.EventID != nil {
			if i, ok := index[*att.EventID]; ok {
				out[i].Attachments = append(out[i].Attachments, att)
			}
		}
	}
	return out, nil
}

// Category is an entry of the configurable list of problem categories.
type Category struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Conduct bool   `json:"conduct"`
	Active  bool   `json:"active"`
}

// Categories lists the categories in display order.
func Categories(ctx context.Context, d *db.DB) ([]Category, error) {
	rows, err := d.R(ctx).Query("SELECT id, name, conduct, active FROM categories ORDER BY sort, id")
	if err != nil {
		return nil, fmt.Errorf("db: categories: %w", err)
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.ID, &c.Name, &c.Conduct, &c.Active); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
