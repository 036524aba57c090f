package handlers

import (
	"errors"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

var statusOf = map[string]int{
	db.EBADREQUEST:   fiber.StatusBadRequest,
	db.EUNAUTHORIZED: fiber.StatusUnauthorized,
	db.EFORBIDDEN:    fiber.StatusForbidden,
	db.ENOTFOUND:     fiber.StatusNotFound,
	db.ECONFLICT:     fiber.StatusConflict,
	db.ETOOLARGE:     fiber.StatusRequestEntityTooLarge,
	db.EINVALID:      fiber.StatusUnprocessableEntity,
	db.ETOOMANY:      fiber.StatusTooManyRequests,
	db.EINTERNAL:     fiber.StatusInternalServerError,
	db.EUNAVAILABLE:  fiber.StatusServiceUnavailable,
}

var titleOf = map[int]string{
	400: "请求无效", 401: "未登录或登录已失效", 403: "无权操作", 404: "未找到", 405: "不支持的请求方法",
	409: "冲突", 413: "内容过大", 415: "不支持的内容类型", 422: "内容有误", 429: "请求过于频繁", 431: "请求头过大",
	500: "服务器内部错误", 503: "服务暂不可用",
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type      string          `json:"type"`
	Title     string          `json:"title"`
	Status    int             `json:"status"`
	Detail    string          `json:"detail"`
	Errors    []db.FieldError `json:"errors"`
	Allowed   []string        `json:"allowed_actions,omitempty"`
	RequestID string          `json:"request_id,omitempty"`
}

// toProblem turns any error into what a user may see; internal errors are logged, never shown.
func (s *Server) toProblem(c *fiber.Ctx, err error) problem {
	p := problem{Type: "about:blank", Errors: []db.FieldError{}}
	p.RequestID, _ = c.Locals("request_id").(string)
	var fe *fiber.Error
	if _, ok := db.AsError(err); !ok {
		// A full disk or a database locked past the busy timeout is told as what it
		// is, with a 503 to retry, not as a generic internal error.
		if se := db.StorageError(err); se != nil {
			s.log.Warn("storage failure", slog.String("request_id", p.RequestID), slog.String("path", logPath(c)),
				slog.String("error", err.Error()))
			err = se
		}
	}
	if e, ok := db.AsError(err); ok {
		p.Status = statusOf[e.Code]
		p.Detail = e.Message
		if e.Fields != nil {
			p.Errors = e.Fields
		}
		p.Allowed = e.Allowed
		p.Type = "/problems/" + e.Code
	} else if errors.As(err, &fe) {
		p.Status = fe.Code
		switch fe.Code {
		case 404:
			p.Detail = "请求的地址不存在。"
		case 405:
			p.Detail = "该地址不支持此请求方法。"
		case 413:
			p.Detail = "请求内容过大。"
		case 431:
			p.Detail = "请求头过大，请缩短后重试。"
		default:
			p.Detail = titleOf[fe.Code]
		}
	}
	if p.Status == 0 || p.Status >= 500 && p.Status != fiber.StatusServiceUnavailable {
		s.log.Error("internal error", slog.String("request_id", p.RequestID), slog.String("path", logPath(c)),
			slog.String("error", err.Error()))
		p.Status = 500
		p.Detail = db.ErrorMessage(nil)
		p.Type = "about:blank"
	}
	p.Title = titleOf[p.Status]
	if p.Title == "" {
		p.Title = strconv.Itoa(p.Status)
	}
	return p
}

// handleError is Fiber's one error handler: problem+json for the API, an error page for people.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	setSecurityHeaders(c)
	p := s.toProblem(c, err)
	if p.Status == fiber.StatusTooManyRequests && c.GetRespHeader("Retry-After") == "" {
		c.Set("Retry-After", "60")
	}
	if p.Status == fiber.StatusServiceUnavailable && c.GetRespHeader("Retry-After") == "" {
		c.Set("Retry-After", "5")
	}
	c.Status(p.Status)
	if isAPI(c) || c.Path() == "/healthz" || c.Path() == "/metrics" || unread(c) {
		c.Set(fiber.HeaderContentType, "application/problem+json; charset=utf-8")
		return c.JSON(p, "application/problem+json; charset=utf-8")
	}
	if p.Status == fiber.StatusUnauthorized {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return s.render(c.Status(p.Status), "error", p.Title, p)
}

// unread reports whether fasthttp refused the request before it could be read at all
// (headers past the read buffer, 431): no route ran and no header is known, so the path
// cannot choose the answer's form; a problem document serves an API client and still
// reads for a person.
func unread(c *fiber.Ctx) bool {
	return len(c.Route().Handlers) == 0 && len(c.Request().Header.RawHeaders()) == 0
}

func badRequest(format string, args ...any) error { return db.Errorf(db.EBADREQUEST, format, args...) }

func fieldError(code, field, msg string) error {
	return &db.Error{Code: code, Message: msg, Fields: []db.FieldError{{Field: field, Message: msg}}}
}
