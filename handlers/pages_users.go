package handlers

import (
	"context"
	"net/url"
	"qinqing/db/register"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// scopeRef is what an account is bound to, as a label and a link.
type scopeRef struct {
	Label, Href string
}

func (s *Server) scopeOf(ctx context.Context, a db.Actor, picks *pickList, u *register.User) scopeRef {
	switch {
	case u.DepartmentID != nil:
		name := picks.departmentName(*u.DepartmentID)
		return scopeRef{name, "/admin/departments?q=" + url.QueryEscape(name)}
	case u.LeaderID != nil:
		return scopeRef{picks.leaderName(*u.LeaderID), "/admin/leaders/" + strconv.FormatInt(*u.LeaderID, 10) + "/edit"}
	case u.EnterpriseID != nil:
		ref := scopeRef{"#" + strconv.FormatInt(*u.EnterpriseID, 10), "/enterprises/" + strconv.FormatInt(*u.EnterpriseID, 10)}
		if e, err := register.FindEnterprise(ctx, s.db, a, *u.EnterpriseID); err == nil {
			ref.Label = e.Name
		}
		return ref
	}
	return scopeRef{}
}

func (s *Server) usersData(c *fiber.Ctx) (fiber.Map, error) {
	page, err := queryPage(c)
	if err != nil {
		return nil, err
	}
	disabled, err := queryBool(c, "disabled")
	if err != nil {
		return nil, err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	f := register.UserFilter{Q: c.Query("q"), Role: db.Role(c.Query("role")), Disabled: disabled, Page: page}
	list, err := register.ListUsers(ctx, s.db, a, f)
	if err != nil {
		return nil, err
	}
	picks, err := s.pickLists(ctx)
	if err != nil {
		return nil, err
	}
	scopes := map[int64]scopeRef{}
	for i := range list.Items {
		scopes[list.Items[i].ID] = s.scopeOf(ctx, a, picks, &list.Items[i])
	}
	return fiber.Map{"List": list, "Q": f.Q, "Role": string(f.Role), "Disabled": c.Query("disabled"),
		"Scopes": scopes, "Picks": picks, "MinPassword": register.MinPasswordLen}, nil
}

func (s *Server) usersPage(c *fiber.Ctx) error {
	data, err := s.usersData(c)
	if err != nil {
		return err
	}
	return s.render(c, "users", "用户", data)
}

// scopeFromForm reads only the scope field that the chosen role needs: the form shows
// them all to browsers without CSS :has(), and the others must not reach the db.
func (s *Server) scopeFromForm(c *fiber.Ctx, role db.Role) (dept, leader, ent *int64, err error) {
	a, _ := actorOf(c)
	switch role {
	case db.RoleDepartment:
		dept = formID(c, "department_id")
	case db.RoleLeader:
		leader = formID(c, "leader_id")
	case db.RoleEnterprise:
		ent, err = s.resolveEnterprise(c.UserContext(), a, c.FormValue("enterprise"))
	}
	return dept, leader, ent, err
}

func (s *Server) userCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	fail := func(err error) error {
		return s.failForm(c, "users", "用户", func() (fiber.Map, error) { return s.usersData(c) }, err)
	}
	in := register.UserInput{Username: c.FormValue("username"), Password: c.FormValue("password"),
		DisplayName: c.FormValue("display_name"), Role: db.Role(c.FormValue("role"))}
	var err error
	if in.DepartmentID, in.LeaderID, in.EnterpriseID, err = s.scopeFromForm(c, in.Role); err != nil {
		return fail(err)
	}
	u, err := register.CreateUser(c.UserContext(), s.db, a, in)
	if err != nil {
		return fail(err)
	}
	flash(c, "已新建用户“"+u.DisplayName+"”（"+u.Username+"，"+u.Role.Label()+"）。")
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func (s *Server) userData(c *fiber.Ctx) (fiber.Map, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	u, err := register.FindUser(ctx, s.db, a, id)
	if err != nil {
		return nil, err
	}
	picks, err := s.pickLists(ctx)
	if err != nil {
		return nil, err
	}
	// The enterprise field takes a credit code, the one key people can read back.
	entRef := ""
	if u.EnterpriseID != nil {
		entRef = strconv.FormatInt(*u.EnterpriseID, 10)
		if e, err := register.FindEnterprise(ctx, s.db, a, *u.EnterpriseID); err == nil {
			entRef = e.CreditCode
		}
	}
	return fiber.Map{"U": u, "Picks": picks, "Scope": s.scopeOf(ctx, a, picks, u), "EnterpriseRef": entRef,
		"Self": u.ID == a.UserID, "MinPassword": register.MinPasswordLen}, nil
}

func (s *Server) userPage(c *fiber.Ctx) error {
	data, err := s.userData(c)
	if err != nil {
		return err
	}
	return s.render(c, "user", "用户 · "+data["U"].(*register.User).DisplayName, data)
}

// updateUser applies up to the account in the path. On failure it has already answered
// (the page again, or the error page) and returns a nil user with render's error.
func (s *Server) updateUser(c *fiber.Ctx, up register.UserUpdate, scoped bool) (*register.User, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	a, _ := actorOf(c)
	if scoped {
		up.DepartmentID, up.LeaderID, up.EnterpriseID, err = s.scopeFromForm(c, *up.Role)
	}
	if err == nil {
		up.Version, err = formVersion(c)
	}
	if err == nil {
		var u *register.User
		if u, err = register.UpdateUser(c.UserContext(), s.db, a, id, up); err == nil {
			return u, nil
		}
	}
	return nil, s.failEdit(c, "user", "用户", func() (fiber.Map, error) { return s.userData(c) }, err)
}

func (s *Server) userUpdate(c *fiber.Ctx) error {
	name, role := c.FormValue("display_name"), db.Role(c.FormValue("role"))
	u, err := s.updateUser(c, register.UserUpdate{DisplayName: &name, Role: &role}, true)
	if u == nil {
		return err
	}
	flash(c, "已保存用户“"+u.DisplayName+"”。")
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) userStatus(c *fiber.Ctx) error {
	disabled := c.FormValue("disabled") == "true"
	u, err := s.updateUser(c, register.UserUpdate{Disabled: &disabled}, false)
	if u == nil {
		return err
	}
	if disabled {
		flash(c, "已停用“"+u.DisplayName+"”的账号，其所有登录已失效。")
	} else {
		flash(c, "已启用“"+u.DisplayName+"”的账号。")
	}
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) userPassword(c *fiber.Ctx) error {
	pw := c.FormValue("password")
	u, err := s.updateUser(c, register.UserUpdate{Password: &pw}, false)
	if u == nil {
		return err
	}
	if a, _ := actorOf(c); a.UserID == u.ID {
		// The reset revoked this very session too.
		s.clearSession(c)
		flash(c, "密码已重置，请用新密码重新登录。")
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	flash(c, "已重置“"+u.DisplayName+"”的密码，该用户在所有设备上的登录均已失效，需用新密码重新登录。")
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}
