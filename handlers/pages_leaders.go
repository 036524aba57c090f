package handlers

import (
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) leadersData(c *fiber.Ctx) (fiber.Map, error) {
	page, err := queryPage(c)
	if err != nil {
		return nil, err
	}
	list, err := register.ListLeaders(c.UserContext(), s.db, register.LeaderFilter{Q: c.Query("q"), Page: page})
	if err != nil {
		return nil, err
	}
	return fiber.Map{"List": list, "Q": c.Query("q")}, nil
}

func (s *Server) leadersPage(c *fiber.Ctx) error {
	data, err := s.leadersData(c)
	if err != nil {
		return err
	}
	return s.render(c, "leaders", "包保领导", data)
}

func (s *Server) leaderCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	l, err := register.CreateLeader(c.UserContext(), s.db, a, register.LeaderInput{Name: c.FormValue("name"),
		Title: c.FormValue("title"), Phone: c.FormValue("phone")})
	if err != nil {
		return s.failForm(c, "leaders", "包保领导", func() (fiber.Map, error) { return s.leadersData(c) }, err)
	}
	flash(c, "已新建包保领导“"+l.Name+"”。")
	return c.Redirect("/admin/leaders", fiber.StatusSeeOther)
}

func (s *Server) leaderData(c *fiber.Ctx) (fiber.Map, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	l, err := register.FindLeader(c.UserContext(), s.db, id)
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Leader": l}, nil
}

func (s *Server) leaderEditPage(c *fiber.Ctx) error {
	data, err := s.leaderData(c)
	if err != nil {
		return err
	}
	return s.render(c, "leader_form", "编辑包保领导", data)
}

func (s *Server) leaderUpdate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	name, title, phone := c.FormValue("name"), c.FormValue("title"), c.FormValue("phone")
	up := register.LeaderUpdate{Name: &name, Title: &title, Phone: &phone}
	var l *register.Leader
	if up.Version, err = formVersion(c); err == nil {
		l, err = register.UpdateLeader(c.UserContext(), s.db, a, id, up)
	}
	if err != nil {
		return s.failEdit(c, "leader_form", "编辑包保领导", func() (fiber.Map, error) { return s.leaderData(c) }, err)
	}
	flash(c, "已保存包保领导“"+l.Name+"”。")
	return c.Redirect("/admin/leaders", fiber.StatusSeeOther)
}
