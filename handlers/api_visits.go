package handlers

import (
	"qinqing/db/ledger"

	"github.com/gofiber/fiber/v2"
)

func visitFilter(c *fiber.Ctx) (ledger.VisitFilter, error) {
	f := ledger.VisitFilter{Mode: ledger.VisitMode(c.Query("mode")), Q: c.Query("q")}
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
	out, err := ledger.ListVisits(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiCreateVisit(c *fiber.Ctx) error {
	var in ledger.VisitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return ledger.CreateVisit(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiGetVisit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	v, err := ledger.FindVisit(c.UserContext(), s.db, a, id)
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
	l, err := ledger.LeaderLedgerOf(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) apiCoverage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	cov, err := ledger.LedgerCoverage(c.UserContext(), s.db, a)
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
	days, err := ledger.VisitCadence(c.UserContext(), s.db)
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
	if err := ledger.SetVisitCadence(c.UserContext(), s.db, a, in.Days); err != nil {
		return err
	}
	return s.apiVisitCadence(c)
}

func (s *Server) apiListMessages(c *fiber.Ctx) error {
	f := ledger.MessageFilter{}
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
	out, err := ledger.ListMessages(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiSendMessage(c *fiber.Ctx) error {
	var in ledger.MessageInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return ledger.SendMessage(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiGetMessage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	m, err := ledger.FindMessage(c.UserContext(), s.db, a, id)
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
	var in ledger.MessageAppealInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return ledger.MessageToAppeal(c.UserContext(), s.db, a, id, in) })
}

func (s *Server) apiMessageRead(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	m, err := ledger.MarkMessageRead(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}
