package handlers

import (
	"context"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"slices"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// homeQueueSize is how many appeals a home page's queue shows; the list has the rest.
const homeQueueSize = 15

// homePage shows each role the place its work starts.
func (s *Server) homePage(c *fiber.Ctx) error {
	if a, _ := actorOf(c); a.Role == db.RoleAuditor {
		// The auditor's work starts at the workspace's overview.
		return s.oversightPage(c)
	}
	data, err := s.homeData(c)
	if err != nil {
		return err
	}
	return s.render(c, "home", "首页", data)
}

// homeData is what the home page shows the caller's role; forms posted from home
// re-render it with their errors.
func (s *Server) homeData(c *fiber.Ctx) (fiber.Map, error) {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	data := fiber.Map{"Role": string(a.Role), "Now": s.db.Now()}
	tiles, err := s.todoTiles(ctx, a)
	if err != nil {
		return nil, err
	}
	data["Todo"] = tiles
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice:
		counts, err := register.CountCity(ctx, s.db)
		if err != nil {
			return nil, err
		}
		data["Counts"] = counts
		if a.Role == db.RoleOffice {
			if err := s.officeHome(ctx, a, data); err != nil {
				return nil, err
			}
		}
	case db.RoleLeader:
		if err := s.leaderLedgerHome(ctx, a, data); err != nil {
			return nil, err
		}
		if err := s.leaderHome(ctx, a, data); err != nil {
			return nil, err
		}
	case db.RoleEnterprise:
		e, err := register.FindEnterprise(ctx, s.db, a, a.EnterpriseID)
		if err != nil {
			return nil, err
		}
		data["Enterprise"] = e
		list, err := appeal.List(ctx, s.db, a, appeal.Filter{Page: db.Page{Limit: homeQueueSize}})
		if err != nil {
			return nil, err
		}
		data["Appeals"] = list
		if data["RatingDue"], err = appeal.AwaitingRating(ctx, s.db, a); err != nil {
			return nil, err
		}
		if err := s.directLineHome(ctx, a, e, data); err != nil {
			return nil, err
		}
	case db.RoleDepartment:
		d, err := register.FindDepartment(ctx, s.db, a.DepartmentID)
		if err != nil {
			return nil, err
		}
		data["Department"] = d
		if err := s.departmentHome(ctx, a, data); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// onlyOverdue selects the overdue appeals.
func onlyOverdue() *bool { b := true; return &b }

// officeHome is the intake queue: what waits to be accepted or verified, oldest first,
// and what waits for the office's word on an extension. Reports about officials are the
// discipline office's own intake: the office's scope leaves them out.
func (s *Server) officeHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	var queue []appeal.Appeal
	var total db.Total
	for _, st := range []appeal.Stage{appeal.StageDiscovered, appeal.StageVerifying} {
		list, err := appeal.List(ctx, s.db, a, appeal.Filter{Stage: st, Sort: "old", Page: db.Page{Limit: homeQueueSize}})
		if err != nil {
			return err
		}
		total = total.Plus(list.Count())
		queue = append(queue, list.Items...)
	}
	slices.SortFunc(queue, func(x, y appeal.Appeal) int { return x.CreatedAt.Compare(y.CreatedAt) })
	if len(queue) > homeQueueSize {
		queue = queue[:homeQueueSize]
	}
	yes := true
	ext, err := appeal.List(ctx, s.db, a, appeal.Filter{Extension: &yes, Sort: "old", Page: db.Page{Limit: homeQueueSize}})
	if err != nil {
		return err
	}
	feedback, err := s.countAppeals(ctx, a, appeal.Filter{Stage: appeal.StageFeedback})
	if err != nil {
		return err
	}
	data["Queue"], data["QueueTotal"], data["IntakeHref"], data["Extensions"], data["Feedback"] = queue, total, todoHref(appeal.TodoIntake), ext, feedback
	return nil
}

// departmentHome is the department's queue by due time, what is to be rectified first.
func (s *Server) departmentHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	rect, err := appeal.List(ctx, s.db, a, appeal.Filter{Stage: appeal.StageRectifying, Sort: "due", Page: db.Page{Limit: homeQueueSize}})
	if err != nil {
		return err
	}
	feedback, err := appeal.List(ctx, s.db, a, appeal.Filter{Stage: appeal.StageFeedback, Sort: "due", Page: db.Page{Limit: 5}})
	if err != nil {
		return err
	}
	data["Rectifying"], data["Feedback"] = rect, feedback
	return nil
}

// leaderHome lists the open appeals of the leader's enterprises, the most pressing first.
func (s *Server) leaderHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	yes := true
	list, err := appeal.List(ctx, s.db, a, appeal.Filter{Open: &yes, Sort: "due", Page: db.Page{Limit: homeQueueSize}})
	if err != nil {
		return err
	}
	overdue, err := s.countAppeals(ctx, a, appeal.Filter{Overdue: onlyOverdue()})
	if err != nil {
		return err
	}
	data["Open"], data["OpenTotal"], data["Overdue"] = list.Items, list.Count(), overdue
	return nil
}
