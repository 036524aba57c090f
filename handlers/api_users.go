package handlers

import (
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func (s *Server) apiListUsers(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	disabled, err := queryBool(c, "disabled")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := register.ListUsers(c.UserContext(), s.db, a, register.UserFilter{Q: c.Query("q"), Role: db.Role(c.Query("role")), Disabled: disabled, Page: page})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	u, err := register.FindUser(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	setVersionTag(c, u.Version)
	return c.JSON(u)
}

func (s *Server) apiCreateUser(c *fiber.Ctx) error {
	var in register.UserInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	return s.created(c, true, func() (any, error) { return register.CreateUser(c.UserContext(), s.db, a, in) })
}

func (s *Server) apiUpdateUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var up register.UserUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	if up.Version, err = editVersion(c, up.Version); err != nil {
		return err
	}
	a, _ := actorOf(c)
	u, err := register.UpdateUser(c.UserContext(), s.db, a, id, up)
	if err != nil {
		return err
	}
	setVersionTag(c, u.Version)
	return c.JSON(u)
}
