package handlers

import (
	"html/template"
	"maps"
	"strconv"

	"qinqing/db"
)

// withLedgerFuncs adds the template functions the ledger's pages use.
func withLedgerFuncs(funcs template.FuncMap) template.FuncMap {
	out := maps.Clone(funcs)
	maps.Copy(out, template.FuncMap{
		// pct shows a fraction as a whole percentage, or a dash when there is nothing to rate.
		"pct": func(f *float64) string {
			if f == nil {
				return "—"
			}
			return strconv.Itoa(int(*f*100+0.5)) + "%"
		},
		"stages": func() []db.Stage { return db.Stages },
		// reached reports whether an appeal at stage has reached step s of the loop.
		"reached": func(stage, s db.Stage) bool {
			for _, x := range db.Stages {
				if x == s {
					return true
				}
				if x == stage {
					return false
				}
			}
			return false
		},
		"satisfaction": func(r *db.Rating) string {
			if r == nil {
				return ""
			}
			return db.SatisfactionLabel(r.Satisfaction)
		},
		"inc": func(i int) int { return i + 1 },
	})
	return out
}
