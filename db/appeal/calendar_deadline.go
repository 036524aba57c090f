package appeal

import (
	"context"
	"fmt"
	"qinqing/db"
	"strconv"
	"time"
)

// DeadlineUnit is what a tier's deadlines are counted in.
type DeadlineUnit string

// The deadline units: calendar hours (the clock as it runs), working hours (WorkdayStart
// to WorkdayEnd of working days) and working days (to the close of the last one).
const (
	UnitHours     DeadlineUnit = "hours"
	UnitWorkHours DeadlineUnit = "workhours"
	UnitWorkdays  DeadlineUnit = "workdays"
)

// DeadlineUnits lists the units.
var DeadlineUnits = []DeadlineUnit{UnitHours, UnitWorkHours, UnitWorkdays}

var unitLabels = map[DeadlineUnit]string{UnitHours: "自然小时", UnitWorkHours: "工作小时", UnitWorkdays: "工作日"}

// Label is the unit's Chinese name.
func (u DeadlineUnit) Label() string { return unitLabels[u] }

// TierDeadline is a tier's configured deadlines, for the settings page and the API. In
// hours and working hours the seconds count; in working days the days do.
type TierDeadline struct {
	Tier              Tier         `json:"tier"`
	Unit              DeadlineUnit `json:"unit"`
	ResponseSeconds   int          `json:"response_seconds"`
	ResolutionSeconds int          `json:"resolution_seconds"`
	ResponseDays      int          `json:"response_days"`
	ResolutionDays    int          `json:"resolution_days"`
}

func deadlines(t *db.Tx, tier Tier) (TierDeadline, error) { return readDeadlines(t, tier) }

func readDeadlines(q db.Queryer, tier Tier) (TierDeadline, error) {
	d := TierDeadline{Tier: tier, Unit: UnitHours}
	unit, err := db.Setting(q, "deadline."+string(tier)+".unit")
	if err != nil {
		return d, err
	}
	if unit != "" {
		d.Unit = DeadlineUnit(unit)
	}
	for _, x := range []struct {
		key      string
		dst      *int
		required bool
	}{{"response", &d.ResponseSeconds, true}, {"resolution", &d.ResolutionSeconds, true},
		{"response_days", &d.ResponseDays, d.Unit == UnitWorkdays}, {"resolution_days", &d.ResolutionDays, d.Unit == UnitWorkdays}} {
		v, err := db.Setting(q, "deadline."+string(tier)+"."+x.key)
		if err != nil {
			return d, err
		}
		if v == "" && !x.required {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return d, fmt.Errorf("db: deadline setting %s.%s is %q", tier, x.key, v)
		}
		*x.dst = n
	}
	if !Contains(DeadlineUnits, d.Unit) {
		return d, fmt.Errorf("db: deadline setting %s.unit is %q", tier, d.Unit)
	}
	return d, nil
}

// due computes the response and resolution due times of an appeal filed at from. The
// calendar is read only for the units that need it.
func due(t *db.Tx, d TierDeadline, from time.Time) (response, resolution time.Time, err error) {
	if d.Unit == UnitHours {
		return from.Add(time.Duration(d.ResponseSeconds) * time.Second), from.Add(time.Duration(d.ResolutionSeconds) * time.Second), nil
	}
	cal, err := t.Calendar()
	if err != nil {
		return from, from, err
	}
	response, resolution = d.dueOn(cal, from)
	return response, resolution, nil
}

// dueOn computes the due times on a given calendar.
func (d TierDeadline) dueOn(cal *db.Calendar, from time.Time) (response, resolution time.Time) {
	switch d.Unit {
	case UnitWorkdays:
		return cal.AddWorkingDays(from, d.ResponseDays), cal.AddWorkingDays(from, d.ResolutionDays)
	case UnitWorkHours:
		return cal.AddWorkingHours(from, time.Duration(d.ResponseSeconds)*time.Second),
			cal.AddWorkingHours(from, time.Duration(d.ResolutionSeconds)*time.Second)
	}
	return from.Add(time.Duration(d.ResponseSeconds) * time.Second), from.Add(time.Duration(d.ResolutionSeconds) * time.Second)
}

