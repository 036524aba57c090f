package handlers

import (
	"context"
	"fmt"
	"net/url"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountAppealPages adds the appeal pages: the list, the filing form, the detail with its
// action forms, and attachment downloads.
func (s *Server) mountAppealPages(web *pageRouter) {
	filers := signedIn(db.RoleEnterprise, db.RoleOffice, db.RoleLeader, db.RoleAuditor)
	web.get("/appeals", signedIn(), s.appealsPage)
	web.get("/appeals/new", filers, s.appealNewPage)
	web.post("/appeals", filers, s.appealCreate)
	web.post("/appeals/bulk", signedIn(db.RoleOffice, db.RoleAuditor), s.appealsBulk)
	web.get("/appeals/:id", signedIn(), s.appealPage)
	web.post("/appeals/:id/actions", signedIn(), s.appealAct)
	// The same scope rules as the API: a file outside the caller's appeals is "not found".
	web.get("/attachments/:id", signedIn(), s.apiDownload)
}

// uiPageSize is how many appeals a list page shows by default; people read, programs page.
const uiPageSize = 20

// uiPageSizes are the page sizes the list offers.
var uiPageSizes = []int{20, 50, 100}

// appealListView is what the list page shows besides the rows.
type appealListView struct {
	Filter     appeal.Filter
	Overdue    string // "", "true" or "false", as in the query
	Sort       string // the effective order: new, old, due or dept
	Limit      int
	PageSizes  []int
	List       *db.List[appeal.Appeal]
	Chips      []filterChip  // every active filter, each removable alone
	Hidden     []hiddenField // the active filters the form has no field for
	Pages      []pageLink
	PageNo     int
	LastPage   int
	LastCapped bool // more pages than the capped total counts
	PrevURL    string
	NextURL    string
	ClearURL   string
	ExportURL  string // the same filters as an .xlsx of every row
	BulkURL    string // where the bulk form posts: with the list's query, to come back to it
	Filtered   bool
	MoreOpen   bool // the less common filters are in use, so their box starts open
	Stages     []appeal.Stage
	Tiers      []appeal.Tier
	Sources    []appeal.Source
	Categories []appeal.Category
	Depts      []register.Department
	Enterprise *register.Enterprise // the enterprise the list is narrowed to, if any
	CanFile    bool
	ShowDept   bool
	// CanBulk shows the checkboxes and the bulk form (the office and the discipline office).
	CanBulk bool
	Bulk    *appeal.BulkResult // the outcome of the bulk action just taken
	Now     time.Time
}

func pathWithQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (s *Server) appealsPage(c *fiber.Ctx) error {
	v, err := s.appealList(c)
	if err != nil {
		return s.formFailed(c, "appeals", "诉求", v, err)
	}
	return s.render(c, "appeals", "诉求", v)
}

// appealList reads the list the request's query asks for. A filter typed wrong comes
// back as the error with the view still filled, so the page shows it with its message.
func (s *Server) appealList(c *fiber.Ctx) (*appealListView, error) {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	raw, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	q := listQueryOf(raw)
	f, ferr := appealFilter(c)
	if f.Sort == "" && a.Role == db.RoleDepartment {
		// A department works its queue by due time, the overdue ones first.
		f.Sort = "due"
	}
	if f.Limit == 0 {
		f.Limit = uiPageSize
	}
	if f.PageNo == 0 {
		f.PageNo = 1
	}
	v := &appealListView{Filter: f, Overdue: c.Query("overdue"), Sort: f.Sort, Limit: f.Limit, PageSizes: uiPageSizes,
		Now: s.db.Now(), List: &db.List[appeal.Appeal]{Items: []appeal.Appeal{}},
		Stages: appeal.Stages, Tiers: appeal.Tiers, Sources: appeal.Sources,
		CanFile: a.Is(db.RoleEnterprise, db.RoleOffice, db.RoleLeader, db.RoleAuditor),
		CanBulk: a.Is(db.RoleOffice, db.RoleAuditor),
		// Enterprises and departments see too few departments' work for the filter to help.
		ShowDept: !a.Is(db.RoleEnterprise, db.RoleDepartment)}
	if v.Sort == "" {
		v.Sort = "new"
	}
	var err error
	if v.Categories, err = appeal.Categories(ctx, s.db); err != nil {
		return v, err
	}
	if v.ShowDept {
		depts, err := register.ListDepartments(ctx, s.db, register.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return v, err
		}
		v.Depts = depts.Items
	}
	if f.EnterpriseID != 0 {
		if v.Enterprise, err = register.FindEnterprise(ctx, s.db, a, f.EnterpriseID); err != nil {
			return v, err
		}
	}
	v.describeFilters(q)
	v.BulkURL = pathWithQuery("/appeals/bulk", without(q, paramPage))
	v.ClearURL = "/appeals"
	v.ExportURL = pathWithQuery("/api/v1/export/appeals.xlsx", without(q, paramSort, paramLimit))
	v.Filtered = len(v.Chips) > 0
	v.MoreOpen = f.Source != "" || f.Category != "" || f.DepartmentID != 0 || f.From != "" || f.To != ""
	if ferr != nil {
		return v, ferr
	}
	list, err := appeal.List(ctx, s.db, a, f)
	if err != nil {
		return v, err
	}
	v.List = list
	v.paginate(q, f.PageNo, f.Limit, list.Total, list.TotalCapped)
	return v, nil
}

// countAppeals is the number of appeals a filter selects, for the home pages' tiles.
func (s *Server) countAppeals(ctx context.Context, a db.Actor, f appeal.Filter) (db.Total, error) {
	return appeal.Count(ctx, s.db, a, f)
}

type stageStep struct {
	Label string
	State string // done, current or ahead
}

func stageSteps(cur appeal.Stage) []stageStep {
	var out []stageStep
	state := "done"
	for _, st := range appeal.Stages {
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
