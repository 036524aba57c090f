package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) requestID(c *fiber.Ctx) error {
	b := make([]byte, 8)
	rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals("request_id", id)
	c.Set("X-Request-Id", id)
	// Reads run under the request's context: a heavy query whose client has long given
	// up stops at the deadline instead of holding a pooled connection.
	ctx, cancel := context.WithTimeout(c.UserContext(), requestDeadline)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// requestDeadline bounds one request's work; the largest export stays well within it.
const requestDeadline = 90 * time.Second

// logPanic keeps the stack of a recovered panic, which the 500 answer never shows.
func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic", slog.Any("panic", e), slog.String("path", c.Path()), slog.String("stack", string(debug.Stack())))
}

// contentSecurityPolicy allows no inline script or style: every script and sheet is a
// file under /static.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders is also called by the error handler, which answers requests that
// never reached the middleware: headers too large, a body over the server's limit.
func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if isAPI(c) {
		// API answers are one caller's view of live data: no cache, shared or private, keeps them.
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
}

func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now, so the log shows its status.
		if herr := s.handleError(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
		err = nil
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	d := time.Since(start)
	s.metrics.observe(c.Method(), route, status, d)
	attrs := []any{
		slog.String("request_id", c.Locals("request_id").(string)),
		slog.String("method", c.Method()),
		slog.String("path", logPath(c)),
		slog.Int("status", status),
		slog.Duration("duration", d),
	}
	if a, ok := actorOf(c); ok {
		attrs = append(attrs, slog.Int64("user_id", a.UserID))
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.UserContext(), level, "request", attrs...)
	return err
}
