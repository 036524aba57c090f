package handlers

import (
	"qinqing/db/audit"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// apiAutoCheckpoints lists the checkpoints the server signed by itself, one a day.
func (s *Server) apiAutoCheckpoints(c *fiber.Ctx) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	list, err := audit.ListAutoCheckpoints(c.UserContext(), s.db, a, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

// apiAutoCheckpoint downloads the automatic checkpoint of a day (or "latest") as the
// same signed text file as a checkpoint signed on demand, or JSON with ?format=json.
func (s *Server) apiAutoCheckpoint(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	cp, err := audit.FindAutoCheckpoint(c.UserContext(), s.db, a, strings.Clone(c.Params("day")))
	if err != nil {
		return err
	}
	if c.Query("format") == "json" {
		return c.JSON(cp)
	}
	name := "qinqing-checkpoint-" + strings.ReplaceAll(cp.Day, "-", "") + "-auto.txt"
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(cp.Note)
}

// apiVerifyAutoCheckpoint proves that today's log extends the automatic checkpoint of a
// day (or "latest").
func (s *Server) apiVerifyAutoCheckpoint(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	_, res, err := audit.VerifyAutoCheckpoint(c.UserContext(), s.db, a, s.keys, strings.Clone(c.Params("day")))
	if err != nil {
		return err
	}
	return c.JSON(res)
}
