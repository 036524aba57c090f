package handlers

import (
	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// route is one API endpoint with the roles it admits. Public routes need no account; a
// signed-in route with no roles admits every role.
type route struct {
	Method  string
	Path    string
	Roles   []db.Role
	Public  bool
	Summary string
	Handler fiber.Handler
}

var (
	anyRole      []db.Role
	adminOnly    = []db.Role{db.RoleAdmin}
	adminAuditor = []db.Role{db.RoleAdmin, db.RoleAuditor}
	filers       = []db.Role{db.RoleEnterprise, db.RoleOffice, db.RoleLeader, db.RoleAuditor}
	staff        = []db.Role{db.RoleAdmin, db.RoleOffice, db.RoleDepartment, db.RoleLeader, db.RoleAuditor}
)

// apiRoutes is the whole API under /api/v1, in one table.
func (s *Server) apiRoutes() []route {
	return append([]route{
		{"POST", "/auth/login", nil, true, "登录，返回令牌", s.apiLogin},
		{"POST", "/auth/logout", anyRole, false, "退出登录，吊销令牌", s.apiLogout},
		{"GET", "/me", anyRole, false, "当前用户", s.apiMe},
		{"POST", "/me/password", anyRole, false, "修改本人密码（吊销全部令牌）", s.apiChangePassword},

		{"GET", "/users", adminAuditor, false, "用户列表", s.apiListUsers},
		{"POST", "/users", adminOnly, false, "新建用户", s.apiCreateUser},
		{"GET", "/users/:id", anyRole, false, "查看用户（本人或管理员）", s.apiGetUser},
		{"PATCH", "/users/:id", adminOnly, false, "修改用户、停用、重置密码", s.apiUpdateUser},

		{"GET", "/departments", anyRole, false, "责任单位列表", s.apiListDepartments},
		{"POST", "/departments", adminOnly, false, "新建责任单位", s.apiCreateDepartment},
		{"GET", "/departments/:id", anyRole, false, "查看责任单位", s.apiGetDepartment},
		{"PATCH", "/departments/:id", adminOnly, false, "修改责任单位", s.apiUpdateDepartment},

		{"GET", "/leaders", staff, false, "包保领导列表", s.apiListLeaders},
		{"POST", "/leaders", adminOnly, false, "新建包保领导", s.apiCreateLeader},
		{"GET", "/leaders/:id", staff, false, "查看包保领导", s.apiGetLeader},
		{"PATCH", "/leaders/:id", adminOnly, false, "修改包保领导", s.apiUpdateLeader},

		{"GET", "/enterprises", anyRole, false, "企业列表（按角色范围）", s.apiListEnterprises},
		{"POST", "/enterprises", adminOnly, false, "新建企业", s.apiCreateEnterprise},
		{"GET", "/enterprises/review", []db.Role{db.RoleAdmin, db.RoleOffice}, false, "待审核企业（热线登记时新建）", s.apiEnterprisesToReview},
		{"POST", "/enterprises/:id/review", adminOnly, false, "确认待审核企业", s.apiConfirmEnterprise},
		{"GET", "/enterprises/:id", anyRole, false, "企业档案（一企一档）", s.apiGetEnterprise},
		{"PATCH", "/enterprises/:id", adminOnly, false, "修改企业", s.apiUpdateEnterprise},

		{"GET", "/liaisons", anyRole, false, "包保关系列表（含历史）", s.apiListLiaisons},
		{"POST", "/liaisons", adminOnly, false, "新建或调整包保关系", s.apiCreateLiaison},
		{"GET", "/liaisons/:id", anyRole, false, "查看包保关系", s.apiGetLiaison},
		{"PATCH", "/liaisons/:id", adminOnly, false, "结束包保关系或修改备注", s.apiUpdateLiaison},

		{"GET", "/appeals", anyRole, false, "诉求列表（筛选、全文搜索）", s.apiListAppeals},
		{"POST", "/appeals", filers, false, "提交或登记诉求", s.apiCreateAppeal},
		{"GET", "/appeals/:id", anyRole, false, "查看诉求及当前可做的操作", s.apiGetAppeal},
		{"POST", "/appeals/bulk", []db.Role{db.RoleOffice, db.RoleAuditor}, false, "批量办理诉求（受理、交办、催办、改派），逐件返回结果", s.apiBulkAppeals},
		{"POST", "/appeals/:id/actions", anyRole, false, "对诉求执行操作（受理、交办、报告、评价……）", s.apiAppealAction},
		{"GET", "/appeals/:id/events", anyRole, false, "诉求办理时间线", s.apiAppealEvents},
		{"POST", "/appeals/:id/attachments", anyRole, false, "上传附件（multipart，字段 file）", s.apiAttach},
		{"GET", "/attachments/:id", anyRole, false, "下载附件", s.apiDownload},
		{"GET", "/categories", anyRole, false, "问题类别", s.apiCategories},
		{"GET", "/settings/deadlines", anyRole, false, "各办理等级的时限", s.apiDeadlines},
		{"PUT", "/settings/deadlines", adminOnly, false, "修改办理等级时限", s.apiSetDeadline},

		{"GET", "/audit/events", adminAuditor, false, "审计事件", s.apiAuditEvents},
		{"GET", "/audit/verify", adminAuditor, false, "校验审计链", s.apiAuditVerify},
		{"GET", "/openapi.json", nil, true, "本 API 的 OpenAPI 描述", s.apiOpenAPI},
	}, append(append(append(append(s.ledgerRoutes(), s.figureRoutes()...), s.oversightRoutes()...), s.calendarRoutes()...), append(s.noticeRoutes(), s.integrationRoutes()...)...)...)
}

func (s *Server) mount() {
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/metrics", s.serveMetrics)
	s.app.Get("/static/*", serveStatic)

	api := s.app.Group("/api/v1", s.authenticate)
	s.routes = s.apiRoutes()
	for _, r := range s.routes {
		if r.Public {
			api.Add(r.Method, r.Path, r.Handler)
		} else {
			api.Add(r.Method, r.Path, s.allow(r.Roles...), r.Handler)
		}
	}
	api.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })

	s.mountPages()
	s.app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
