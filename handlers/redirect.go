package handlers

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
)

// maxTarget bounds a redirect target taken from a request; a longer one goes home.
const maxTarget = 2048

// redirectLocal answers 303 to a target that came from the request, or to fallback when
// the target is not a plain path on this site. Every redirect whose target the request
// can influence goes through here: the Location header is the one place such a value
// meets a response header.
func redirectLocal(c *fiber.Ctx, target, fallback string) error {
	if !localTarget(target) {
		target = fallback
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// safeNext keeps a post-login or back target on this site, or sends the visitor home.
func safeNext(next string) string {
	if localTarget(next) {
		return next
	}
	return "/"
}

// localTarget reports whether s is a path on this site made only of characters that
// need no escaping in a header: a single leading slash, then letters, digits and
// -._~/?=&%+,:@. Whatever its escapes hide, however deeply nested, must not be a
// control or line-separator character, a backslash, or a second leading slash, so
// that no reader of the header, decoding once or twice, finds another line or host.
func localTarget(s string) bool {
	if s == "" || len(s) > maxTarget || s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !targetByte(s[i]) {
			return false
		}
	}
	for round := 0; ; round++ {
		if !plainTarget(s) {
			return false
		}
		if !strings.Contains(s, "%") {
			return true
		}
		d, err := url.PathUnescape(s)
		switch {
		case err != nil && round == 0:
			return false // a malformed escape in what we would send
		case err != nil:
			return true // a literal % once decoded: nothing further is hidden
		case round == 4:
			return false // nobody nests escapes this deep for a good reason
		}
		s = d
	}
}

// plainTarget checks one decoding of a target.
func plainTarget(s string) bool {
	path, _, _ := strings.Cut(s, "?")
	if !strings.HasPrefix(path, "/") || strings.Contains(path, "//") {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) {
			return false
		}
	}
	return true
}

func targetByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("-._~/?=&%+,:@", b) >= 0
}
