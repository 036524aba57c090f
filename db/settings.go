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

// Setting returns a stored setting, or "" when it is not set.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	return Setting(db.R(ctx), key)
}

func Setting(q Queryer, key string) (string, error) {
	var v string
	err := q.QueryRow("SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("db: setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting inside the caller's transaction.
func (t *Tx) SetSetting(key, value string) error {
	_, err := t.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("db: set setting %s: %w", key, err)
	}
	return nil
}

// DefaultMinSample is how many closed appeals a department or leader needs in a period
// before it is ranked: with one appeal and nothing rated, a score of 100 says nothing.
const DefaultMinSample = 5

// DefaultIssuer is the body the 通报 is issued in the name of, until the admin names it.
const DefaultIssuer = "盘锦市营商环境建设专班"

const (
	minSampleKey = "ranking_min_sample"
	issuerKey    = "report_issuer"
)

// ReportSettings are the 通报's settings the admin may change.
type ReportSettings struct {
	MinSample int    `json:"ranking_min_sample"`
	Issuer    string `json:"report_issuer"`
}

// ReportSettingsUpdate changes the report settings; nil fields are left unchanged.
type ReportSettingsUpdate struct {
	MinSample *int    `json:"ranking_min_sample"`
	Issuer    *string `json:"report_issuer"`
}

// Validate checks the new values.
func (u *ReportSettingsUpdate) Validate() error {
	var v Violations
	if u.MinSample != nil && (*u.MinSample < 1 || *u.MinSample > 1000) {
		v.Add("ranking_min_sample", "最少样本须在 1 到 1000 之间")
	}
	if u.Issuer != nil {
		s := strings.TrimSpace(*u.Issuer)
		u.Issuer = &s
		if n := utf8.RuneCountInString(s); n == 0 || n > 60 {
			v.Add("report_issuer", "请填写发文机关（不超过 60 字）")
		}
	}
	return v.Err()
}

// ReportSettings returns the 通报's settings, with their defaults where unset.
func (db *DB) ReportSettings(ctx context.Context) (ReportSettings, error) {
	return reportSettings(db.R(ctx))
}

func reportSettings(q Queryer) (ReportSettings, error) {
	rs := ReportSettings{MinSample: DefaultMinSample, Issuer: DefaultIssuer}
	v, err := Setting(q, minSampleKey)
	if err != nil {
		return rs, err
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		rs.MinSample = n
	}
	if v, err = Setting(q, issuerKey); err != nil {
		return rs, err
	}
	if v != "" {
		rs.Issuer = v
	}
	return rs, nil
}

// SetReportSettings changes the 通报's settings (admin).
func (db *DB) SetReportSettings(ctx context.Context, a Actor, u ReportSettingsUpdate) (ReportSettings, error) {
	if !a.Is(RoleAdmin) {
		return ReportSettings{}, Forbidden()
	}
	if err := u.Validate(); err != nil {
		return ReportSettings{}, err
	}
	var rs ReportSettings
	err := db.Update(ctx, func(tx *Tx) error {
		if u.MinSample != nil {
			if err := tx.SetSetting(minSampleKey, strconv.Itoa(*u.MinSample)); err != nil {
				return err
			}
		}
		if u.Issuer != nil {
			if err := tx.SetSetting(issuerKey, *u.Issuer); err != nil {
				return err
			}
		}
		var err error
		if rs, err = reportSettings(tx); err != nil {
			return err
		}
		return tx.Audit(a, "settings.report", "settings", 0, rs)
	})
	return rs, err
}
