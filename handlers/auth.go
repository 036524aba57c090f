package handlers

import (
	"crypto/subtle"
	"fmt"
	"qinqing/db/register"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

const (
	tokenCookie = "qq_token"
	csrfCookie  = "qq_csrf"
	csrfField   = "_csrf"
	csrfHeader  = "X-CSRF-Token"
)

// authenticate finds the caller's account from a Bearer token or, for the web UI, the
// session cookie. It never refuses: routes decide with allow().
func (s *Server) authenticate(c *fiber.Ctx) error {
	raw, fromCookie := "", false
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return db.Errorf(db.EUNAUTHORIZED, "Authorization 须为 Bearer 令牌。")
		}
		raw = strings.TrimSpace(tok)
		if raw == "" {
			return db.Errorf(db.EUNAUTHORIZED, "令牌无效或已过期，请重新登录。")
		}
	} else if ck := c.Cookies(tokenCookie); ck != "" {
		raw, fromCookie = ck, true
	}
	if raw == "" {
		return c.Next()
	}
	if strings.HasPrefix(raw, register.KeyPrefix) && !fromCookie {
		return s.authenticateKey(c, raw)
	}
	id, ver, exp, ok := s.parseToken(raw)
	var u *register.User
	if ok {
		var err error
		u, err = register.UserByID(c.UserContext(), s.db, id)
		if err != nil && db.ErrorCode(err) != db.ENOTFOUND {
			return err
		}
		ok = err == nil && !u.Disabled && u.TokenVersion == ver
	}
	if !ok {
		if fromCookie {
			// A stale cookie is not an error for pages: the visitor is simply signed out.
			s.clearSession(c)
			return c.Next()
		}
		return db.Errorf(db.EUNAUTHORIZED, "令牌无效或已过期，请重新登录。")
	}
	if fromCookie && exp.Sub(s.now()) < s.ttl/2 {
		// The web session stays open while in use: a cookie past half its life is
		// re-issued, so a bounded lifetime does not sign out someone at work.
		tok, exp, err := s.issueToken(u)
		if err != nil {
			return err
		}
		s.setSession(c, tok, exp)
	}
	c.Locals("user", u)
	c.Locals("actor", register.ActorOf(u))
	c.Locals("via_cookie", fromCookie)
	return c.Next()
}

// authenticateKey admits another system by its service key, on the API only: the key
// acts as a service actor within its scopes, and a revoked or unknown key is refused.
func (s *Server) authenticateKey(c *fiber.Ctx, raw string) error {
	if !isAPI(c) {
		return db.Errorf(db.EUNAUTHORIZED, "服务密钥只能调用接口。")
	}
	a, ok, err := register.KeyActor(c.UserContext(), s.db, raw)
	if err != nil {
		return err
	}
	if !ok {
		return db.Errorf(db.EUNAUTHORIZED, "服务密钥无效或已吊销。")
	}
	c.Locals("actor", a)
	return c.Next()
}

func actorOf(c *fiber.Ctx) (db.Actor, bool) {
	a, ok := c.Locals("actor").(db.Actor)
	return a, ok
}

func userOf(c *fiber.Ctx) *register.User {
	u, _ := c.Locals("user").(*register.User)
	return u
}

// allow returns middleware that admits only signed-in users of the given roles (any role
// when none is given). API calls made with the session cookie must carry the CSRF header
// on unsafe methods, as forms do.
func (s *Server) allow(roles ...db.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, ok := actorOf(c)
		if !ok {
			return db.Errorf(db.EUNAUTHORIZED, "请先登录。")
		}
		if len(roles) > 0 && !a.Is(roles...) {
			return db.Errorf(db.EFORBIDDEN, "您的角色无权访问此功能。")
		}
		// A service key acts only where a route names it: every role is not every caller.
		if a.Is(db.RoleService) && !slices.Contains(roles, db.RoleService) {
			return db.Errorf(db.EFORBIDDEN, "服务密钥无权访问此功能。")
		}
		if viaCookie, _ := c.Locals("via_cookie").(bool); viaCookie && isAPI(c) && !safeMethod(c.Method()) {
			if err := s.checkCSRF(c); err != nil {
				return err
			}
		}
		return c.Next()
	}
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// checkCSRF compares the token in the form or header with the CSRF cookie (double submit).
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	want := c.Cookies(csrfCookie)
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return db.Errorf(db.EFORBIDDEN, "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
	}
	return nil
}

