package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/figures"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// drillFilter reads the appeal-list filters that the figures link to (db.DrillFilter).
func drillFilter(c *fiber.Ctx, d *appeal.DrillFilter) error {
	var err error
	for _, x := range []struct {
		name string
		dst  **bool
	}{{"open", &d.Open}, {"reopened", &d.Reopened}, {"returned", &d.Returned}, {"merged", &d.Merged}, {"unassigned", &d.Unassigned}} {
		if *x.dst, err = queryBool(c, x.name); err != nil {
			return err
		}
	}
	d.Responded, d.Rated, d.OnTime, d.District = c.Query("responded"), c.Query("rated"), c.Query("on_time"), c.Query("district")
	d.Todo = c.Query("todo")
	d.IssueClassID, err = queryID(c, "issue_class_id")
	return err
}

// statsFilter is the appeals filter of a figures request; month=YYYY-MM stands for the
// whole month's from and to.
func statsFilter(c *fiber.Ctx) (appeal.Filter, error) {
	f, err := appealFilter(c)
	if err != nil {
		return f, err
	}
	f.Page, f.Sort = db.Page{}, ""
	if m := c.Query("month"); m != "" {
		p, err := figures.MonthPeriod(m)
		if err != nil {
			return f, err
		}
		f.From, f.To = p.From, p.To
	}
	return f, nil
}

// overviewOut is the overview with its period, visits figures where they exist, and the
// appeals-list filter behind each figure.
type overviewOut struct {
	*figures.Figures
	*figures.VisitFigures
	Period figures.Period    `json:"period"`
	Drill  map[string]string `json:"drill"`
}

func (s *Server) overview(c *fiber.Ctx, f appeal.Filter) (*overviewOut, error) {
	a, _ := actorOf(c)
	fig, err := figures.Overview(c.UserContext(), s.db, a, f)
	if err != nil {
		return nil, err
	}
	visits, err := figures.Visits(c.UserContext(), s.db, a, f)
	if err != nil {
		return nil, err
	}
	return &overviewOut{Figures: fig, VisitFigures: visits, Period: figures.Period{From: f.From, To: f.To}, Drill: f.Drill()}, nil
}

func (s *Server) apiStatsOverview(c *fiber.Ctx) error {
	f, err := statsFilter(c)
	if err != nil {
		return err
	}
	out, err := s.overview(c, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiStatsBreakdown(c *fiber.Ctx) error {
	dim := c.Params("dimension")
	if !figures.IsDimension(dim) || dim == "months" {
		return fiber.ErrNotFound
	}
	f, err := statsFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	rows, err := figures.Breakdown(c.UserContext(), s.db, a, dim, f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rows, "period": figures.Period{From: f.From, To: f.To}})
}

func (s *Server) apiStatsTrend(c *fiber.Ctx) error {
	f, err := statsFilter(c)
	if err != nil {
		return err
	}
	months := 12
	if raw := c.Query("months"); raw != "" {
		if months, err = strconv.Atoi(raw); err != nil || months < 1 || months > 60 {
			return fieldError(db.EINVALID, "months", "months 须在 1 到 60 之间")
		}
	}
	a, _ := actorOf(c)
	rows, err := figures.Trend(c.UserContext(), s.db, a, f, months)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rows})
}

func (s *Server) apiStatsRankings(c *fiber.Ctx) error {
	f, err := statsFilter(c)
	if err != nil {
		return err
	}
	kind := c.Query("kind", "departments")
	if kind != "departments" && kind != "leaders" {
		return fieldError(db.EINVALID, "kind", "kind 须为 departments 或 leaders")
	}
	a, _ := actorOf(c)
	out, err := figures.Rankings(c.UserContext(), s.db, a, kind, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// rankingSettings are the ranking's weights beside the 通报's settings, read and set
// together by the weights API.
type rankingSettings struct {
	figures.Weights
	db.ReportSettings
}

func (s *Server) apiStatsWeights(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := figures.LoadWeights(ctx, s.db)
	if err != nil {
		return err
	}
	rs, err := s.db.ReportSettings(ctx)
	if err != nil {
		return err
	}
	return c.JSON(rankingSettings{w, rs})
}

// apiSetStatsWeights sets the weights when any is given (then all three, adding up to
// 100), and the minimum sample and issuer when given.
func (s *Server) apiSetStatsWeights(c *fiber.Ctx) error {
	var in struct {
		Response     *int `json:"response"`
		Resolution   *int `json:"resolution"`
		Satisfaction *int `json:"satisfaction"`
		db.ReportSettingsUpdate
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	// Checked before the weights are saved, so that a bad value saves nothing.
	if err := in.ReportSettingsUpdate.Validate(); err != nil {
		return err
	}
	report := in.MinSample != nil || in.Issuer != nil
	if in.Response != nil || in.Resolution != nil || in.Satisfaction != nil || !report {
		val := func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		}
		if _, err := figures.SetWeights(ctx, s.db, a, figures.Weights{Response: val(in.Response), Resolution: val(in.Resolution),
			Satisfaction: val(in.Satisfaction)}); err != nil {
			return err
		}
	}
	if report {
		if _, err := s.db.SetReportSettings(ctx, a, in.ReportSettingsUpdate); err != nil {
			return err
		}
	}
	return s.apiStatsWeights(c)
}
