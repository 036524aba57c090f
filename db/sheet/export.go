package sheet

import (
	"context"
	"fmt"
	"io"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/ledger"
	"qinqing/db/register"
	"time"

	"github.com/xuri/excelize/v2"
)

// cellKind is how a column's values are written: text stays text, whatever it looks
// like; dates and times become real Excel dates.
type cellKind int

const (
	cellText cellKind = iota
	cellNumber
	cellDate
	cellDateTime
)

// column is one column of a ledger file. Key names the field an import reads from it;
// "" marks a column that is only exported.
type column struct {
	Header string
	Key    string
	Width  float64
	Kind   cellKind
}

// Ledger columns, shared by export and import so that an exported file imports as is.
var (
	enterpriseColumnsX = []column{
		{"编号", "", 8, cellNumber}, {"企业名称", "name", 36, cellText}, {"统一社会信用代码", "credit_code", 22, cellText},
		{"所在区县", "district", 12, cellText}, {"行业", "industry", 16, cellText}, {"规模", "scale", 10, cellText},
		{"地址", "address", 36, cellText}, {"联系人", "contact_name", 10, cellText}, {"联系电话", "contact_phone", 15, cellText},
		{"包保领导", "", 10, cellText}, {"登记时间", "", 17, cellDateTime},
	}
	liaisonColumnsX = []column{
		{"编号", "", 8, cellNumber}, {"包保领导", "leader", 10, cellText}, {"领导职务", "leader_title", 28, cellText},
		{"企业名称", "enterprise", 36, cellText}, {"统一社会信用代码", "credit_code", 22, cellText},
		{"开始日期", "since", 12, cellDate}, {"结束日期", "until", 12, cellDate}, {"状态", "", 8, cellText},
		{"备注", "note", 24, cellText},
	}
	visitColumnsX = []column{
		{"编号", "", 8, cellNumber}, {"走访日期", "", 12, cellDate}, {"包保领导", "", 10, cellText},
		{"企业名称", "", 36, cellText}, {"走访方式", "", 10, cellText}, {"参加人员", "", 24, cellText},
		{"走访情况", "", 60, cellText}, {"发现问题数", "", 10, cellNumber}, {"登记时间", "", 17, cellDateTime},
	}
	appealColumnsX = []column{
		{"诉求编号", "", 15, cellText}, {"标题", "", 30, cellText}, {"内容", "", 60, cellText}, {"问题类别", "", 14, cellText},
		{"来源", "", 12, cellText}, {"办理等级", "", 9, cellText}, {"环节", "", 7, cellText}, {"企业名称", "", 30, cellText},
		{"包保领导", "", 10, cellText}, {"责任单位", "", 20, cellText}, {"提交时间", "", 17, cellDateTime},
		{"受理时间", "", 17, cellDateTime}, {"办结期限", "", 17, cellDateTime}, {"延期后期限", "", 17, cellDateTime},
		{"办结时间", "", 17, cellDateTime}, {"是否超期", "", 9, cellText}, {"重办次数", "", 9, cellNumber},
		{"是否解决", "", 9, cellText}, {"满意度", "", 10, cellText}, {"评价意见", "", 30, cellText}, {"走访记录编号", "", 12, cellNumber},
	}
)

// sheetWriter streams rows into a one-sheet workbook.
type sheetWriter struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	cols   []column
	styles map[cellKind]int
	row    int
	cells  []any
}

func newSheetWriter(title string, cols []column) (*sheetWriter, error) {
	f := excelize.NewFile()
	w := &sheetWriter{f: f, cols: cols, styles: map[cellKind]int{}, row: 1, cells: make([]any, len(cols))}
	fail := func(err error) (*sheetWriter, error) {
		f.Close()
		return nil, fmt.Errorf("db: new sheet %s: %w", title, err)
	}
	if err := f.SetSheetName("Sheet1", title); err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(title)
	if err != nil {
		return fail(err)
	}
	w.sw = sw
	for kind, format := range map[cellKind]string{cellDate: "yyyy-mm-dd", cellDateTime: "yyyy-mm-dd hh:mm"} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			return fail(err)
		}
		w.styles[kind] = id
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return fail(err)
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return fail(err)
		}
		header[i] = excelize.Cell{StyleID: head, Value: c.Header}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fail(err)
	}
	return w, nil
}

// add writes one row. Strings are always text cells, never formulas, however they begin
// (=, +, -, @); times become dates in the server's zone; nil leaves the cell empty.
func (w *sheetWriter) add(values ...any) error {
	w.row++
	for i, v := range values {
		switch x := v.(type) {
		case nil:
			w.cells[i] = nil
		case *time.Time:
			if x == nil {
				w.cells[i] = nil
			} else {
				w.cells[i] = w.timeCell(i, *x)
			}
		case time.Time:
			w.cells[i] = w.timeCell(i, x)
		case *string:
			if x == nil {
				w.cells[i] = nil
			} else {
				w.cells[i] = w.textCell(i, *x)
			}
		case string:
			w.cells[i] = w.textCell(i, x)
		default:
			w.cells[i] = v
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, w.row)
	if err := w.sw.SetRow(cell, w.cells); err != nil {
		return fmt.Errorf("db: sheet row %d: %w", w.row, err)
	}
	return nil
}

// textCell writes a date column's YYYY-MM-DD text as a date, any other text as text.
func (w *sheetWriter) textCell(i int, s string) any {
	if w.cols[i].Kind == cellDate && s != "" {
		if t, err := time.ParseInLocation(db.DateLayout, s, time.UTC); err == nil {
			return excelize.Cell{StyleID: w.styles[cellDate], Value: t}
		}
	}
	return s
}

func (w *sheetWriter) timeCell(i int, t time.Time) any {
	kind := w.cols[i].Kind
	if kind != cellDate {
		kind = cellDateTime
	}
	// Excel has no zones: write the wall clock of the server's zone.
	wall := t.In(db.Zone)
	wall = time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC)
	return excelize.Cell{StyleID: w.styles[kind], Value: wall}
}

