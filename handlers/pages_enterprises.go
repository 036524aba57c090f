package handlers

import (
	"github.com/gofiber/fiber/v2"
)

func (s *Server) enterprisesPage(c *fiber.Ctx) error {
	f, err := enterpriseFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	list, err := s.db.ListEnterprises(ctx, a, f)
	if err != nil {
		return err
	}
	districts, err := s.db.Districts(ctx)
	if err != nil {
		return err
	}
	industries, err := s.db.Industries(ctx)
	if err != nil {
		return err
	}
	return s.render(c, "enterprises", "企业", fiber.Map{"List": list, "Filter": f,
		"Districts": districts, "Industries": industries})
}

func (s *Server) enterprisePage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	e, err := s.db.FindEnterprise(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	return s.render(c, "enterprise", e.Name, fiber.Map{"Enterprise": e})
}
