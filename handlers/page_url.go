package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// pageURLOf is the address of the page whose form failed. The failed form is shown again
// in the answer to its POST; the browser is then told (app.js, history.replaceState) to
// show the page's own address, so that a refresh reloads the page instead of posting the
// form a second time. The page is the one the form was posted from when the browser
// says so; otherwise the POST's address names it.
func pageURLOf(c *fiber.Ctx) string {
	if known, ok := c.Locals(pageURLKey).(string); ok && localTarget(known) {
		return known
	}
	if ref := c.Get(fiber.HeaderReferer); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Host == string(c.Request().Host()) {
			target := u.EscapedPath()
			if u.RawQuery != "" {
				target += "?" + u.RawQuery
			}
			if localTarget(target) {
				return target
			}
		}
	}
	path := c.Path()
	switch {
	case strings.HasSuffix(path, "/actions"):
		return strings.TrimSuffix(path, "/actions")
	case strings.HasSuffix(path, "/act"):
		return strings.TrimSuffix(path, "/act")
	case path == "/appeals", path == "/visits":
		return path + "/new"
	}
	return path
}

// pageURLKey is set by a handler that shows the failed form on a page other than the one
// its POST address names (a verdict from the sample list).
const pageURLKey = "qinqing.page_url"
