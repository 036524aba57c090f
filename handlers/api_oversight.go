package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/oversight"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// queryInt reads an optional non-negative integer from the query string, at most max.
func queryInt(c *fiber.Ctx, name string, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > max {
		return 0, fieldError(db.EINVALID, name, name+" 须为 0 到 "+strconv.Itoa(max)+" 之间的整数")
	}
	return n, nil
}

// watchFilter reads a workspace list's filters: the appeal filters and its own.
func watchFilter(c *fiber.Ctx) (oversight.WatchFilter, error) {
	af, err := appealFilter(c)
	if err != nil {
		return oversight.WatchFilter{}, err
	}
	f := oversight.WatchFilter{Filter: af, Reason: c.Query("reason"), State: c.Query("state")}
	for _, x := range []struct {
		name string
		max  int
		dst  *int
	}{{"min_days", 3650, &f.MinDays}, {"min_count", 100, &f.MinCount}, {"minutes", 24 * 60, &f.Minutes}, {"max_chars", 1000, &f.MaxChars}} {
		if *x.dst, err = queryInt(c, x.name, x.max); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (s *Server) apiWatch(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := watchFilter(c)
		if err != nil {
			return err
		}
		a, _ := actorOf(c)
		out, err := oversight.Watch(c.UserContext(), s.db, a, kind, f)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func (s *Server) apiWatchSummary(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	counts, err := oversight.WatchCounts(c.UserContext(), s.db, a)
	if err != nil {
		return err
	}
	reports, err := appeal.List(c.UserContext(), s.db, a, appeal.Filter{Source: appeal.SourceReport, Page: db.Page{Limit: 1}})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"counts": counts, "reports": reports.Total, "sample_month": oversight.LastMonth(s.now())})
}

func (s *Server) apiReveals(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	ap, err := queryID(c, "appeal_id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := oversight.ListReveals(c.UserContext(), s.db, a, ap, page)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiSample(c *fiber.Ctx) error {
	month := c.Query("month", oversight.LastMonth(s.db.Now()))
	a, _ := actorOf(c)
	out, err := oversight.MonthSample(c.UserContext(), s.db, a, month)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type sampleRequest struct {
	Month string `json:"month"`
	Size  int    `json:"size"`
}

func (s *Server) apiDrawSample(c *fiber.Ctx) error {
	var in sampleRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Month == "" {
		in.Month = oversight.LastMonth(s.db.Now())
	}
	a, _ := actorOf(c)
	out, err := oversight.DrawSample(c.UserContext(), s.db, a, in.Month, in.Size)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) apiListAccountability(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	f := oversight.AccountabilityFilter{Measure: c.Query("measure"), Page: page}
	if f.DepartmentID, err = queryID(c, "department_id"); err != nil {
		return err
	}
	if f.AppealID, err = queryID(c, "appeal_id"); err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := oversight.ListAccountability(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiCreateAccountability(c *fiber.Ctx) error {
	var in oversight.AccountabilityInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return oversight.CreateAccountability(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiGetAccountability(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := oversight.FindAccountability(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiCreateCase(c *fiber.Ctx) error {
	var in oversight.CaseInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return oversight.CreateCase(c.UserContext(), s.db, a, in) })
}

// caseUpdate is a PATCH body: the appeal of a case does not change.
type caseUpdate struct {
	Title   *string `json:"title"`
	Summary *string `json:"summary"`
	Lesson  *string `json:"lesson"`
	Publish *bool   `json:"published"`
}

func (s *Server) apiUpdateCase(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in caseUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := oversight.UpdateCase(c.UserContext(), s.db, a, id, oversight.CaseInput{Title: in.Title, Summary: in.Summary, Lesson: in.Lesson, Publish: in.Publish})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiListCases(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	f := oversight.CaseFilter{Page: page}
	if f.From, f.To, err = queryPeriod(c); err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := oversight.ListCases(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetCase(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := oversight.FindCase(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
