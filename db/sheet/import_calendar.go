package sheet

import (
	"context"
	"qinqing/db"
	"strconv"
	"strings"
	"unicode/utf8"
)

// dayKindOf reads the 类型 column of an imported calendar.
func dayKindOf(s string) (db.DayKind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "holiday", "节假日", "假", "休", "放假", "法定节假日":
		return db.DayHoliday, true
	case "workday", "调休上班", "班", "上班", "调休":
		return db.DayWorkday, true
	}
	return "", false
}

var calendarColumns = []column{{Header: "日期", Key: "date"}, {Header: "类型", Key: "kind"}, {Header: "名称", Key: "name"}}

// ImportCalendar lists the days of an imported sheet (日期, 类型 节假日/调休上班, 名称)
// (admin): the whole file in one write, or nothing, every bad row named. Days already
// listed are updated; days not in the file stay as they are.
func ImportCalendar(ctx context.Context, d2 *db.DB, a db.Actor, s *Sheet) (*ImportResult, error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	if len(s.Rows) == 0 {
		return nil, sheetError("文件中只有表头，没有数据行")
	}
	at, err := columnsOf(s.Header, calendarColumns, "date", "kind")
	if err != nil {
		return nil, err
	}
	var errs rowErrors
	seen := map[string]int{}
	days := make([]db.CalendarDay, 0, len(s.Rows))
	for _, r := range s.Rows {
		d := db.CalendarDay{Name: get(r, at, "name")}
		date, ok := Date(get(r, at, "date"))
		if !ok || date == "" {
			errs.add(r.Number, "date", "日期“%s”无法识别（如 2026-02-14）", get(r, at, "date"))
		} else if y := date[:4]; y < strconv.Itoa(db.MinCalendarYear) || y >= strconv.Itoa(db.MaxCalendarYear) {
			errs.add(r.Number, "date", "日期 %s 不在 %d 年到 %d 年之间", date, db.MinCalendarYear, db.MaxCalendarYear-1)
		} else if first, dup := seen[date]; dup {
			errs.add(r.Number, "date", "日期 %s 与第 %d 行重复", date, first)
		} else {
			seen[date], d.Date = r.Number, date
		}
		if d.Kind, ok = dayKindOf(get(r, at, "kind")); !ok {
			errs.add(r.Number, "kind", "类型“%s”须为 节假日 或 调休上班", get(r, at, "kind"))
		}
		if utf8.RuneCountInString(d.Name) > 20 {
			errs.add(r.Number, "name", "名称不超过 20 字")
		}
		days = append(days, d)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	res := &ImportResult{Kind: "calendar", Rows: len(days)}
	err = d2.Update(ctx, func(tx *db.Tx) error {
		for _, d := range days {
			created, changed, err := tx.PutDay(d)
			switch {
			case err != nil:
				return err
			case created:
				res.Created++
			case changed:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		return tx.Audit(a, "import.calendar", "import", 0, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
