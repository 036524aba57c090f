package db

import (
	"testing"
	"time"
)

// at reads a local time in the city's zone, for tables.
func At(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, Zone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCalendarIsWorkday(t *testing.T) {
	cal := NewCalendar(ChinaCalendarDays())
	for _, c := range []struct {
		day  string
		want bool
	}{
		{"2025-01-24 12:00", true},  // a Friday
		{"2025-01-25 12:00", false}, // a plain Saturday
		{"2025-01-26 12:00", true},  // Sunday, 调休上班 before 春节
		{"2025-01-28 12:00", false}, // 春节, a Tuesday
		{"2025-02-08 12:00", true},  // Saturday, 调休上班 after 春节
		{"2025-10-08 12:00", false}, // last day of 国庆中秋
		{"2025-10-11 12:00", true},  // Saturday, 调休上班
		{"2026-02-14 12:00", true},  // Saturday, 调休上班 before 春节 2026
		{"2026-02-23 12:00", false}, // Monday, last day of 春节 2026
		{"2026-02-28 12:00", true},  // Saturday, 调休上班
		{"2026-10-07 12:00", false}, // 国庆
		{"2027-01-01 12:00", true},  // a year not listed follows the weekday rule (a Friday)
	} {
		if got := cal.IsWorkday(At(t, c.day)); got != c.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", c.day, got, c.want)
		}
	}
	// The day is the city's, not the machine's: 2025-01-27 20:00 UTC is already 28 January (春节) here.
	if cal.IsWorkday(time.Date(2025, 1, 27, 20, 0, 0, 0, time.UTC)) {
		t.Error("a UTC evening is judged by its day in UTC, not in the city")
	}
}

func TestCalendarAddWorkingDays(t *testing.T) {
	cal := NewCalendar(ChinaCalendarDays())
	for _, c := range []struct {
		name, from string
		n          int
		want       string
	}{
		{"Friday before 春节 2025: the 调休 Sunday counts, then the holiday is skipped", "2025-01-24 16:00", 3, "2025-02-05 23:59"},
		{"last workday before 春节 2025", "2025-01-27 16:00", 3, "2025-02-07 23:59"},
		{"Friday before the 调休 Saturday after 春节", "2025-02-07 16:00", 1, "2025-02-08 23:59"},
		{"last workday before 国庆 2025 ends on the 调休 Saturday", "2025-09-30 16:00", 3, "2025-10-11 23:59"},
		{"Friday before 春节 2026: the 调休 Saturday is the first", "2026-02-13 16:00", 3, "2026-02-25 23:59"},
		{"last workday before 春节 2026 is a 调休 Saturday", "2026-02-14 16:00", 1, "2026-02-24 23:59"},
		{"a plain weekend", "2026-11-27 16:00", 1, "2026-11-30 23:59"},
		{"filed on a Saturday: Monday is the first", "2026-11-28 10:00", 1, "2026-11-30 23:59"},
		{"filed on a holiday", "2025-10-03 10:00", 2, "2025-10-10 23:59"},
		{"no days", "2025-10-03 10:00", 0, "2025-10-03 10:00"},
	} {
		got := cal.AddWorkingDays(At(t, c.from), c.n)
		want := At(t, c.want)
		if c.n > 0 {
			want = want.Add(59 * time.Second)
		}
		if !got.Equal(want) {
			t.Errorf("%s: %s + %d working days = %s, want %s", c.name, c.from, c.n, got.In(Zone).Format(time.DateTime), want.Format(time.DateTime))
		}
	}
	// Without a calendar the weekday rule still holds.
	if got := (&Calendar{}).AddWorkingDays(At(t, "2025-01-24 16:00"), 3); !got.Equal(At(t, "2025-01-29 23:59").Add(59 * time.Second)) {
		t.Errorf("empty calendar: %s", got)
	}
}

