package appeal

import (
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"regexp"
	"strings"
)

// appealRowColumns are appealColumns taken from the appeals row alone, for a write to
// hand back with RETURNING what it wrote: reading the appeal again through the list's
// three joins was about a fifth of the writer's work per create. The three names are
// left empty for withNames to fill.
var appealRowColumns = rowColumns(Columns)

func rowColumns(cols string) string {
	for _, alias := range []string{"e", "l", "d"} {
		cols = strings.Replace(cols, "COALESCE("+alias+".name, '')", "''", 1)
	}
	return regexp.MustCompile(`(^|[^A-Za-z0-9_])a\.`).ReplaceAllString(cols, "$1")
}

// withNames fills the names that the list joins in, each by its key, as the joins do:
// no key or no row gives an empty name. A name whose key is the same as in was (the
// appeal before the write, or nil) is copied from it instead of looked up.
func withNames(t *db.Tx, ap, was *Appeal) (*Appeal, error) {
	var prev Appeal
	if was != nil {
		prev = *was
	}
	for _, n := range []struct {
		table     string
		id, oldID *int64
		name      *string
		oldName   string
	}{
		{"enterprises", ap.EnterpriseID, prev.EnterpriseID, &ap.EnterpriseName, prev.EnterpriseName},
		{"leaders", ap.LeaderID, prev.LeaderID, &ap.LeaderName, prev.LeaderName},
		{"departments", ap.DepartmentID, prev.DepartmentID, &ap.DepartmentName, prev.DepartmentName},
	} {
		switch {
		case n.id == nil:
			*n.name = ""
		case was != nil && n.oldID != nil && *n.oldID == *n.id:
			*n.name = n.oldName
		default:
			err := t.QueryRow("SELECT COALESCE(name, '') FROM "+n.table+" WHERE id = ?", *n.id).Scan(n.name)
			if errors.Is(err, sql.ErrNoRows) {
				*n.name = ""
			} else if err != nil {
				return nil, fmt.Errorf("db: %s name: %w", n.table, err)
			}
		}
	}
	return ap, nil
}
