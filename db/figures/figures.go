package figures

import (
	"math"
	"qinqing/db"
	"time"
)

// The bits of the generated column appeals.fig_flags (migration 005). Every figure is a
// count of appeals whose flags match, so the dashboard and the appeals list it links to
// test the very same expression.
const (
	flagClosed         = 1 << iota // stage closed
	flagMerged                     // closed as a duplicate of another appeal
	flagResponded                  // accepted within the response deadline
	flagRated                      // carries a rating (the latest one, if it was rated again)
	flagResolved                   // rated resolved = yes
	flagSatisfactory               // rated satisfied or basic
	flagOnTime                     // closed by the original due time
	flagOnTimeExtended             // closed by the extended due time (or the original one)
	flagReopened                   // reopened at least once: counted once however often
	flagReturned                   // returned by a department at least once
)

// Figures are the counts and rates of contract §6 over one set of appeals: those filed in
// the period, within the caller's scope and the filters. Rates are fractions from 0 to 1,
// or null where there is nothing to divide by.
type Figures struct {
	Filed          int `json:"filed"`
	Open           int `json:"open"`
	Overdue        int `json:"overdue"`
	Closed         int `json:"closed"`
	Merged         int `json:"merged"`
	Handled        int `json:"handled"` // closed other than by merging: the on-time rates' base
	Reopened       int `json:"reopened"`
	Returned       int `json:"returned"`
	Responded      int `json:"responded"`
	Rated          int `json:"rated"`
	Resolved       int `json:"resolved"`
	Satisfactory   int `json:"satisfactory"`
	Unsatisfied    int `json:"unsatisfied"`
	OnTime         int `json:"on_time"`
	OnTimeExtended int `json:"on_time_extended"`

	ResponseRate       *float64 `json:"response_rate"`
	ResolutionRate     *float64 `json:"resolution_rate"`
	SatisfactionRate   *float64 `json:"satisfaction_rate"`
	OnTimeRate         *float64 `json:"on_time_rate"`
	OnTimeExtendedRate *float64 `json:"on_time_extended_rate"`
	AvgHandlingHours   *float64 `json:"avg_handling_hours"`
	P90HandlingHours   *float64 `json:"p90_handling_hours,omitempty"`

	HandlingSeconds int64
}

// add counts n appeals that share one set of flags and, together, handlingSeconds.
func (f *Figures) add(flags int64, n int, handlingSeconds int64) {
	has := func(bit int64) bool { return flags&bit != 0 }
	f.Filed += n
	f.HandlingSeconds += handlingSeconds
	if has(flagClosed) {
		f.Closed += n
		if has(flagMerged) {
			f.Merged += n
		} else {
			f.Handled += n
			if has(flagOnTime) {
				f.OnTime += n
			}
			if has(flagOnTimeExtended) {
				f.OnTimeExtended += n
			}
		}
	} else {
		f.Open += n
	}
	if has(flagResponded) {
		f.Responded += n
	}
	if has(flagRated) {
		f.Rated += n
		if has(flagResolved) {
			f.Resolved += n
		}
		if has(flagSatisfactory) {
			f.Satisfactory += n
		} else {
			f.Unsatisfied += n
		}
	}
	if has(flagReopened) {
		f.Reopened += n
	}
	if has(flagReturned) {
		f.Returned += n
	}
}

// finish derives the rates from the counts.
func (f *Figures) Finish() {
	f.ResponseRate = ratio(f.Responded, f.Filed)
	f.ResolutionRate = ratio(f.Resolved, f.Rated)
	f.SatisfactionRate = ratio(f.Satisfactory, f.Rated)
	f.OnTimeRate = ratio(f.OnTime, f.Handled)
	f.OnTimeExtendedRate = ratio(f.OnTimeExtended, f.Handled)
	if f.Handled > 0 {
		h := Round(float64(f.HandlingSeconds)/float64(f.Handled)/3600, 2)
		f.AvgHandlingHours = &h
	}
}

// ratio is n/d, or nil when d is 0: no data is never shown as 0 or 100%.
func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func Round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// Weights are the composite score's weights in percent (settings figures.weight.*).
type Weights struct {
	Response     int `json:"response"`
	Resolution   int `json:"resolution"`
	Satisfaction int `json:"satisfaction"`
}

// DefaultWeights are the weights before an admin changes them: 响应率 10%, 解决率 45%, 满意率 45%.
var DefaultWeights = Weights{Response: 10, Resolution: 45, Satisfaction: 45}

// Score is the composite of the three rates on a 0–100 scale. A rate with no data leaves
// the score to the others (their weights scaled up); with no rate at all there is no score.
func (w Weights) Score(f *Figures) *float64 {
	var sum, weight float64
	for _, x := range []struct {
		rate *float64
		w    int
	}{{f.ResponseRate, w.Response}, {f.ResolutionRate, w.Resolution}, {f.SatisfactionRate, w.Satisfaction}} {
		if x.rate != nil && x.w > 0 {
			sum += *x.rate * float64(x.w)
			weight += float64(x.w)
		}
	}
	if weight == 0 {
		return nil
	}
	s := Round(100*sum/weight, 2)
	return &s
}

// Period is a span of filing dates, both days included, as YYYY-MM-DD.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MonthPeriod is the calendar month of a YYYY-MM string.
func MonthPeriod(month string) (Period, error) {
	t, err := time.ParseInLocation("2006-01", month, db.Zone)
	if err != nil {
		return Period{}, &db.Error{Code: db.EINVALID, Message: "月份格式须为 YYYY-MM。", Fields: []db.FieldError{{Field: "month", Message: "月份格式须为 YYYY-MM"}}}
	}
	return Period{t.Format(db.DateLayout), t.AddDate(0, 1, -1).Format(db.DateLayout)}, nil
}

// Previous is the period just before p: the previous calendar month when p is one whole
// month, otherwise the same number of days before it. An open period has none.
func (p Period) Previous() (Period, bool) {
	from, err1 := time.ParseInLocation(db.DateLayout, p.From, db.Zone)
	to, err2 := time.ParseInLocation(db.DateLayout, p.To, db.Zone)
	if err1 != nil || err2 != nil || to.Before(from) {
		return Period{}, false
	}
	if from.Day() == 1 && to.Equal(from.AddDate(0, 1, -1)) {
		start := from.AddDate(0, -1, 0)
		return Period{start.Format(db.DateLayout), from.AddDate(0, 0, -1).Format(db.DateLayout)}, true
	}
	days := int(to.Sub(from).Hours()/24+0.5) + 1
	end := from.AddDate(0, 0, -1)
	return Period{end.AddDate(0, 0, 1-days).Format(db.DateLayout), end.Format(db.DateLayout)}, true
}
