package figures

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"sort"
	"strconv"
	"time"
)

// FigureRow is one group of a breakdown: its figures and, for each figure, the
// appeals-list filter that reproduces it (nil when the group cannot be listed).
type FigureRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Figures
	Drill map[string]string `json:"drill"`
}

// merge adds the counts of o (rates are derived again by finish).
func (f *Figures) merge(o *Figures) {
	f.Filed += o.Filed
	f.Open += o.Open
	f.Overdue += o.Overdue
	f.Closed += o.Closed
	f.Merged += o.Merged
	f.Handled += o.Handled
	f.Reopened += o.Reopened
	f.Returned += o.Returned
	f.Responded += o.Responded
	f.Rated += o.Rated
	f.Resolved += o.Resolved
	f.Satisfactory += o.Satisfactory
	f.Unsatisfied += o.Unsatisfied
	f.OnTime += o.OnTime
	f.OnTimeExtended += o.OnTimeExtended
	f.HandlingSeconds += o.HandlingSeconds
}

// Breakdown groups the figures of the appeals the actor may see that match f by one
// dimension (departments, leaders, categories, sources, tiers or districts), largest first.
func Breakdown(ctx context.Context, d *db.DB, a db.Actor, dim string, f appeal.Filter) ([]FigureRow, error) {
	return breakdown(ctx, d, a, dim, f, true)
}

// breakdown is Breakdown, with the average handling time only when handling is set.
func breakdown(ctx context.Context, d2 *db.DB, a db.Actor, dim string, f appeal.Filter, handling bool) ([]FigureRow, error) {
	d, ok := Dimensions[dim]
	if !ok || dim == "months" {
		return nil, db.Errorf(db.ENOTFOUND, "没有“%s”这一分组。", dim)
	}
	fq, err := newFigureQuery(ctx, d2, a, f)
	if err != nil {
		return nil, err
	}
	q := fr(ctx, d2)
	groups, err := fq.groups(q, d.col, d.index, fq.w, handling)
	if err != nil {
		return nil, err
	}
	over, err := fq.overdue(q, d.col, fq.w)
	if err != nil {
		return nil, err
	}
	for k, n := range over {
		if groups[k] == nil {
			groups[k] = &Figures{}
		}
		groups[k].Overdue = n
	}
	if dim == "districts" {
		if groups, err = byDistrict(q, groups); err != nil {
			return nil, err
		}
	}
	labels, err := dimensionLabels(q, dim)
	if err != nil {
		return nil, err
	}
	rows := make([]FigureRow, 0, len(groups))
	for k, fig := range groups {
		fig.Finish()
		if !handling {
			fig.AvgHandlingHours = nil // not summed: unknown, never 0
		}
		row := FigureRow{Key: k, Label: labels(k), Figures: *fig}
		if g, ok := narrow(f, dim, k); ok {
			row.Drill = g.Drill()
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Filed != rows[j].Filed {
			return rows[i].Filed > rows[j].Filed
		}
		return rows[i].Label < rows[j].Label
	})
	return rows, nil
}

// narrow is f restricted to one group of a dimension, when the list can express it.
func narrow(f appeal.Filter, dim, key string) (appeal.Filter, bool) {
	id, _ := strconv.ParseInt(key, 10, 64)
	switch dim {
	case "departments":
		if key == "" {
			yes := true
			f.Unassigned = &yes
		} else {
			f.DepartmentID = id
		}
	case "leaders":
		f.LeaderID = id
	case "categories":
		f.Category = key
	case "sources":
		f.Source = appeal.Source(key)
	case "tiers":
		f.Tier = appeal.Tier(key)
	case "districts":
		f.District = key
	}
	return f, key != "" || dim == "departments"
}

// byDistrict folds per-enterprise groups into the enterprises' districts.
func byDistrict(q db.Queryer, groups map[string]*Figures) (map[string]*Figures, error) {
	rows, err := q.Query("SELECT id, district FROM enterprises")
	if err != nil {
		return nil, fmt.Errorf("db: districts: %w", err)
	}
	defer rows.Close()
	district := map[string]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		district[strconv.FormatInt(id, 10)] = name
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string]*Figures{}
	for k, fig := range groups {
		d := district[k]
		if out[d] == nil {
			out[d] = &Figures{}
		}
		out[d].merge(fig)
	}
	return out, nil
}

// dimensionLabels returns the Chinese name of each group key of a dimension.
func dimensionLabels(q db.Queryer, dim string) (func(string) string, error) {
	var table string
	switch dim {
	case "departments":
		table = "departments"
	case "leaders":
		table = "leaders"
	case "sources":
		return func(k string) string { return appeal.Source(k).Label() }, nil
	case "tiers":
		return func(k string) string { return appeal.Tier(k).Label() }, nil
	case "months":
		return func(k string) string { return k[:4] + "-" + k[4:] }, nil
	default:
		return func(k string) string {
			if k == "" {
				return "未登记"
			}
			return k
		}, nil
	}
	names := map[string]string{}
	rows, err := q.Query("SELECT id, name FROM " + table)
	if err != nil {
		return nil, fmt.Errorf("db: %s names: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[strconv.FormatInt(id, 10)] = name
	}
	empty := map[string]string{"departments": "未交办", "leaders": "未关联领导"}[dim]
	return func(k string) string {
		if k == "" {
			return empty
		}
		return names[k]
	}, rows.Err()
}

// Trend gives the figures of each of the months months up to the month of f.To (this
// month when f.To is empty), oldest first; f's own period is replaced by the months'.
func Trend(ctx context.Context, d *db.DB, a db.Actor, f appeal.Filter, months int) ([]FigureRow, error) {
	end := d.Now().In(db.Zone)
	if f.To != "" {
		t, err := time.ParseInLocation(db.DateLayout, f.To, db.Zone)
		if err != nil {
			return nil, &db.Error{Code: db.EINVALID, Message: "日期格式须为 YYYY-MM-DD。", Fields: []db.FieldError{{Field: "to", Message: "日期格式须为 YYYY-MM-DD"}}}
		}
		end = t
	}
	end = time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, db.Zone)
	start := end.AddDate(0, 1-months, 0)
	f.From, f.To = "", ""
	fq, err := newFigureQuery(ctx, d, a, f)
	if err != nil {
		return nil, err
	}
	q := fr(ctx, d)
	ym := func(t time.Time) int { return t.Year()*100 + int(t.Month()) }
	w := fq.and("a.fig_month BETWEEN ? AND ?", ym(start), ym(end))
	groups, err := fq.groups(q, "a.fig_month", "appeals_fig_month", w, true)
	if err != nil {
		return nil, err
	}
	over, err := fq.overdue(q, "a.fig_month", w)
	if err != nil {
		return nil, err
	}
	rows := make([]FigureRow, 0, months)
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		k := strconv.Itoa(ym(m))
		fig := groups[k]
		if fig == nil {
			fig = &Figures{}
		}
		fig.Overdue = over[k]
		fig.Finish()
		g := f
		g.From, g.To = m.Format(db.DateLayout), m.AddDate(0, 1, -1).Format(db.DateLayout)
		rows = append(rows, FigureRow{Key: m.Format("2006-01"), Label: m.Format("2006-01"), Figures: *fig, Drill: g.Drill()})
	}
	return rows, nil
}
