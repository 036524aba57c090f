package handlers

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// listDoc says what a list answers; its total stops counting at db.TotalBound.
var listDoc = fmt.Sprintf("列表答 {items, next_cursor, total, total_capped}：total 最多数到 %d，"+
	"匹配更多时 total 为 %d 且 total_capped 为 true；next_cursor 为空即已到末页。", db.TotalBound, db.TotalBound)

// apiOpenAPI describes the API from the route table itself, so that it lists exactly
// the endpoints that exist.
func (s *Server) apiOpenAPI(c *fiber.Ctx) error {
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		p := "/api/v1" + pathParam.ReplaceAllString(r.Path, "{$1}")
		op := map[string]any{
			"summary":     r.Summary,
			"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", "-", "_").Replace(r.Path),
			"responses": map[string]any{
				"200":     map[string]any{"description": "成功"},
				"default": map[string]any{"description": "错误", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			typ := "integer"
			if m[1] == "receipt" || m[1] == "date" {
				typ = "string"
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
		}
		if r.Method == "GET" && !strings.Contains(r.Path, ":") && !r.Public && r.Path != "/me" {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "description": listDoc, "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
				map[string]any{"name": "cursor", "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if r.Method == "POST" && idempotentRoutes[r.Path] {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "description": idemDoc,
				"schema": map[string]any{"type": "string", "minLength": 1, "maxLength": maxIdemKey}})
			op["description"] = "新建成功答 201。带 Idempotency-Key 的重试不会重复新建，见该参数说明。"
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.Method == "POST" || r.Method == "PATCH" || r.Method == "PUT" {
			op["requestBody"] = map[string]any{"content": requestContent(r.Path)}
		}
		if r.Public {
			op["security"] = []any{}
		} else {
			roles := []string{}
			for _, role := range r.Roles {
				roles = append(roles, string(role))
			}
			op["x-roles"] = roles
		}
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = op
	}
	return c.JSON(map[string]any{
		"openapi":  "3.1.0",
		"info":     map[string]any{"title": "qinqing 亲清 API", "version": s.version},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "properties": map[string]any{
				"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
				"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
				"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"field": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}}}}},
		},
	})
}

// uploadRoutes take files as multipart/form-data (field file); true where JSON is also accepted.
var uploadRoutes = map[string]bool{
	"/appeals/:id/attachments":          false,
	"/visits/:id/photos":                false,
	"/import/enterprises":               false,
	"/import/liaisons":                  false,
	"/calendar/import":                  false,
	"/public/reports":                   true,
	"/public/reports/:receipt/messages": true,
}

func requestContent(path string) map[string]any {
	object := map[string]any{"schema": map[string]any{"type": "object"}}
	alsoJSON, upload := uploadRoutes[path]
	if !upload {
		return map[string]any{"application/json": object}
	}
	content := map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object",
		"properties": map[string]any{"file": map[string]any{"type": "array",
			"items": map[string]any{"type": "string", "format": "binary"}}}}}}
	if alsoJSON {
		content["application/json"] = object
	}
	return content
}
