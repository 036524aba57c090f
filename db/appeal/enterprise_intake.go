package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/register"
)

// A 12345 call often comes from a firm that is not in the register yet. The office may
// register it while filing the call, so the caller is not sent away; an administrator
// checks such an enterprise afterwards (needs_review, migration 010).

// NewEnterpriseField prefixes the field errors of an enterprise registered at intake,
// so the form and the API can tell them from the appeal's own fields.
const NewEnterpriseField = "enterprise."

// CreateAppealWithEnterprise registers a new enterprise and files the appeal about it in
// one transaction (office only): both are written, with their audit rows, or neither.
// The enterprise is flagged for an administrator's review.
func CreateWithEnterprise(ctx context.Context, d *db.DB, a db.Actor, in Input, ent register.EnterpriseInput, ups ...Upload) (*Appeal, error) {
	if !a.Is(db.RoleOffice) {
		return nil, db.Forbidden()
	}
	if in.EnterpriseID != nil {
		return nil, db.InvalidField("enterprise_id", "已选择登记在册的企业时，不能再新登记企业")
	}
	// Every mistake is reported at once: the enterprise's fields, then the appeal's,
	// which are checked without an enterprise (the new one does not exist yet).
	var v db.Violations
	ent.Validate(&v)
	for i := range v.Fields {
		v.Fields[i].Field = NewEnterpriseField + v.Fields[i].Field
	}
	if ent.District == "" {
		v.Add(NewEnterpriseField+"district", "请填写企业所在区县")
	}
	if ent.Industry == "" {
		v.Add(NewEnterpriseField+"industry", "请填写企业所属行业")
	}
	if err := in.Validate(d.R(ctx), a); err != nil {
		e, ok := db.AsError(err)
		if !ok {
			return nil, err
		}
		for _, f := range e.Fields {
			if f.Field != "enterprise_id" {
				v.Fields = append(v.Fields, f)
			}
		}
	}
	if in.Source == SourceReport {
		v.Add("source", "举报件不涉及企业登记")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	files, err := StoreUploads(d, ups)
	if err != nil {
		return nil, err
	}
	var out *Appeal
	err = d.Update(ctx, func(tx *db.Tx) error {
		if err := intakeDuplicate(tx, ent.CreditCode); err != nil {
			return err
		}
		id, err := registerForReview(tx, a, ent)
		if err != nil {
			return err
		}
		in.EnterpriseID = &id
		if out, err = FileAppeal(tx, a, in); err != nil {
			return err
		}
		if err := InsertAttachments(tx, a, out.ID, files); err != nil {
			return err
		}
		return tx.Audit(a, "enterprise.intake", "enterprise", id, map[string]any{
			"appeal": out.Number, "credit_code": ent.CreditCode, "needs_review": true})
	})
	if err != nil {
		RemoveStored(files)
		return nil, err
	}
	out.Present(a, d.Now())
	return out, nil
}

// registerForReview registers an enterprise met at intake, flagged for an administrator
// to check.
func registerForReview(t *db.Tx, a db.Actor, ent register.EnterpriseInput) (int64, error) {
	id, err := register.InsertEnterprise(t, a, ent)
	if err != nil {
		return 0, err
	}
	if _, err := t.Exec("UPDATE enterprises SET needs_review = TRUE WHERE id = ?", id); err != nil {
		return 0, fmt.Errorf("db: flag enterprise %d: %w", id, err)
	}
	return id, nil
}

// intakeDuplicate names the enterprise already registered under the code, so the office
// can pick it instead.
func intakeDuplicate(t *db.Tx, code string) error {
	var name string
	err := t.QueryRow("SELECT name FROM enterprises WHERE credit_code = ?", code).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("db: credit code check: %w", err)
	}
	msg := fmt.Sprintf("统一社会信用代码 %s 已登记为“%s”，请在“所涉企业”中搜索选择该企业，不要重复登记", code, name)
	return &db.Error{Code: db.ECONFLICT, Message: msg + "。", Fields: []db.FieldError{{Field: NewEnterpriseField + "credit_code", Message: msg}}}
}

// EnterprisesToReview lists the enterprises registered at intake that an administrator
// has not confirmed yet, the oldest first.
func EnterprisesToReview(ctx context.Context, d *db.DB, a db.Actor) ([]register.Enterprise, error) {
	if !a.Is(db.RoleAdmin, db.RoleOffice) {
		return nil, db.Forbidden()
	}
	rows, err := d.R(ctx).Query("SELECT " + register.EnterpriseColumns + " FROM " + register.EnterpriseFrom +
		" WHERE e.needs_review ORDER BY e.id")
	if err != nil {
		return nil, fmt.Errorf("db: enterprises to review: %w", err)
	}
	defer rows.Close()
	var out []register.Enterprise
	for rows.Next() {
		e, err := register.ScanEnterprise(rows)
		if err != nil {
			return nil, fmt.Errorf("db: enterprises to review: %w", err)
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// EnterpriseNeedsReview reports whether an enterprise waits for an administrator's check.
func EnterpriseNeedsReview(ctx context.Context, d *db.DB, id int64) (bool, error) {
	var review bool
	if err := d.R(ctx).QueryRow("SELECT needs_review FROM enterprises WHERE id = ?", id).Scan(&review); err != nil &&
		!errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("db: enterprise %d review: %w", id, err)
	}
	return review, nil
}

// ConfirmEnterprise clears the review flag (admin), after the administrator checked the
// enterprise and corrected it if need be. Confirming twice is refused, so the audit chain
// holds one confirmation per enterprise.
func ConfirmEnterprise(ctx context.Context, d *db.DB, a db.Actor, id int64) (*register.Enterprise, error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	err := d.Update(ctx, func(tx *db.Tx) error {
		var review bool
		err := tx.QueryRow("SELECT needs_review FROM enterprises WHERE id = ?", id).Scan(&review)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return db.NotFound("企业")
		case err != nil:
			return fmt.Errorf("db: confirm enterprise %d: %w", id, err)
		case !review:
			return db.Errorf(db.ECONFLICT, "该企业不在待审核之列，无需确认。")
		}
		if _, err := tx.Exec("UPDATE enterprises SET needs_review = FALSE, updated_at = ? WHERE id = ?", tx.Now.Unix(), id); err != nil {
			return fmt.Errorf("db: confirm enterprise %d: %w", id, err)
		}
		return tx.Audit(a, "enterprise.review", "enterprise", id, map[string]any{"needs_review": false})
	})
	if err != nil {
		return nil, err
	}
	return register.FindEnterprise(ctx, d, a, id)
}
