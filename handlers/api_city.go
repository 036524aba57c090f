package handlers

import (
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) apiListDepartments(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	out, err := register.ListDepartments(c.UserContext(), s.db, register.DepartmentFilter{Q: c.Query("q"), Kind: c.Query("kind"), Page: page})
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
	d, err := register.FindDepartment(c.UserContext(), s.db, id)
	if err != nil {
		return err
	}
	setVersionTag(c, d.Version)
	return c.JSON(d)
}

func (s *Server) apiCreateDepartment(c *fiber.Ctx) error {
	var in register.DepartmentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return register.CreateDepartment(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiUpdateDepartment(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up register.DepartmentUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	d, err := register.UpdateDepartment(c.UserContext(), s.db, a, id, up)
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
	out, err := register.ListLeaders(c.UserContext(), s.db, register.LeaderFilter{Q: c.Query("q"), Page: page})
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
	l, err := register.FindLeader(c.UserContext(), s.db, id)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}

func (s *Server) apiCreateLeader(c *fiber.Ctx) error {
	var in register.LeaderInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return register.CreateLeader(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiUpdateLeader(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up register.LeaderUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	l, err := register.UpdateLeader(c.UserContext(), s.db, a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, l.Version)
	return c.JSON(l)
}
