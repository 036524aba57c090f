package handlers

import (
	"context"
	"qinqing/db/audit"
	"time"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	if reason, since := s.db.WriteFailure(); reason != "" {
		// Reads still work, but nothing can be saved: a load balancer should send
		// traffic elsewhere, and an operator sees why.
		c.Set(fiber.HeaderRetryAfter, "5")
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "degraded", "reason": reason,
			"since": since.Format(time.RFC3339), "version": s.version})
	}
	return c.JSON(fiber.Map{"status": "ok", "version": s.version})
}

func (s *Server) apiAuditEvents(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	objectID, err := queryID(c, "object_id")
	if err != nil {
		return err
	}
	actorID, err := queryID(c, "actor_id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := audit.ListEvents(c.UserContext(), s.db, a, audit.Filter{ObjectType: c.Query("object_type"),
		ObjectID: objectID, ActorID: actorID, Action: c.Query("action"), Page: page})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiAuditVerify(c *fiber.Ctx) error {
	res, err := audit.Verify(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
