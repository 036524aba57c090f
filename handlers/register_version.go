package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// editVersion is the version a PATCH of a register row was made against: the body's
// "version", or else the If-Match header ("3", W/"3" or 3). Neither means the client
// did not say, and the change applies to the row as it is now; "*" means the same.
func editVersion(c *fiber.Ctx, body *int64) (*int64, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return body, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v <= 0 {
		return nil, fieldError(db.EBADREQUEST, "version", "If-Match 须为记录的版本号，如 \"3\"")
	}
	if body != nil && *body != v {
		return nil, fieldError(db.EBADREQUEST, "version", "请求体中的 version 与 If-Match 不一致")
	}
	return &v, nil
}

// setVersionTag sends the row's version as its ETag, for the next If-Match.
func setVersionTag(c *fiber.Ctx, v int64) {
	c.Set(fiber.HeaderETag, `"`+strconv.FormatInt(v, 10)+`"`)
}

// formVersion reads the hidden version field of an edit form; a form without one (an
// old page, a script) edits the row as it is now.
func formVersion(c *fiber.Ctx) (*int64, error) {
	raw := strings.TrimSpace(c.FormValue("version"))
	if raw == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v <= 0 {
		return nil, fieldError(db.EBADREQUEST, "version", "表单的版本号无效，请刷新页面后重试。")
	}
	return &v, nil
}

// isStale tells a refusal because the row changed since the form or client read it.
func isStale(err error) bool {
	e, ok := db.AsError(err)
	if !ok || e.Code != db.ECONFLICT {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == "version" {
			return true
		}
	}
	return false
}

// failEdit answers a failed edit form. A stale one shows the row as it is now, without
// what was typed: the typed form would still hold the old values of the fields someone
// else just changed, and sending it again would undo their change.
func (s *Server) failEdit(c *fiber.Ctx, name, title string, data func() (fiber.Map, error), err error) error {
	if !isStale(err) {
		return s.failForm(c, name, title, data, err)
	}
	d, derr := data()
	if derr != nil {
		return derr
	}
	p := s.page(c, title, d)
	p.Error = "您打开页面后，这条记录已被他人修改，您的修改没有保存。页面已显示最新内容，请核对后重新填写并提交。"
	p.Fields = map[string]string{}
	c.Status(fiber.StatusConflict)
	return s.render(c, name, title, p)
}