// login reserves a guess under every sign-in throttle, then checks the password and
// issues a token. The guess is counted before argon2id runs, so parallel guesses are
// bounded as sequential ones are; a success forgets the account's failures from this
// address, and an error that was no guess (the server busy) gives the guess back.
func (s *Server) login(c *fiber.Ctx, username, password string) (*register.User, string, time.Time, error) {
	username = strings.TrimSpace(username)
	if username == "" || password == "" {
		return nil, "", time.Time{}, &db.Error{Code: db.EINVALID, Message: "请输入用户名和密码。",
			Fields: []db.FieldError{{Field: "username", Message: "必填"}, {Field: "password", Message: "必填"}}}
	}
	addr := s.clientIP(c)
	user := "user:" + strings.ToLower(username)
	userAddr := user + "@" + addr
	res, wait := s.throttle.take(limit{userAddr, maxFailsPerUserAddr}, limit{user, maxFailsPerUser},
		limit{"addr:" + addr, maxFailsPerAddr})
	if res == nil {
		return nil, "", time.Time{}, tooMany(c, wait, "登录失败次数过多，请 %d 分钟后再试。")
	}
	u, err := register.Authenticate(c.UserContext(), s.db, username, password)
	if err != nil {
		if db.ErrorCode(err) != db.EUNAUTHORIZED {
			res.release()
		}
		return nil, "", time.Time{}, err
	}
	res.release()
	s.throttle.reset(userAddr)
	tok, exp, err := s.issueToken(u)
	return u, tok, exp, err
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string         `json:"token"`
	ExpiresAt time.Time      `json:"expires_at"`
	User      *register.User `json:"user"`
}

func (s *Server) apiLogin(c *fiber.Ctx) error {
	var in loginRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, tok, exp, err := s.login(c, in.Username, in.Password)
	if err != nil {
		return err
	}
	return c.JSON(loginResponse{Token: tok, ExpiresAt: exp.In(db.Zone), User: u})
}

func (s *Server) apiLogout(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	if err := register.Logout(c.UserContext(), s.db, a); err != nil {
		return err
	}
	s.clearSession(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiMe(c *fiber.Ctx) error { return c.JSON(userOf(c)) }

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) apiChangePassword(c *fiber.Ctx) error {
	var in passwordRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.changePassword(c, in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	s.clearSession(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// changePassword throttles guesses of the current password per account, as login does:
// a stolen session must not become a way to learn the password behind it.
func (s *Server) changePassword(c *fiber.Ctx, current, next string) error {
	a, _ := actorOf(c)
	key := fmt.Sprintf("password:%d", a.UserID)
	res, wait := s.throttle.take(limit{key, maxFailsPerUserAddr})
	if res == nil {
		return tooMany(c, wait, "当前密码错误次数过多，请 %d 分钟后再试。")
	}
	err := register.ChangePassword(c.UserContext(), s.db, a, current, next)
	switch {
	case err == nil:
		s.throttle.reset(key)
	case err != register.ErrWrongPassword:
		res.release()
	}
	return err
}

func (s *Server) setSession(c *fiber.Ctx, tok string, exp time.Time) {
	c.Cookie(&fiber.Cookie{Name: tokenCookie, Value: tok, Path: "/", Expires: exp, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https"})
}

func (s *Server) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: tokenCookie, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}
