package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/ui"
)

const (
	// cacheImmutable is for a URL that names the file's content hash: that URL never
	// answers anything else, so a browser may keep it for a year without asking.
	cacheImmutable = "public, max-age=31536000, immutable"
	// cacheShort is for an unversioned URL, whose content changes with each release.
	cacheShort = "public, max-age=300"
	// cacheRevalidate is for a URL naming a hash that is not the current one (an old
	// page, a forged link): the file served is today's, so it must not be kept as that.
	cacheRevalidate = "no-cache"
)

// serveStatic answers /static/NAME from the embedded files, compressed once at start-up:
// gzip when the client accepts it, and the plain bytes otherwise.
func serveStatic(c *fiber.Ctx) error {
	a, ok := ui.Static(c.Params("*"))
	if !ok {
		return fiber.ErrNotFound
	}
	switch v := c.Query("v"); {
	case v == "":
		c.Set(fiber.HeaderCacheControl, cacheShort)
	case v == a.Hash:
		c.Set(fiber.HeaderCacheControl, cacheImmutable)
	default:
		c.Set(fiber.HeaderCacheControl, cacheRevalidate)
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	body, etag := a.Body, `"`+a.Hash+`"`
	if a.Gzip != nil {
		// Caches must keep the two encodings apart.
		c.Vary(fiber.HeaderAcceptEncoding)
		if acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			body, etag = a.Gzip, `"`+a.Hash+`-gz"`
		}
	}
	c.Set(fiber.HeaderETag, etag)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(body)
}

// acceptsGzip reads an Accept-Encoding header: gzip listed without q=0, or failing a
// word on gzip itself, * listed so.
func acceptsGzip(header string) bool {
	gz, star := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}
