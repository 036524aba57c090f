package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// issueClassOut is a class with the figures of its appeals and the list filter behind them.
type issueClassOut struct {
	*db.IssueClass
	Figures *db.Figures       `json:"figures"`
	Drill   map[string]string `json:"drill"`
}

func (s *Server) issueClassWithFigures(c *fiber.Ctx, id int64) (*issueClassOut, error) {
	a, _ := actorOf(c)
	ic, err := s.db.FindIssueClass(c.UserContext(), a, id)
	if err != nil {
		return nil, err
	}
	f := db.AppealFilter{DrillFilter: db.DrillFilter{IssueClassID: id}}
	// A department sees the figures of the class's appeals that it may see itself.
	fig, err := s.db.Overview(c.UserContext(), a, f)
	if err != nil {
		return nil, err
	}
	return &issueClassOut{IssueClass: ic, Figures: fig, Drill: f.Drill()}, nil
}

func (s *Server) apiListIssueClasses(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	dept, err := queryID(c, "department_id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := s.db.ListIssueClasses(c.UserContext(), a, db.IssueClassFilter{Month: c.Query("month"),
		Status: c.Query("status"), DepartmentID: dept, Page: page})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetIssueClass(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.issueClassWithFigures(c, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiCreateIssueClass(c *fiber.Ctx) error {
	var in db.IssueClassInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) {
		ic, err := s.db.CreateIssueClass(c.UserContext(), a, in)
		if err != nil {
			return nil, err
		}
		return s.issueClassWithFigures(c, ic.ID)
	})
}

func (s *Server) apiUpdateIssueClass(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up db.IssueClassUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	a, _ := actorOf(c)
	if _, err := s.db.UpdateIssueClass(c.UserContext(), a, id, up); err != nil {
		return err
	}
	out, err := s.issueClassWithFigures(c, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiIssueClassCandidates(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	list, err := s.db.IssueClassCandidates(c.UserContext(), a, id, 50)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) apiIssueClassSuggestions(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	month := s.reportMonth(c)
	list, err := s.db.IssueClassSuggestions(c.UserContext(), a, month, 3)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list, "month": month})
}
