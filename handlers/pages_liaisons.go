package handlers

import (
	"net/url"
	"qinqing/db/register"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// liaisonFilterKeys are the query parameters the pairs page keeps across a form post.
var liaisonFilterKeys = []string{"leader_id", "enterprise_id", "q", "active"}

// liaisonsBack is the pairs page with the filters that a form carried in its action's
// query string, so that the admin lands where they were.
func liaisonsBack(back string) string {
	in, _ := url.ParseQuery(back)
	out := url.Values{}
	for _, k := range liaisonFilterKeys {
		if v := in.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	if len(out) == 0 {
		return "/admin/liaisons"
	}
	return "/admin/liaisons?" + out.Encode()
}

func (s *Server) liaisonsData(c *fiber.Ctx) (fiber.Map, error) {
	f, err := liaisonFilter(c)
	if err != nil {
		return nil, err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	list, err := register.ListLiaisons(ctx, s.db, a, f)
	if err != nil {
		return nil, err
	}
	leaders, err := register.ListLeaders(ctx, s.db, register.LeaderFilter{Page: db.Page{Limit: db.MaxLimit}})
	if err != nil {
		return nil, err
	}
	data := fiber.Map{"List": list, "Filter": f, "Active": c.Query("active"), "Leaders": leaders.Items,
		"Today": db.Today(s.db.Now()), "CanEdit": a.Is(db.RoleAdmin), "EnterpriseRef": ""}
	if f.EnterpriseID != 0 {
		e, err := register.FindEnterprise(ctx, s.db, a, f.EnterpriseID)
		if err != nil {
			return nil, err
		}
		data["Enterprise"], data["EnterpriseRef"] = e, e.CreditCode
	}
	return data, nil
}

func (s *Server) liaisonsPage(c *fiber.Ctx) error {
	data, err := s.liaisonsData(c)
	if err != nil {
		return err
	}
	return s.render(c, "liaisons", "包保关系", data)
}

func (s *Server) liaisonCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	if !a.Is(db.RoleAdmin) {
		return db.Errorf(db.EFORBIDDEN, "您的角色无权进行此操作。")
	}
	ctx := c.UserContext()
	fail := func(err error) error {
		return s.failForm(c, "liaisons", "包保关系", func() (fiber.Map, error) { return s.liaisonsData(c) }, err)
	}
	ent, err := s.resolveEnterprise(ctx, a, c.FormValue("enterprise"))
	if err != nil {
		return fail(err)
	}
	if ent == nil {
		return fail(invalidField("enterprise_id", "请填写企业名称、统一社会信用代码或企业编号"))
	}
	in := register.LiaisonInput{EnterpriseID: *ent, Since: c.FormValue("since"), Note: c.FormValue("note")}
	if id := formID(c, "leader_id"); id != nil {
		in.LeaderID = *id
	}
	// Read the current pair first, only to tell the admin that it was ended.
	yes := true
	cur, err := register.ListLiaisons(ctx, s.db, a, register.LiaisonFilter{EnterpriseID: *ent, Active: &yes, Page: db.Page{Limit: 1}})
	if err != nil {
		return err
	}
	l, err := register.CreateLiaison(ctx, s.db, a, in)
	if err != nil {
		return fail(err)
	}
	msg := "已安排" + l.LeaderName + "包保“" + l.EnterpriseName + "”，自 " + l.Since + " 起。"
	if len(cur.Items) > 0 {
		msg += "原包保领导" + cur.Items[0].LeaderName + "的包保关系已于 " + l.Since + " 结束，历史记录保留。"
	}
	flash(c, msg)
	return c.Redirect("/admin/liaisons?enterprise_id="+strconv.FormatInt(l.EnterpriseID, 10), fiber.StatusSeeOther)
}

func (s *Server) liaisonEnd(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	until := c.FormValue("until")
	if until == "" {
		until = db.Today(s.db.Now())
	}
	up := register.LiaisonUpdate{Until: &until}
	var l *register.Liaison
	if up.Version, err = formVersion(c); err == nil {
		l, err = register.UpdateLiaison(c.UserContext(), s.db, a, id, up)
	}
	if err != nil {
		return s.failEdit(c, "liaisons", "包保关系", func() (fiber.Map, error) { return s.liaisonsData(c) }, err)
	}
	flash(c, "已结束"+l.LeaderName+"对“"+l.EnterpriseName+"”的包保关系（"+l.Since+" 至 "+until+"）。")
	return redirectLocal(c, liaisonsBack(string(c.Request().URI().QueryString())), "/admin/liaisons")
}
