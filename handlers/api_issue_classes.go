package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/figures"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// issueClassOut is a class with the figures of its appeals and the list filter behind them.
type issueClassOut struct {
	*figures.IssueClass
	// AppealNumbers are the SQ numbers of appeal_ids, in the same order: people name
	// appeals by number.
	AppealNumbers []string          `json:"appeal_numbers"`
	Figures       *figures.Figures  `json:"figures"`
	Drill         map[string]string `json:"drill"`
}

// issueClassBody is a new class; its appeals are named by SQ number in appeal_numbers
// (appeal_ids, the internal ids, are still accepted).
type issueClassBody struct {
	figures.IssueClassInput
	AppealNumbers []string `json:"appeal_numbers"`
}

// issueClassPatch is a change to a class; add_appeal_numbers and remove_appeal_numbers
// name appeals by SQ number beside add_appeals and remove_appeals (ids).
type issueClassPatch struct {
	figures.IssueClassUpdate
	AddNumbers    []string `json:"add_appeal_numbers"`
	RemoveNumbers []string `json:"remove_appeal_numbers"`
}

func (s *Server) issueClassWithFigures(c *fiber.Ctx, id int64) (*issueClassOut, error) {
	a, _ := actorOf(c)
	ic, err := figures.FindIssueClass(c.UserContext(), s.db, a, id)
	if err != nil {
		return nil, err
	}
	f := appeal.Filter{DrillFilter: appeal.DrillFilter{IssueClassID: id}}
	// A department sees the figures of the class's appeals that it may see itself.
	fig, err := figures.Overview(c.UserContext(), s.db, a, f)
	if err != nil {
		return nil, err
	}
	numbers := []string{}
	if len(ic.AppealIDs) > 0 {
		list, err := appeal.List(c.UserContext(), s.db, a, appeal.Filter{DrillFilter: appeal.DrillFilter{IssueClassID: id}, Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return nil, err
		}
		byID := map[int64]string{}
		for _, ap := range list.Items {
			byID[ap.ID] = ap.Number
		}
		for _, id := range ic.AppealIDs {
			numbers = append(numbers, byID[id])
		}
	}
	return &issueClassOut{IssueClass: ic, AppealNumbers: numbers, Figures: fig, Drill: f.Drill()}, nil
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
	out, err := figures.ListIssueClasses(c.UserContext(), s.db, a, figures.IssueClassFilter{Month: c.Query("month"),
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
	var body issueClassBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	a, _ := actorOf(c)
	in := body.IssueClassInput
	more, err := s.appealRefs(c.UserContext(), a, body.AppealNumbers, "appeal_numbers")
	if err != nil {
		return err
	}
	in.AppealIDs = append(in.AppealIDs, more...)
	return s.created(c, true, func() (any, error) {
		ic, err := figures.CreateIssueClass(c.UserContext(), s.db, a, in)
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
	var body issueClassPatch
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	a, _ := actorOf(c)
	up := body.IssueClassUpdate
	add, err := s.appealRefs(c.UserContext(), a, body.AddNumbers, "add_appeal_numbers")
	if err != nil {
		return err
	}
	remove, err := s.appealRefs(c.UserContext(), a, body.RemoveNumbers, "remove_appeal_numbers")
	if err != nil {
		return err
	}
	up.AddAppeals, up.RemoveAppeals = append(up.AddAppeals, add...), append(up.RemoveAppeals, remove...)
	if _, err := figures.UpdateIssueClass(c.UserContext(), s.db, a, id, up); err != nil {
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
	list, err := figures.IssueClassCandidates(c.UserContext(), s.db, a, id, 50)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) apiIssueClassSuggestions(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	month := s.reportMonth(c)
	list, err := figures.IssueClassSuggestions(c.UserContext(), s.db, a, month, 3)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list, "month": month})
}
