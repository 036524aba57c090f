package handlers

import (
	"fmt"
	"html/template"
	"qinqing/db/appeal"
	"qinqing/db/ledger"
	"qinqing/db/sheet"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func (s *Server) ledgerPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	l, err := ledger.LeaderLedgerOf(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return s.render(c, "ledger", l.Leader.Name+"的包保台账", fiber.Map{"Ledger": l, "Own": a.LeaderID == id})
}

func (s *Server) coveragePage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	cov, err := ledger.LedgerCoverage(c.UserContext(), s.db, a)
	if err != nil {
		return err
	}
	return s.render(c, "coverage", "包保台账", fiber.Map{"Coverage": cov, "CanEdit": a.Is(db.RoleAdmin)})
}

func (s *Server) cadenceSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	days, err := strconv.Atoi(c.FormValue("days"))
	if err != nil {
		days = 0
	}
	if err := ledger.SetVisitCadence(c.UserContext(), s.db, a, days); err != nil {
		return s.failForm(c, "coverage", "包保台账", func() (fiber.Map, error) {
			cov, err := ledger.LedgerCoverage(c.UserContext(), s.db, a)
			return fiber.Map{"Coverage": cov, "CanEdit": true}, err
		}, err)
	}
	flash(c, fmt.Sprintf("走访周期已改为 %d 天，超期标记已随之更新。", days))
	return c.Redirect("/leaders", fiber.StatusSeeOther)
}

// backHome returns to the home page, where the direct line lives, with a message.
func backHome(c *fiber.Ctx, msg string) error {
	flash(c, msg)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) messageSend(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	m, err := ledger.SendMessage(c.UserContext(), s.db, a, ledger.MessageInput{Title: c.FormValue("title"), Body: c.FormValue("body")})
	if err != nil {
		return s.failForm(c, "home", "首页", func() (fiber.Map, error) { return s.homeData(c) }, err)
	}
	return backHome(c, "消息已送达包保领导"+m.LeaderName+"。")
}

func (s *Server) messageAppeal(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	ap, err := ledger.MessageToAppeal(c.UserContext(), s.db, a, id, ledger.MessageAppealInput{Category: c.FormValue("category"),
		Tier: appeal.Tier(c.FormValue("tier")), Title: c.FormValue("title")})
	if err != nil {
		return s.failForm(c, "home", "首页", func() (fiber.Map, error) { return s.homeData(c) }, err)
	}
	return backHome(c, "已转为诉求 "+ap.Number+"，专班将受理。")
}

func (s *Server) messageRead(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	m, err := ledger.MarkMessageRead(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return backHome(c, "已将“"+m.Title+"”标为已处理。")
}

// importKinds describe the two ledgers an admin can import, for the upload page.
var importKinds = []struct {
	Kind, Label string
	Columns     template.HTML
}{
	{"enterprises", "企业名录", "必填：<b>企业名称</b>、<b>统一社会信用代码</b>；可选：所在区县、行业、规模、地址、联系人、联系电话。已有的信用代码按文件更新。"},
	{"liaisons", "包保关系", "必填：<b>包保领导</b>、<b>统一社会信用代码</b>（或企业名称）；可选：领导职务、开始日期、结束日期、备注。" +
		"有结束日期的行记为历史；没有的成为企业当前的包保关系，原关系按开始日期结束。新出现的领导自动建档。"},
}

func (s *Server) importPage(c *fiber.Ctx) error {
	return s.render(c, "import", "导入台账", fiber.Map{"Kinds": importKinds})
}

func (s *Server) importSubmit(c *fiber.Ctx) error {
	kind := c.Params("kind")
	a, _ := actorOf(c)
	sh, err := readSheetUpload(c)
	var res *sheet.ImportResult
	if err == nil {
		res, err = sheet.Import(c.UserContext(), s.db, a, kind, sh)
	}
	if err != nil {
		e, ok := db.AsError(err)
		if !ok || e.Code == db.EINTERNAL || e.Code == db.ENOTFOUND {
			return err
		}
		p := s.page(c, "导入台账", fiber.Map{"Kinds": importKinds, "Failed": kind, "Problems": e.Fields})
		p.Error = e.Message
		c.Status(statusOf[e.Code])
		return s.render(c, "import", "导入台账", p)
	}
	label := "企业"
	if kind == "liaisons" {
		label = "包保关系"
	}
	msg := fmt.Sprintf("已导入%s %d 行：新增 %d，更新 %d，未变 %d", label, res.Rows, res.Created, res.Updated, res.Unchanged)
	if res.LeadersCreated > 0 {
		msg += fmt.Sprintf("，新建包保领导 %d 位", res.LeadersCreated)
	}
	flash(c, msg+"。")
	return c.Redirect("/admin/import", fiber.StatusSeeOther)
}