func TestCalendarAddWorkingHours(t *testing.T) {
	cal := NewCalendar(ChinaCalendarDays())
	for _, c := range []struct {
		name, from string
		hours      float64
		want       string
	}{
		{"16 working hours before 国庆 2025", "2025-09-30 16:00", 16, "2025-10-10 16:00"},
		{"16 working hours from the last workday before 春节 2025", "2025-01-27 16:00", 16, "2025-02-06 16:00"},
		{"the 调休 Saturday's hours count", "2025-02-07 16:00", 2, "2025-02-08 10:00"},
		{"filed in the evening starts next morning", "2026-11-26 20:00", 2, "2026-11-27 11:00"},
		{"filed before opening", "2026-11-26 07:00", 8, "2026-11-26 17:00"},
		{"ends exactly at closing", "2026-11-26 09:30", 7.5, "2026-11-26 17:00"},
		{"Friday afternoon over a plain weekend", "2026-11-27 15:00", 4, "2026-11-30 11:00"},
		{"half an hour", "2026-11-26 16:45", 0.5, "2026-11-27 09:15"},
	} {
		got := cal.AddWorkingHours(At(t, c.from), time.Duration(c.hours*float64(time.Hour)))
		if !got.Equal(At(t, c.want)) {
			t.Errorf("%s: %s + %vh = %s, want %s", c.name, c.from, c.hours, got.In(Zone).Format(time.DateTime), c.want)
		}
	}
}

func TestChinaCalendarDays(t *testing.T) {
	days := ChinaCalendarDays()
	seen := map[string]bool{}
	holidays := map[string]int{}
	for _, d := range days {
		if seen[d.Date] {
			t.Errorf("%s listed twice", d.Date)
		}
		seen[d.Date] = true
		day, _ := time.ParseInLocation(DateLayout, d.Date, Zone)
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		if d.Kind == DayWorkday && !weekend {
			t.Errorf("%s is a 调休 working day but not a weekend day", d.Date)
		}
		if d.Kind == DayHoliday {
			holidays[d.Date[:4]]++
		}
	}
	// 2025: 1+8+3+5+3+8 days off; 2026: 3+9+3+5+3+3+7.
	if holidays["2025"] != 28 || holidays["2026"] != 33 {
		t.Errorf("holidays per year %v", holidays)
	}
}

func TestParseTime(t *testing.T) {
	for _, c := range []struct {
		in       string
		want     string // RFC 3339 in Zone
		date     string
		dateOnly bool
	}{
		{"2026-11-29T10:00:00+08:00", "2026-11-29T10:00:00+08:00", "2026-11-29", false},
		{"2026-11-29T02:00:00Z", "2026-11-29T10:00:00+08:00", "2026-11-29", false},
		{"2026-11-28T20:00:00-08:00", "2026-11-29T12:00:00+08:00", "2026-11-29", false},
		{"2026-11-28T17:30:00Z", "2026-11-29T01:30:00+08:00", "2026-11-29", false},
		{"2026-11-29T10:00:00.5+08:00", "2026-11-29T10:00:00+08:00", "2026-11-29", false},
		{" 2026-11-29 ", "2026-11-29T00:00:00+08:00", "2026-11-29", true},
	} {
		got, dateOnly, err := ParseTime(c.in)
		if err != nil || got.In(Zone).Format(time.RFC3339) != c.want || dateOnly != c.dateOnly {
			t.Errorf("ParseTime(%q) = %s %v %v, want %s %v", c.in, got.In(Zone).Format(time.RFC3339), dateOnly, err, c.want, c.dateOnly)
		}
		if d, err := ParseDate(c.in); err != nil || d != c.date {
			t.Errorf("ParseDate(%q) = %q %v, want %q", c.in, d, err, c.date)
		}
	}
	for _, bad := range []string{"", "garbage", "2026-13-01", "2026-02-30", "29/11/2026", "2026/11/29",
		"2026-11-29T10:00:00", "2026-11-29 10:00:00", "2026-11-29T25:00:00+08:00", "1732845600", "2026-11-29T10:00:00+0800"} {
		if _, _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}
