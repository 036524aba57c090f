package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func visitFilter(c *fiber.Ctx) (db.VisitFilter, error) {
	f := db.VisitFilter{Mode: db.VisitMode(c.Query("mode")), Q: c.Query("q")}
	var err error
	if f.From, f.To, err = queryPeriod(c); err != nil {
		return f, err
	}
	if f.Page, err = queryPage(c); err != nil {
		return f, err
	}
	if f.EnterpriseID, err = queryID(c, "enterprise_id"); err != nil {
		return f, err
	}
	f.LeaderID, err = queryID(c, "leader_id")
	return f, err
}

func (s *Server) apiListVisits(c *fiber.Ctx) error {
	f, err := visitFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := s.db.ListVisits(c.UserContext(), a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiCreateVisit(c *fiber.Ctx) error {
	var in db.VisitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return s.db.CreateVisit(c.UserContext(), a, in) })
}

func (s *Server) apiGetVisit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	v, err := s.db.FindVisit(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) apiLeaderLedger(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	l, err := s.db.LeaderLedger(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) apiCoverage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	cov, err := s.db.LedgerCoverage(c.UserContext(), a)
	if err != nil {
		return err
	}
	return c.JSON(cov)
}

// cadenceBody is the visit cadence setting.
type cadenceBody struct {
	Days int `json:"days"`
}

func (s *Server) apiVisitCadence(c *fiber.Ctx) error {
	days, err := s.db.VisitCadence(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(cadenceBody{days})
}

func (s *Server) apiSetVisitCadence(c *fiber.Ctx) error {
	var in cadenceBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	if err := s.db.SetVisitCadence(c.UserContext(), a, in.Days); err != nil {
		return err
	}
	return s.apiVisitCadence(c)
}

func (s *Server) apiListMessages(c *fiber.Ctx) error {
	f := db.MessageFilter{}
	var err error
	if f.Page, err = queryPage(c); err != nil {
		return err
	}
	if f.LeaderID, err = queryID(c, "leader_id"); err != nil {
		return err
	}
	if f.EnterpriseID, err = queryID(c, "enterprise_id"); err != nil {
		return err
	}
	if f.Pending, err = queryBool(c, "pending"); err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := s.db.ListMessages(c.UserContext(), a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiSendMessage(c *fiber.Ctx) error {
	var in db.MessageInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return s.db.SendMessage(c.UserContext(), a, in) })
}

func (s *Server) apiGetMessage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	m, err := s.db.FindMessage(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) apiMessageAppeal(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in db.MessageAppealInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return s.db.MessageToAppeal(c.UserContext(), a, id, in) })
}

func (s *Server) apiMessageRead(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	m, err := s.db.MarkMessageRead(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}
