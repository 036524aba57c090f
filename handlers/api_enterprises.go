package handlers

import (
	"qinqing/db/ledger"
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"
)

func enterpriseFilter(c *fiber.Ctx) (register.EnterpriseFilter, error) {
	page, err := queryPage(c)
	if err != nil {
		return register.EnterpriseFilter{}, err
	}
	leader, err := queryID(c, "leader_id")
	if err != nil {
		return register.EnterpriseFilter{}, err
	}
	return register.EnterpriseFilter{Q: c.Query("q"), District: c.Query("district"), Industry: c.Query("industry"),
		LeaderID: leader, Page: page}, nil
}

func (s *Server) apiListEnterprises(c *fiber.Ctx) error {
	f, err := enterpriseFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := register.ListEnterprises(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetEnterprise(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	d, err := ledger.EnterpriseDossier(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	setVersionTag(c, d.Version)
	return c.JSON(d)
}

func (s *Server) apiCreateEnterprise(c *fiber.Ctx) error {
	var in register.EnterpriseInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return register.CreateEnterprise(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiUpdateEnterprise(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up register.EnterpriseUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	e, err := register.UpdateEnterprise(c.UserContext(), s.db, a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, e.Version)
	return c.JSON(e)
}

func liaisonFilter(c *fiber.Ctx) (register.LiaisonFilter, error) {
	var f register.LiaisonFilter
	var err error
	if f.Page, err = queryPage(c); err != nil {
		return f, err
	}
	if f.LeaderID, err = queryID(c, "leader_id"); err != nil {
		return f, err
	}
	if f.EnterpriseID, err = queryID(c, "enterprise_id"); err != nil {
		return f, err
	}
	if f.Active, err = queryBool(c, "active"); err != nil {
		return f, err
	}
	f.Q = c.Query("q")
	return f, nil
}

func (s *Server) apiListLiaisons(c *fiber.Ctx) error {
	f, err := liaisonFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := register.ListLiaisons(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetLiaison(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	l, err := register.FindLiaison(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}

func (s *Server) apiCreateLiaison(c *fiber.Ctx) error {
	var in register.LiaisonInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return register.CreateLiaison(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiUpdateLiaison(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up register.LiaisonUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	l, err := register.UpdateLiaison(c.UserContext(), s.db, a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}
