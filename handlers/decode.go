package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// maxJSONBody bounds JSON request bodies.
const maxJSONBody = 1 << 20

// decodeJSON reads the body strictly into v: JSON only, no unknown fields, one value.
func decodeJSON(c *fiber.Ctx, v any) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return badRequest("请求须为 JSON（Content-Type: application/json）。")
	}
	body := c.Body()
	if len(body) > maxJSONBody {
		return db.Errorf(db.ETOOLARGE, "请求内容过大（上限 %d KB）。", maxJSONBody>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		return badRequest("请求体为空。")
	case errors.As(err, &syn):
		return badRequest("JSON 格式错误（第 %d 字节附近）。", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return badRequest("请求体须为 JSON 对象。")
		}
		return fieldError(db.EINVALID, field, fmt.Sprintf("字段 %s 的类型应为 %s", field, jsonKind(typ.Type.String())))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldError(db.EBADREQUEST, name, "未知字段 "+name)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("JSON 不完整。")
	default:
		return badRequest("无法解析 JSON。")
	}
	if dec.More() {
		return badRequest("请求体只能包含一个 JSON 对象。")
	}
	if holdsNUL(reflect.ValueOf(v)) {
		return errNUL()
	}
	return nil
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "整数"
	case strings.Contains(goType, "float"):
		return "数字"
	case strings.Contains(goType, "bool"):
		return "布尔值"
	case strings.Contains(goType, "[]"):
		return "数组"
	case strings.Contains(goType, "string"), strings.HasSuffix(goType, "Role"):
		return "字符串"
	}
	return "对象"
}

// pathID reads a positive integer id from the route.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fieldError(db.EBADREQUEST, name, "编号无效："+c.Params(name))
	}
	return id, nil
}

// queryID reads an optional positive integer id from the query string.
func queryID(c *fiber.Ctx, name string) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, fieldError(db.EBADREQUEST, name, name+" 须为正整数")
	}
	return id, nil
}

// queryBool reads an optional true/false from the query string.
func queryBool(c *fiber.Ctx, name string) (*bool, error) {
	switch c.Query(name) {
	case "":
		return nil, nil
	case "true", "1":
		b := true
		return &b, nil
	case "false", "0":
		b := false
		return &b, nil
	}
	return nil, fieldError(db.EBADREQUEST, name, name+" 须为 true 或 false")
}

// queryPage reads limit and cursor.
func queryPage(c *fiber.Ctx) (db.Page, error) {
	p := db.Page{Cursor: c.Query("cursor")}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return p, fieldError(db.EBADREQUEST, "limit", "limit 须为整数")
		}
		if n < 1 || n > db.MaxLimit {
			return p, fieldError(db.EINVALID, "limit", fmt.Sprintf("limit 须在 1 到 %d 之间", db.MaxLimit))
		}
		p.Limit = n
	}
	return p, nil
}

// queryDate reads an optional date from the query string: YYYY-MM-DD or an RFC 3339 time,
// which stands for its day in the city. A "+" of an offset sent unencoded arrives as a
// space, so it is put back before parsing.
func queryDate(c *fiber.Ctx, name string) (string, error) {
	raw := strings.TrimSpace(c.Query(name))
	if raw == "" {
		return "", nil
	}
	if len(raw) > len(db.DateLayout) {
		raw = strings.Replace(raw, " ", "+", 1)
	}
	d, err := db.ParseDate(raw)
	if err != nil {
		return "", fieldError(db.EINVALID, name, "参数 "+name+" "+db.DateHint)
	}
	return d, nil
}

// queryPeriod reads the from and to dates of a filter.
func queryPeriod(c *fiber.Ctx) (from, to string, err error) {
	if from, err = queryDate(c, "from"); err != nil {
		return "", "", err
	}
	to, err = queryDate(c, "to")
	return from, to, err
}
