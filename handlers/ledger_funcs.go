package handlers

import (
	"html/template"
	"maps"

	"qinqing/db"
)

// withLedgerFuncs adds the template functions the ledger's pages use.
func withLedgerFuncs(funcs template.FuncMap) template.FuncMap {
	out := maps.Clone(funcs)
	maps.Copy(out, template.FuncMap{
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
		"inc": func(i int) int { return i + 1 },
	})
	return out
}
