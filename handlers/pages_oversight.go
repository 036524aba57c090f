package handlers

import (
	"fmt"
	"net/url"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/oversight"
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountOversightPages adds the public report pages, the auditors' workspace and the
// typical cases page.
func (s *Server) mountOversightPages(web *pageRouter) {
	web.get("/report", public, s.reportPage)
	web.post("/report", public, s.reportSubmit)
	web.get("/track", public, s.trackPage)
	web.post("/track", public, s.trackSubmit)
	web.post("/track/message", public, s.trackMessage)
	web.post("/track/rating", public, s.trackRating)

	auditor := signedIn(db.RoleAuditor)
	web.get("/oversight", auditor, s.oversightPage)
	web.get("/oversight/reports", auditor, s.oversightReports)
	web.get("/oversight/watch/:kind", auditor, s.oversightWatch)
	web.get("/oversight/appeals/:id", auditor, s.oversightAppeal)
	web.post("/oversight/appeals/:id/act", auditor, s.oversightAct)
	web.post("/oversight/appeals/:id/identity", auditor, s.oversightReveal)
	web.post("/oversight/appeals/:id/case", auditor, s.oversightMarkCase)
	web.get("/oversight/sample", auditor, s.oversightSample)
	web.post("/oversight/sample", auditor, s.oversightDrawSample)
	web.get("/oversight/accountability", auditor, s.oversightAccountability)
	web.post("/oversight/accountability", auditor, s.oversightAccountabilityCreate)
	web.get("/oversight/cases", auditor, s.oversightCases)
	web.post("/oversight/cases/:id", auditor, s.oversightCaseUpdate)
	web.get("/oversight/reveals", auditor, s.oversightReveals)
	web.get("/oversight/audit", auditor, s.oversightAudit)
	web.post("/oversight/verify", auditor, s.oversightVerifyAll)
	web.get("/oversight/checkpoint", auditor, s.oversightCheckpoint)
	web.post("/oversight/checkpoint", auditor, s.oversightCheckpointVerify)
	web.post("/oversight/checkpoint/auto", auditor, s.oversightCheckpointAuto)
	web.get("/cases", signedIn(), s.casesPage)
}

// oversightTab is one tab of the workspace, with its count.
type oversightTab struct {
	Href, Label string
	Count       int
	Active      bool
}

// workspace fills the data every workspace page shares: its tabs with their counts.
func (s *Server) workspace(c *fiber.Ctx, active string, data fiber.Map) (fiber.Map, error) {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	counts, err := oversight.WatchCounts(ctx, s.db, a)
	if err != nil {
		return nil, err
	}
	open := appeal.Filter{Source: appeal.SourceReport, Page: db.Page{Limit: 1}}
	reports, err := appeal.List(ctx, s.db, a, open)
	if err != nil {
		return nil, err
	}
	tabs := []oversightTab{{"/oversight/reports", "举报件", reports.Total, false}}
	for _, k := range oversight.WatchKinds {
		tabs = append(tabs, oversightTab{"/oversight/watch/" + k.Kind, k.Label, counts[k.Kind], false})
	}
	tabs = append(tabs, oversightTab{"/oversight/sample", "抽查", -1, false}, oversightTab{"/oversight/accountability", "问责", -1, false},
		oversightTab{"/oversight/cases", "典型案例", -1, false}, oversightTab{"/oversight/reveals", "身份查阅记录", -1, false},
		oversightTab{"/oversight/audit", "审计日志", -1, false}, oversightTab{"/oversight/checkpoint", "审计检查点", -1, false})
	for i := range tabs {
		tabs[i].Active = tabs[i].Href == active
	}
	data["Tabs"] = tabs
	return data, nil
}

// oversightPage is the workspace's overview, which is also the auditor's home page.
func (s *Server) oversightPage(c *fiber.Ctx) error {
	data, err := s.workspace(c, "", fiber.Map{})
	if err != nil {
		return err
	}
	if err := s.oversightDashboard(c, data); err != nil {
		return err
	}
	return s.render(c, "oversight", "纪检监督工作台", data)
}

// departments lists every department, for filters and forms.
func (s *Server) departments(c *fiber.Ctx) ([]register.Department, error) {
	list, err := register.ListDepartments(c.UserContext(), s.db, register.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}

func (s *Server) oversightReports(c *fiber.Ctx) error {
	f, err := appealFilter(c)
	if err != nil {
		return err
	}
	f.Source = appeal.SourceReport
	if f.Sort == "" {
		f.Sort = "due"
	}
	a, _ := actorOf(c)
	list, err := appeal.List(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	depts, err := s.departments(c)
	if err != nil {
		return err
	}
	data, err := s.workspace(c, "/oversight/reports", fiber.Map{"List": list, "Filter": f, "Departments": depts,
		"Stages": appeal.Stages, "Kind": "reports", "Title": "举报件", "Next": query("/oversight/reports", f, list.NextCursor)})
	if err != nil {
		return err
	}
	return s.render(c, "oversight", "举报件", data)
}

func (s *Server) oversightWatch(c *fiber.Ctx) error {
	kind := c.Params("kind")
	label := ""
	for _, k := range oversight.WatchKinds {
		if k.Kind == kind {
			label = k.Label
		}
	}
	if label == "" {
		return db.Errorf(db.ENOTFOUND, "页面不存在。")
	}
	f, err := watchFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	list, err := oversight.Watch(c.UserContext(), s.db, a, kind, f)
	if err != nil {
		return err
	}
	depts, err := s.departments(c)
	if err != nil {
		return err
	}
	next := query("/oversight/watch/"+kind, f.Filter, list.NextCursor, "reason", f.Reason, "state", f.State, "min_days", f.MinDays)
	data, err := s.workspace(c, "/oversight/watch/"+kind, fiber.Map{"Flagged": list, "Filter": f.Filter, "Watch": f,
		"Departments": depts, "Kind": kind, "Title": label, "Next": next, "Reasons": suspectReasons})
	if err != nil {
		return err
	}
	return s.render(c, "oversight", label, data)
}

var suspectReasons = []struct{ Value, Label string }{
	{oversight.SuspectQuick, oversight.SuspectLabel(oversight.SuspectQuick)}, {oversight.SuspectThin, oversight.SuspectLabel(oversight.SuspectThin)},
	{oversight.SuspectUnsatisfied, oversight.SuspectLabel(oversight.SuspectUnsatisfied)},
}

// query builds a list page's next-page link, keeping its filters.
func query(base string, f appeal.Filter, cursor string, extra ...any) string {
	kv := []any{"department_id", f.DepartmentID, "category", f.Category, "stage", string(f.Stage), "q", f.Q,
		"from", f.From, "to", f.To, "cursor", cursor}
	u := url.Values{}
	kv = append(kv, extra...)
	for i := 0; i+1 < len(kv); i += 2 {
		if v := fmt.Sprint(kv[i+1]); v != "" && v != "0" {
			u.Set(fmt.Sprint(kv[i]), v)
		}
	}
	if len(u) == 0 {
		return base
	}
	return base + "?" + u.Encode()
}

func (s *Server) oversightReveals(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	list, err := oversight.ListReveals(c.UserContext(), s.db, a, 0, page)
	if err != nil {
		return err
	}
	data, err := s.workspace(c, "/oversight/reveals", fiber.Map{"Reveals": list,
		"Next": query("/oversight/reveals", appeal.Filter{}, list.NextCursor)})
	if err != nil {
		return err
	}
	return s.render(c, "oversight_reveals", "身份查阅记录", data)
}

func (s *Server) oversightCheckpoint(c *fiber.Ctx) error {
	return s.checkpointPage(c, nil, "", nil)
}

func (s *Server) oversightCheckpointVerify(c *fiber.Ctx) error {
	raw, err := checkpointBody(c)
	var res *audit.CheckpointCheck
	if err == nil {
		res, err = audit.VerifyCheckpoint(c.UserContext(), s.db, s.keys, raw)
	}
	return s.checkpointPage(c, res, "", err)
}
