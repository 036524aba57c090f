package figures

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"strings"
	"time"
)

// CaseLine is one appeal named in the monthly report.
type CaseLine struct {
	ID             int64        `json:"id"`
	Number         string       `json:"number"`
	Title          string       `json:"title"`
	Category       string       `json:"category"`
	DepartmentName string       `json:"department_name"`
	EnterpriseName string       `json:"enterprise_name"`
	Stage          appeal.Stage `json:"stage"`
	CreatedAt      time.Time    `json:"created_at"`
	DueAt          time.Time    `json:"due_at"`
	OverdueDays    float64      `json:"overdue_days"`
}

// MonthlyReport is the monthly 通报: the month's figures against the month before, the
// rankings, the worst overdue cases, typical cases and issue classes, and the audit
// chain's head, which pins the log's state at the time the report was made.
type MonthlyReport struct {
	Month        string            `json:"month"`
	Period       Period            `json:"period"`
	GeneratedAt  time.Time         `json:"generated_at"`
	Figures      *Figures          `json:"figures"`
	Previous     *Figures          `json:"previous"`
	Drill        map[string]string `json:"drill"`
	Departments  *Ranking          `json:"departments"`
	Leaders      *Ranking          `json:"leaders"`
	Overdue      []CaseLine        `json:"overdue"`
	Typical      []CaseLine        `json:"typical"`
	IssueClasses []IssueClass      `json:"issue_classes"`
	AuditOK      bool              `json:"audit_ok"`
	AuditEvents  int64             `json:"audit_events"`
	AuditHead    string            `json:"audit_head"`
	// AuditPending is how many of the newest events were not yet re-hashed when the
	// report was made (the chain is verified incrementally, a batch at a time).
	AuditPending int64 `json:"audit_pending"`
	// Issuer, DocNumber and IssuedOn are the official header: 发文机关, 文号 and date.
	Issuer    string `json:"issuer"`
	DocNumber string `json:"doc_number"`
	IssuedOn  string `json:"issued_on"`
}

// DocNumber is the 通报's 文号, numbered by its month within the year: the report of
// 2026-11 is 〔2026〕11号.
func DocNumber(month string) string {
	var y, m int
	if _, err := fmt.Sscanf(month, "%d-%d", &y, &m); err != nil {
		return ""
	}
	return fmt.Sprintf("〔%d〕%d号", y, m)
}

// LastCompleteMonth is the month before now's, the one a 通报 reports on by default.
func LastCompleteMonth(now time.Time) string {
	t := now.In(db.Zone)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, db.Zone).AddDate(0, -1, 0).Format("2006-01")
}

// WorstOverdue is how many overdue cases the report names.
const WorstOverdue = 10

// BuildMonthlyReport assembles the report of a YYYY-MM month over what the actor may see.
// Everything in it is read in one snapshot, so the audit head it pins is the head of
// exactly the data its figures count: an appeal filed while the report is made is either
// in both or in neither.
func BuildMonthlyReport(ctx context.Context, d *db.DB, a db.Actor, month string) (*MonthlyReport, error) {
	p, err := MonthPeriod(month)
	if err != nil {
		return nil, err
	}
	var r *MonthlyReport
	err = d.View(ctx, func(ctx context.Context) error {
		var err error
		r, err = buildMonthlyReport(ctx, d, a, month, p)
		return err
	})
	return r, err
}

