package sheet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/register"
	"strings"
)

// ImportResult is what an import did. Rows that match what is stored already count as
// unchanged, so importing the same file twice changes nothing.
type ImportResult struct {
	Kind           string `json:"kind"`
	Rows           int    `json:"rows"`
	Created        int    `json:"created"`
	Updated        int    `json:"updated"`
	Unchanged      int    `json:"unchanged"`
	LeadersCreated int    `json:"leaders_created"`
}

// ImportKinds are the ledgers that can be imported.
var ImportKinds = []string{"enterprises", "liaisons"}

// Import brings a ledger file into the database (admin): the whole file in one
// transaction, or nothing. Every bad row is listed by its row number and reason.
func Import(ctx context.Context, d *db.DB, a db.Actor, kind string, s *Sheet) (*ImportResult, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	if len(s.Rows) == 0 {
		return nil, sheetError("文件中只有表头，没有数据行")
	}
	switch kind {
	case "enterprises":
		return importEnterprises(ctx, d, a, s)
	case "liaisons":
		return importLiaisons(ctx, d, a, s)
	}
	return nil, db.Errorf(db.ENOTFOUND, "没有名为“%s”的导入类型（可导入 enterprises、liaisons）。", kind)
}

// rowErrors collects the reasons a file is refused, row by row.
type rowErrors struct {
	fields []db.FieldError
	rows   map[int]bool
}

func (r *rowErrors) add(row int, field, format string, args ...any) {
	if r.rows == nil {
		r.rows = map[int]bool{}
	}
	r.rows[row] = true
	r.fields = append(r.fields, db.FieldError{Field: fmt.Sprintf("rows[%d].%s", row, field), Message: fmt.Sprintf("第 %d 行：", row) + fmt.Sprintf(format, args...)})
}

func (r *rowErrors) err() error {
	if len(r.fields) == 0 {
		return nil
	}
	return &db.Error{Code: db.EINVALID, Fields: r.fields,
		Message: fmt.Sprintf("共 %d 行有误，未导入任何数据。%s", len(r.rows), r.fields[0].Message)}
}

// columnsOf finds each known column in the header by its Chinese name or its key; other
// columns are ignored. Missing required columns refuse the file.
func columnsOf(header []string, cols []column, required ...string) (map[string]int, error) {
	at := map[string]int{}
	for i, h := range header {
		h = strings.NewReplacer("*", "", "＊", "", " ", "", "\u3000", "").Replace(strings.TrimSpace(h))
		for _, c := range cols {
			if c.Key == "" || !(h == c.Header || strings.EqualFold(h, c.Key)) {
				continue
			}
			if _, dup := at[c.Key]; dup {
				return nil, sheetError("表头中“%s”列出现了两次", c.Header)
			}
			at[c.Key] = i
		}
	}
	for _, key := range required {
		if _, ok := at[key]; !ok {
			return nil, sheetError("缺少“%s”列（第一行须为表头）", headerOf(cols, key))
		}
	}
	return at, nil
}

func headerOf(cols []column, key string) string {
	for _, c := range cols {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

// get reads a column by key, "" when the file has no such column.
func get(r Row, at map[string]int, key string) string {
	i, ok := at[key]
	if !ok {
		return ""
	}
	return r.Cell(i)
}

func importEnterprises(ctx context.Context, d *db.DB, a db.Actor, s *Sheet) (*ImportResult, error) {
	at, err := columnsOf(s.Header, enterpriseColumnsX, "name", "credit_code")
	if err != nil {
		return nil, err
	}
	var errs rowErrors
	seen := map[string]int{}
	inputs := make([]register.EnterpriseInput, len(s.Rows))
	for i, r := range s.Rows {
		in := register.EnterpriseInput{Name: get(r, at, "name"), CreditCode: get(r, at, "credit_code"), District: get(r, at, "district"),
			Industry: get(r, at, "industry"), Scale: get(r, at, "scale"), Address: get(r, at, "address"),
			ContactName: get(r, at, "contact_name"), ContactPhone: get(r, at, "contact_phone")}
		var v db.Violations
		in.Validate(&v)
		for _, f := range v.Fields {
			msg, header := f.Message, headerOf(enterpriseColumnsX, f.Field)
			if !strings.HasPrefix(msg, header) {
				msg = header + "：" + msg
			}
			errs.add(r.Number, f.Field, "%s", msg)
		}
		if first, dup := seen[in.CreditCode]; dup && in.CreditCode != "" {
			errs.add(r.Number, "credit_code", "统一社会信用代码 %s 与第 %d 行重复", in.CreditCode, first)
		} else {
			seen[in.CreditCode] = r.Number
		}
		inputs[i] = in
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	res := &ImportResult{Kind: "enterprises", Rows: len(inputs)}
	err = d.Update(ctx, func(tx *db.Tx) error {
		for _, in := range inputs {
			if err := upsertEnterprise(tx, a, in, at, res); err != nil {
				return err
			}
		}
		return tx.Audit(a, "import.enterprises", "import", 0, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// upsertEnterprise adds an enterprise, or brings the stored one with the same credit
// code up to date. Columns the file does not have keep their stored values.
func upsertEnterprise(t *db.Tx, a db.Actor, in register.EnterpriseInput, at map[string]int, res *ImportResult) error {
	var id int64
	var cur register.EnterpriseInput
	err := t.QueryRow(`SELECT id, name, credit_code, district, industry, scale, address, contact_name, contact_phone
		FROM enterprises WHERE credit_code = ?`, in.CreditCode).Scan(&id, &cur.Name, &cur.CreditCode, &cur.District,
		&cur.Industry, &cur.Scale, &cur.Address, &cur.ContactName, &cur.ContactPhone)
	if errors.Is(err, sql.ErrNoRows) {
		res.Created++
		_, err := register.InsertEnterprise(t, a, in)
		return err
	}
	if err != nil {
		return fmt.Errorf("db: import enterprise %s: %w", in.CreditCode, err)
	}
	for _, f := range []struct {
		key      string
		dst, src *string
	}{{"district", &in.District, &cur.District}, {"industry", &in.Industry, &cur.Industry}, {"scale", &in.Scale, &cur.Scale},
		{"address", &in.Address, &cur.Address}, {"contact_name", &in.ContactName, &cur.ContactName},
		{"contact_phone", &in.ContactPhone, &cur.ContactPhone}} {
		if _, ok := at[f.key]; !ok {
			*f.dst = *f.src
		}
	}
	if in == cur {
		res.Unchanged++
		return nil
	}
	res.Updated++
	if _, err := t.Exec(`UPDATE enterprises SET name = ?, district = ?, industry = ?, scale = ?, address = ?,
		contact_name = ?, contact_phone = ?, updated_at = ?, version = version + 1 WHERE id = ?`, in.Name, in.District, in.Industry, in.Scale,
		in.Address, in.ContactName, in.ContactPhone, t.Now.Unix(), id); err != nil {
		return fmt.Errorf("db: import enterprise %d: %w", id, err)
	}
	return t.Audit(a, "enterprise.update", "enterprise", id, map[string]any{"import": true, "before": cur, "after": in})
}
