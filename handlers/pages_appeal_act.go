package handlers

import (
	"context"
	"qinqing/db/appeal"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

var appealNumber = regexp.MustCompile(`^SQ\d{4}-\d{6}$`)

// appealRef finds the appeal a merge names by its number or its id.
func (s *Server) appealRef(ctx context.Context, a db.Actor, raw string) (*int64, error) {
	return s.appealByRef(ctx, a, raw, "target_id", "请填写原诉求的编号（如 SQ2026-000123）")
}

// appealByRef finds an appeal by its SQ number, as people name appeals, or by its id, as
// API clients did before numbers were accepted. An appeal outside the actor's scope is
// not found.
func (s *Server) appealByRef(ctx context.Context, a db.Actor, raw, field, hint string) (*int64, error) {
	raw = strings.ToUpper(strings.TrimSpace(raw))
	if raw == "" {
		return nil, nil
	}
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
		return &id, nil
	}
	if !appealNumber.MatchString(raw) {
		return nil, invalidField(field, hint)
	}
	list, err := appeal.List(ctx, s.db, a, appeal.Filter{Number: raw, Page: db.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(list.Items) == 1 {
		return &list.Items[0].ID, nil
	}
	return nil, invalidField(field, "没有找到编号为 "+raw+" 的诉求")
}

// appealRefs resolves a list of numbers (or ids).
func (s *Server) appealRefs(ctx context.Context, a db.Actor, raws []string, field string) ([]int64, error) {
	var out []int64
	for _, raw := range raws {
		id, err := s.appealByRef(ctx, a, raw, field, "诉求编号格式为 SQ 年份-六位序号，如 SQ2026-000123")
		if err != nil {
			return nil, err
		}
		if id != nil {
			out = append(out, *id)
		}
	}
	return out, nil
}

// splitRefs splits what people type into a list box: commas (either width), spaces, lines.
func splitRefs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || unicode.IsSpace(r) })
}

// actionInput reads an action form.
func (s *Server) actionInput(c *fiber.Ctx, a db.Actor, ap *appeal.Appeal) (appeal.ActionInput, error) {
	in := appeal.ActionInput{Action: appeal.Action(c.FormValue("action")), Note: c.FormValue("note"), Basis: c.FormValue("basis"),
		Tier: appeal.Tier(c.FormValue("tier")), Satisfaction: c.FormValue("satisfaction"), Verdict: c.FormValue("verdict"),
		DueAt: c.FormValue("due_at"), DepartmentID: formID(c, "department_id"), DayKind: appeal.ExtensionKind(c.FormValue("day_kind"))}
	ver, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil {
		return in, fieldError(db.EBADREQUEST, "version", "表单缺少诉求版本，请刷新页面后重试。")
	}
	in.Version = ver
	if d := strings.TrimSpace(c.FormValue("days")); d != "" {
		if in.Days, err = strconv.Atoi(d); err != nil {
			return in, invalidField("days", "延期天数须为整数")
		}
	}
	switch c.FormValue("resolved") {
	case "yes":
		in.Resolved = appealBool(true)
	case "no":
		in.Resolved = appealBool(false)
	}
	if in.Action == appeal.ActMerge {
		if in.TargetID, err = s.appealRef(c.UserContext(), a, c.FormValue("target")); err != nil {
			return in, err
		}
	}
	return in, nil
}

func appealBool(b bool) *bool { return &b }

// appealAct takes one action from a form. A mistake or a conflict shows the page again,
// as it is now, with the message and what was typed.
func (s *Server) appealAct(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	ctx := c.UserContext()
	ap, err := appeal.Find(ctx, s.db, a, id)
	if err != nil {
		return err
	}
	in, err := s.actionInput(c, a, ap)
	var ups []appeal.Upload
	if err == nil {
		ups, err = readUploads(c)
	}
	if err == nil {
		if len(ups) > 0 || in.Action == appeal.ActAttach {
			ap, err = appeal.ActWithFiles(ctx, s.db, a, id, in, ups)
		} else {
			ap, err = appeal.Act(ctx, s.db, a, id, in)
		}
	}
	if err != nil {
		switch db.ErrorCode(err) {
		case db.EINVALID, db.ECONFLICT, db.EBADREQUEST, db.ETOOLARGE:
		default:
			return err
		}
		v, derr := s.appealData(ctx, a, id)
		if derr != nil {
			return derr
		}
		if !containsAction(v.Appeal.AllowedActions, in.Action) {
			v.Lost = strings.TrimSpace(in.Note)
		} else if e, ok := db.AsError(err); ok && e.Code == db.ECONFLICT {
			// The page below is the appeal as it is now, with the form as it was typed.
			again := *e
			again.Message += "页面已显示最新状态，您填写的内容已保留，请核对后重新提交。"
			err = &again
		}
		return s.formFailed(c, "appeal", v.Appeal.Number+" "+v.Appeal.Title, v, err)
	}
	msg := "已完成“" + appeal.ActionLabel(in.Action) + "”，诉求现处于“" + ap.Stage.Label() + "”环节。"
	where := "/appeals/" + strconv.FormatInt(id, 10)
	if in.Action == appeal.ActRate && in.Satisfaction == "unsatisfied" {
		msg = "已评价为不满意，诉求退回重办。"
		// The page then says where the work goes and by when.
		where += "?rated=unsatisfied"
	}
	flash(c, msg)
	return c.Redirect(where, fiber.StatusSeeOther)
}

func containsAction(list []appeal.Action, a appeal.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}
