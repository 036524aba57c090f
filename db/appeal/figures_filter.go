package appeal

import (
	"net/url"
	"qinqing/db"
	"strconv"
)

// DrillFilter holds the appeal-list filters that the figures link to, beyond the
// contract's. Each tests the same generated flag the figure counts, so a figure and the
// list behind it always agree.
type DrillFilter struct {
	Open     *bool // not closed
	Reopened *bool
	Returned *bool
	Merged   *bool // closed as a duplicate
	// Unassigned selects appeals that no department handles yet.
	Unassigned *bool
	// Responded is on_time (accepted within the response deadline) or late.
	Responded string
	// Rated is yes, no, resolved, unresolved, satisfactory (satisfied or basic),
	// satisfied, basic or unsatisfied.
	Rated string
	// OnTime is yes or no against the original due time, extended or late_extended
	// against the extension; each implies closed other than by merging.
	OnTime       string
	District     string
	IssueClassID int64
	// Todo is one kind of 我的待办 (todo.go), or all of the caller's role's kinds.
	Todo string
}

var drillRated = map[string]string{
	"yes":          "a.fig_flags & 8 != 0",
	"no":           "a.fig_flags & 8 = 0",
	"resolved":     "a.fig_flags & 16 != 0",
	"unresolved":   "a.fig_flags & 24 = 8",
	"satisfactory": "a.fig_flags & 32 != 0",
	"unsatisfied":  "a.fig_flags & 40 = 8",
	"satisfied":    "a.fig_flags & 8 != 0 AND a.satisfaction = 'satisfied'",
	"basic":        "a.fig_flags & 8 != 0 AND a.satisfaction = 'basic'",
}

var drillOnTime = map[string]string{
	"yes":           "a.fig_flags & 67 = 65",
	"no":            "a.fig_flags & 67 = 1",
	"extended":      "a.fig_flags & 131 = 129",
	"late_extended": "a.fig_flags & 131 = 1",
}

// flagCond is "flag set" or "flag clear" for an optional yes/no filter.
func flagCond(w *db.Where, b *bool, set, clear string) {
	if b == nil {
		return
	}
	if *b {
		w.Add(set)
	} else {
		w.Add(clear)
	}
}

// apply adds the drill-down conditions to w.
func (f *DrillFilter) apply(w *db.Where, v *db.Violations) {
	flagCond(w, f.Open, "a.fig_flags & 1 = 0", "a.fig_flags & 1 != 0")
	flagCond(w, f.Reopened, "a.fig_flags & 256 != 0", "a.fig_flags & 256 = 0")
	flagCond(w, f.Returned, "a.fig_flags & 512 != 0", "a.fig_flags & 512 = 0")
	flagCond(w, f.Merged, "a.fig_flags & 2 != 0", "a.fig_flags & 2 = 0")
	flagCond(w, f.Unassigned, "a.department_id IS NULL", "a.department_id IS NOT NULL")
	switch f.Responded {
	case "":
	case "on_time":
		w.Add("a.fig_flags & 4 != 0")
	case "late":
		w.Add("a.fig_flags & 4 = 0")
	default:
		v.Add("responded", "responded 须为 on_time 或 late")
	}
	if f.Rated != "" {
		if cond, ok := drillRated[f.Rated]; ok {
			w.Add(cond)
		} else {
			v.Add("rated", "rated 须为 yes、no、resolved、unresolved、satisfactory、satisfied、basic 或 unsatisfied")
		}
	}
	if f.OnTime != "" {
		if cond, ok := drillOnTime[f.OnTime]; ok {
			w.Add(cond)
		} else {
			v.Add("on_time", "on_time 须为 yes、no、extended 或 late_extended")
		}
	}
	if f.District != "" {
		w.Add("a.enterprise_id IN (SELECT id FROM enterprises WHERE district = ?)", f.District)
	}
	if f.IssueClassID != 0 {
		w.Add("a.id IN (SELECT appeal_id FROM issue_class_appeals WHERE class_id = ?)", f.IssueClassID)
	}
}

// empty reports whether no drill-down filter is set.
func (f *DrillFilter) empty() bool { return *f == DrillFilter{} }

// Query is the appeal-list query string (for /appeals and /api/v1/appeals) that selects
// exactly the appeals a set of figures counts.
func (f Filter) Query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	id := func(k string, v int64) {
		if v != 0 {
			q.Set(k, strconv.FormatInt(v, 10))
		}
	}
	b := func(k string, v *bool) {
		if v != nil {
			q.Set(k, strconv.FormatBool(*v))
		}
	}
	set("stage", string(f.Stage))
	set("tier", string(f.Tier))
	set("source", string(f.Source))
	set("category", f.Category)
	b("overdue", f.Overdue)
	id("department_id", f.DepartmentID)
	id("enterprise_id", f.EnterpriseID)
	id("leader_id", f.LeaderID)
	set("from", f.From)
	set("to", f.To)
	set("q", f.Q)
	b("open", f.Open)
	b("reopened", f.Reopened)
	b("returned", f.Returned)
	b("merged", f.Merged)
	b("unassigned", f.Unassigned)
	set("responded", f.Responded)
	set("rated", f.Rated)
	set("on_time", f.OnTime)
	set("district", f.District)
	id("issue_class_id", f.IssueClassID)
	set("todo", f.Todo)
	return q
}

// Drill names, for each figure, the filter that lists the appeals it counts; rates link
// to their numerator, and the keys ending in _base to their denominator.
func (f Filter) Drill() map[string]string {
	yes, no := true, false
	out := map[string]string{}
	for name, change := range map[string]func(*Filter){
		"filed":                  func(*Filter) {},
		"open":                   func(g *Filter) { g.Open = &yes },
		"overdue":                func(g *Filter) { g.Overdue = &yes },
		"closed":                 func(g *Filter) { g.Stage = StageClosed },
		"merged":                 func(g *Filter) { g.Merged = &yes },
		"handled":                func(g *Filter) { g.Stage, g.Merged = StageClosed, &no },
		"reopened":               func(g *Filter) { g.Reopened = &yes },
		"returned":               func(g *Filter) { g.Returned = &yes },
		"responded":              func(g *Filter) { g.Responded = "on_time" },
		"unresponded":            func(g *Filter) { g.Responded = "late" },
		"rated":                  func(g *Filter) { g.Rated = "yes" },
		"resolved":               func(g *Filter) { g.Rated = "resolved" },
		"unresolved":             func(g *Filter) { g.Rated = "unresolved" },
		"satisfactory":           func(g *Filter) { g.Rated = "satisfactory" },
		"unsatisfied":            func(g *Filter) { g.Rated = "unsatisfied" },
		"on_time":                func(g *Filter) { g.OnTime = "yes" },
		"late":                   func(g *Filter) { g.OnTime = "no" },
		"on_time_extended":       func(g *Filter) { g.OnTime = "extended" },
		"late_extended":          func(g *Filter) { g.OnTime = "late_extended" },
		"unassigned":             func(g *Filter) { g.Unassigned = &yes },
		"response_rate_base":     func(*Filter) {},
		"resolution_rate_base":   func(g *Filter) { g.Rated = "yes" },
		"on_time_rate_base":      func(g *Filter) { g.Stage, g.Merged = StageClosed, &no },
		"satisfaction_rate_base": func(g *Filter) { g.Rated = "yes" },
	} {
		g := f
		g.Page, g.Sort = db.Page{}, ""
		change(&g)
		out[name] = g.Query().Encode()
	}
	return out
}
