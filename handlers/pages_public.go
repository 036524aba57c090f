package handlers

import (
	"qinqing/db/oversight"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// The public report channel: /report files a report without an account, /track follows
// it with the receipt code. The code travels only in form bodies, never in a URL, so that
// it stays out of histories, referrers and logs; pages that show it are never cached.

func (s *Server) reportPage(c *fiber.Ctx) error {
	opts, err := s.reportOptions(c)
	if err != nil {
		return err
	}
	return s.render(c, "report", "我要举报", opts)
}

func (s *Server) reportSubmit(c *fiber.Ctx) error {
	in, ups, err := reportForm(c)
	var out *oversight.FiledReport
	if err == nil {
		out, err = s.fileReport(c, in, ups)
	}
	if err != nil {
		opts, oerr := s.reportOptions(c)
		if oerr != nil {
			return oerr
		}
		return s.multipartFailed(c, "report", "我要举报", opts, err)
	}
	return s.render(c, "report_done", "举报已提交", fiber.Map{"Number": out.Number, "Receipt": oversight.FormatReceipt(out.Receipt)})
}

// multipartFailed is formFailed for multipart forms, whose values formFailed cannot see.
func (s *Server) multipartFailed(c *fiber.Ctx, name, title string, data any, err error) error {
	e, ok := db.AsError(err)
	if !ok || e.Code == db.EINTERNAL {
		return err
	}
	p := s.page(c, title, data)
	p.PageURL = pageURLOf(c)
	p.Error, p.Fields, p.Form = e.Message, map[string]string{}, map[string]string{}
	for _, f := range e.Fields {
		p.Fields[f.Field] = f.Message
	}
	if form, ferr := c.MultipartForm(); ferr == nil {
		for k, v := range form.Value {
			if k != csrfField && k != "receipt" && len(v) > 0 {
				p.Form[k] = v[0]
			}
		}
	}
	c.Status(statusOf[e.Code])
	return s.render(c, name, title, p)
}

func (s *Server) trackPage(c *fiber.Ctx) error {
	return s.render(c, "track", "查询举报", fiber.Map{})
}

// trackView shows the report a code opens, with the code kept in the page's forms.
func (s *Server) trackView(c *fiber.Ctx, code string, r *oversight.PublicReport, notice string) error {
	p := s.page(c, "举报办理情况", fiber.Map{"Report": r, "Receipt": code, "Satisfactions": satisfactionChoices, "Stages": stageSteps(r.Stage)})
	p.Flash = notice
	return s.render(c, "track", "举报办理情况", p)
}

var satisfactionChoices = []struct{ Value, Label string }{
	{"satisfied", "满意"}, {"basic", "基本满意"}, {"unsatisfied", "不满意"},
}

// trackFailed shows the lookup form again; err has been through receiptDone.
func (s *Server) trackFailed(c *fiber.Ctx, code string, err error) error {
	e, ok := db.AsError(err)
	if !ok || e.Code == db.ETOOMANY || e.Code == db.ENOTFOUND {
		return s.formFailed(c, "track", "查询举报", fiber.Map{}, err)
	}
	// The code was right but the message or rating was not: stay on the report.
	r, ferr := oversight.FindReport(c.UserContext(), s.db, s.keys, code)
	if ferr != nil {
		return ferr
	}
	p := s.page(c, "举报办理情况", fiber.Map{"Report": r, "Receipt": code, "Satisfactions": satisfactionChoices, "Stages": stageSteps(r.Stage)})
	p.Error = e.Message
	p.Fields = map[string]string{}
	for _, f := range e.Fields {
		p.Fields[f.Field] = f.Message
	}
	c.Status(statusOf[e.Code])
	return s.render(c, "track", "举报办理情况", p)
}

func (s *Server) trackSubmit(c *fiber.Ctx) error {
	code := strings.TrimSpace(c.FormValue("receipt"))
	res, err := s.receiptGate(c)
	if err != nil {
		return s.formFailed(c, "track", "查询举报", fiber.Map{}, err)
	}
	r, err := oversight.FindReport(c.UserContext(), s.db, s.keys, code)
	if err = receiptDone(res, err); err != nil {
		return s.trackFailed(c, code, err)
	}
	return s.trackView(c, code, r, "")
}

func (s *Server) trackMessage(c *fiber.Ctx) error {
	code := strings.TrimSpace(c.FormValue("receipt"))
	ups, err := readUploads(c)
	if err != nil {
		return err
	}
	done, err := s.updateGate(c)
	if err != nil {
		return s.formFailed(c, "track", "查询举报", fiber.Map{}, err)
	}
	r, err := oversight.ReportMessage(c.UserContext(), s.db, s.keys, code, c.FormValue("content"), ups)
	if err = done(err); err != nil {
		return s.trackFailed(c, code, err)
	}
	return s.trackView(c, code, r, "已补充，纪检监督人员会看到您补充的内容。")
}

func (s *Server) trackRating(c *fiber.Ctx) error {
	code := strings.TrimSpace(c.FormValue("receipt"))
	res, err := s.receiptGate(c)
	if err != nil {
		return s.formFailed(c, "track", "查询举报", fiber.Map{}, err)
	}
	var resolved *bool
	switch c.FormValue("resolved") {
	case "yes":
		b := true
		resolved = &b
	case "no":
		b := false
		resolved = &b
	}
	r, err := oversight.RateReport(c.UserContext(), s.db, s.keys, code, resolved, c.FormValue("satisfaction"), c.FormValue("comment"))
	if err = receiptDone(res, err); err != nil {
		return s.trackFailed(c, code, err)
	}
	return s.trackView(c, code, r, "感谢您的评价。")
}
