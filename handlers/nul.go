package handlers

import (
	"bytes"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// errNUL is the answer to text holding a NUL character: PostgreSQL cannot store one in
// text, and no one types one, so it is refused on either engine before anything is kept.
func errNUL() error {
	return badRequest("提交的内容含有空字符（U+0000），请删除后重试。")
}

// refuseNUL refuses a form whose fields hold a NUL character. JSON bodies are checked
// where they are decoded (decodeJSON), after their escapes are read.
func (s *Server) refuseNUL(c *fiber.Ctx) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		// A form encodes every byte of "%" itself, so "%00" is only ever a NUL.
		if bytes.Contains(bytes.ToLower(c.Body()), []byte("%00")) {
			return errNUL()
		}
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		// Files may hold any byte; only the fields are text. A malformed form is left to
		// the handler, which answers it with its own error.
		if form, err := c.MultipartForm(); err == nil {
			for _, vals := range form.Value {
				for _, v := range vals {
					if strings.IndexByte(v, 0) >= 0 {
						return errNUL()
					}
				}
			}
		}
	}
	return c.Next()
}

// holdsNUL reports whether any string reachable from v holds a NUL character.
func holdsNUL(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.IndexByte(v.String(), 0) >= 0
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && holdsNUL(v.Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && holdsNUL(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if holdsNUL(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if holdsNUL(it.Key()) || holdsNUL(it.Value()) {
				return true
			}
		}
	}
	return false
}
