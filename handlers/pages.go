package handlers

import (
	"net/url"
	"qinqing/db/register"
	"slices"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountPages adds the web UI. Every page is behind the session cookie; every form post
// checks the CSRF token.
func (s *Server) mountPages() {
	web := &pageRouter{s: s}
	web.get("/login", public, s.loginPage)
	web.post("/login", public, s.loginSubmit)
	web.post("/logout", signedIn(), s.logoutSubmit)
	web.get("/", signedIn(), s.homePage)
	web.get("/me/password", signedIn(), s.passwordPage)
	web.post("/me/password", signedIn(), s.passwordSubmit)

	web.get("/enterprises", signedIn(), s.enterprisesPage)
	web.get("/enterprises/:id", signedIn(), s.enterprisePage)

	web.get("/admin/departments", signedIn(db.RoleAdmin), s.departmentsPage)
	web.post("/admin/departments", signedIn(db.RoleAdmin), s.departmentCreate)
	web.post("/admin/departments/:id", signedIn(db.RoleAdmin), s.departmentUpdate)
	web.get("/admin/settings", signedIn(db.RoleAdmin), s.settingsPage)
	web.post("/admin/settings/deadlines", signedIn(db.RoleAdmin), s.settingsDeadlineSubmit)
	s.mountAdminPages(web)
	s.mountAppealPages(web)
	s.mountPrintPages(web)
	s.mountLedgerPages(web)
	s.mountFigurePages(web)
	s.mountOversightPages(web)
	s.mountCalendarPages(web)
	s.mountNoticePages(web)
	s.mountKeyPages(web)
}

// access says who may open a page: anyone (public), or signed-in users of the listed
// roles (every role when none is listed).
type access struct {
	public bool
	roles  []db.Role
}

var public = access{public: true}

// signedIn admits signed-in users of the given roles, or of every role when none is given.
func signedIn(roles ...db.Role) access { return access{roles: roles} }

// PageRoute is one UI route with who may open it. The server keeps the whole table, so
// that tests can try every page with every role it does not admit.
type PageRoute struct {
	Method, Path string
	Public       bool
	Roles        []db.Role
}

// PageRoutes is the table of UI routes, in the order they were registered.
func (s *Server) PageRoutes() []PageRoute { return slices.Clone(s.pageRoutes) }

// pageRouter registers UI routes behind the session and the CSRF check, and records them.
type pageRouter struct{ s *Server }

func (r *pageRouter) get(path string, who access, h fiber.Handler) {
	r.add(fiber.MethodGet, path, who, r.s.authenticate, h)
}

func (r *pageRouter) post(path string, who access, h fiber.Handler) {
	r.add(fiber.MethodPost, path, who, r.s.authenticate, r.s.csrfForms, h)
}

func (r *pageRouter) add(method, path string, who access, chain ...fiber.Handler) {
	if !who.public {
		// The role check goes just before the page's own handler.
		last := len(chain) - 1
		chain = append(chain[:last:last], r.s.requireSignedIn(who.roles...), chain[last])
	}
	r.s.app.Add(method, path, chain...)
	r.s.pageRoutes = append(r.s.pageRoutes, PageRoute{Method: method, Path: path, Public: who.public, Roles: who.roles})
}

// csrfForms refuses any form post whose token does not match the visitor's cookie.
func (s *Server) csrfForms(c *fiber.Ctx) error {
	if !safeMethod(c.Method()) {
		if err := s.checkCSRF(c); err != nil {
			return err
		}
	}
	return c.Next()
}

// requireSignedIn sends visitors without a session to the login page, and refuses roles
// not listed with a 404, so that a page's existence is not told to whoever may not open it.
func (s *Server) requireSignedIn(roles ...db.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, ok := actorOf(c)
		if !ok {
			next := c.OriginalURL()
			if c.Method() != fiber.MethodGet || next == "/" {
				return c.Redirect("/login", fiber.StatusSeeOther)
			}
			return redirectLocal(c, "/login?next="+url.QueryEscape(next), "/login")
		}
		if len(roles) > 0 && !a.Is(roles...) || a.Is(db.RoleService) {
			return db.Errorf(db.ENOTFOUND, "页面不存在或您无权查看。")
		}
		return c.Next()
	}
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if userOf(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return s.render(c, "login", "登录", fiber.Map{"Next": safeNext(c.Query("next"))})
}

func (s *Server) loginSubmit(c *fiber.Ctx) error {
	_, tok, exp, err := s.login(c, c.FormValue("username"), c.FormValue("password"))
	if err != nil {
		return s.formFailed(c, "login", "登录", fiber.Map{"Next": safeNext(c.FormValue("next"))}, err)
	}
	s.setSession(c, tok, exp)
	return redirectLocal(c, c.FormValue("next"), "/")
}

func (s *Server) logoutSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	if err := register.Logout(c.UserContext(), s.db, a); err != nil {
		return err
	}
	s.clearSession(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

func (s *Server) passwordPage(c *fiber.Ctx) error {
	return s.render(c, "password", "修改密码", nil)
}

func (s *Server) passwordSubmit(c *fiber.Ctx) error {
	cur, next := c.FormValue("current_password"), c.FormValue("new_password")
	if next != c.FormValue("confirm_password") {
		return s.formFailed(c, "password", "修改密码", nil,
			&db.Error{Code: db.EINVALID, Message: "两次输入的新密码不一致。", Fields: []db.FieldError{{Field: "confirm_password", Message: "与新密码不一致"}}})
	}
	if err := s.changePassword(c, cur, next); err != nil {
		return s.formFailed(c, "password", "修改密码", nil, err)
	}
	// Every token of the account is revoked: sign in again with the new password.
	s.clearSession(c)
	flash(c, "密码已修改，请用新密码重新登录。")
	return c.Redirect("/login", fiber.StatusSeeOther)
}
