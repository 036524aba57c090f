package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func (s *Server) apiListDepartments(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	out, err := s.db.ListDepartments(c.UserContext(), db.DepartmentFilter{Q: c.Query("q"), Kind: c.Query("kind"), Page: page})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetDepartment(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.db.FindDepartment(c.UserContext(), id)
	if err != nil {
		return err
	}
	setVersionTag(c, d.Version)
	return c.JSON(d)
}

func (s *Server) apiCreateDepartment(c *fiber.Ctx) error {
	var in db.DepartmentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return s.db.CreateDepartment(c.UserContext(), a, in) })
}

func (s *Server) apiUpdateDepartment(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up db.DepartmentUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	d, err := s.db.UpdateDepartment(c.UserContext(), a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, d.Version)
	return c.JSON(d)
}

func (s *Server) apiListLeaders(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	out, err := s.db.ListLeaders(c.UserContext(), db.LeaderFilter{Q: c.Query("q"), Page: page})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetLeader(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	l, err := s.db.FindLeader(c.UserContext(), id)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}

func (s *Server) apiCreateLeader(c *fiber.Ctx) error {
	var in db.LeaderInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return s.db.CreateLeader(c.UserContext(), a, in) })
}

func (s *Server) apiUpdateLeader(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up db.LeaderUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	l, err := s.db.UpdateLeader(c.UserContext(), a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}
