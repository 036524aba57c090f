package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedImports is the direction imports run in, one line per package of ours: the db
// kernel imports nothing of ours; the registers, the audit log and the notices sit on the
// kernel; appeals name registered enterprises and departments; the liaison ledger (whose
// visits and 直通车 messages file appeals), oversight and figures sit on appeals; spreadsheets
// read and write all of those; the demo city is built from all of them; only handlers
// and the command put them together. A package missing here fails the test, so a new
// one has to say where it stands.
var allowedImports = map[string][]string{
	"qinqing/ui":           {},
	"qinqing/cmd/qqload":   {},
	"qinqing/db":           {},
	"qinqing/db/audit":     {"qinqing/db"},
	"qinqing/db/notify":    {"qinqing/db"},
	"qinqing/db/register":  {"qinqing/db", "qinqing/db/audit"},
	"qinqing/db/appeal":    below("qinqing/db/register"),
	"qinqing/db/ledger":    below("qinqing/db/appeal"),
	"qinqing/db/oversight": below("qinqing/db/appeal"),
	"qinqing/db/figures":   below("qinqing/db/appeal"),
	"qinqing/db/sheet":     below("qinqing/db/appeal", "qinqing/db/ledger", "qinqing/db/oversight", "qinqing/db/figures"),
	"qinqing/db/demo":      below("qinqing/db/appeal", "qinqing/db/ledger", "qinqing/db/oversight", "qinqing/db/figures"),
	"qinqing/db/dbtest":    below("qinqing/db/appeal", "qinqing/db/ledger", "qinqing/db/oversight", "qinqing/db/figures", "qinqing/db/sheet", "qinqing/db/demo"),
	"qinqing/handlers":     append(domains(), "qinqing/ui"),
	"qinqing":              append(domains(), "qinqing/ui", "qinqing/handlers"),
}

// below is the kernel, the audit log, the notices and the registers, with the packages
// named.
func below(pkgs ...string) []string {
	return append([]string{"qinqing/db", "qinqing/db/audit", "qinqing/db/notify", "qinqing/db/register"}, pkgs...)
}

// domains are the packages under db that product code may use (all but dbtest).
func domains() []string {
	return below("qinqing/db/appeal", "qinqing/db/ledger", "qinqing/db/oversight", "qinqing/db/figures", "qinqing/db/sheet", "qinqing/db/demo")
}

// testOnly are packages that only tests may import.
var testOnly = []string{"qinqing/db/dbtest"}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "sqlite_fts5", "-f",
		`{{.ImportPath}}|{{join .Imports ","}}|{{join .TestImports ","}}|{{join .XTestImports ","}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Split(line, "|")
		if len(fields) != 4 {
			t.Fatalf("go list line %q", line)
		}
		pkg := fields[0]
		allowed, known := allowedImports[pkg]
		if !known {
			t.Errorf("%s is not in allowedImports: say which of our packages it may import", pkg)
			continue
		}
		// The package and its internal tests follow the arrows. An external test package
		// is outside the graph (nothing imports it, so it cannot close a cycle): it may
		// build its world from any package under db, but never from handlers.
		for i, list := range fields[1:] {
			for _, imp := range strings.Split(list, ",") {
				if imp == pkg || !(imp == "qinqing" || strings.HasPrefix(imp, "qinqing/")) {
					continue
				}
				switch {
				case i == 0 && slices.Contains(testOnly, imp):
					t.Errorf("%s imports %s, which only tests may use", pkg, imp)
				case i == 2 && strings.HasPrefix(imp, "qinqing/db"):
				case i > 0 && slices.Contains(testOnly, imp) && pkg != "qinqing/db":
				case !slices.Contains(allowed, imp):
					t.Errorf("%s imports %s, against the direction of the layers", pkg, imp)
				}
			}
		}
	}
}
