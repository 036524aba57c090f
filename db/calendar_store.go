package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Years the calendar may list: enough for any deadline the office sets.
const (
	MinCalendarYear = 2000
	MaxCalendarYear = 2100
)

// validate checks a day and brings it to its stored form.
func (d *CalendarDay) validate(v *Violations, prefix string) {
	d.Name = strings.TrimSpace(d.Name)
	date, err := ParseDate(d.Date)
	switch {
	case err != nil:
		v.Add(prefix+"date", "日期须为 YYYY-MM-DD")
	case date[:4] < strconv.Itoa(MinCalendarYear) || date[:4] >= strconv.Itoa(MaxCalendarYear):
		v.Add(prefix+"date", "日期须在 %d 年到 %d 年之间", MinCalendarYear, MaxCalendarYear-1)
	default:
		d.Date = date
	}
	if d.Kind != DayHoliday && d.Kind != DayWorkday {
		v.Add(prefix+"kind", "类型须为 holiday（节假日）或 workday（调休上班）")
	}
	if utf8.RuneCountInString(d.Name) > 20 {
		v.Add(prefix+"name", "名称不超过 20 字")
	}
}

func scanDays(q Queryer, query string, args ...any) ([]CalendarDay, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: calendar: %w", err)
	}
	defer rows.Close()
	out := []CalendarDay{}
	for rows.Next() {
		var d CalendarDay
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name); err != nil {
			return nil, fmt.Errorf("db: calendar: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: calendar: %w", err)
	}
	return out, nil
}

// calendar loads the whole working calendar (a few dozen rows a year).
func (t *Tx) Calendar() (*Calendar, error) {
	days, err := scanDays(t, "SELECT date, kind, name FROM calendar_days")
	if err != nil {
		return nil, err
	}
	return NewCalendar(days), nil
}

// Calendar returns the working calendar, for computing deadlines outside a write.
func (db *DB) Calendar(ctx context.Context) (*Calendar, error) {
	days, err := scanDays(db.R(ctx), "SELECT date, kind, name FROM calendar_days")
	if err != nil {
		return nil, err
	}
	return NewCalendar(days), nil
}

// CalendarYear lists a year's listed days in date order.
func (db *DB) CalendarYear(ctx context.Context, year int) ([]CalendarDay, error) {
	if year < MinCalendarYear || year >= MaxCalendarYear {
		return nil, InvalidField("year", fmt.Sprintf("年份须在 %d 到 %d 之间", MinCalendarYear, MaxCalendarYear-1))
	}
	return scanDays(db.R(ctx), "SELECT date, kind, name FROM calendar_days WHERE date LIKE ? ORDER BY date",
		strconv.Itoa(year)+"-%")
}

// CalendarYears lists the years that have listed days, newest first.
func (db *DB) CalendarYears(ctx context.Context) ([]int, error) {
	rows, err := db.R(ctx).Query("SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER) FROM calendar_days ORDER BY 1 DESC")
	if err != nil {
		return nil, fmt.Errorf("db: calendar years: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("db: calendar years: %w", err)
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// putDay lists a day, or changes how it is listed; it reports whether anything changed.
func (t *Tx) PutDay(d CalendarDay) (created, changed bool, err error) {
	var kind DayKind
	var name string
	err = t.QueryRow("SELECT kind, name FROM calendar_days WHERE date = ?", d.Date).Scan(&kind, &name)
	switch {
	case err == nil && kind == d.Kind && name == d.Name:
		return false, false, nil
	case err == nil:
		changed = true
	case !errors.Is(err, sql.ErrNoRows):
		return false, false, fmt.Errorf("db: calendar day %s: %w", d.Date, err)
	default:
		created = true
	}
	_, err = t.Exec(`INSERT INTO calendar_days (date, kind, name, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at`,
		d.Date, string(d.Kind), d.Name, t.Now.Unix())
	if err != nil {
		return false, false, fmt.Errorf("db: calendar day %s: %w", d.Date, err)
	}
	return created, changed, nil
}

// SetCalendarDay lists a day as a holiday or a 调休 working day (admin). Deadlines
// already set keep their time; the calendar counts for deadlines set from now on.
func (db *DB) SetCalendarDay(ctx context.Context, a Actor, d CalendarDay) (CalendarDay, error) {
	if !a.Is(RoleAdmin) {
		return d, Forbidden()
	}
	var v Violations
	d.validate(&v, "")
	if err := v.Err(); err != nil {
		return d, err
	}
	return d, db.Update(ctx, func(tx *Tx) error {
		if _, _, err := tx.PutDay(d); err != nil {
			return err
		}
		return tx.Audit(a, "calendar.set", "calendar", 0, d)
	})
}

// RemoveCalendarDay takes a day off the list (admin), so it follows the weekday rule again.
func (db *DB) RemoveCalendarDay(ctx context.Context, a Actor, date string) error {
	if !a.Is(RoleAdmin) {
		return Forbidden()
	}
	d, err := ParseDate(date)
	if err != nil {
		return InvalidField("date", "日期须为 YYYY-MM-DD")
	}
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec("DELETE FROM calendar_days WHERE date = ?", d)
		if err != nil {
			return fmt.Errorf("db: calendar remove %s: %w", d, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "日历中没有 %s。", d)
		}
		return tx.Audit(a, "calendar.remove", "calendar", 0, map[string]string{"date": d})
	})
}

// SetCalendarYear replaces a year's listed days with days (admin): all of them or none.
func (db *DB) SetCalendarYear(ctx context.Context, a Actor, year int, days []CalendarDay) ([]CalendarDay, error) {
	if !a.Is(RoleAdmin) {
		return nil, Forbidden()
	}
	var v Violations
	if year < MinCalendarYear || year >= MaxCalendarYear {
		v.Add("year", "年份须在 %d 到 %d 之间", MinCalendarYear, MaxCalendarYear-1)
	}
	seen := map[string]int{}
	for i := range days {
		p := fmt.Sprintf("days[%d].", i)
		days[i].validate(&v, p)
		d := days[i].Date
		switch first, dup := seen[d]; {
		case len(d) == len(DateLayout) && d[:4] != strconv.Itoa(year):
			v.Add(p+"date", "%s 不在 %d 年", d, year)
		case dup:
			v.Add(p+"date", "%s 与第 %d 项重复", d, first+1)
		}
		seen[d] = i
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec("DELETE FROM calendar_days WHERE date LIKE ?", strconv.Itoa(year)+"-%"); err != nil {
			return fmt.Errorf("db: calendar year %d: %w", year, err)
		}
		for _, d := range days {
			if _, _, err := tx.PutDay(d); err != nil {
				return err
			}
		}
		return tx.Audit(a, "calendar.year", "calendar", 0, map[string]any{"year": year, "days": len(days)})
	})
	if err != nil {
		return nil, err
	}
	return db.CalendarYear(ctx, year)
}
