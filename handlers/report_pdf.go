package handlers

import (
	"bytes"
	"fmt"
	"qinqing/db/figures"

	"github.com/go-pdf/fpdf"

	"qinqing/ui"
)

// pdfDoc writes the report on A4 in the embedded Chinese font.
type pdfDoc struct{ *fpdf.Fpdf }

const pdfFont = "sung"

func (d pdfDoc) heading(text string) {
	d.Ln(3)
	d.SetFont(pdfFont, "", 13)
	d.CellFormat(0, 8, text, "", 1, "L", false, 0, "")
	d.SetFont(pdfFont, "", 9)
}

func (d pdfDoc) para(text string) {
	d.SetFont(pdfFont, "", 9)
	d.MultiCell(0, 5, text, "", "L", false)
}

// table draws a header row and rows with the given column widths (mm); a cell too wide
// for its column is cut.
func (d pdfDoc) table(widths []float64, header []string, rows [][]string) {
	d.SetFillColor(232, 238, 247)
	d.SetFont(pdfFont, "", 8.5)
	for i, h := range header {
		d.CellFormat(widths[i], 6.5, h, "1", 0, "C", true, 0, "")
	}
	d.Ln(-1)
	for _, row := range rows {
		if d.GetY() > 275 {
			// A table that runs onto the next page repeats its header there.
			d.AddPage()
			d.SetFont(pdfFont, "", 8.5)
			for i, h := range header {
				d.CellFormat(widths[i], 6.5, h, "1", 0, "C", true, 0, "")
			}
			d.Ln(-1)
		}
		for i, cell := range row {
			for d.GetStringWidth(cell) > widths[i]-1.5 && len([]rune(cell)) > 1 {
				r := []rune(cell)
				cell = string(r[:len(r)-2]) + "…"
			}
			align := "C"
			if i == 1 && len(widths) > 4 {
				align = "L"
			}
			d.CellFormat(widths[i], 6, cell, "1", 0, align, false, 0, "")
		}
		d.Ln(-1)
	}
}

