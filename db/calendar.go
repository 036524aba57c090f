package db

import (
	"time"
)

// DayKind is what the calendar says about a listed day: a 法定节假日 (or a weekday
// given off in a 调休), or a weekend day on which offices work (调休上班).
type DayKind string

// The kinds of listed day.
const (
	DayHoliday DayKind = "holiday"
	DayWorkday DayKind = "workday"
)

var dayKindLabels = map[DayKind]string{DayHoliday: "节假日", DayWorkday: "调休上班"}

// Label is the kind's Chinese name.
func (k DayKind) Label() string { return dayKindLabels[k] }

// CalendarDay is one listed day of the working calendar.
type CalendarDay struct {
	Date string  `json:"date"` // YYYY-MM-DD in Zone
	Kind DayKind `json:"kind"`
	Name string  `json:"name"` // e.g. 春节; may be empty
}

// Working hours of a working day, for deadlines counted in 工作小时: eight of them, so
// that 16 working hours are two working days.
const (
	WorkdayStart = 9 * time.Hour
	WorkdayEnd   = 17 * time.Hour
)

// Calendar says which days are working days: Monday to Friday unless listed as a
// holiday, and a weekend day only when listed as 调休上班. Days outside the listed years
// follow the weekday rule, so a missing year makes deadlines no later than before.
// The zero value is the plain weekday calendar.
type Calendar struct {
	days map[string]DayKind
}

// NewCalendar builds a calendar from its listed days.
func NewCalendar(days []CalendarDay) *Calendar {
	c := &Calendar{days: make(map[string]DayKind, len(days))}
	for _, d := range days {
		c.days[d.Date] = d.Kind
	}
	return c
}

// Kind is the listed kind of t's day in Zone, or "" when it is not listed.
func (c *Calendar) Kind(t time.Time) DayKind {
	if c == nil {
		return ""
	}
	return c.days[t.In(Zone).Format(DateLayout)]
}

// IsWorkday tells whether t's day (in Zone) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	switch c.Kind(t) {
	case DayHoliday:
		return false
	case DayWorkday:
		return true
	}
	wd := t.In(Zone).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// calDayStart is the midnight that starts t's day in Zone.
func CalDayStart(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// AddWorkingDays is the end (23:59:59) of the n-th working day after t's day: the day
// of filing does not count, whatever the hour, and the deadline runs to the close of its
// last day, as time limits counted in days do. n <= 0 gives t.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	if n <= 0 {
		return t
	}
	day := CalDayStart(t)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkday(day) {
			n--
		}
	}
	return day.AddDate(0, 0, 1).Add(-time.Second)
}

// AddWorkingHours counts d of working time from t: only the hours from WorkdayStart to
// WorkdayEnd of working days count, so time filed in the evening or before a holiday
// starts counting on the next working morning. d <= 0 gives t.
func (c *Calendar) AddWorkingHours(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	for day := CalDayStart(t); ; day = day.AddDate(0, 0, 1) {
		if !c.IsWorkday(day) {
			continue
		}
		from, end := day.Add(WorkdayStart), day.Add(WorkdayEnd)
		if t.After(from) {
			from = t
		}
		if !from.Before(end) {
			continue
		}
		left := end.Sub(from)
		if d <= left {
			return from.Add(d)
		}
		d -= left
	}
}
