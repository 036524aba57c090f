package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/ledger"
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func (s *Server) enterprisesPage(c *fiber.Ctx) error {
	f, err := enterpriseFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	list, err := register.ListEnterprises(ctx, s.db, a, f)
	if err != nil {
		return err
	}
	districts, err := register.Districts(ctx, s.db)
	if err != nil {
		return err
	}
	industries, err := register.Industries(ctx, s.db)
	if err != nil {
		return err
	}
	data := fiber.Map{"List": list, "Filter": f, "Districts": districts, "Industries": industries,
		"Review": c.Query("review") != ""}
	if err := s.reviewData(c, a, data); err != nil {
		return err
	}
	return s.render(c, "enterprises", "企业", data)
}

func (s *Server) enterprisePage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	d, err := ledger.EnterpriseDossier(ctx, s.db, a, id)
	if err != nil {
		return err
	}
	data := fiber.Map{"Dossier": d, "Enterprise": d.Enterprise, "Today": db.Today(s.db.Now()),
		"CanVisit": d.VisitStatus != nil && a.Is(db.RoleLeader) && d.VisitStatus.LeaderID == a.LeaderID}
	if a.Is(db.RoleAdmin, db.RoleOffice) {
		if data["NeedsReview"], err = appeal.EnterpriseNeedsReview(ctx, s.db, id); err != nil {
			return err
		}
	}
	if a.Is(db.RoleAdmin) {
		// The admin reassigns the pair from here; the pairs page keeps the history.
		leaders, err := register.ListLeaders(ctx, s.db, register.LeaderFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return err
		}
		data["Leaders"] = leaders.Items
	}
	return s.render(c, "enterprise", d.Name, data)
}
