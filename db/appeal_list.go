package db

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AppealFilter selects appeals (contract §7).
type AppealFilter struct {
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
	// first (an intake queue); default newest first.
	Sort string
	Page
	// DrillFilter adds the filters that the figures' links use (figures_filter.go).
	DrillFilter
}

func (f *AppealFilter) where(a Actor, now time.Time) (where, error) {
	return f.whereIn(appealScope, a, now)
}

// whereIn is where under the given scope: figures count in a wider one than lists show.
func (f *AppealFilter) whereIn(scope func(*where, Actor), a Actor, now time.Time) (where, error) {
	var w where
	var v Violations
	scope(&w, a)
	if f.Stage != "" && !contains(Stages, f.Stage) {
		v.Add("stage", "环节无效")
	}
	if f.Tier != "" && !contains(Tiers, f.Tier) {
		v.Add("tier", "办理等级无效")
	}
	if f.Source != "" && !contains(Sources, f.Source) {
		v.Add("source", "来源无效")
	}
	if f.Sort != "" && f.Sort != "due" && f.Sort != "new" && f.Sort != "old" {
		v.Add("sort", "排序须为 due、old 或 new")
	}
	w.eq("a.number", strings.ToUpper(strings.TrimSpace(f.Number)))
	if f.Open != nil {
		if *f.Open {
			w.add("a.stage != 'closed'")
		} else {
			w.add("a.stage = 'closed'")
		}
	}
	if f.Extension != nil {
		if *f.Extension {
			w.add("a.ext_requested_days IS NOT NULL")
		} else {
			w.add("a.ext_requested_days IS NULL")
		}
	}
	w.eq("a.stage", string(f.Stage))
	w.eq("a.tier", string(f.Tier))
	w.eq("a.source", string(f.Source))
	w.eq("a.category", f.Category)
	w.eqID("a.department_id", f.DepartmentID)
	w.eqID("a.enterprise_id", f.EnterpriseID)
	w.eqID("a.leader_id", f.LeaderID)
	w.eqID("a.visit_id", f.VisitID)
	for _, d := range []struct {
		field, val, op string
		shift          time.Duration
	}{{"from", f.From, ">=", 0}, {"to", f.To, "<", 24 * time.Hour}} {
		if d.val == "" {
			continue
		}
		t, _, err := ParseTime(d.val)
		if err != nil {
			v.Add(d.field, "日期"+DateHint)
			continue
		}
		t = calDayStart(t) // a time stands for its day in the city
		w.add("a.created_at "+d.op+" ?", t.Add(d.shift).Unix())
	}
	if f.Overdue != nil {
		cond, args := overdueSQL(OverdueNone, now)
		if !*f.Overdue {
			cond = "NOT " + cond
		}
		w.add(cond, args...)
	}
	f.DrillFilter.todo(&w, &v, a, now)
	searchAppeals(&w, &v, f.Q)
	f.DrillFilter.apply(&w, &v)
	return w, v.Err()
}

// ListAppeals lists the appeals the actor may see.
func (db *DB) ListAppeals(ctx context.Context, a Actor, f AppealFilter) (*List[Appeal], error) {
	now := db.Now().Truncate(time.Second)
	w, err := f.where(a, now)
	if err != nil {
		return nil, err
	}
	q := db.r(ctx)
	var out *List[Appeal]
	switch f.Sort {
	case "due":
		out, err = listByDue(q, w, f.Page)
	default:
		out, err = runList(q, listQuery{From: appealFrom, Cols: appealColumns, ID: "a.id", Where: w, Desc: f.Sort != "old"}, f.Page, scanAppeal)
	}
	if err != nil {
		return nil, err
	}
	if out.HiddenReports, err = hiddenReports(q, a, f, now); err != nil {
		return nil, err
	}
	for i := range out.Items {
		out.Items[i].present(a, now)
	}
	return out, nil
}

