package handlers

import "qinqing/db"

var (
	officeStaff = []db.Role{db.RoleAdmin, db.RoleOffice}
	cityReaders = []db.Role{db.RoleAdmin, db.RoleOffice, db.RoleAuditor}
	classRoles  = []db.Role{db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleDepartment}
	// reportReaders read the monthly 通报: the city's staff, and the leaders it is sent to.
	reportReaders = []db.Role{db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleLeader}
)

// figureRoutes are the figures (contract §6, §7), issue classes and the monthly report.
// Every figure is computed over what the caller's role may see.
func (s *Server) figureRoutes() []route {
	return []route{
		{"GET", "/stats/overview", anyRole, false, "三率与数量概览（from、to 及筛选）", s.apiStatsOverview},
		{"GET", "/stats/trend", anyRole, false, "按月趋势（months，默认 12）", s.apiStatsTrend},
		{"GET", "/stats/rankings", anyRole, false, "责任单位或包保领导综合排名（kind）及环比", s.apiStatsRankings},
		{"GET", "/stats/weights", anyRole, false, "综合排名的权重与最少样本", s.apiStatsWeights},
		{"PUT", "/stats/weights", adminOnly, false, "修改综合排名的权重、最少样本（ranking_min_sample）或发文机关（report_issuer）", s.apiSetStatsWeights},
		{"GET", "/stats/:dimension", anyRole, false, "按责任单位、领导、类别、区县、来源或等级分组", s.apiStatsBreakdown},

		{"GET", "/issue-classes", classRoles, false, "一类问题列表", s.apiListIssueClasses},
		{"POST", "/issue-classes", officeStaff, false, "新建一类问题", s.apiCreateIssueClass},
		{"GET", "/issue-classes/suggestions", cityReaders, false, "建议归类（同类别、同单位）", s.apiIssueClassSuggestions},
		{"GET", "/issue-classes/:id", classRoles, false, "查看一类问题及其数据", s.apiGetIssueClass},
		{"PATCH", "/issue-classes/:id", officeStaff, false, "修改、办结或重新打开一类问题", s.apiUpdateIssueClass},
		{"GET", "/issue-classes/:id/candidates", classRoles, false, "可能属于该类的诉求（文本相似）", s.apiIssueClassCandidates},

		{"GET", "/reports/monthly", reportReaders, false, "月度通报（month=YYYY-MM，默认上一个完整月份）", s.apiMonthlyReport},
		{"GET", "/reports/monthly.pdf", reportReaders, false, "月度通报 PDF", s.monthlyReportPDF},
		{"GET", "/reports/monthly.xlsx", reportReaders, false, "月度通报 Excel", s.monthlyReportXLSX},
	}
}
