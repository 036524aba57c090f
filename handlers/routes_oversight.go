package handlers

import (
	"qinqing/db"
	"qinqing/db/oversight"
)

var auditorOnly = []db.Role{db.RoleAuditor}

// oversightRoutes are the discipline office's endpoints: the public report channel, the
// identity vault, the auditors' workspace, typical cases and signed audit checkpoints.
func (s *Server) oversightRoutes() []route {
	routes := []route{
		{"POST", "/public/reports", nil, true, "公众举报（无需账号；JSON 或 multipart，可附证据文件）", s.apiFileReport},
		{"GET", "/public/reports/:receipt", nil, true, "凭回执码查询举报办理情况", s.apiTrackReport},
		{"POST", "/public/reports/:receipt/messages", nil, true, "凭回执码补充情况或材料", s.apiReportMessage},
		{"POST", "/public/reports/:receipt/rating", nil, true, "凭回执码评价办理结果", s.apiRateReport},
		{"GET", "/public/options", nil, true, "举报表单的问题类别和单位", s.apiReportOptions},

		{"POST", "/appeals/:id/identity", anyRole, false, "查阅举报人身份（仅纪检监督，须写明理由，记入审计）", s.apiRevealIdentity},

		{"GET", "/oversight/summary", auditorOnly, false, "监督工作台各清单数量", s.apiWatchSummary},
		{"GET", "/oversight/reveals", auditorOnly, false, "举报人身份查阅记录", s.apiReveals},
		{"GET", "/oversight/sample", auditorOnly, false, "某月办结诉求抽查样本及结论", s.apiSample},
		{"POST", "/oversight/sample", auditorOnly, false, "抽取某月办结诉求样本（每月一次）", s.apiDrawSample},
		{"GET", "/oversight/accountability", auditorOnly, false, "问责记录", s.apiListAccountability},
		{"POST", "/oversight/accountability", auditorOnly, false, "登记问责", s.apiCreateAccountability},
		{"GET", "/oversight/accountability/:id", auditorOnly, false, "查看问责记录", s.apiGetAccountability},
		{"POST", "/oversight/cases", auditorOnly, false, "将诉求列为典型案例", s.apiCreateCase},
		{"PATCH", "/oversight/cases/:id", auditorOnly, false, "修改、发布或撤回典型案例", s.apiUpdateCase},
		{"GET", "/cases", anyRole, false, "典型案例（已发布；纪检监督另见草稿）", s.apiListCases},
		{"GET", "/cases/:id", anyRole, false, "查看典型案例", s.apiGetCase},

		{"GET", "/audit/checkpoint", adminAuditor, false, "下载签名的审计检查点（事件数与默克尔树根）", s.apiCheckpoint},
		{"POST", "/audit/checkpoint/verify", adminAuditor, false, "校验当前审计日志是否延续某个检查点", s.apiVerifyCheckpoint},
		{"GET", "/audit/checkpoints", auditorOnly, false, "系统每日自动签发的审计检查点", s.apiAutoCheckpoints},
		{"GET", "/audit/checkpoints/:day", auditorOnly, false, "下载某日（YYYY-MM-DD 或 latest）的自动检查点", s.apiAutoCheckpoint},
		{"POST", "/audit/checkpoints/:day/verify", auditorOnly, false, "校验当前审计日志是否延续某日的自动检查点", s.apiVerifyAutoCheckpoint},
		{"GET", "/audit/key", nil, true, "检查点签名公钥", s.apiAuditKey},
	}
	for _, k := range oversight.WatchKinds {
		routes = append(routes, route{"GET", "/oversight/" + k.Kind, auditorOnly, false, "监督清单：" + k.Label, s.apiWatch(k.Kind)})
	}
	return routes
}
