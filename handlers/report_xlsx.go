package handlers

import (
	"bytes"
	"fmt"
	"qinqing/db/figures"
	"strings"

	"github.com/xuri/excelize/v2"
)

// reportXLSX writes the monthly report as a workbook, one sheet per section.
func reportXLSX(r *figures.MonthlyReport) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheets := []struct {
		name   string
		header []string
		rows   [][]any
	}{
		{"总体情况", []string{"指标", "本月", "上月", "环比"}, headlineRows(r)},
		{"责任单位排名", rankXLSXHeader, rankXLSXRows(r.Departments)},
		{"包保领导排名", rankXLSXHeader, rankXLSXRows(r.Leaders)},
		{"超期诉求", []string{"编号", "诉求", "企业", "责任单位", "环节", "期限", "超期天数"}, caseXLSXRows(r.Overdue)},
		{"典型案例", []string{"编号", "诉求", "企业", "责任单位", "环节", "期限", "超期天数"}, caseXLSXRows(r.Typical)},
		{"一类问题", []string{"问题", "成因", "牵头单位", "整治期限", "诉求数", "状态", "结论"}, classXLSXRows(r.IssueClasses)},
		{"审计链", []string{"事件数", "校验结果", "链头哈希", "生成时间", "待校验"},
			[][]any{{r.AuditEvents, map[bool]string{true: "完整", false: "校验失败"}[r.AuditOK], r.AuditHead, r.GeneratedAt.Format("2006-01-02 15:04:05"), r.AuditPending}}},
		{"版头", []string{"发文机关", "文号", "日期", "月份"}, [][]any{{r.Issuer, r.DocNumber, r.IssuedOn, monthTitle(r.Month)}}},
	}
	// Printed, every sheet carries the 版头 above and the page count below. "&" starts a
	// code in Excel's header language, so a literal one is doubled.
	esc := strings.NewReplacer("&", "&&")
	hf := &excelize.HeaderFooterOptions{
		OddHeader: "&L" + esc.Replace(r.Issuer) + "&C" + esc.Replace(r.DocNumber) + " 营商环境诉求办理月度通报&R" + esc.Replace(r.IssuedOn),
		OddFooter: "&C第 &P 页 共 &N 页",
	}
	for i, s := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := x.NewSheet(s.name); err != nil {
			return nil, err
		}
		header := make([]any, len(s.header))
		for j, h := range s.header {
			header[j] = h
		}
		if err := x.SetSheetRow(s.name, "A1", &header); err != nil {
			return nil, err
		}
		for j, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, j+2)
			if err := x.SetSheetRow(s.name, cell, &row); err != nil {
				return nil, err
			}
		}
		if err := x.SetColWidth(s.name, "A", "H", 16); err != nil {
			return nil, err
		}
		if err := x.SetHeaderFooter(s.name, hf); err != nil {
			return nil, err
		}
	}
	if err := x.SetDocProps(&excelize.DocProperties{Title: "营商环境诉求办理月度通报 " + r.Month,
		Subject: r.Issuer + " " + r.DocNumber, Creator: "qinqing"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func headlineRows(r *figures.MonthlyReport) [][]any {
	var rows [][]any
	for _, h := range headlines(r) {
		rows = append(rows, []any{h.Label, h.Value, h.Previous, h.Change})
	}
	return rows
}

var rankXLSXHeader = []string{"名次", "名称", "诉求", "办结", "响应率", "解决率", "满意率", "按期办结率", "按期办结率（含延期）", "综合得分", "上期得分", "环比"}

// rate is a rate as a number for Excel, or empty when there is no data.
func rate(r *float64) any {
	if r == nil {
		return ""
	}
	return *r
}

func rankXLSXRows(rk *figures.Ranking) [][]any {
	var rows [][]any
	for _, it := range rk.Items {
		var place any = ""
		if it.Rank > 0 {
			place = it.Rank
		}
		rows = append(rows, []any{place, it.Label, it.Filed, it.Closed, rate(it.ResponseRate), rate(it.ResolutionRate),
			rate(it.SatisfactionRate), rate(it.OnTimeRate), rate(it.OnTimeExtendedRate), rate(it.Score), rate(it.PreviousScore), rate(it.Change)})
	}
	for _, it := range rk.Unranked {
		rows = append(rows, []any{"样本不足", it.Label, it.Filed, it.Closed, rate(it.ResponseRate), rate(it.ResolutionRate),
			rate(it.SatisfactionRate), rate(it.OnTimeRate), rate(it.OnTimeExtendedRate), "", "", ""})
	}
	return rows
}

func caseXLSXRows(list []figures.CaseLine) [][]any {
	var rows [][]any
	for _, c := range list {
		rows = append(rows, []any{c.Number, c.Title, c.EnterpriseName, c.DepartmentName, c.Stage.Label(),
			c.DueAt.Format("2006-01-02 15:04"), c.OverdueDays})
	}
	return rows
}

func classXLSXRows(list []figures.IssueClass) [][]any {
	var rows [][]any
	for _, c := range list {
		rows = append(rows, []any{c.Title, c.Cause, c.DepartmentName, c.DueDate, len(c.AppealIDs),
			map[string]string{"open": "整治中", "closed": "已办结"}[c.Status], fmt.Sprint(c.Conclusion)})
	}
	return rows
}
