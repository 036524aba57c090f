package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedImports is the direction imports run in, one line per package of ours: the db
// kernel imports nothing of ours, domains import the kernel and the domains below them,
// and only handlers and the command put them together. A package missing here fails the
// test, so a new one has to say where it stands.
var allowedImports = map[string][]string{
	"qinqing/ui":           {},
	"qinqing/db":           {},
	"qinqing/db/audit":     {"qinqing/db"},
	"qinqing/db/ledger":    {"qinqing/db", "qinqing/db/audit"},
	"qinqing/db/appeal":    {"qinqing/db", "qinqing/db/audit", "qinqing/db/ledger"},
	"qinqing/db/figures":   {"qinqing/db", "qinqing/db/audit", "qinqing/db/ledger", "qinqing/db/appeal"},
	"qinqing/db/sheet":     {"qinqing/db", "qinqing/db/audit", "qinqing/db/ledger", "qinqing/db/appeal", "qinqing/db/figures"},
	"qinqing/handlers":     {"qinqing/db", "qinqing/db/audit", "qinqing/db/ledger", "qinqing/db/appeal", "qinqing/db/figures", "qinqing/db/sheet", "qinqing/ui"},
	"qinqing/cmd/qqload":   {},
	"qinqing":              {"qinqing/db", "qinqing/db/audit", "qinqing/db/ledger", "qinqing/db/appeal", "qinqing/db/figures", "qinqing/db/sheet", "qinqing/handlers", "qinqing/ui"},
	"qinqing/db/oversight": {"qinqing/db", "qinqing/db/audit", "qinqing/db/ledger", "qinqing/db/appeal"},
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "sqlite_fts5", "-f",
		`{{.ImportPath}} {{join .Imports ","}} {{join .TestImports ","}} {{join .XTestImports ","}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		allowed, known := allowedImports[pkg]
		if !known {
			t.Errorf("%s is not in allowedImports: say which of our packages it may import", pkg)
			continue
		}
		for _, list := range fields[1:] {
			for _, imp := range strings.Split(list, ",") {
				if imp == pkg || !(imp == "qinqing" || strings.HasPrefix(imp, "qinqing/")) {
					continue
				}
				if !slices.Contains(allowed, imp) {
					t.Errorf("%s imports %s, against the direction of the layers", pkg, imp)
				}
			}
		}
	}
}
