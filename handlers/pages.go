package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountPages adds the web UI. Every page is behind the session cookie; every form post
// checks the CSRF token.
func (s *Server) mountPages() {
	web := &pageRouter{s: s}
	web.get("/login", s.loginPage)
	web.post("/login", s.loginSubmit)
	web.post("/logout", s.signedIn(), s.logoutSubmit)
	web.get("/", s.signedIn(), s.homePage)
	web.get("/me/password", s.signedIn(), s.passwordPage)
	web.post("/me/password", s.signedIn(), s.passwordSubmit)

	web.get("/enterprises", s.signedIn(), s.enterprisesPage)
	web.get("/enterprises/:id", s.signedIn(), s.enterprisePage)

	web.get("/admin/departments", s.signedIn(db.RoleAdmin), s.departmentsPage)
	web.post("/admin/departments", s.signedIn(db.RoleAdmin), s.departmentCreate)
	web.post("/admin/departments/:id", s.signedIn(db.RoleAdmin), s.departmentUpdate)
	web.get("/admin/settings", s.signedIn(db.RoleAdmin), s.settingsPage)
	web.post("/admin/settings/deadlines", s.signedIn(db.RoleAdmin), s.settingsDeadlineSubmit)
	s.mountAdminPages(web)
	s.mountAppealPages(web)
	s.mountPrintPages(web)
	s.mountLedgerPages(web)
	s.mountFigurePages(web)
	s.mountOversightPages(web)
}

// pageRouter registers UI routes behind the session and the CSRF check.
type pageRouter struct{ s *Server }

func (r *pageRouter) get(path string, h ...fiber.Handler) {
	r.s.app.Get(path, append([]fiber.Handler{r.s.authenticate}, h...)...)
}

func (r *pageRouter) post(path string, h ...fiber.Handler) {
	r.s.app.Post(path, append([]fiber.Handler{r.s.authenticate, r.s.csrfForms}, h...)...)
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

// signedIn sends visitors without a session to the login page, and refuses roles not listed.
func (s *Server) signedIn(roles ...db.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, ok := actorOf(c)
		if !ok {
			next := c.OriginalURL()
			if c.Method() != fiber.MethodGet || next == "/" {
				return c.Redirect("/login", fiber.StatusSeeOther)
			}
			return redirectLocal(c, "/login?next="+url.QueryEscape(next), "/login")
		}
		if len(roles) > 0 && !a.Is(roles...) {
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
	if err := s.db.Logout(c.UserContext(), a); err != nil {
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