// reportPDF renders the monthly report as a PDF document.
func reportPDF(r *figures.MonthlyReport) ([]byte, error) {
	d := pdfDoc{fpdf.New("P", "mm", "A4", "")}
	d.SetTitle("营商环境诉求办理月度通报 "+r.Month, true)
	d.SetCreator("qinqing", true)
	// The month in plain ASCII in the document's metadata, where a search finds it.
	d.SetKeywords("qinqing monthly report "+r.Month, false)
	d.AddUTF8FontFromBytes(pdfFont, "", ui.ReportFont())
	d.SetMargins(15, 15, 15)
	d.SetAutoPageBreak(true, 15)
	// The total page count is known only at the end; fpdf puts it in place of the alias.
	d.AliasNbPages(pdfPages)
	d.SetFooterFunc(func() {
		d.SetY(-12)
		d.SetFont(pdfFont, "", 8)
		d.CellFormat(0, 5, fmt.Sprintf("%s %s · 第 %d 页 共 %s 页", r.Issuer, r.DocNumber, d.PageNo(), pdfPages), "", 0, "C", false, 0, "")
	})
	d.AddPage()
	d.officialHeader(r)
	d.SetFont(pdfFont, "", 18)
	d.CellFormat(0, 12, "营商环境诉求办理月度通报", "", 1, "C", false, 0, "")
	d.SetFont(pdfFont, "", 11)
	d.CellFormat(0, 7, fmt.Sprintf("（%s，%s 至 %s）", monthTitle(r.Month), r.Period.From, r.Period.To), "", 1, "C", false, 0, "")
	d.SetFont(pdfFont, "", 8)
	d.CellFormat(0, 5, "生成时间 "+r.GeneratedAt.Format("2006-01-02 15:04"), "", 1, "C", false, 0, "")

	d.heading("一、总体情况")
	var rows [][]string
	for _, h := range headlines(r) {
		rows = append(rows, []string{h.Label, h.Value, h.Previous, h.Change})
	}
	d.table([]float64{70, 36, 36, 38}, []string{"指标", "本月", "上月", "环比"}, rows)

	d.heading("二、责任单位综合排名")
	d.para(fmt.Sprintf("综合得分 = 响应率×%d%% + 解决率×%d%% + 满意率×%d%%（无数据的指标不计入，其余按权重折算）。",
		r.Departments.Weights.Response, r.Departments.Weights.Resolution, r.Departments.Weights.Satisfaction))
	d.para(fmt.Sprintf("本月办结不足 %d 件的列为“样本不足”，不排名次。", r.Departments.MinSample))
	d.table(rankWidths, rankHeader, rankRows(r.Departments))

	d.heading("三、包保领导综合排名")
	d.table(rankWidths, rankHeader, rankRows(r.Leaders))

	d.heading(fmt.Sprintf("四、超期未办结诉求（最严重的 %d 件）", figures.WorstOverdue))
	d.table([]float64{28, 62, 40, 25, 25}, []string{"编号", "诉求", "责任单位", "环节", "超期（天）"}, caseRows(r.Overdue, true))

	d.heading("五、典型案例")
	switch {
	case len(r.Typical) == 0:
		d.para("本期无典型案例。")
	default:
		d.table([]float64{28, 62, 40, 25, 25}, []string{"编号", "诉求", "责任单位", "环节", "类别"}, caseRows(r.Typical, false))
	}

	d.heading("六、一类问题（每月一题）")
	if len(r.IssueClasses) == 0 {
		d.para("本月未确定一类问题。")
	} else {
		var cls [][]string
		for _, c := range r.IssueClasses {
			status := "整治中"
			if c.Status == "closed" {
				status = "已办结"
			}
			cls = append(cls, []string{c.Title, c.DepartmentName, c.DueDate, fmt.Sprint(len(c.AppealIDs)), status})
		}
		d.table([]float64{70, 40, 25, 20, 25}, []string{"问题", "牵头单位", "整治期限", "诉求数", "状态"}, cls)
	}

	d.heading("七、审计链")
	ok := "完整，未发现篡改"
	if !r.AuditOK {
		ok = "校验失败"
	}
	if r.AuditPending > 0 {
		d.para(fmt.Sprintf("截至本通报生成时，审计链共 %d 条事件，已校验部分%s，最新 %d 条尚待校验。已校验部分的末条哈希：", r.AuditEvents, ok, r.AuditPending))
	} else {
		d.para(fmt.Sprintf("截至本通报生成时，审计链共 %d 条事件，校验%s。链头哈希（可公开比对）：", r.AuditEvents, ok))
	}
	d.para(r.AuditHead)
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var (
	rankWidths = []float64{12, 46, 16, 20, 20, 20, 22, 24}
	rankHeader = []string{"名次", "名称", "诉求", "响应率", "解决率", "满意率", "综合得分", "环比"}
)

// pdfPages stands for the page count until the document is complete.
const pdfPages = "{nb}"

// officialHeader is the document's 版头: the issuer in red over a red rule, the 文号 on
// the left and the date on the right.
func (d pdfDoc) officialHeader(r *figures.MonthlyReport) {
	d.SetTextColor(200, 16, 46)
	d.SetFont(pdfFont, "", 22)
	d.CellFormat(0, 14, r.Issuer, "", 1, "C", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.SetFont(pdfFont, "", 10.5)
	d.CellFormat(90, 7, r.DocNumber, "", 0, "L", false, 0, "")
	d.CellFormat(0, 7, r.IssuedOn, "", 1, "R", false, 0, "")
	d.SetDrawColor(200, 16, 46)
	d.SetLineWidth(0.8)
	y := d.GetY() + 1
	d.Line(15, y, 195, y)
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	d.Ln(5)
}

// rankRows lists every ranked item, then those short of the sample as 样本不足.
func rankRows(rk *figures.Ranking) [][]string {
	var rows [][]string
	for _, it := range rk.Items {
		place := "—"
		if it.Rank > 0 {
			place = fmt.Sprint(it.Rank)
		}
		rows = append(rows, []string{place, it.Label, fmt.Sprint(it.Filed), pct(it.ResponseRate), pct(it.ResolutionRate),
			pct(it.SatisfactionRate), scoreText(it.Score), changeText(it.Change)})
	}
	for _, it := range rk.Unranked {
		rows = append(rows, []string{"—", it.Label, fmt.Sprint(it.Filed), "样本不足", fmt.Sprintf("办结 %d 件", it.Closed), "", "不排名", ""})
	}
	if len(rows) == 0 {
		rows = append(rows, []string{"—", "本月无数据", "", "", "", "", "", ""})
	}
	return rows
}

func caseRows(list []figures.CaseLine, overdue bool) [][]string {
	var rows [][]string
	for _, c := range list {
		last := c.Category
		if overdue {
			last = fmt.Sprintf("%.1f", c.OverdueDays)
		}
		rows = append(rows, []string{c.Number, c.Title, c.DepartmentName, c.Stage.Label(), last})
	}
	if len(rows) == 0 {
		rows = append(rows, []string{"—", "无", "", "", ""})
	}
	return rows
}
