package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/figures"
	"qinqing/db/register"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountFigurePages adds the dashboard, the monthly report and the issue classes.
func (s *Server) mountFigurePages(web *pageRouter) {
	web.get("/stats", signedIn(), s.statsPage)
	web.post("/stats/weights", signedIn(db.RoleAdmin), s.weightsSubmit)
	web.post("/admin/settings/report", signedIn(db.RoleAdmin), s.reportSettingsSubmit)
	web.get("/reports/monthly", signedIn(reportReaders...), s.monthlyReportPage)
	web.get("/reports/monthly.pdf", signedIn(reportReaders...), s.monthlyReportPDF)
	web.get("/reports/monthly.xlsx", signedIn(reportReaders...), s.monthlyReportXLSX)
	web.get("/issue-classes", signedIn(classRoles...), s.issueClassesPage)
	web.post("/issue-classes", signedIn(officeStaff...), s.issueClassCreate)
	web.get("/issue-classes/:id", signedIn(classRoles...), s.issueClassPage)
	web.post("/issue-classes/:id", signedIn(officeStaff...), s.issueClassUpdate)
}

// chartRow is one bar or point of a chart, with the list it opens.
type chartRow struct {
	Label     string   `json:"label"`
	Filed     int      `json:"filed"`
	Closed    int      `json:"closed"`
	Overdue   int      `json:"overdue"`
	Response  *float64 `json:"response_rate"`
	Satisfied *float64 `json:"satisfaction_rate"`
	Href      string   `json:"href"`
}

func chartRows(rows []figures.FigureRow, limit int) []chartRow {
	out := []chartRow{}
	for i, r := range rows {
		if limit > 0 && i == limit {
			break
		}
		href := ""
		if r.Drill != nil {
			href = "/appeals?" + r.Drill["filed"]
		}
		out = append(out, chartRow{r.Label, r.Filed, r.Closed, r.Overdue, r.ResponseRate, r.SatisfactionRate, href})
	}
	return out
}

// statsPeriod reads the dashboard's period: range=month (default), last, year or all, or
// explicit from and to.
func (s *Server) statsPeriod(c *fiber.Ctx) (rng string, p figures.Period) {
	now := s.db.Now().In(db.Zone)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, db.Zone)
	if c.Query("from") != "" || c.Query("to") != "" {
		return "custom", figures.Period{From: c.Query("from"), To: c.Query("to")}
	}
	switch rng = c.Query("range", "month"); rng {
	case "last":
		return rng, figures.Period{From: first.AddDate(0, -1, 0).Format(db.DateLayout), To: first.AddDate(0, 0, -1).Format(db.DateLayout)}
	case "year":
		return rng, figures.Period{From: first.AddDate(0, -11, 0).Format(db.DateLayout), To: now.Format(db.DateLayout)}
	case "all":
		return rng, figures.Period{}
	}
	return "month", figures.Period{From: first.Format(db.DateLayout), To: now.Format(db.DateLayout)}
}

func (s *Server) statsPage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	rng, p := s.statsPeriod(c)
	f := appeal.Filter{From: p.From, To: p.To, Category: c.Query("category")}
	var err error
	if f.DepartmentID, err = queryID(c, "department_id"); err != nil {
		return err
	}
	ov, err := s.overview(c, f)
	if err != nil {
		return s.formFailed(c, "stats", "统计分析", fiber.Map{"Range": rng, "Period": p}, err)
	}
	data := fiber.Map{"Range": rng, "Period": p, "Overview": ov, "Filter": f, "City": a.Is(cityReaders...)}
	charts := fiber.Map{}
	for _, dim := range []string{"departments", "categories", "sources", "tiers", "districts"} {
		rows, err := figures.Breakdown(ctx, s.db, a, dim, f)
		if err != nil {
			return err
		}
		data[dim] = rows
		if dim == "departments" || dim == "categories" {
			charts[dim] = chartRows(rows, 20)
		}
	}
	trend, err := figures.Trend(ctx, s.db, a, appeal.Filter{To: p.To, Category: f.Category, DepartmentID: f.DepartmentID}, 12)
	if err != nil {
		return err
	}
	charts["trend"] = chartRows(trend, 0)
	data["Trend"] = trend
	if a.Is(cityReaders...) {
		for _, kind := range []string{"departments", "leaders"} {
			rk, err := figures.Rankings(ctx, s.db, a, kind, f)
			if err != nil {
				return err
			}
			data["Rank_"+kind] = rk
		}
		depts, err := register.ListDepartments(ctx, s.db, register.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return err
		}
		data["AllDepartments"] = depts.Items
	}
	cats, err := appeal.Categories(ctx, s.db)
	if err != nil {
		return err
	}
	data["Categories"], data["Charts"] = cats, charts
	return s.render(c, "stats", "统计分析", data)
}

func (s *Server) weightsSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	var w figures.Weights
	for _, x := range []struct {
		name string
		dst  *int
	}{{"response", &w.Response}, {"resolution", &w.Resolution}, {"satisfaction", &w.Satisfaction}} {
		n, err := strconv.Atoi(c.FormValue(x.name))
		if err != nil {
			n = -1
		}
		*x.dst = n
	}
	if _, err := figures.SetWeights(c.UserContext(), s.db, a, w); err != nil {
		if e, ok := db.AsError(err); ok && e.Code != db.EINTERNAL {
			flash(c, e.Message)
			return c.Redirect("/stats", fiber.StatusSeeOther)
		}
		return err
	}
	flash(c, "综合排名权重已更新。")
	return c.Redirect("/stats", fiber.StatusSeeOther)
}

func (s *Server) monthlyReportPage(c *fiber.Ctx) error {
	r, err := s.monthlyReport(c)
	if err != nil {
		return err
	}
	return s.render(c, "monthly", "月度通报 "+r.Month, fiber.Map{"R": r, "Headlines": headlines(r), "MonthTitle": monthTitle(r.Month)})
}
