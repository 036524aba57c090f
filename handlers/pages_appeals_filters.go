package handlers

import (
	"net/url"
	"qinqing/db/appeal"
	"strconv"
)

// listParam is one query parameter of the appeal list: its Chinese name and, when the
// filter form has no field for it, that it travels as a hidden input.
type listParam struct {
	key, label string
	hidden     bool
	value      func(v string, lv *appealListView) string
}

var yesNoLabel = func(yes, no string) func(string, *appealListView) string {
	return func(v string, _ *appealListView) string {
		if v == "true" {
			return yes
		}
		return no
	}
}

func fromMap(m map[string]string) func(string, *appealListView) string {
	return func(v string, _ *appealListView) string {
		if l, ok := m[v]; ok {
			return l
		}
		return v
	}
}

func plain(v string, _ *appealListView) string { return v }

// listParams are every filter the list understands, in the order their chips show. The
// figures' drill-downs link with the hidden ones; without hidden inputs, changing any
// visible filter would drop them and change the count silently.
var listParams = []listParam{
	{key: "q", label: "搜索", value: plain},
	{key: "todo", label: "待办", hidden: true, value: func(v string, _ *appealListView) string { return appeal.TodoLabel(v) }},
	{key: "number", label: "编号", hidden: true, value: plain},
	{key: "stage", label: "环节", value: func(v string, _ *appealListView) string { return appeal.Stage(v).Label() }},
	{key: "tier", label: "办理等级", value: func(v string, _ *appealListView) string { return appeal.Tier(v).Label() }},
	{key: "overdue", label: "超期", value: yesNoLabel("仅超期", "未超期")},
	{key: "source", label: "来源", value: func(v string, _ *appealListView) string { return appeal.Source(v).Label() }},
	{key: "category", label: "问题类别", value: plain},
	{key: "department_id", label: "责任单位", value: func(v string, lv *appealListView) string {
		for _, d := range lv.Depts {
			if strconv.FormatInt(d.ID, 10) == v {
				return d.Name
			}
		}
		return "编号 " + v
	}},
	{key: "enterprise_id", label: "企业", hidden: true, value: func(v string, lv *appealListView) string {
		if lv.Enterprise != nil {
			return lv.Enterprise.Name
		}
		return "编号 " + v
	}},
	{key: "leader_id", label: "包保领导", hidden: true, value: func(v string, _ *appealListView) string { return "编号 " + v }},
	{key: "from", label: "提交日期自", value: plain},
	{key: "to", label: "提交日期至", value: plain},
	{key: "open", label: "办结情况", hidden: true, value: yesNoLabel("未办结", "已办结")},
	{key: "extension", label: "延期申请", hidden: true, value: yesNoLabel("待审批", "无")},
	{key: "reopened", label: "重办", hidden: true, value: yesNoLabel("重办过", "未重办")},
	{key: "returned", label: "退回", hidden: true, value: yesNoLabel("退回过", "未退回")},
	{key: "merged", label: "合并", hidden: true, value: yesNoLabel("合并件", "非合并件")},
	{key: "unassigned", label: "交办", hidden: true, value: yesNoLabel("未交办", "已交办")},
	{key: "responded", label: "受理时效", hidden: true, value: fromMap(map[string]string{"on_time": "按时受理", "late": "超时受理"})},
	{key: "rated", label: "评价", hidden: true, value: fromMap(map[string]string{"yes": "已评价", "no": "未评价",
		"resolved": "已解决", "unresolved": "未解决", "satisfactory": "满意或基本满意", "satisfied": "满意",
		"basic": "基本满意", "unsatisfied": "不满意"})},
	{key: "on_time", label: "办结时效", hidden: true, value: fromMap(map[string]string{"yes": "按期办结", "no": "逾期办结",
		"extended": "延期后按期办结", "late_extended": "延期后仍逾期"})},
	{key: "district", label: "区县", hidden: true, value: plain},
	{key: "issue_class_id", label: "一类问题", hidden: true, value: func(v string, _ *appealListView) string { return "编号 " + v }},
	{key: "ids", label: "选定诉求", hidden: true, value: func(v string, _ *appealListView) string { return v }},
}

// Parameters that shape the page rather than select appeals: they are kept, never chips.
const (
	paramSort  = "sort"
	paramLimit = "limit"
	paramPage  = "page"
)

// filterChip is one active filter, with the link that drops just it.
type filterChip struct {
	Label, Value, RemoveURL string
}

// hiddenField is a filter the form carries without showing a field for it.
type hiddenField struct{ Name, Value string }

// listQueryOf keeps the list's own parameters of a request's query, nothing else.
func listQueryOf(raw url.Values) url.Values {
	q := url.Values{}
	for _, p := range listParams {
		if v := raw.Get(p.key); v != "" {
			q.Set(p.key, v)
		}
	}
	for _, k := range []string{paramSort, paramLimit} {
		if v := raw.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	return q
}

func without(q url.Values, keys ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	for _, k := range keys {
		out.Del(k)
	}
	return out
}

// describeFilters fills the chips and the hidden inputs from the list's query.
func (lv *appealListView) describeFilters(q url.Values) {
	for _, p := range listParams {
		v := q.Get(p.key)
		if v == "" {
			continue
		}
		lv.Chips = append(lv.Chips, filterChip{Label: p.label, Value: p.value(v, lv),
			RemoveURL: pathWithQuery("/appeals", without(q, p.key))})
		if p.hidden {
			lv.Hidden = append(lv.Hidden, hiddenField{p.key, v})
		}
	}
}

// pageLink is one entry of the numbered pager; Gap stands for the pages left out.
type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// paginate fills the numbered pages, previous and next: the first, the last, and two
// on each side of the current one. Past a capped total the last page is the last one
// counted, and the next page is there as long as there are more.
func (lv *appealListView) paginate(q url.Values, cur, limit, total int, capped bool) {
	last := (total + limit - 1) / limit
	lv.PageNo, lv.LastPage, lv.LastCapped = cur, last, capped
	if capped && cur >= last {
		last = cur + 1
	}
	at := func(n int) string {
		p := without(q)
		if n > 1 {
			p.Set(paramPage, strconv.Itoa(n))
		}
		return pathWithQuery("/appeals", p)
	}
	if cur > 1 {
		lv.PrevURL = at(cur - 1)
	}
	if cur < last {
		lv.NextURL = at(cur + 1)
	}
	if last <= 1 {
		return
	}
	gap := false
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= cur-2 && n <= cur+2) {
			lv.Pages = append(lv.Pages, pageLink{N: n, URL: at(n), Current: n == cur})
			gap = false
		} else if !gap {
			lv.Pages = append(lv.Pages, pageLink{Gap: true})
			gap = true
		}
	}
}
