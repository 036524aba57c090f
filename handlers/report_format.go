package handlers

import (
	"fmt"
	"html/template"
	"qinqing/db/figures"
	"strings"
)

// pct shows a rate as a percentage with one decimal, or 无数据 when there is none.
func pct(r *float64) string {
	if r == nil {
		return "无数据"
	}
	return fmt.Sprintf("%.1f%%", *r*100)
}

// hoursText shows a duration in hours, in days past two days.
func hoursText(h *float64) string {
	if h == nil {
		return "无数据"
	}
	if *h >= 48 {
		return fmt.Sprintf("%.1f 天", *h/24)
	}
	return fmt.Sprintf("%.1f 小时", *h)
}

// scoreText shows a composite score, or 无数据.
func scoreText(s *float64) string {
	if s == nil {
		return "无数据"
	}
	return fmt.Sprintf("%.2f", *s)
}

// changeText shows a change of score points with its direction.
func changeText(c *float64) string {
	switch {
	case c == nil:
		return "—"
	case *c > 0:
		return fmt.Sprintf("↑%.2f", *c)
	case *c < 0:
		return fmt.Sprintf("↓%.2f", -*c)
	}
	return "持平"
}

// rateChange shows a rate's change in percentage points against the previous period.
func rateChange(cur, prev *float64) string {
	if cur == nil || prev == nil {
		return "—"
	}
	d := (*cur - *prev) * 100
	switch {
	case d > 0.05:
		return fmt.Sprintf("↑%.1f 个百分点", d)
	case d < -0.05:
		return fmt.Sprintf("↓%.1f 个百分点", -d)
	}
	return "持平"
}

// monthTitle is "2026年5月" for "2026-05".
func monthTitle(m string) string {
	var y, mo int
	if _, err := fmt.Sscanf(m, "%d-%d", &y, &mo); err != nil {
		return m
	}
	return fmt.Sprintf("%d年%d月", y, mo)
}

// headline is one row of the report's headline table.
type headline struct {
	Label, Value, Previous, Change, Drill string
}

// headlines are the report's figures beside the previous month's.
func headlines(r *figures.MonthlyReport) []headline {
	f, p := r.Figures, r.Previous
	n := func(cur, prev int) string {
		switch {
		case cur > prev:
			return fmt.Sprintf("↑%d", cur-prev)
		case cur < prev:
			return fmt.Sprintf("↓%d", prev-cur)
		}
		return "持平"
	}
	count := func(label string, cur, prev int, drill string) headline {
		return headline{label, fmt.Sprint(cur), fmt.Sprint(prev), n(cur, prev), r.Drill[drill]}
	}
	rate := func(label string, cur, prev *float64, drill string) headline {
		return headline{label, pct(cur), pct(prev), rateChange(cur, prev), r.Drill[drill]}
	}
	return []headline{
		count("受理诉求", f.Filed, p.Filed, "filed"),
		count("已办结", f.Closed, p.Closed, "closed"),
		count("未办结", f.Open, p.Open, "open"),
		count("当前超期", f.Overdue, p.Overdue, "overdue"),
		count("重办（不满意退回、重新打开）", f.Reopened, p.Reopened, "reopened"),
		count("被退回", f.Returned, p.Returned, "returned"),
		rate("响应率", f.ResponseRate, p.ResponseRate, "responded"),
		rate("解决率", f.ResolutionRate, p.ResolutionRate, "resolved"),
		rate("满意率", f.SatisfactionRate, p.SatisfactionRate, "satisfactory"),
		rate("按期办结率（原定期限）", f.OnTimeRate, p.OnTimeRate, "on_time"),
		rate("按期办结率（含延期）", f.OnTimeExtendedRate, p.OnTimeExtendedRate, "on_time_extended"),
		{"平均办理时长", hoursText(f.AvgHandlingHours), hoursText(p.AvgHandlingHours), "", r.Drill["handled"]},
		{"90% 诉求办结时长不超过", hoursText(f.P90HandlingHours), hoursText(p.P90HandlingHours), "", r.Drill["handled"]},
	}
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// withFigureFuncs adds the figures' formatting to the templates' functions.
func withFigureFuncs(m template.FuncMap) template.FuncMap {
	m["pct"] = pct
	m["figHours"] = hoursText
	m["score"] = scoreText
	m["change"] = changeText
	m["monthTitle"] = monthTitle
	m["clip"] = clip
	m["minus"] = func(a, b int) int { return a - b }
	m["mul100"] = func(x float64) float64 { return x * 100 }
	// appeals links to the appeals list with a figure's filter, which is already encoded.
	m["appeals"] = func(q string) template.URL { return template.URL("/appeals?" + q) }
	return m
}
