package register

import (
	"fmt"
	"qinqing/db"
	"strings"
)

// changes collects what an edit of a register row really changes: the columns to write,
// in the order they were compared, and what the audit event records about them. Only
// these columns are written, so an edit never puts back a value another one changed.
type changes struct {
	cols  []string
	args  []any
	extra []string
	audit map[string]any
}

// add records col = val when changed; logged is what the audit event shows for it
// (a password is recorded as "reset", never as its hash).
func (c *changes) add(col string, changed bool, val, logged any) {
	if !changed {
		return
	}
	if c.audit == nil {
		c.audit = map[string]any{}
	}
	c.cols = append(c.cols, col+" = ?")
	c.args = append(c.args, val)
	c.audit[col] = logged
}

// also adds a clause computed from the row itself, such as bumping a counter; it is
// written only together with a real change.
func (c *changes) also(clause string) { c.extra = append(c.extra, clause) }

func (c *changes) empty() bool { return len(c.cols) == 0 }

// checkVersion refuses an edit made against an older version of the row. A nil want
// means the client did not say which version it read; the edit then applies to the row
// as it is now, column by column.
func checkVersion(what string, want *int64, have int64) error {
	if want == nil || *want == have {
		return nil
	}
	return &db.Error{Code: db.ECONFLICT, Message: what + "已被他人修改，本次修改未保存，请刷新后重试。",
		Fields: []db.FieldError{{Field: "version", Message: fmt.Sprintf("当前版本为 %d，您提交的是 %d", have, *want)}}}
}

// saveChanges writes the changed columns of one row and bumps its version. The row was
// read in this same transaction, so the version still matches; the check in the WHERE
// clause keeps that true even if a caller forgets to read it here.
func saveChanges(t *db.Tx, table string, id, version int64, c *changes, stamp bool) error {
	set := append(append([]string{}, c.cols...), c.extra...)
	set = append(set, "version = version + 1")
	args := append([]any{}, c.args...)
	if stamp {
		set = append(set, "updated_at = ?")
		args = append(args, t.Now.Unix())
	}
	args = append(args, id, version)
	res, err := t.Exec("UPDATE "+table+" SET "+strings.Join(set, ", ")+" WHERE id = ? AND version = ?", args...)
	if err != nil {
		return fmt.Errorf("db: update %s %d: %w", table, id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return db.Errorf(db.ECONFLICT, "记录已被他人修改，请刷新后重试。")
	}
	return nil
}
