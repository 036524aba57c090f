package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/ledger"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountLedgerPages adds the liaison ledger's pages: the visit form and visits, leaders'
// ledgers and coverage, the direct line, and the ledger import.
func (s *Server) mountLedgerPages(web *pageRouter) {
	leader := signedIn(db.RoleLeader)
	web.get("/visits/new", leader, s.visitNewPage)
	web.post("/visits", leader, s.visitCreate)
	web.get("/visits", signedIn(), s.visitsPage)
	web.get("/visits/:id", signedIn(), s.visitPage)
	web.post("/visits/:id/photos", leader, s.visitPhotosSubmit)

	web.get("/leaders", signedIn(overseers...), s.coveragePage)
	web.get("/leaders/:id", signedIn(ledgerReaders...), s.ledgerPage)
	web.post("/admin/visit-cadence", signedIn(db.RoleAdmin), s.cadenceSubmit)

	web.post("/messages", signedIn(db.RoleEnterprise), s.messageSend)
	web.post("/messages/:id/appeal", leader, s.messageAppeal)
	web.post("/messages/:id/read", leader, s.messageRead)

	web.get("/admin/import", signedIn(db.RoleAdmin), s.importPage)
	web.post("/admin/import/:kind", signedIn(db.RoleAdmin), s.importSubmit)
}

// visitFormData is what the visit form shows: the leader's pairs to choose from, and
// what was typed (In), kept whole when the form comes back with errors. Blank is the
// empty row that "add a problem" copies.
func (s *Server) visitFormData(c *fiber.Ctx, in ledger.VisitInput) (fiber.Map, error) {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	l, err := ledger.LeaderLedgerOf(ctx, s.db, a, a.LeaderID)
	if err != nil {
		return nil, err
	}
	cats, err := appeal.Categories(ctx, s.db)
	if err != nil {
		return nil, err
	}
	active := cats[:0]
	for _, cat := range cats {
		if cat.Active {
			active = append(active, cat)
		}
	}
	if in.Mode == "" {
		in.Mode = ledger.ModeOnsite
	}
	if in.VisitedAt == "" {
		in.VisitedAt = l.Today
	}
	if len(in.Problems) == 0 {
		in.Problems = []ledger.ProblemInput{{}}
	}
	return fiber.Map{"Pairs": l.Pairs, "Modes": ledger.VisitModes, "Categories": active, "Today": l.Today, "In": in,
		"Blank": ledger.ProblemInput{}}, nil
}

func (s *Server) visitNewPage(c *fiber.Ctx) error {
	in := ledger.VisitInput{}
	if id, err := queryID(c, "enterprise_id"); err == nil {
		in.EnterpriseID = id
	}
	data, err := s.visitFormData(c, in)
	if err != nil {
		return err
	}
	return s.render(c, "visit_form", "登记走访", data)
}

// visitInput reads the visit form. Problems come as repeated fields, one set per row;
// rows left wholly blank are dropped.
func visitInput(c *fiber.Ctx) ledger.VisitInput {
	in := ledger.VisitInput{VisitedAt: c.FormValue("visited_at"), Mode: ledger.VisitMode(c.FormValue("mode")),
		Participants: c.FormValue("participants"), Summary: c.FormValue("summary")}
	if id := formID(c, "enterprise_id"); id != nil {
		in.EnterpriseID = *id
	}
	titles, contents, cats := formValues(c, "problem_title"), formValues(c, "problem_content"), formValues(c, "problem_category")
	at := func(list []string, i int) string {
		if i < len(list) {
			return strings.TrimSpace(list[i])
		}
		return ""
	}
	for i := 0; i < len(titles) || i < len(contents); i++ {
		p := ledger.ProblemInput{Title: at(titles, i), Content: at(contents, i), Category: at(cats, i)}
		if p.Title != "" || p.Content != "" {
			in.Problems = append(in.Problems, p)
		}
	}
	return in
}

// formValues returns a repeated form field, from a multipart form (the visit form once
// it carries photos) or a urlencoded one.
func formValues(c *fiber.Ctx, name string) []string {
	if vs, ok := multipartValues(c, name); ok {
		return vs
	}
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// draftSubmitHeader marks a visit form sent by draft.js with fetch: it is answered with
// 204 and the next page's address rather than a redirect, so that the script learns the
// visit was saved (and only then forgets the draft) without following the redirect and
// using up the flash message.
const draftSubmitHeader = "X-Draft-Submit"

func (s *Server) visitCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	in := visitInput(c)
	photos, err := readPhotos(c)
	if err != nil {
		return err
	}
	out, err := ledger.CreateVisit(c.UserContext(), s.db, a, in, photos...)
	if err != nil {
		return s.failForm(c, "visit_form", "登记走访", func() (fiber.Map, error) { return s.visitFormData(c, in) }, err)
	}
	msg := "已登记对“" + out.Visit.EnterpriseName + "”的走访。"
	if len(out.Appeals) > 0 {
		var numbers []string
		for _, ap := range out.Appeals {
			numbers = append(numbers, ap.Number)
		}
		msg += "发现的 " + strconv.Itoa(len(out.Appeals)) + " 个问题已转专班受理：" + strings.Join(numbers, "、") + "。"
	}
	if len(out.Visit.Photos) > 0 {
		msg += "照片 " + strconv.Itoa(len(out.Visit.Photos)) + " 张已保存。"
	}
	flash(c, msg)
	next := "/visits/" + strconv.FormatInt(out.Visit.ID, 10)
	if c.Get(draftSubmitHeader) != "" {
		c.Set("X-Location", next)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// visitPhotosSubmit adds photos to a visit already logged, from the visit's page.
func (s *Server) visitPhotosSubmit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ups, err := readPhotos(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	back := "/visits/" + strconv.FormatInt(id, 10)
	photos, err := ledger.AddVisitPhotos(c.UserContext(), s.db, a, id, ups)
	switch {
	case err == nil:
		flash(c, "照片已保存，本次走访共 "+strconv.Itoa(len(photos))+" 张。")
	case db.ErrorCode(err) == db.EINVALID:
		// The page shows it back where the photos are; nothing was stored.
		flash(c, "照片未保存："+db.ErrorMessage(err))
	default:
		return err
	}
	return c.Redirect(back+"#photos", fiber.StatusSeeOther)
}

func (s *Server) visitsPage(c *fiber.Ctx) error {
	f, err := visitFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	list, err := ledger.ListVisits(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return s.render(c, "visits", "走访记录", fiber.Map{"List": list, "Filter": f, "Modes": ledger.VisitModes})
}

func (s *Server) visitPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	v, err := ledger.FindVisit(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	mine := a.Is(db.RoleLeader) && v.LeaderID == a.LeaderID
	return s.render(c, "visit", "走访记录", fiber.Map{"Visit": v, "CanAddPhotos": mine && len(v.Photos) < ledger.MaxVisitPhotos})
}
