package handlers

import (
	"context"
	"log/slog"
	"qinqing/db/appeal"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// todoTile is one kind of 我的待办 with its count and the list that shows exactly those rows.
type todoTile struct {
	Kind, Label, Tone, Href string
	Count                   db.Total
	Active                  bool // the page is a 待办 list
}

// todoHref is the list of one kind of 待办, most pressing first.
func todoHref(kind string) string { return "/appeals?sort=due&todo=" + kind }

// todoTiles counts each of the role's kinds of 待办, in the order the home shows them.
func (s *Server) todoTiles(ctx context.Context, a db.Actor) ([]todoTile, error) {
	var out []todoTile
	for _, k := range appeal.TodoKinds(a.Role) {
		n, err := appeal.Count(ctx, s.db, a, appeal.Filter{DrillFilter: appeal.DrillFilter{Todo: k.Kind}})
		if err != nil {
			return nil, err
		}
		out = append(out, todoTile{Kind: k.Kind, Label: k.Label, Tone: k.Tone, Href: todoHref(k.Kind), Count: n})
	}
	return out, nil
}

// todoBadge is the nav's 待办: everything waiting on the caller's role, as one list.
func (s *Server) todoBadge(c *fiber.Ctx) *todoTile {
	a, ok := actorOf(c)
	if !ok || len(appeal.TodoKinds(a.Role)) == 0 {
		return nil
	}
	n, err := appeal.Count(c.UserContext(), s.db, a, appeal.Filter{DrillFilter: appeal.DrillFilter{Todo: appeal.TodoAll}})
	if err != nil {
		// A badge is not worth failing the page over.
		slog.Warn("todo badge", "err", err)
		return nil
	}
	return &todoTile{Kind: appeal.TodoAll, Label: "待办", Href: todoHref(appeal.TodoAll), Count: n,
		Active: c.Path() == "/appeals" && c.Query("todo") != ""}
}

// tabsFor are the phone's bottom tabs: the role's few main destinations (the 待办 tab,
// when the role has one, is added by the layout beside them); the rest sit under 更多.
func tabsFor(role db.Role, path string) []navItem {
	items := []navItem{{"/", "首页", false}, {"/appeals", "诉求", false}}
	switch role {
	case db.RoleOffice:
		items = append(items, navItem{"/stats", "统计", false})
	case db.RoleDepartment:
		items = append(items, navItem{"/stats", "统计", false})
	case db.RoleLeader:
		items = append(items, navItem{"/enterprises", "包保企业", false})
	case db.RoleAuditor:
		items = append(items, navItem{"/oversight", "监督", false}, navItem{"/stats", "统计", false})
	case db.RoleEnterprise:
		items = append(items, navItem{"/appeals/new", "反映问题", false})
	case db.RoleAdmin:
		items = append(items, navItem{"/admin/users", "用户", false}, navItem{"/admin/settings", "设置", false})
	}
	best := -1
	for i, n := range items {
		if n.Href == path || n.Href != "/" && strings.HasPrefix(path, n.Href+"/") {
			if best < 0 || len(n.Href) > len(items[best].Href) {
				best = i
			}
		}
	}
	if best >= 0 {
		items[best].Active = true
	}
	return items
}
