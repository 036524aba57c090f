package handlers

import (
	"qinqing/db/appeal"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountPrintPages adds the printable forms: the 办理单 of an appeal, laid out on A4.
func (s *Server) mountPrintPages(web *pageRouter) {
	web.get("/appeals/:id/print", signedIn(), s.appealPrintPage)
}

// printView is the 办理单: the appeal's own view (the same scope and masking as its
// page), who printed it and when.
type printView struct {
	*appealView
	PrintedBy string
	PrintedAt string
}

// appealPrintPage renders one appeal as an official form. The appeal is named by its id,
// as in every link, or by its number (SQ2026-000123), as people write it down; either way
// one the viewer may not see is "not found", as on its page.
func (s *Server) appealPrintPage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	raw := strings.TrimSpace(c.Params("id"))
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		list, lerr := appeal.List(ctx, s.db, a, appeal.Filter{Number: strings.ToUpper(raw), Page: db.Page{Limit: 1}})
		if lerr != nil || len(list.Items) != 1 {
			return db.Errorf(db.ENOTFOUND, "诉求不存在。")
		}
		id = list.Items[0].ID
	}
	v, err := s.appealData(ctx, a, id)
	if err != nil {
		return err
	}
	u := userOf(c)
	pv := printView{appealView: v, PrintedAt: s.db.Now().In(db.Zone).Format("2006-01-02 15:04")}
	if u != nil {
		pv.PrintedBy = u.DisplayName
	}
	return s.render(c, "appeal_print", "诉求办理单 "+v.Appeal.Number, pv)
}
