package handlers

import (
	"context"
	"slices"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// homeQueueSize is how many appeals a home page's queue shows; the list has the rest.
const homeQueueSize = 15

// homePage shows each role the place its work starts.
func (s *Server) homePage(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	data := fiber.Map{"Role": string(a.Role), "Now": s.db.Now()}
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice:
		counts, err := s.db.CityCounts(ctx)
		if err != nil {
			return err
		}
		data["Counts"] = counts
		if a.Role == db.RoleOffice {
			if err := s.officeHome(ctx, a, data); err != nil {
				return err
			}
		}
	case db.RoleLeader:
		leader, err := s.db.FindLeader(ctx, a.LeaderID)
		if err != nil {
			return err
		}
		list, err := s.db.ListEnterprises(ctx, a, db.EnterpriseFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return err
		}
		data["Leader"], data["Enterprises"] = leader, list
		if err := s.leaderHome(ctx, a, data); err != nil {
			return err
		}
	case db.RoleEnterprise:
		e, err := s.db.FindEnterprise(ctx, a, a.EnterpriseID)
		if err != nil {
			return err
		}
		data["Enterprise"] = e
		list, err := s.db.ListAppeals(ctx, a, db.AppealFilter{Page: db.Page{Limit: homeQueueSize}})
		if err != nil {
			return err
		}
		data["Appeals"] = list
	case db.RoleDepartment:
		d, err := s.db.FindDepartment(ctx, a.DepartmentID)
		if err != nil {
			return err
		}
		data["Department"] = d
		if err := s.departmentHome(ctx, a, data); err != nil {
			return err
		}
	case db.RoleAuditor:
		v, err := s.db.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		events, err := s.db.ListAuditEvents(ctx, a, db.AuditFilter{Page: db.Page{Limit: 10}})
		if err != nil {
			return err
		}
		data["Verify"], data["Events"] = v, events
	}
	return s.render(c, "home", "首页", data)
}

// onlyOverdue selects the overdue appeals.
func onlyOverdue() *bool { b := true; return &b }

// officeHome is the intake queue: what waits to be accepted or verified, oldest first,
// and what waits for the office's word on an extension.
func (s *Server) officeHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	var queue []db.Appeal
	for _, st := range []db.Stage{db.StageDiscovered, db.StageVerifying} {
		// The list runs newest first; read the whole (short) stage and turn it round.
		items, err := s.collectAppeals(ctx, a, db.AppealFilter{Stage: st}, 4*db.MaxLimit)
		if err != nil {
			return err
		}
		for _, ap := range items {
			// Reports about officials are the discipline office's own intake.
			if ap.Source != db.SourceReport {
				queue = append(queue, ap)
			}
		}
	}
	total := len(queue)
	slices.SortFunc(queue, func(x, y db.Appeal) int { return x.CreatedAt.Compare(y.CreatedAt) })
	if len(queue) > homeQueueSize {
		queue = queue[:homeQueueSize]
	}
	overdue, err := s.countAppeals(ctx, a, db.AppealFilter{Overdue: onlyOverdue()})
	if err != nil {
		return err
	}
	rect, err := s.collectAppeals(ctx, a, db.AppealFilter{Stage: db.StageRectifying}, 4*db.MaxLimit)
	if err != nil {
		return err
	}
	var ext []db.Appeal
	for _, ap := range rect {
		if ap.Extension != nil {
			ext = append(ext, ap)
		}
	}
	feedback, err := s.countAppeals(ctx, a, db.AppealFilter{Stage: db.StageFeedback})
	if err != nil {
		return err
	}
	data["Queue"], data["QueueTotal"], data["Overdue"], data["Extensions"], data["Feedback"] = queue, total, overdue, ext, feedback
	return nil
}

// departmentHome is the department's queue by due time, what is to be rectified first.
func (s *Server) departmentHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	rect, err := s.db.ListAppeals(ctx, a, db.AppealFilter{Stage: db.StageRectifying, Sort: "due", Page: db.Page{Limit: homeQueueSize}})
	if err != nil {
		return err
	}
	feedback, err := s.db.ListAppeals(ctx, a, db.AppealFilter{Stage: db.StageFeedback, Sort: "due", Page: db.Page{Limit: 5}})
	if err != nil {
		return err
	}
	overdue, err := s.countAppeals(ctx, a, db.AppealFilter{Overdue: onlyOverdue()})
	if err != nil {
		return err
	}
	data["Rectifying"], data["Feedback"], data["Overdue"] = rect, feedback, overdue
	return nil
}

// leaderHome lists the open appeals of the leader's enterprises, the most pressing first.
func (s *Server) leaderHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	list, err := s.db.ListAppeals(ctx, a, db.AppealFilter{Sort: "due", Page: db.Page{Limit: homeQueueSize}})
	if err != nil {
		return err
	}
	// The due order puts closed appeals last, so the open ones are the leading run.
	var open []db.Appeal
	for _, ap := range list.Items {
		if ap.Stage != db.StageClosed {
			open = append(open, ap)
		}
	}
	total := 0
	for _, st := range db.Stages[:4] {
		n, err := s.countAppeals(ctx, a, db.AppealFilter{Stage: st})
		if err != nil {
			return err
		}
		total += n
	}
	overdue, err := s.countAppeals(ctx, a, db.AppealFilter{Overdue: onlyOverdue()})
	if err != nil {
		return err
	}
	data["Open"], data["OpenTotal"], data["Overdue"] = open, total, overdue
	return nil
}
