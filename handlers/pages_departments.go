package handlers

import (
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) departmentsData(c *fiber.Ctx) (fiber.Map, error) {
	page, err := queryPage(c)
	if err != nil {
		return nil, err
	}
	list, err := register.ListDepartments(c.UserContext(), s.db, register.DepartmentFilter{Q: c.Query("q"), Page: page})
	if err != nil {
		return nil, err
	}
	return fiber.Map{"List": list, "Q": c.Query("q")}, nil
}

func (s *Server) departmentsPage(c *fiber.Ctx) error {
	data, err := s.departmentsData(c)
	if err != nil {
		return err
	}
	return s.render(c, "departments", "责任单位", data)
}

func (s *Server) departmentCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	d, err := register.CreateDepartment(c.UserContext(), s.db, a, register.DepartmentInput{Name: c.FormValue("name"), Kind: c.FormValue("kind")})
	if err != nil {
		data, derr := s.departmentsData(c)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "departments", "责任单位", data, err)
	}
	flash(c, "已新建责任单位“"+d.Name+"”。")
	return c.Redirect("/admin/departments", fiber.StatusSeeOther)
}

func (s *Server) departmentUpdate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	name, kind := c.FormValue("name"), c.FormValue("kind")
	up := register.DepartmentUpdate{Name: &name, Kind: &kind}
	var d *register.Department
	if up.Version, err = formVersion(c); err == nil {
		d, err = register.UpdateDepartment(c.UserContext(), s.db, a, id, up)
	}
	if err != nil {
		return s.failEdit(c, "departments", "责任单位", func() (fiber.Map, error) { return s.departmentsData(c) }, err)
	}
	flash(c, "已保存“"+d.Name+"”。")
	return c.Redirect("/admin/departments", fiber.StatusSeeOther)
}
