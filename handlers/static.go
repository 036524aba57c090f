package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/ui"
)

func serveStatic(c *fiber.Ctx) error {
	body, ct, ok := ui.Static(c.Params("*"))
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, ct)
	if c.Query("v") != "" {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Send(body)
}
