package handlers

import (
	"context"
	"fmt"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/oversight"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// auditRow is one audit event as people read it: the action and object named in
// Chinese, with a link to the object where it has a page.
type auditRow struct {
	ID        int64
	At        time.Time
	ActorName string
	ActorRole db.Role
	Action    string
	Label     string
	Object    string
	Href      string
}

// auditObjectPages are where an auditor opens each kind of object.
var auditObjectPages = map[string]string{
	"appeal": "/oversight/appeals/%d", "enterprise": "/enterprises/%d", "leader": "/leaders/%d",
	"issue_class": "/issue-classes/%d",
}

// auditRows names a page of events for people.
func (s *Server) auditRows(ctx context.Context, a db.Actor, events []db.AuditEvent) ([]auditRow, error) {
	names, err := oversight.AuditObjectNames(ctx, s.db, a, events)
	if err != nil {
		return nil, err
	}
	out := make([]auditRow, 0, len(events))
	for _, e := range events {
		r := auditRow{ID: e.ID, At: e.At, ActorName: e.ActorName, ActorRole: e.ActorRole, Action: e.Action,
			Label: oversight.AuditActionLabel(e.Action), Object: oversight.AuditObjectLabel(e.ObjectType)}
		if e.ObjectID != nil {
			id := *e.ObjectID
			if name := names[fmt.Sprintf("%s:%d", e.ObjectType, id)]; name != "" {
				r.Object += " " + name
			} else {
				r.Object += fmt.Sprintf(" #%d", id)
			}
			if page := auditObjectPages[e.ObjectType]; page != "" {
				r.Href = fmt.Sprintf(page, id)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// oversightDashboard adds the chain's state and the latest events to the workspace's
// overview. The chain is verified from the verified-up-to mark on, so a view re-hashes
// only what was appended since (at most a batch); the full run is the button below.
func (s *Server) oversightDashboard(c *fiber.Ctx, data fiber.Map) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	v, err := audit.VerifySince(ctx, s.db)
	if err != nil {
		return err
	}
	events, err := audit.ListEvents(ctx, s.db, a, audit.Filter{Page: db.Page{Limit: 10}})
	if err != nil {
		return err
	}
	rows, err := s.auditRows(ctx, a, events.Items)
	if err != nil {
		return err
	}
	data["Chain"], data["Recent"] = v, rows
	return nil
}

// oversightVerifyAll re-hashes the whole chain on demand, which also resets the mark.
func (s *Server) oversightVerifyAll(c *fiber.Ctx) error {
	v, err := audit.Verify(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	if v.OK {
		flash(c, fmt.Sprintf("全量校验完成：%d 条事件逐条重算哈希，审计链完整。", v.Events))
	} else {
		flash(c, fmt.Sprintf("全量校验发现问题：第 %d 号事件起与记录不符。请保存数据库副本、停止签发新检查点，并上报；可上传此前保存的检查点核对被改动的范围。", *v.FirstBadID))
	}
	return c.Redirect("/oversight", fiber.StatusSeeOther)
}

// oversightAudit is the audit log, newest first, in Chinese.
func (s *Server) oversightAudit(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	if page.Limit == 0 {
		page.Limit = 50
	}
	a, _ := actorOf(c)
	f := audit.Filter{Action: c.Query("action"), ObjectType: c.Query("object_type"), Page: page}
	if f.ObjectID, err = queryID(c, "object_id"); err != nil {
		return err
	}
	list, err := audit.ListEvents(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	rows, err := s.auditRows(c.UserContext(), a, list.Items)
	if err != nil {
		return err
	}
	next := query("/oversight/audit", appeal.Filter{}, list.NextCursor, "action", f.Action, "object_type", f.ObjectType, "object_id", f.ObjectID)
	data, err := s.workspace(c, "/oversight/audit", fiber.Map{"List": list, "Rows": rows, "Next": next})
	if err != nil {
		return err
	}
	return s.render(c, "oversight_audit", "审计日志", data)
}
