package handlers

import (
	"html/template"
	"maps"
	"qinqing/db/appeal"
)

// withLedgerFuncs adds the template functions the ledger's pages use.
func withLedgerFuncs(funcs template.FuncMap) template.FuncMap {
	out := maps.Clone(funcs)
	maps.Copy(out, template.FuncMap{
		"stages": func() []appeal.Stage { return appeal.Stages },
		// reached reports whether an appeal at stage has reached step s of the loop.
		"reached": func(stage, s appeal.Stage) bool {
			for _, x := range appeal.Stages {
				if x == s {
					return true
				}
				if x == stage {
					return false
				}
			}
			return false
		},
		"inc": func(i int) int { return i + 1 },
	})
	return out
}
