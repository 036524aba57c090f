package handlers

import (
	"fmt"
	"log/slog"
	"net/url"
	"qinqing/db/notify"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// noticeRoutes are the notice centre's API: every signed-in user reads and marks its own.
func (s *Server) noticeRoutes() []route {
	return []route{
		{"GET", "/notifications", anyRole, false, "我的通知（unread=true 只列未读；答 items、next_cursor、total、unread）", s.apiNotices},
		{"POST", "/notifications/read", anyRole, false, "标为已读：{ids: [...]} 或 {all: true}", s.apiNoticesRead},
	}
}

func (s *Server) apiNotices(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	unread, err := queryBool(c, "unread")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := notify.Mine(c.UserContext(), s.db, a, page, unread != nil && *unread)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type readInput struct {
	IDs []int64 `json:"ids"`
	All bool    `json:"all"`
}

func (s *Server) apiNoticesRead(c *fiber.Ctx) error {
	var in readInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	n, err := notify.MarkRead(c.UserContext(), s.db, a, in.IDs, in.All)
	if err != nil {
		return err
	}
	left, err := notify.Unread(c.UserContext(), s.db, a)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"marked": n, "unread": left})
}

// mountNoticePages adds the notice list, opening a notice, and marking them read.
func (s *Server) mountNoticePages(web *pageRouter) {
	web.get("/notices", signedIn(), s.noticesPage)
	web.get("/notices/:id", signedIn(), s.noticeOpen)
	web.post("/notices/read", signedIn(), s.noticesReadSubmit)
}

func (s *Server) noticesPage(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	unread := c.Query("unread") == "1"
	list, err := notify.Mine(c.UserContext(), s.db, a, page, unread)
	if err != nil {
		return err
	}
	next := ""
	if list.NextCursor != "" {
		q := url.Values{"cursor": {list.NextCursor}}
		if unread {
			q.Set("unread", "1")
		}
		next = "/notices?" + q.Encode()
	}
	return s.render(c, "notices", "通知", fiber.Map{"List": list, "Unread": unread, "Next": next})
}

// noticeOpen marks one of the visitor's notices read and goes to what it is about.
func (s *Server) noticeOpen(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	n, err := notify.Open(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return redirectLocal(c, n.Link, "/notices")
}

func (s *Server) noticesReadSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	var ids []int64
	all := c.FormValue("all") == "1"
	if !all {
		id := formID(c, "id")
		if id == nil {
			return db.InvalidField("id", "无效的通知编号")
		}
		ids = []int64{*id}
	}
	n, err := notify.MarkRead(c.UserContext(), s.db, a, ids, all)
	if err != nil {
		return err
	}
	flash(c, fmt.Sprintf("已将 %d 条通知标为已读。", n))
	return redirectLocal(c, c.FormValue("back"), "/notices")
}

// unreadNotices is the bell's count on every page; a count is not worth failing a page.
func (s *Server) unreadNotices(c *fiber.Ctx) int {
	a, ok := actorOf(c)
	if !ok {
		return 0
	}
	n, err := notify.Unread(c.UserContext(), s.db, a)
	if err != nil {
		slog.Warn("notice bell", "err", err)
		return 0
	}
	return n
}
