package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/register"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// Enterprises the office registered from the 12345 intake form wait for an
// administrator's check: a 待审核 filter on the enterprises page, a banner on the
// enterprise's page, and a confirmation that clears the flag.

func (s *Server) apiEnterprisesToReview(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	list, err := appeal.EnterprisesToReview(c.UserContext(), s.db, a)
	if err != nil {
		return err
	}
	if list == nil {
		list = []register.Enterprise{}
	}
	return c.JSON(fiber.Map{"items": list, "total": len(list)})
}

func (s *Server) apiConfirmEnterprise(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	e, err := appeal.ConfirmEnterprise(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"enterprise": e, "needs_review": false})
}

func (s *Server) enterpriseConfirm(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	e, err := appeal.ConfirmEnterprise(c.UserContext(), s.db, a, id)
	if err != nil && db.ErrorCode(err) != db.ECONFLICT {
		return err
	}
	if err == nil {
		flash(c, "已确认企业“"+e.Name+"”的登记信息。")
	} else {
		flash(c, db.ErrorMessage(err))
	}
	return c.Redirect("/enterprises/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// reviewData adds the review flag to the enterprises page and an enterprise's page.
func (s *Server) reviewData(c *fiber.Ctx, a db.Actor, data fiber.Map) error {
	if !a.Is(db.RoleAdmin, db.RoleOffice) {
		return nil
	}
	list, err := appeal.EnterprisesToReview(c.UserContext(), s.db, a)
	if err != nil {
		return err
	}
	data["ToReview"] = list
	return nil
}
