package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/register"
	"sort"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

var serviceOnly = []db.Role{db.RoleService}

// integrationRoutes are the service keys an admin issues and what other systems do with
// them: the 12345 hotline files its tickets.
func (s *Server) integrationRoutes() []route {
	return []route{
		{"GET", "/api-keys", adminOnly, false, "服务密钥列表（不含密钥本身）", s.apiListKeys},
		{"POST", "/api-keys", adminOnly, false, "新建服务密钥 {name, scopes}；密钥只在此答复中出现一次", s.apiCreateKey},
		{"POST", "/api-keys/:id/revoke", adminOnly, false, "吊销服务密钥", s.apiRevokeKey},
		{"POST", "/integrations/hotline/tickets", serviceOnly, false,
			"12345 热线报送工单（服务密钥，权限 hotline）：新工单答 201，同一 ticket_no 再报答 200 与原诉求", s.apiHotlineTicket},
	}
}

func (s *Server) apiListKeys(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := register.ListKeys(c.UserContext(), s.db, a, page)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiCreateKey(c *fiber.Ctx) error {
	var in register.KeyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	k, err := register.CreateKey(c.UserContext(), s.db, a, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(k)
}

func (s *Server) apiRevokeKey(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	k, err := register.RevokeKey(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return c.JSON(k)
}

func (s *Server) apiHotlineTicket(c *fiber.Ctx) error {
	var tk appeal.Ticket
	if err := decodeJSON(c, &tk); err != nil {
		return err
	}
	a, _ := actorOf(c)
	ap, created, err := appeal.FileTicket(c.UserContext(), s.db, a, tk)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(ap)
}

// mountKeyPages adds the admin's page of service keys.
func (s *Server) mountKeyPages(web *pageRouter) {
	admin := signedIn(db.RoleAdmin)
	web.get("/admin/api-keys", admin, s.keysPage)
	web.post("/admin/api-keys", admin, s.keyCreateSubmit)
	web.post("/admin/api-keys/:id/revoke", admin, s.keyRevokeSubmit)
}

type scopeOption struct{ Name, Label string }

func scopeOptions() []scopeOption {
	var out []scopeOption
	for name, label := range register.Scopes {
		out = append(out, scopeOption{name, label})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *Server) keysData(c *fiber.Ctx, created *register.NewKey) (fiber.Map, error) {
	page, err := queryPage(c)
	if err != nil {
		return nil, err
	}
	a, _ := actorOf(c)
	list, err := register.ListKeys(c.UserContext(), s.db, a, page)
	if err != nil {
		return nil, err
	}
	next := ""
	if list.NextCursor != "" {
		next = "/admin/api-keys?cursor=" + list.NextCursor
	}
	return fiber.Map{"List": list, "Next": next, "Scopes": scopeOptions(), "Created": created}, nil
}

func (s *Server) keysPage(c *fiber.Ctx) error {
	data, err := s.keysData(c, nil)
	if err != nil {
		return err
	}
	return s.render(c, "api_keys", "服务密钥", data)
}

// keyCreateSubmit issues a key and shows it on the answer itself, once: it is never
// stored, so no later page could show it again.
func (s *Server) keyCreateSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	in := register.KeyInput{Name: c.FormValue("name")}
	for _, sc := range scopeOptions() {
		if c.FormValue("scope_"+sc.Name) == "1" {
			in.Scopes = append(in.Scopes, sc.Name)
		}
	}
	k, err := register.CreateKey(c.UserContext(), s.db, a, in)
	if err != nil {
		data, derr := s.keysData(c, nil)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "api_keys", "服务密钥", data, err)
	}
	data, err := s.keysData(c, k)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return s.render(c, "api_keys", "服务密钥", data)
}

func (s *Server) keyRevokeSubmit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	k, err := register.RevokeKey(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	flash(c, "已吊销密钥“"+k.Name+"”，使用它的系统将无法再调用接口。")
	return c.Redirect("/admin/api-keys", fiber.StatusSeeOther)
}
