package db

import "time"

// The national calendar as the State Council's General Office announced it in its notices
// on the holidays of 2025 (of 2024-11-12) and of 2026 (of 2025-11-04): the holidays, and
// the weekend days worked instead (调休上班). The demo city starts with it.
var chinaCalendar = []struct {
	name     string
	from, to string // holidays, both included
	workdays []string
}{
	{name: "元旦", from: "2025-01-01", to: "2025-01-01"},
	{name: "春节", from: "2025-01-28", to: "2025-02-04", workdays: []string{"2025-01-26", "2025-02-08"}},
	{name: "清明节", from: "2025-04-04", to: "2025-04-06"},
	{name: "劳动节", from: "2025-05-01", to: "2025-05-05", workdays: []string{"2025-04-27"}},
	{name: "端午节", from: "2025-05-31", to: "2025-06-02"},
	{name: "国庆节、中秋节", from: "2025-10-01", to: "2025-10-08", workdays: []string{"2025-09-28", "2025-10-11"}},

	{name: "元旦", from: "2026-01-01", to: "2026-01-03", workdays: []string{"2026-01-04"}},
	{name: "春节", from: "2026-02-15", to: "2026-02-23", workdays: []string{"2026-02-14", "2026-02-28"}},
	{name: "清明节", from: "2026-04-04", to: "2026-04-06"},
	{name: "劳动节", from: "2026-05-01", to: "2026-05-05", workdays: []string{"2026-05-09"}},
	{name: "端午节", from: "2026-06-19", to: "2026-06-21"},
	{name: "中秋节", from: "2026-09-25", to: "2026-09-27"},
	{name: "国庆节", from: "2026-10-01", to: "2026-10-07", workdays: []string{"2026-09-20", "2026-10-10"}},
}

// ChinaCalendarDays lists the national calendar's days for 2025 and 2026.
func ChinaCalendarDays() []CalendarDay {
	var out []CalendarDay
	for _, h := range chinaCalendar {
		from, _ := time.ParseInLocation(DateLayout, h.from, Zone)
		to, _ := time.ParseInLocation(DateLayout, h.to, Zone)
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			out = append(out, CalendarDay{Date: d.Format(DateLayout), Kind: DayHoliday, Name: h.name})
		}
		for _, w := range h.workdays {
			out = append(out, CalendarDay{Date: w, Kind: DayWorkday, Name: h.name + "调休上班"})
		}
	}
	return out
}
