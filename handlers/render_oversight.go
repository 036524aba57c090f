package handlers

import (
	"html/template"
	"slices"
	"time"

	"qinqing/db"
)

// withOversightFuncs adds the template functions of the oversight pages.
func withOversightFuncs(m template.FuncMap) template.FuncMap {
	m["satisfaction"] = db.SatisfactionLabel
	m["suspect"] = db.SuspectLabel
	m["add1"] = func(i int) int { return i + 1 }
	m["hasAction"] = func(list []db.Action, a string) bool { return slices.Contains(list, db.Action(a)) }
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

// stageStep is one stage of the bar that shows how far an appeal has come.
type stageStep struct {
	Label         string
	Done, Current bool
}

func stageBar(at db.Stage) []stageStep {
	var out []stageStep
	reached := true
	for _, s := range db.Stages {
		cur := s == at
		out = append(out, stageStep{Label: s.Label(), Done: reached && !cur, Current: cur})
		if cur {
			reached = false
		}
	}
	return out
}