// TierDeadlines lists the configured deadlines of every tier.
func TierDeadlines(ctx context.Context, d2 *db.DB) ([]TierDeadline, error) {
	var out []TierDeadline
	for _, tier := range Tiers {
		d, err := readDeadlines(d2.R(ctx), tier)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Validate checks the new deadlines of a tier; an empty unit is calendar hours, as
// before units existed.
func (in *TierDeadline) Validate() error {
	var v db.Violations
	if in.Unit == "" {
		in.Unit = UnitHours
	}
	if !Contains(Tiers, in.Tier) {
		v.Add("tier", "办理等级须为 immediate、fast 或 escalated")
	}
	switch in.Unit {
	case UnitWorkdays:
		if in.ResponseDays < 1 || in.ResponseDays > 30 {
			v.Add("response_days", "响应时限须在 1 到 30 个工作日之间")
		}
		if in.ResolutionDays < in.ResponseDays || in.ResolutionDays > 120 {
			v.Add("resolution_days", "办结时限须不短于响应时限，且不超过 120 个工作日")
		}
	case UnitHours, UnitWorkHours:
		if in.ResponseSeconds < 600 || in.ResponseSeconds > 30*86400 {
			v.Add("response_seconds", "响应时限须在 10 分钟到 720 小时之间")
		}
		if in.ResolutionSeconds < in.ResponseSeconds || in.ResolutionSeconds > 180*86400 {
			v.Add("resolution_seconds", "办结时限须不短于响应时限，且不超过 4320 小时")
		}
	default:
		v.Add("unit", "时限单位须为 hours（自然小时）、workhours（工作小时）或 workdays（工作日）")
	}
	return v.Err()
}

// SetTierDeadline changes a tier's deadlines (admin). Appeals already filed keep theirs.
// The amounts of the other units stay stored, so switching back restores them.
func SetTierDeadline(ctx context.Context, d *db.DB, a db.Actor, in TierDeadline) error {
	if !a.Is(db.RoleAdmin) {
		return db.Forbidden()
	}
	if err := in.Validate(); err != nil {
		return err
	}
	return d.Update(ctx, func(tx *db.Tx) error {
		key := "deadline." + string(in.Tier) + "."
		set := map[string]int{"response": in.ResponseSeconds, "resolution": in.ResolutionSeconds}
		if in.Unit == UnitWorkdays {
			set = map[string]int{"response_days": in.ResponseDays, "resolution_days": in.ResolutionDays}
		}
		for k, n := range set {
			if err := tx.SetSetting(key+k, strconv.Itoa(n)); err != nil {
				return err
			}
		}
		if err := tx.SetSetting(key+"unit", string(in.Unit)); err != nil {
			return err
		}
		cur, err := readDeadlines(tx, in.Tier)
		if err != nil {
			return err
		}
		return tx.Audit(a, "settings.deadline", "settings", 0, cur)
	})
}

// ExtensionKind says what an extension's days count: working days or calendar days.
type ExtensionKind string

// The kinds of extension day.
const (
	ExtendWorkdays     ExtensionKind = "workdays"
	ExtendCalendarDays ExtensionKind = "calendar"
)

// Label is the kind's Chinese name.
func (k ExtensionKind) Label() string {
	if k == ExtendWorkdays {
		return "工作日"
	}
	return "自然日"
}

// extendedDue is the due time an approved extension gives: its days added to the due time
// in force, as calendar days, or as working days to the close of the last one.
func extendedDue(t *db.Tx, ap *Appeal) (time.Time, error) {
	base, days := ap.EffectiveDue(), ap.Extension.Days
	if ap.Extension.DayKind != ExtendWorkdays {
		return base.Add(time.Duration(days) * 24 * time.Hour), nil
	}
	cal, err := t.Calendar()
	if err != nil {
		return base, err
	}
	return cal.AddWorkingDays(base, days), nil
}