func buildMonthlyReport(ctx context.Context, d *db.DB, a db.Actor, month string, p Period) (*MonthlyReport, error) {
	v, err := audit.VerifySince(ctx, d)
	if err != nil {
		return nil, err
	}
	rs, err := d.ReportSettings(ctx)
	if err != nil {
		return nil, err
	}
	now := d.Now().In(db.Zone)
	r := &MonthlyReport{Month: month, Period: p, GeneratedAt: now, AuditOK: v.OK, AuditEvents: v.Events, AuditHead: v.Head,
		AuditPending: v.Pending, Issuer: rs.Issuer, DocNumber: DocNumber(month),
		IssuedOn: fmt.Sprintf("%d年%d月%d日", now.Year(), now.Month(), now.Day())}
	f := appeal.Filter{From: p.From, To: p.To}
	if r.Figures, err = Overview(ctx, d, a, f); err != nil {
		return nil, err
	}
	r.Drill = f.Drill()
	prev, _ := p.Previous()
	if r.Previous, err = Overview(ctx, d, a, appeal.Filter{From: prev.From, To: prev.To}); err != nil {
		return nil, err
	}
	if r.Departments, err = Rankings(ctx, d, a, "departments", f); err != nil {
		return nil, err
	}
	if r.Leaders, err = Rankings(ctx, d, a, "leaders", f); err != nil {
		return nil, err
	}
	if r.Overdue, err = worstOverdue(ctx, d, a, p); err != nil {
		return nil, err
	}
	if r.Typical, err = typicalCases(ctx, d, a, p); err != nil {
		return nil, err
	}
	classes, err := ListIssueClasses(ctx, d, a, IssueClassFilter{Month: month, Page: db.Page{Limit: db.MaxLimit}})
	if err != nil && db.ErrorCode(err) != db.EFORBIDDEN {
		return nil, err
	}
	r.IssueClasses = []IssueClass{}
	if classes != nil {
		r.IssueClasses = classes.Items
	}
	return r, nil
}

const reportCaseColumns = `a.id, a.number, a.title, a.category, COALESCE(d.name, ''), COALESCE(e.name, ''), a.stage,
	a.created_at, COALESCE(a.extended_due_at, a.due_at)`

const reportCaseFrom = ` FROM appeals a LEFT JOIN departments d ON d.id = a.department_id
	LEFT JOIN enterprises e ON e.id = a.enterprise_id`

func caseLines(ctx context.Context, d *db.DB, query string, args []any, now time.Time) ([]CaseLine, error) {
	rows, err := d.R(ctx).Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: report cases: %w", err)
	}
	defer rows.Close()
	out := []CaseLine{}
	for rows.Next() {
		var c CaseLine
		var created, due int64
		if err := rows.Scan(&c.ID, &c.Number, &c.Title, &c.Category, &c.DepartmentName, &c.EnterpriseName, &c.Stage,
			&created, &due); err != nil {
			return nil, err
		}
		c.CreatedAt, c.DueAt = time.Unix(created, 0).In(db.Zone), time.Unix(due, 0).In(db.Zone)
		if now.Unix() > due {
			c.OverdueDays = Round(float64(now.Unix()-due)/86400, 1)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// worstOverdue lists the open appeals filed by the end of the period that are furthest
// past their due time now.
func worstOverdue(ctx context.Context, d *db.DB, a db.Actor, p Period) ([]CaseLine, error) {
	yes := true
	now := d.Now()
	f := appeal.Filter{To: p.To, Overdue: &yes}
	w, err := f.Where(ctx, d, a, now)
	if err != nil {
		return nil, err
	}
	return caseLines(ctx, d, "SELECT "+reportCaseColumns+reportCaseFrom+w.Sql()+
		" ORDER BY COALESCE(a.extended_due_at, a.due_at), a.id LIMIT ?", append(w.Args, WorstOverdue), now)
}

// typicalCases lists the typical cases (典型案例) the discipline office published by the
// end of the period, under the case's own title.
func typicalCases(ctx context.Context, d *db.DB, a db.Actor, p Period) ([]CaseLine, error) {
	var f appeal.Filter
	w, err := f.Where(ctx, d, a, d.Now())
	if err != nil {
		return nil, err
	}
	end, err := time.ParseInLocation(db.DateLayout, p.To, db.Zone)
	if err != nil {
		return nil, fmt.Errorf("db: report period: %w", err)
	}
	w.Add("tc.published_at IS NOT NULL AND tc.published_at < ?", end.AddDate(0, 0, 1).Unix())
	cols := strings.Replace(reportCaseColumns, "a.title", "tc.title", 1)
	return caseLines(ctx, d, "SELECT "+cols+reportCaseFrom+" JOIN typical_cases tc ON tc.appeal_id = a.id"+w.Sql()+
		" ORDER BY tc.published_at DESC LIMIT 10", w.Args, d.Now())
}
