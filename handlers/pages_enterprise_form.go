package handlers

import (
	"qinqing/db/register"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// enterpriseFormData feeds the create and edit form; e is nil for a new enterprise.
func (s *Server) enterpriseFormData(c *fiber.Ctx, e *register.Enterprise) (fiber.Map, error) {
	ctx := c.UserContext()
	districts, err := register.Districts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	industries, err := register.Industries(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if e == nil {
		e = &register.Enterprise{}
	}
	return fiber.Map{"Enterprise": e, "Districts": districts, "Industries": industries,
		"Scales": []string{"规上", "规下", "小微"}}, nil
}

func (s *Server) enterpriseNewPage(c *fiber.Ctx) error {
	data, err := s.enterpriseFormData(c, nil)
	if err != nil {
		return err
	}
	return s.render(c, "enterprise_form", "新建企业", data)
}

func (s *Server) enterpriseCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	f := c.FormValue
	e, err := register.CreateEnterprise(c.UserContext(), s.db, a, register.EnterpriseInput{Name: f("name"), CreditCode: f("credit_code"),
		District: f("district"), Industry: f("industry"), Scale: f("scale"), Address: f("address"),
		ContactName: f("contact_name"), ContactPhone: f("contact_phone")})
	if err != nil {
		return s.failForm(c, "enterprise_form", "新建企业", func() (fiber.Map, error) { return s.enterpriseFormData(c, nil) }, err)
	}
	flash(c, "已新建企业“"+e.Name+"”。")
	return c.Redirect("/enterprises/"+strconv.FormatInt(e.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) findEnterpriseInPath(c *fiber.Ctx) (*register.Enterprise, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	a, _ := actorOf(c)
	return register.FindEnterprise(c.UserContext(), s.db, a, id)
}

func (s *Server) enterpriseEditPage(c *fiber.Ctx) error {
	e, err := s.findEnterpriseInPath(c)
	if err != nil {
		return err
	}
	data, err := s.enterpriseFormData(c, e)
	if err != nil {
		return err
	}
	return s.render(c, "enterprise_form", "编辑企业", data)
}

func (s *Server) enterpriseUpdate(c *fiber.Ctx) error {
	old, err := s.findEnterpriseInPath(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	v := func(name string) *string { x := c.FormValue(name); return &x }
	up := register.EnterpriseUpdate{Name: v("name"),
		CreditCode: v("credit_code"), District: v("district"), Industry: v("industry"), Scale: v("scale"),
		Address: v("address"), ContactName: v("contact_name"), ContactPhone: v("contact_phone")}
	var e *register.Enterprise
	if up.Version, err = formVersion(c); err == nil {
		e, err = register.UpdateEnterprise(c.UserContext(), s.db, a, old.ID, up)
	}
	if err != nil {
		return s.failEdit(c, "enterprise_form", "编辑企业", func() (fiber.Map, error) {
			// The form is shown again over the enterprise as it is now.
			now, ferr := s.findEnterpriseInPath(c)
			if ferr != nil {
				return nil, ferr
			}
			return s.enterpriseFormData(c, now)
		}, err)
	}
	flash(c, "已保存企业“"+e.Name+"”。")
	return c.Redirect("/enterprises/"+strconv.FormatInt(e.ID, 10), fiber.StatusSeeOther)
}
