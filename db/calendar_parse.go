package db

import (
	"fmt"
	"strings"
	"time"
)

// ParseDate reads a date as the API takes it: YYYY-MM-DD, or an RFC 3339 time whose
// day in Zone is meant (2026-11-29T10:00:00+08:00 is 2026-11-29). It answers the date as
// YYYY-MM-DD.
func ParseDate(s string) (string, error) {
	t, _, err := ParseTime(s)
	if err != nil {
		return "", err
	}
	return t.In(Zone).Format(DateLayout), nil
}

// ParseTime reads a time as the API takes it: RFC 3339 with its offset
// (2026-11-29T10:00:00+08:00, or ...Z), or a date alone, which is that day's midnight
// in Zone (dateOnly tells which it was, for fields that mean the whole day).
func ParseTime(s string) (t time.Time, dateOnly bool, err error) {
	s = strings.TrimSpace(s)
	if len(s) == len(DateLayout) {
		t, err = time.ParseInLocation(DateLayout, s, Zone)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("db: %q is not a date", s)
		}
		return t, true, nil
	}
	t, err = time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("db: %q is not an RFC 3339 time", s)
	}
	return t, false, nil
}

// DateHint says what a date or time field takes, for the messages that refuse one.
const DateHint = "格式须为 YYYY-MM-DD 日期或 RFC 3339 时间（如 2026-11-29T10:00:00+08:00）"

// normDate brings a date field to its stored form, YYYY-MM-DD, in place; false (and the
// field left as it was) when it is neither a date nor a time.
func NormDate(s *string) bool {
	d, err := ParseDate(*s)
	if err != nil {
		return false
	}
	*s = d
	return true
}

// DateLayout is the layout of calendar dates such as a pair's since and until.
const DateLayout = "2006-01-02"

// Today is the calendar date of t in the server's zone.
func Today(t time.Time) string { return t.In(Zone).Format(DateLayout) }
