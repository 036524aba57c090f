package handlers

import (
	"html/template"
	"testing"
)

// TestTemplateFuncNamesUnique guards against two helper sets registering one name: the
// later silently replaces the earlier, and a page written for the other's argument type
// then fails at render time with a 500.
func TestTemplateFuncNamesUnique(t *testing.T) {
	sets := []struct {
		name  string
		funcs template.FuncMap
	}{
		{"templateFuncs", templateFuncs()},
		{"withLedgerFuncs", withLedgerFuncs(template.FuncMap{})},
		{"withFigureFuncs", withFigureFuncs(template.FuncMap{})},
		{"withOversightFuncs", withOversightFuncs(template.FuncMap{})},
	}
	seen := map[string]string{}
	for _, s := range sets {
		for k := range s.funcs {
			if prev, ok := seen[k]; ok {
				t.Errorf("template function %q is defined by both %s and %s", k, prev, s.name)
			}
			seen[k] = s.name
		}
	}
}