// hiddenReports counts the reports that match the filter and that the city's figures
// count for the actor but its lists never show (the office and admins): a drill-down
// from a figure then says how many it cannot list, rather than silently listing fewer.
func hiddenReports(q queryer, a Actor, f AppealFilter, now time.Time) (int, error) {
	if !a.Is(RoleAdmin, RoleOffice) {
		return 0, nil
	}
	w, err := f.whereIn(appealCountScope, a, now)
	if err != nil {
		return 0, err
	}
	w.add("a.source = 'report'")
	var n int
	if err := q.QueryRow("SELECT COUNT(*) FROM "+appealFrom+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count hidden reports: %w", err)
	}
	return n, nil
}

// listByDue pages by position, because the order is not by id.
func listByDue(q queryer, w where, p Page) (*List[Appeal], error) {
	limit := p.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return nil, Errorf(EINVALID, "limit 须在 1 到 %d 之间。", MaxLimit)
	}
	offset := 0
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		if err == nil && strings.HasPrefix(string(raw), "o") {
			offset, err = strconv.Atoi(string(raw[1:]))
		}
		if err != nil || offset <= 0 {
			return nil, &Error{Code: EBADREQUEST, Message: "分页游标无效。", Fields: []FieldError{{"cursor", "无效的游标"}}}
		}
	}
	out := &List[Appeal]{Items: []Appeal{}}
	if err := q.QueryRow("SELECT COUNT(*) FROM "+appealFrom+w.sql(), w.args...).Scan(&out.Total); err != nil {
		return nil, fmt.Errorf("db: count appeals: %w", err)
	}
	rows, err := q.Query("SELECT "+appealColumns+" FROM "+appealFrom+w.sql()+
		" ORDER BY a.stage = 'closed', COALESCE(a.extended_due_at, a.due_at), a.id LIMIT ? OFFSET ?", append(w.args, limit+1, offset)...)
	if err != nil {
		return nil, fmt.Errorf("db: list appeals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		ap, err := scanAppeal(rows)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *ap)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(offset+limit)))
	}
	return out, rows.Err()
}

// AppealEvent is one step on an appeal's timeline.
type AppealEvent struct {
	ID          int64           `json:"id"`
	At          time.Time       `json:"at"`
	ActorName   string          `json:"actor_name"`
	ActorRole   Role            `json:"actor_role"`
	Action      Action          `json:"action"`
	ActionLabel string          `json:"action_label"`
	StageBefore Stage           `json:"stage_before"`
	StageAfter  Stage           `json:"stage_after"`
	Note        string          `json:"note"`
	Data        json.RawMessage `json:"data"`
	Attachments []Attachment    `json:"attachments"`
}

// AppealEvents returns the timeline of an appeal the actor may see, oldest first.
func (db *DB) AppealEvents(ctx context.Context, a Actor, id int64) ([]AppealEvent, error) {
	q := db.r(ctx)
	if _, err := findAppeal(q, a, id); err != nil {
		return nil, err
	}
	rows, err := q.Query(`SELECT id, at, actor_name, actor_role, action, stage_before, stage_after, note, data
		FROM appeal_events WHERE appeal_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("db: appeal events: %w", err)
	}
	defer rows.Close()
	out := []AppealEvent{}
	index := map[int64]int{}
	for rows.Next() {
		var e AppealEvent
		var at int64
		var data string
		if err := rows.Scan(&e.ID, &at, &e.ActorName, &e.ActorRole, &e.Action, &e.StageBefore, &e.StageAfter, &e.Note, &data); err != nil {
			return nil, err
		}
		e.At = time.Unix(at, 0).In(Zone)
		e.Data = json.RawMessage(data)
		e.ActionLabel = ActionLabel(e.Action)
		e.Attachments = []Attachment{}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	atts, err := listAttachments(q, id)
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
func (db *DB) Categories(ctx context.Context) ([]Category, error) {
	rows, err := db.r(ctx).Query("SELECT id, name, conduct, active FROM categories ORDER BY sort, id")
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
