package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountAppealPages adds the appeal pages: the list, the filing form, the detail with its
// action forms, and attachment downloads.
func (s *Server) mountAppealPages(web *pageRouter) {
	filers := s.signedIn(db.RoleEnterprise, db.RoleOffice, db.RoleLeader, db.RoleAuditor)
	web.get("/appeals", s.signedIn(), s.appealsPage)
	web.get("/appeals/new", filers, s.appealNewPage)
	web.post("/appeals", filers, s.appealCreate)
	web.get("/appeals/:id", s.signedIn(), s.appealPage)
	web.post("/appeals/:id/actions", s.signedIn(), s.appealAct)
	// The same scope rules as the API: a file outside the caller's appeals is "not found".
	web.get("/attachments/:id", s.signedIn(), s.apiDownload)
}

// uiPageSize is how many appeals a list page shows; people read, programs page.
const uiPageSize = 20

// appealListView is what the list page shows besides the rows.
type appealListView struct {
	Filter     db.AppealFilter
	Overdue    string // "", "true" or "false", as in the query
	Sort       string // the effective order: "due" or "new"
	List       *db.List[db.Appeal]
	NextURL    string
	FirstURL   string // back to the first page, when not on it
	ClearURL   string
	ExportURL  string // the same filters as an .xlsx of every row
	Filtered   bool
	MoreOpen   bool // the less common filters are in use, so their box starts open
	Stages     []db.Stage
	Tiers      []db.Tier
	Sources    []db.Source
	Categories []db.Category
	Depts      []db.Department
	Enterprise *db.Enterprise // the enterprise the list is narrowed to, if any
	CanFile    bool
	ShowDept   bool
	Now        time.Time
}

// appealQuery is the query string of a list page: every filter, so that the pager and
// the links keep them.
func appealQuery(f db.AppealFilter, overdue, sort string) url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	id := func(k string, v int64) {
		if v != 0 {
			set(k, strconv.FormatInt(v, 10))
		}
	}
	set("q", f.Q)
	set("stage", string(f.Stage))
	set("tier", string(f.Tier))
	set("source", string(f.Source))
	set("category", f.Category)
	set("overdue", overdue)
	id("department_id", f.DepartmentID)
	id("enterprise_id", f.EnterpriseID)
	id("leader_id", f.LeaderID)
	set("from", f.From)
	set("to", f.To)
	set("sort", sort)
	if f.Limit != 0 && f.Limit != uiPageSize {
		set("limit", strconv.Itoa(f.Limit))
	}
	// The figures' drill-down filters (open, rated, on_time …) stay too.
	for k, v := range (db.AppealFilter{DrillFilter: f.DrillFilter}).Query() {
		q[k] = v
	}
	return q
}

func pathWithQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (s *Server) appealsPage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	f, ferr := appealFilter(c)
	sortParam := c.Query("sort")
	if f.Sort == "" && a.Role == db.RoleDepartment {
		// A department works its queue by due time, the overdue ones first.
		f.Sort = "due"
	}
	if f.Limit == 0 {
		f.Limit = uiPageSize
	}
	v := &appealListView{Filter: f, Overdue: c.Query("overdue"), Sort: f.Sort, Now: s.db.Now(),
		List:   &db.List[db.Appeal]{Items: []db.Appeal{}},
		Stages: db.Stages, Tiers: db.Tiers, Sources: db.Sources,
		CanFile: a.Is(db.RoleEnterprise, db.RoleOffice, db.RoleLeader, db.RoleAuditor),
		// Enterprises and departments see too few departments' work for the filter to help.
		ShowDept: !a.Is(db.RoleEnterprise, db.RoleDepartment)}
	if v.Sort == "" {
		v.Sort = "new"
	}
	var err error
	if v.Categories, err = s.db.Categories(ctx); err != nil {
		return err
	}
	if v.ShowDept {
		depts, err := s.db.ListDepartments(ctx, db.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return err
		}
		v.Depts = depts.Items
	}
	if f.EnterpriseID != 0 {
		if v.Enterprise, err = s.db.FindEnterprise(ctx, a, f.EnterpriseID); err != nil {
			return err
		}
	}
	q := appealQuery(f, v.Overdue, sortParam)
	v.ClearURL = "/appeals"
	v.ExportURL = pathWithQuery("/api/v1/export/appeals.xlsx", appealQuery(f, v.Overdue, ""))
	v.Filtered = len(q) > 0 && !(len(q) == 1 && q.Has("sort"))
	v.MoreOpen = f.Source != "" || f.Category != "" || f.DepartmentID != 0 || f.From != "" || f.To != ""
	if f.Cursor != "" {
		v.FirstURL = pathWithQuery("/appeals", q)
	}
	if ferr == nil {
		var list *db.List[db.Appeal]
		list, ferr = s.db.ListAppeals(ctx, a, f)
		if ferr == nil {
			v.List = list
		}
	}
	if ferr != nil {
		// A filter the user typed wrong shows the page with its message, not an error page.
		return s.formFailed(c, "appeals", "诉求", v, ferr)
	}
	if v.List.NextCursor != "" {
		q.Set("cursor", v.List.NextCursor)
		v.NextURL = pathWithQuery("/appeals", q)
	}
	return s.render(c, "appeals", "诉求", v)
}

// countAppeals is the number of appeals a filter selects, for the home pages' tiles.
func (s *Server) countAppeals(ctx context.Context, a db.Actor, f db.AppealFilter) (int, error) {
	f.Limit = 1
	list, err := s.db.ListAppeals(ctx, a, f)
	if err != nil {
		return 0, err
	}
	return list.Total, nil
}

type stageStep struct {
	Label string
	State string // done, current or ahead
}

func stageSteps(cur db.Stage) []stageStep {
	var out []stageStep
	state := "done"
	for _, st := range db.Stages {
		switch {
		case st == cur:
			out = append(out, stageStep{st.Label(), "current"})
			state = "ahead"
		default:
			out = append(out, stageStep{st.Label(), state})
		}
	}
	return out
}

// humanSpan says a duration the way people say it: 3 天 4 小时, 5 小时 20 分钟, 12 分钟.
func humanSpan(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d 天 %d 小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d 天", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d 小时 %d 分钟", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d 小时", hours)
	case mins > 0:
		return fmt.Sprintf("%d 分钟", mins)
	}
	return "不足 1 分钟"
}

// humanSize says a byte count in KB or MB.
func humanSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
}
