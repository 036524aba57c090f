package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/oversight"
	"qinqing/db/register"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// actionForm is one action the auditor may take now, with the fields it needs.
type actionForm struct {
	Action appeal.Action
	Label  string
	Needs  map[string]bool
	Files  bool
}

func actionForms(ap *appeal.Appeal) []actionForm {
	var out []actionForm
	for _, act := range ap.AllowedActions {
		t, _ := appeal.TransitionOf(act)
		f := actionForm{Action: act, Label: t.Label, Needs: map[string]bool{}, Files: act == appeal.ActAttach || act == appeal.ActReport}
		for _, n := range t.Needs {
			f.Needs[n] = true
		}
		out = append(out, f)
	}
	return out
}

// oversightAppealData is everything the auditor's appeal page shows.
func (s *Server) oversightAppealData(c *fiber.Ctx, id int64) (fiber.Map, error) {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	ap, err := appeal.Find(ctx, s.db, a, id)
	if err != nil {
		return nil, err
	}
	events, err := appeal.Events(ctx, s.db, a, id)
	if err != nil {
		return nil, err
	}
	depts, err := s.departments(c)
	if err != nil {
		return nil, err
	}
	about := ""
	var assignable []register.Department
	for _, d := range depts {
		if ap.AboutDepartmentID != nil && d.ID == *ap.AboutDepartmentID {
			about = d.Name
			continue
		}
		assignable = append(assignable, d)
	}
	reveals, err := oversight.ListReveals(ctx, s.db, a, id, db.Page{Limit: db.MaxLimit})
	if err != nil {
		return nil, err
	}
	if events, err = s.withReveals(ctx, a, id, events); err != nil {
		return nil, err
	}
	records, err := oversight.ListAccountability(ctx, s.db, a, oversight.AccountabilityFilter{AppealID: id, Page: db.Page{Limit: db.MaxLimit}})
	if err != nil {
		return nil, err
	}
	cases, err := oversight.ListCases(ctx, s.db, a, oversight.CaseFilter{AppealID: id})
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Appeal": ap, "Events": events, "Departments": assignable, "About": about, "Forms": actionForms(ap),
		"Reveals": reveals.Items, "Records": records.Items, "Cases": cases.Items, "Tiers": appeal.Tiers,
		"Vaulted": ap.Confidential || ap.Source == appeal.SourceReport, "Back": safeNext(c.Query("back", c.FormValue("back"))),
		"Stages": stageSteps(ap.Stage), "Failed": ""}, nil
}

func (s *Server) oversightAppeal(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	data, err := s.oversightAppealData(c, id)
	if err != nil {
		return err
	}
	ap := data["Appeal"].(*appeal.Appeal)
	return s.render(c, "oversight_appeal", ap.Number, data)
}

// actionInput reads an action form.
func actionInput(c *fiber.Ctx) (appeal.ActionInput, error) {
	in := appeal.ActionInput{Action: appeal.Action(c.FormValue("action")), Note: c.FormValue("note"), Tier: appeal.Tier(c.FormValue("tier")),
		Basis: c.FormValue("basis"), Verdict: c.FormValue("verdict"), DueAt: c.FormValue("due_at"),
		Satisfaction: c.FormValue("satisfaction"), Public: formBool(c.FormValue("public"))}
	var err error
	if in.Version, err = strconv.ParseInt(c.FormValue("version"), 10, 64); err != nil {
		return in, fieldError(db.EBADREQUEST, "version", "版本号无效，请刷新页面")
	}
	for _, x := range []struct {
		name string
		dst  **int64
	}{{"department_id", &in.DepartmentID}, {"target_id", &in.TargetID}} {
		if raw := c.FormValue(x.name); raw != "" {
			v, perr := strconv.ParseInt(raw, 10, 64)
			if perr != nil || v <= 0 {
				return in, fieldError(db.EINVALID, x.name, "请选择有效的选项")
			}
			*x.dst = &v
		}
	}
	in.DayKind = appeal.ExtensionKind(c.FormValue("day_kind"))
	if raw := c.FormValue("days"); raw != "" {
		if in.Days, err = strconv.Atoi(raw); err != nil {
			return in, fieldError(db.EINVALID, "days", "天数须为整数")
		}
	}
	switch c.FormValue("resolved") {
	case "yes", "true":
		b := true
		in.Resolved = &b
	case "no", "false":
		b := false
		in.Resolved = &b
	}
	return in, nil
}

// appealFailed shows the appeal page again with the error of its form.
func (s *Server) appealFailed(c *fiber.Ctx, id int64, err error, extra fiber.Map) error {
	data, derr := s.oversightAppealData(c, id)
	if derr != nil {
		return derr
	}
	for k, v := range extra {
		data[k] = v
	}
	title := data["Appeal"].(*appeal.Appeal).Number
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return s.multipartFailed(c, "oversight_appeal", title, data, err)
	}
	return s.formFailed(c, "oversight_appeal", title, data, err)
}

func (s *Server) oversightAct(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, err := actionInput(c)
	if err != nil {
		return s.appealFailed(c, id, err, nil)
	}
	ups, err := readUploads(c)
	if err != nil {
		return s.appealFailed(c, id, err, nil)
	}
	a, _ := actorOf(c)
	if len(ups) > 0 || in.Action == appeal.ActAttach {
		_, err = appeal.ActWithFiles(c.UserContext(), s.db, a, id, in, ups)
	} else {
		_, err = appeal.Act(c.UserContext(), s.db, a, id, in)
	}
	if err != nil {
		if back := c.FormValue("back"); in.Action == appeal.ActAudit && strings.HasPrefix(back, "/oversight/sample") {
			return s.sampleVerdictFailed(c, back, id, err)
		}
		return s.appealFailed(c, id, err, fiber.Map{"Failed": string(in.Action)})
	}
	flash(c, "已完成“"+appeal.ActionLabel(in.Action)+"”。")
	back := c.FormValue("back")
	if back == "/" {
		back = "" // the page's own default: stay on the appeal
	}
	return redirectLocal(c, back, "/oversight/appeals/"+strconv.FormatInt(id, 10))
}

// oversightReveal shows the identity in this one response; it is never stored anywhere else.
func (s *Server) oversightReveal(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	who, err := oversight.RevealIdentity(c.UserContext(), s.db, a, id, c.FormValue("reason"))
	if err != nil {
		return s.appealFailed(c, id, err, nil)
	}
	data, err := s.oversightAppealData(c, id)
	if err != nil {
		return err
	}
	data["Identity"] = who
	return s.render(c, "oversight_appeal", who.Number, data)
}

func (s *Server) oversightMarkCase(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	title, summary, lesson := c.FormValue("title"), c.FormValue("summary"), c.FormValue("lesson")
	publish := formBool(c.FormValue("published"))
	a, _ := actorOf(c)
	if _, err := oversight.CreateCase(c.UserContext(), s.db, a, oversight.CaseInput{AppealID: id, Title: &title, Summary: &summary,
		Lesson: &lesson, Publish: &publish}); err != nil {
		return s.appealFailed(c, id, err, nil)
	}
	flash(c, "已列为典型案例。")
	return c.Redirect("/oversight/cases", fiber.StatusSeeOther)
}
