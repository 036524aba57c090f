package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// homePage shows each role the place its work starts.
func (s *Server) homePage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	data := fiber.Map{"Role": string(a.Role)}
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice:
		counts, err := s.db.CityCounts(ctx)
		if err != nil {
			return err
		}
		data["Counts"] = counts
	case db.RoleLeader:
		leader, err := s.db.FindLeader(ctx, a.LeaderID)
		if err != nil {
			return err
		}
		list, err := s.db.ListEnterprises(ctx, a, db.EnterpriseFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return err
		}
		data["Leader"], data["Enterprises"] = leader, list
	case db.RoleEnterprise:
		e, err := s.db.FindEnterprise(ctx, a, a.EnterpriseID)
		if err != nil {
			return err
		}
		data["Enterprise"] = e
	case db.RoleDepartment:
		d, err := s.db.FindDepartment(ctx, a.DepartmentID)
		if err != nil {
			return err
		}
		data["Department"] = d
	case db.RoleAuditor:
		v, err := s.db.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		events, err := s.db.ListAuditEvents(ctx, a, db.AuditFilter{Page: db.Page{Limit: 10}})
		if err != nil {
			return err
		}
		data["Verify"], data["Events"] = v, events
	}
	return s.render(c, "home", "首页", data)
}
