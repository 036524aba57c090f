package handlers

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/url"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// pageData is what every page template receives.
type pageData struct {
	Title  string
	User   *register.User
	CSRF   string
	Path   string
	Nav    []navItem
	Tabs   []navItem // the phone's bottom bar (pages_home_todo.go)
	Todo   *todoTile // the nav's 待办 badge, for roles that have one
	Unread int       // the bell: the visitor's unread notices
	Flash  string
	Error  string
	Fields map[string]string // field errors of a failed form
	Form   map[string]string // the values a failed form is shown again with
	Data   any

	// PageURL is the page's own address when the answer is a POST's (a failed form).
	PageURL string
}

type navItem struct {
	Href, Label string
	Active      bool
}

// navFor lists the sections a role works in; routes enforce the same rules server-side.
func navFor(role db.Role) []navItem {
	items := []navItem{{"/", "首页", false}, {"/appeals", "诉求", false}}
	switch role {
	case db.RoleAdmin:
		items = append(items, navItem{"/enterprises", "企业", false}, navItem{"/admin/liaisons", "包保关系", false},
			navItem{"/leaders", "台账", false}, navItem{"/admin/leaders", "包保领导", false},
			navItem{"/admin/departments", "责任单位", false}, navItem{"/admin/users", "用户", false},
			navItem{"/admin/settings", "设置", false}, navItem{"/admin/api-keys", "接口密钥", false})
		items = append(items, navItem{"/stats", "统计", false}, navItem{"/reports/monthly", "通报", false}, navItem{"/issue-classes", "一类问题", false})
	case db.RoleOffice:
		items = append(items, navItem{"/enterprises", "企业", false}, navItem{"/admin/liaisons", "包保关系", false})
		items = append(items, navItem{"/stats", "统计", false}, navItem{"/reports/monthly", "通报", false}, navItem{"/issue-classes", "一类问题", false})
	case db.RoleLeader:
		items = append(items, navItem{"/enterprises", "我的包保企业", false}, navItem{"/visits", "走访记录", false})
		items = append(items, navItem{"/stats", "统计", false}, navItem{"/reports/monthly", "通报", false})
	case db.RoleAuditor:
		items = append(items, navItem{"/oversight", "纪检监督", false}, navItem{"/enterprises", "企业", false})
		items = append(items, navItem{"/stats", "统计", false}, navItem{"/reports/monthly", "通报", false}, navItem{"/issue-classes", "一类问题", false})
	case db.RoleEnterprise:
		items = append(items, navItem{"/appeals/new", "反映问题", false})
	case db.RoleDepartment:
		items = append(items, navItem{"/stats", "统计", false})
	}
	items = append(items, navItem{"/cases", "典型案例", false})
	return items
}

// csrfToken returns the visitor's CSRF token, setting the cookie on first visit.
func csrfToken(c *fiber.Ctx) string {
	if tok := c.Cookies(csrfCookie); len(tok) == 64 {
		return tok
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: tok, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https", Expires: time.Now().Add(30 * 24 * time.Hour)})
	// Make the new token visible to the check on this same request.
	c.Request().Header.SetCookie(csrfCookie, tok)
	return tok
}

const flashCookie = "qq_flash"

// flash leaves a one-line message for the next page the visitor sees.
func flash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(time.Minute)})
}

func takeFlash(c *fiber.Ctx) string {
	v := c.Cookies(flashCookie)
	if v == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1})
	msg, _ := url.QueryUnescape(v)
	return msg
}

func (s *Server) page(c *fiber.Ctx, title string, data any) *pageData {
	p := &pageData{Title: title, User: userOf(c), CSRF: csrfToken(c), Path: c.Path(), Data: data, Flash: takeFlash(c)}
	if p.User != nil {
		p.Nav = navFor(p.User.Role)
		p.Tabs, p.Todo, p.Unread = tabsFor(p.User.Role, p.Path), s.todoBadge(c), s.unreadNotices(c)
		// The longest matching entry wins, so /appeals/new lights 反映问题, not 诉求 too.
		best := -1
		for i, n := range p.Nav {
			if n.Href == p.Path || n.Href != "/" && strings.HasPrefix(p.Path, n.Href+"/") {
				if best < 0 || len(n.Href) > len(p.Nav[best].Href) {
					best = i
				}
			}
		}
		if best >= 0 {
			p.Nav[best].Active = true
		}
	}
	return p
}

// render writes a page; data may be a *pageData already filled in, or the page's own data.
func (s *Server) render(c *fiber.Ctx, name, title string, data any) error {
	p, ok := data.(*pageData)
	if !ok {
		p = s.page(c, title, data)
	}
	var buf bytes.Buffer
	if err := s.pages.Render(&buf, name, p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// formFailed shows the form page again with the error, its field messages and the
// values the user typed, so nothing typed is lost.
func (s *Server) formFailed(c *fiber.Ctx, name, title string, data any, err error) error {
	e, ok := db.AsError(err)
	if !ok || e.Code == db.EINTERNAL {
		return err
	}
	p := s.page(c, title, data)
	p.PageURL = pageURLOf(c)
	p.Error = e.Message
	p.Fields = map[string]string{}
	for _, f := range e.Fields {
		p.Fields[f.Field] = f.Message
	}
	p.Form = map[string]string{}
	keep := func(key, v string) {
		if key != csrfField && !strings.Contains(key, "password") {
			p.Form[key] = v
		}
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { keep(string(k), string(v)) })
	if form, err := c.MultipartForm(); err == nil && form != nil {
		for k, vs := range form.Value {
			if len(vs) > 0 {
				keep(k, vs[0])
			}
		}
	}
	c.Status(statusOf[e.Code])
	return s.render(c, name, title, p)
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"datetime": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				if v.IsZero() {
					return ""
				}
				return v.In(db.Zone).Format("2006-01-02 15:04")
			case *time.Time:
				if v == nil {
					return ""
				}
				return v.In(db.Zone).Format("2006-01-02 15:04")
			}
			return ""
		},
		"roleLabel": func(r db.Role) string { return r.Label() },
		"todoLabel": appeal.TodoLabel,
		// satisfaction names a rating's answer; every page passes the answer itself.
		"satisfaction": appeal.SatisfactionLabel,
		"tierLabel":    func(t appeal.Tier) string { return t.Label() },
		"hours":        func(secs int) string { return strconv.FormatFloat(float64(secs)/3600, 'f', -1, 64) },
		"roles":        func() []db.Role { return db.Roles },
		"deref": func(p any) any {
			switch v := p.(type) {
			case *int64:
				if v == nil {
					return ""
				}
				return *v
			case *string:
				if v == nil {
					return ""
				}
				return *v
			}
			return p
		},
		// val returns the value typed into a failed form, or the fallback.
		"val": func(p *pageData, key string, fallback any) any {
			if p != nil && p.Form != nil {
				if v, ok := p.Form[key]; ok {
					return v
				}
			}
			return fallback
		},
		"query": func(base string, kv ...any) string {
			u := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				if v := fmt.Sprint(kv[i+1]); v != "" && v != "0" {
					u.Set(fmt.Sprint(kv[i]), v)
				}
			}
			if len(u) == 0 {
				return base
			}
			return base + "?" + u.Encode()
		},
		"eq64": func(a *int64, b int64) bool { return a != nil && *a == b },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}
