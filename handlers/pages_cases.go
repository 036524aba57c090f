package handlers

import (
	"net/url"
	"qinqing/db/appeal"
	"qinqing/db/oversight"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func (s *Server) sampleData(c *fiber.Ctx, month string) (fiber.Map, error) {
	a, _ := actorOf(c)
	sample, err := oversight.MonthSample(c.UserContext(), s.db, a, month)
	if err != nil {
		return nil, err
	}
	return s.workspace(c, "/oversight/sample", fiber.Map{"Sample": sample, "Month": month, "LastMonth": oversight.LastMonth(s.db.Now()),
		"Size": oversight.DefaultSampleSize})
}

func (s *Server) oversightSample(c *fiber.Ctx) error {
	data, err := s.sampleData(c, c.Query("month", oversight.LastMonth(s.db.Now())))
	if err != nil {
		return err
	}
	return s.render(c, "oversight_sample", "抽查", data)
}

// sampleVerdictFailed shows the sample page again when a verdict on one of its rows was
// refused (不通过 without a note): the message, and what was typed, on that row.
func (s *Server) sampleVerdictFailed(c *fiber.Ctx, back string, id int64, err error) error {
	switch db.ErrorCode(err) {
	case db.EINVALID, db.ECONFLICT, db.EBADREQUEST:
	default:
		return err
	}
	month := oversight.LastMonth(s.db.Now())
	if u, perr := url.Parse(back); perr == nil && sampleMonth.MatchString(u.Query().Get("month")) {
		month = u.Query().Get("month")
	}
	data, derr := s.sampleData(c, month)
	if derr != nil {
		return derr
	}
	data["FailedID"] = id
	c.Locals(pageURLKey, "/oversight/sample?month="+month)
	return s.formFailed(c, "oversight_sample", "抽查", data, err)
}

var sampleMonth = regexp.MustCompile(`^\d{4}-\d{2}$`)

func (s *Server) oversightDrawSample(c *fiber.Ctx) error {
	month := c.FormValue("month")
	size, _ := strconv.Atoi(c.FormValue("size"))
	a, _ := actorOf(c)
	if _, err := oversight.DrawSample(c.UserContext(), s.db, a, month, size); err != nil {
		shown := oversight.LastMonth(s.db.Now())
		if sampleMonth.MatchString(month) {
			shown = month // the page the form was on
		}
		data, derr := s.sampleData(c, shown)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "oversight_sample", "抽查", data, err)
	}
	flash(c, "已随机抽取 "+month+" 的办结诉求，请逐件给出抽查结论。")
	return redirectLocal(c, "/oversight/sample?month="+url.QueryEscape(month), "/oversight/sample")
}

func (s *Server) accountabilityData(c *fiber.Ctx) (fiber.Map, error) {
	page, err := queryPage(c)
	if err != nil {
		return nil, err
	}
	dept, err := queryID(c, "department_id")
	if err != nil {
		return nil, err
	}
	a, _ := actorOf(c)
	list, err := oversight.ListAccountability(c.UserContext(), s.db, a, oversight.AccountabilityFilter{DepartmentID: dept, Measure: c.Query("measure"), Page: page})
	if err != nil {
		return nil, err
	}
	depts, err := s.departments(c)
	if err != nil {
		return nil, err
	}
	return s.workspace(c, "/oversight/accountability", fiber.Map{"List": list, "Departments": depts,
		"Measures": oversight.AccountabilityMeasures, "DepartmentID": dept, "Measure": c.Query("measure"), "Today": s.db.Now().In(db.Zone).Format(db.DateLayout),
		"Next": query("/oversight/accountability", appeal.Filter{DepartmentID: dept}, list.NextCursor, "measure", c.Query("measure"))})
}

func (s *Server) oversightAccountability(c *fiber.Ctx) error {
	data, err := s.accountabilityData(c)
	if err != nil {
		return err
	}
	return s.render(c, "oversight_accountability", "问责", data)
}

func (s *Server) oversightAccountabilityCreate(c *fiber.Ctx) error {
	in := oversight.AccountabilityInput{SubjectType: c.FormValue("subject_type"), PersonName: c.FormValue("person_name"),
		PersonTitle: c.FormValue("person_title"), Measure: c.FormValue("measure"), Facts: c.FormValue("facts"),
		DecidedOn: c.FormValue("decided_on")}
	if raw := c.FormValue("department_id"); raw != "" {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			in.DepartmentID = &id
		}
	}
	in.AppealNumbers = strings.FieldsFunc(c.FormValue("appeal_numbers"), func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' || r == '\r' || r == ';' || r == '；'
	})
	a, _ := actorOf(c)
	if _, err := oversight.CreateAccountability(c.UserContext(), s.db, a, in); err != nil {
		data, derr := s.accountabilityData(c)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "oversight_accountability", "问责", data, err)
	}
	flash(c, "已登记问责。")
	return c.Redirect("/oversight/accountability", fiber.StatusSeeOther)
}

func (s *Server) oversightCases(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	list, err := oversight.ListCases(c.UserContext(), s.db, a, oversight.CaseFilter{Page: page})
	if err != nil {
		return err
	}
	data, err := s.workspace(c, "/oversight/cases", fiber.Map{"List": list,
		"Next": query("/oversight/cases", appeal.Filter{}, list.NextCursor)})
	if err != nil {
		return err
	}
	return s.render(c, "oversight_cases", "典型案例", data)
}

func (s *Server) oversightCaseUpdate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in := oversight.CaseInput{}
	for _, x := range []struct {
		name string
		dst  **string
	}{{"title", &in.Title}, {"summary", &in.Summary}, {"lesson", &in.Lesson}} {
		if c.Request().PostArgs().Has(x.name) {
			v := c.FormValue(x.name)
			*x.dst = &v
		}
	}
	if raw := c.FormValue("published"); raw != "" {
		b := formBool(raw)
		in.Publish = &b
	}
	a, _ := actorOf(c)
	cs, err := oversight.UpdateCase(c.UserContext(), s.db, a, id, in)
	if err != nil {
		return err
	}
	if cs.Published {
		flash(c, "已发布“"+cs.Title+"”。")
	} else {
		flash(c, "已保存“"+cs.Title+"”（未发布）。")
	}
	return c.Redirect("/oversight/cases", fiber.StatusSeeOther)
}

// casesPage is the publishable page of typical cases, for everyone signed in; printable.
func (s *Server) casesPage(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	// Drafts stay in the workspace: this page shows what is published, to auditors too.
	list, err := oversight.ListCases(c.UserContext(), s.db, a, oversight.CaseFilter{Published: true, From: c.Query("from"), To: c.Query("to"), Page: page})
	if err != nil {
		return err
	}
	return s.render(c, "cases", "典型案例", fiber.Map{"List": list, "From": c.Query("from"), "To": c.Query("to"),
		"Next": query("/cases", appeal.Filter{From: c.Query("from"), To: c.Query("to")}, list.NextCursor)})
}
