package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/figures"
	"qinqing/db/register"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func (s *Server) issueClassesPage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	month := s.reportMonth(c)
	list, err := figures.ListIssueClasses(ctx, s.db, a, figures.IssueClassFilter{Status: c.Query("status"), Page: page})
	if err != nil {
		return err
	}
	data := fiber.Map{"List": list, "Month": month, "CanEdit": a.Is(officeStaff...)}
	if a.Is(cityReaders...) {
		if data["Suggestions"], err = figures.IssueClassSuggestions(ctx, s.db, a, month, 3); err != nil {
			return err
		}
		depts, err := register.ListDepartments(ctx, s.db, register.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return err
		}
		cats, err := appeal.Categories(ctx, s.db)
		if err != nil {
			return err
		}
		data["Departments"], data["Categories"] = depts.Items, cats
	}
	return s.render(c, "issue_classes", "一类问题", data)
}

// formIDs reads a list of appeal ids from repeated form fields or one comma-separated field.
func formIDs(c *fiber.Ctx, name string) []int64 {
	var out []int64
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) != name {
			return
		}
		for _, part := range strings.FieldsFunc(string(v), func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
			if id, err := strconv.ParseInt(part, 10, 64); err == nil && id > 0 {
				out = append(out, id)
			}
		}
	})
	return out
}

func (s *Server) issueClassCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	dept, _ := strconv.ParseInt(c.FormValue("department_id"), 10, 64)
	in := figures.IssueClassInput{Title: c.FormValue("title"), Cause: c.FormValue("cause"), Category: c.FormValue("category"),
		DepartmentID: dept, Month: c.FormValue("month"), DueDate: c.FormValue("due_date"), AppealIDs: formIDs(c, "appeal_ids")}
	more, err := s.appealRefs(c.UserContext(), a, splitRefs(c.FormValue("appeal_numbers")), "appeal_numbers")
	in.AppealIDs = append(in.AppealIDs, more...)
	var ic *figures.IssueClass
	if err == nil {
		ic, err = figures.CreateIssueClass(c.UserContext(), s.db, a, in)
	}
	if err != nil {
		if e, ok := db.AsError(err); ok && e.Code != db.EINTERNAL {
			flash(c, e.Message)
			return c.Redirect("/issue-classes", fiber.StatusSeeOther)
		}
		return err
	}
	flash(c, "一类问题已建立，请从下方建议中勾选相关诉求。")
	return c.Redirect("/issue-classes/"+strconv.FormatInt(ic.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) issueClassPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := s.issueClassWithFigures(c, id)
	if err != nil {
		return err
	}
	data := fiber.Map{"C": out, "CanEdit": a.Is(officeStaff...) && out.Status == "open", "CanReopen": a.Is(officeStaff...) && out.Status == "closed"}
	if len(out.AppealIDs) > 0 {
		list, err := appeal.List(c.UserContext(), s.db, a, appeal.Filter{DrillFilter: appeal.DrillFilter{IssueClassID: id}, Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return err
		}
		data["Appeals"] = list.Items
	}
	if a.Is(officeStaff...) && out.Status == "open" {
		if data["Candidates"], err = figures.IssueClassCandidates(c.UserContext(), s.db, a, id, 20); err != nil {
			return err
		}
	}
	return s.render(c, "issue_class", out.Title, data)
}

func (s *Server) issueClassUpdate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	up := figures.IssueClassUpdate{Version: version, AddAppeals: formIDs(c, "add"), RemoveAppeals: formIDs(c, "remove")}
	typed, err := s.appealRefs(c.UserContext(), a, splitRefs(c.FormValue("add_numbers")), "add_numbers")
	if err != nil {
		flash(c, db.ErrorMessage(err))
		return c.Redirect("/issue-classes/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
	}
	up.AddAppeals = append(up.AddAppeals, typed...)
	msg := "已更新。"
	switch c.FormValue("op") {
	case "close":
		closed, conclusion := "closed", c.FormValue("conclusion")
		up.Status, up.Conclusion, msg = &closed, &conclusion, "一类问题已办结，已记入审计链。"
	case "reopen":
		open := "open"
		up.Status, msg = &open, "一类问题已重新打开。"
	}
	if _, err := figures.UpdateIssueClass(c.UserContext(), s.db, a, id, up); err != nil {
		if e, ok := db.AsError(err); ok && e.Code != db.EINTERNAL {
			msg = e.Message
		} else {
			return err
		}
	}
	flash(c, msg)
	return c.Redirect("/issue-classes/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
