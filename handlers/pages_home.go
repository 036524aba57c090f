package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// homePage shows each role the place its work starts.
func (s *Server) homePage(c *fiber.Ctx) error {
	data, err := s.homeData(c)
	if err != nil {
		return err
	}
	return s.render(c, "home", "首页", data)
}

// homeData is what the home page shows the caller's role; forms posted from home
// re-render it with their errors.
func (s *Server) homeData(c *fiber.Ctx) (fiber.Map, error) {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	data := fiber.Map{"Role": string(a.Role)}
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice:
		counts, err := s.db.CityCounts(ctx)
		if err != nil {
			return nil, err
		}
		data["Counts"] = counts
	case db.RoleLeader:
		if err := s.leaderHome(ctx, a, data); err != nil {
			return nil, err
		}
	case db.RoleEnterprise:
		if err := s.enterpriseHome(ctx, a, data); err != nil {
			return nil, err
		}
	case db.RoleDepartment:
		d, err := s.db.FindDepartment(ctx, a.DepartmentID)
		if err != nil {
			return nil, err
		}
		data["Department"] = d
	case db.RoleAuditor:
		v, err := s.db.VerifyAudit(ctx)
		if err != nil {
			return nil, err
		}
		events, err := s.db.ListAuditEvents(ctx, a, db.AuditFilter{Page: db.Page{Limit: 10}})
		if err != nil {
			return nil, err
		}
		data["Verify"], data["Events"] = v, events
	}
	return data, nil
}