// finish writes the workbook to out and returns the number of data rows.
func (w *sheetWriter) finish(out io.Writer) (int, error) {
	defer w.f.Close()
	if err := w.sw.Flush(); err != nil {
		return 0, fmt.Errorf("db: sheet flush: %w", err)
	}
	if _, err := w.f.WriteTo(out); err != nil {
		return 0, fmt.Errorf("db: sheet write: %w", err)
	}
	return w.row - 1, nil
}

// exportList streams every item of a list into a new sheet and writes it to out.
// The list's filters apply; its page and cursor do not: an export holds every row.
func exportList[T any](out io.Writer, title string, cols []column,
	list func(db.Page) (*db.List[T], error), row func(*T) []any) (int, error) {
	w, err := newSheetWriter(title, cols)
	if err != nil {
		return 0, err
	}
	if err := ledger.EachPage(db.Page{}, list, func(x *T) error { return w.add(row(x)...) }); err != nil {
		w.f.Close()
		return 0, err
	}
	return w.finish(out)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// ExportEnterprises writes every enterprise the actor may see that matches f.
func ExportEnterprises(ctx context.Context, d *db.DB, a db.Actor, f register.EnterpriseFilter, out io.Writer) (int, error) {
	return exportList(out, "企业名录", enterpriseColumnsX, func(p db.Page) (*db.List[register.Enterprise], error) {
		f.Page = p
		return register.ListEnterprises(ctx, d, a, f)
	}, func(e *register.Enterprise) []any {
		return []any{e.ID, e.Name, e.CreditCode, e.District, e.Industry, e.Scale, e.Address, e.ContactName,
			e.ContactPhone, e.LeaderName, e.CreatedAt}
	})
}

// ExportLiaisons writes every pair the actor may see that matches f, ended ones included.
func ExportLiaisons(ctx context.Context, d *db.DB, a db.Actor, f register.LiaisonFilter, out io.Writer) (int, error) {
	codes := map[int64]string{}
	return exportList(out, "包保关系", liaisonColumnsX, func(p db.Page) (*db.List[register.Liaison], error) {
		f.Page = p
		page, err := register.ListLiaisons(ctx, d, a, f)
		if err == nil {
			err = creditCodes(d.R(ctx), page.Items, codes)
		}
		return page, err
	}, func(l *register.Liaison) []any {
		state := "在册"
		if !l.Active {
			state = "已结束"
		}
		return []any{l.ID, l.LeaderName, l.LeaderTitle, l.EnterpriseName, codes[l.EnterpriseID], l.Since, l.Until, state, l.Note}
	})
}

// creditCodes fills in the credit codes of the pairs' enterprises, which a pair does not
// carry but its import needs.
func creditCodes(q db.Queryer, pairs []register.Liaison, codes map[int64]string) error {
	for _, l := range pairs {
		if _, ok := codes[l.EnterpriseID]; ok {
			continue
		}
		var code string
		if err := q.QueryRow("SELECT credit_code FROM enterprises WHERE id = ?", l.EnterpriseID).Scan(&code); err != nil {
			return fmt.Errorf("db: credit code of %d: %w", l.EnterpriseID, err)
		}
		codes[l.EnterpriseID] = code
	}
	return nil
}

// ExportVisits writes every visit the actor may see that matches f.
func ExportVisits(ctx context.Context, d *db.DB, a db.Actor, f ledger.VisitFilter, out io.Writer) (int, error) {
	return exportList(out, "走访记录", visitColumnsX, func(p db.Page) (*db.List[ledger.Visit], error) {
		f.Page = p
		return ledger.ListVisits(ctx, d, a, f)
	}, func(v *ledger.Visit) []any {
		return []any{v.ID, v.VisitedAt, v.LeaderName, v.EnterpriseName, v.ModeLabel, v.Participants, v.Summary, v.Problems, v.CreatedAt}
	})
}

// ExportAppeals writes every appeal the actor may see that matches f, with its full text,
// newest first whatever the list's sort.
func ExportAppeals(ctx context.Context, d *db.DB, a db.Actor, f appeal.Filter, out io.Writer) (int, error) {
	// An export is every matching row, whatever page of the list it was asked from.
	f.Sort, f.PageNo = "", 0
	return exportList(out, "诉求工单", appealColumnsX, func(p db.Page) (*db.List[appeal.Appeal], error) {
		f.Page = p
		return appeal.List(ctx, d, a, f)
	}, func(ap *appeal.Appeal) []any {
		var resolved, satisfaction, comment any
		if ap.Rating != nil {
			resolved, satisfaction, comment = yesNo(ap.Rating.Resolved), appeal.SatisfactionLabel(ap.Rating.Satisfaction), ap.Rating.Comment
		}
		var visit any
		if ap.VisitID != nil {
			visit = *ap.VisitID
		}
		return []any{ap.Number, ap.Title, ap.Content, ap.Category, ap.Source.Label(), ap.Tier.Label(), ap.Stage.Label(),
			ap.EnterpriseName, ap.LeaderName, ap.DepartmentName, ap.CreatedAt, ap.AcceptedAt, ap.DueAt, ap.ExtendedDueAt,
			ap.ClosedAt, yesNo(ap.Overdue), ap.ReopenCount, resolved, satisfaction, comment, visit}
	})
}
