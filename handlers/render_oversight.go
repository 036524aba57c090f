package handlers

import (
	"encoding/json"
	"html/template"
	"qinqing/db/appeal"
	"qinqing/db/oversight"
	"slices"
	"time"

	"qinqing/db"
)

// withOversightFuncs adds the template functions of the oversight pages.
func withOversightFuncs(m template.FuncMap) template.FuncMap {
	m["suspect"] = oversight.SuspectLabel
	m["add1"] = func(i int) int { return i + 1 }
	// publicReply tells a comment the reporter sees from an internal one.
	m["publicReply"] = func(data json.RawMessage) bool {
		var d struct{ Public bool }
		json.Unmarshal(data, &d)
		return d.Public
	}
	m["hasAction"] = func(list []appeal.Action, a string) bool { return slices.Contains(list, appeal.Action(a)) }
	m["date"] = func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.In(db.Zone).Format("2006-01-02")
		case *time.Time:
			if v != nil {
				return v.In(db.Zone).Format("2006-01-02")
			}
		}
		return ""
	}
	return m
}
