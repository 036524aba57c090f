package handlers

import "qinqing/db"

var (
	leaderOnly    = []db.Role{db.RoleLeader}
	enterpriseOne = []db.Role{db.RoleEnterprise}
	overseers     = []db.Role{db.RoleAdmin, db.RoleOffice, db.RoleAuditor}
	ledgerReaders = []db.Role{db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleLeader}
	messengers    = []db.Role{db.RoleAdmin, db.RoleAuditor, db.RoleLeader, db.RoleEnterprise}
)

// ledgerRoutes are the liaison ledger's API: visits, leaders' ledgers, the enterprises'
// direct line to their leader, and the ledger files in and out.
func (s *Server) ledgerRoutes() []route {
	return []route{
		{"GET", "/visits", anyRole, false, "走访记录列表（按角色范围）", s.apiListVisits},
		{"POST", "/visits", leaderOnly, false, "登记走访；发现的问题各成一件诉求", s.apiCreateVisit},
		{"GET", "/visits/:id", anyRole, false, "查看走访记录及其诉求", s.apiGetVisit},
		{"POST", "/visits/:id/photos", leaderOnly, false, "为本人的走访上传照片（multipart，字段 file：JPG 或 PNG）", s.apiAddVisitPhotos},
		{"GET", "/visits/:id/photos/:photo", anyRole, false, "查看走访照片（与走访记录同一范围）", s.apiVisitPhoto},
		{"GET", "/leaders/:id/ledger", ledgerReaders, false, "包保台账：包保企业、走访次数、发现问题及进展", s.apiLeaderLedger},
		{"GET", "/ledger/coverage", overseers, false, "各包保领导走访覆盖情况", s.apiCoverage},
		{"GET", "/settings/visit-cadence", anyRole, false, "走访周期（天）", s.apiVisitCadence},
		{"PUT", "/settings/visit-cadence", adminOnly, false, "修改走访周期", s.apiSetVisitCadence},

		{"GET", "/messages", messengers, false, "领导干部直通车消息", s.apiListMessages},
		{"POST", "/messages", enterpriseOne, false, "企业给包保领导发消息", s.apiSendMessage},
		{"GET", "/messages/:id", messengers, false, "查看直通车消息", s.apiGetMessage},
		{"POST", "/messages/:id/appeal", leaderOnly, false, "把直通车消息转为诉求", s.apiMessageAppeal},
		{"POST", "/messages/:id/read", leaderOnly, false, "标记直通车消息已处理", s.apiMessageRead},

		{"GET", "/export/enterprises.xlsx", anyRole, false, "导出企业名录（带列表筛选条件）", s.apiExportEnterprises},
		{"GET", "/export/liaisons.xlsx", anyRole, false, "导出包保关系（含历史，带列表筛选条件）", s.apiExportLiaisons},
		{"GET", "/export/visits.xlsx", anyRole, false, "导出走访记录（带列表筛选条件）", s.apiExportVisits},
		{"GET", "/export/appeals.xlsx", anyRole, false, "导出诉求工单（带列表筛选条件）", s.apiExportAppeals},
		{"POST", "/import/enterprises", adminOnly, false, "导入企业（multipart 字段 file：.xlsx 或 .csv；全部或全不）", s.apiImport("enterprises")},
		{"POST", "/import/liaisons", adminOnly, false, "导入包保关系（multipart 字段 file：.xlsx 或 .csv；全部或全不）", s.apiImport("liaisons")},
	}
}
