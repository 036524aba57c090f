package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func enterpriseFilter(c *fiber.Ctx) (db.EnterpriseFilter, error) {
	page, err := queryPage(c)
	if err != nil {
		return db.EnterpriseFilter{}, err
	}
	leader, err := queryID(c, "leader_id")
	if err != nil {
		return db.EnterpriseFilter{}, err
	}
	return db.EnterpriseFilter{Q: c.Query("q"), District: c.Query("district"), Industry: c.Query("industry"),
		LeaderID: leader, Page: page}, nil
}

func (s *Server) apiListEnterprises(c *fiber.Ctx) error {
	f, err := enterpriseFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := s.db.ListEnterprises(c.UserContext(), a, f)
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
	d, err := s.db.EnterpriseDossier(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	setVersionTag(c, d.Version)
	return c.JSON(d)
}

func (s *Server) apiCreateEnterprise(c *fiber.Ctx) error {
	var in db.EnterpriseInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return s.db.CreateEnterprise(c.UserContext(), a, in) })
}

func (s *Server) apiUpdateEnterprise(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up db.EnterpriseUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	e, err := s.db.UpdateEnterprise(c.UserContext(), a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, e.Version)
	return c.JSON(e)
}

func liaisonFilter(c *fiber.Ctx) (db.LiaisonFilter, error) {
	var f db.LiaisonFilter
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
	out, err := s.db.ListLiaisons(c.UserContext(), a, f)
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
	l, err := s.db.FindLiaison(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}

func (s *Server) apiCreateLiaison(c *fiber.Ctx) error {
	var in db.LiaisonInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return s.db.CreateLiaison(c.UserContext(), a, in) })
}

func (s *Server) apiUpdateLiaison(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up db.LiaisonUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	l, err := s.db.UpdateLiaison(c.UserContext(), a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}
