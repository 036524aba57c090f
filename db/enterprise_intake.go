package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
func (db *DB) CreateAppealWithEnterprise(ctx context.Context, a Actor, in AppealInput, ent EnterpriseInput, ups ...Upload) (*Appeal, error) {
	if !a.Is(RoleOffice) {
		return nil, forbidden()
	}
	if in.EnterpriseID != nil {
		return nil, fieldError("enterprise_id", "已选择登记在册的企业时，不能再新登记企业")
	}
	// Every mistake is reported at once: the enterprise's fields, then the appeal's,
	// which are checked without an enterprise (the new one does not exist yet).
	var v Violations
	ent.validate(&v)
	for i := range v.fields {
		v.fields[i].Field = NewEnterpriseField + v.fields[i].Field
	}
	if ent.District == "" {
		v.Add(NewEnterpriseField+"district", "请填写企业所在区县")
	}
	if ent.Industry == "" {
		v.Add(NewEnterpriseField+"industry", "请填写企业所属行业")
	}
	if err := in.validate(db.r(ctx), a); err != nil {
		e, ok := AsError(err)
		if !ok {
			return nil, err
		}
		for _, f := range e.Fields {
			if f.Field != "enterprise_id" {
				v.fields = append(v.fields, f)
			}
		}
	}
	if in.Source == SourceReport {
		v.Add("source", "举报件不涉及企业登记")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	files, err := db.storeUploads(ups)
	if err != nil {
		return nil, err
	}
	var out *Appeal
	err = db.Update(ctx, func(tx *Tx) error {
		if err := tx.intakeDuplicate(ent.CreditCode); err != nil {
			return err
		}
		id, err := tx.insertEnterprise(a, ent)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE enterprises SET needs_review = 1 WHERE id = ?", id); err != nil {
			return fmt.Errorf("db: flag enterprise %d: %w", id, err)
		}
		in.EnterpriseID = &id
		if out, err = tx.fileAppeal(a, in); err != nil {
			return err
		}
		if err := tx.insertAttachments(a, out.ID, files); err != nil {
			return err
		}
		return tx.Audit(a, "enterprise.intake", "enterprise", id, map[string]any{
			"appeal": out.Number, "credit_code": ent.CreditCode, "needs_review": true})
	})
	if err != nil {
		removeStored(files)
		return nil, err
	}
	out.present(a, db.Now())
	return out, nil
}

// intakeDuplicate names the enterprise already registered under the code, so the office
// can pick it instead.
func (t *Tx) intakeDuplicate(code string) error {
	var name string
	err := t.QueryRow("SELECT name FROM enterprises WHERE credit_code = ?", code).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("db: credit code check: %w", err)
	}
	msg := fmt.Sprintf("统一社会信用代码 %s 已登记为“%s”，请在“所涉企业”中搜索选择该企业，不要重复登记", code, name)
	return &Error{Code: ECONFLICT, Message: msg + "。", Fields: []FieldError{{NewEnterpriseField + "credit_code", msg}}}
}

// EnterprisesToReview lists the enterprises registered at intake that an administrator
// has not confirmed yet, the oldest first.
func (db *DB) EnterprisesToReview(ctx context.Context, a Actor) ([]Enterprise, error) {
	if !a.Is(RoleAdmin, RoleOffice) {
		return nil, forbidden()
	}
	rows, err := db.r(ctx).Query("SELECT " + enterpriseColumns + " FROM " + enterpriseFrom +
		" WHERE e.needs_review = 1 ORDER BY e.id")
	if err != nil {
		return nil, fmt.Errorf("db: enterprises to review: %w", err)
	}
	defer rows.Close()
	var out []Enterprise
	for rows.Next() {
		e, err := scanEnterprise(rows)
		if err != nil {
			return nil, fmt.Errorf("db: enterprises to review: %w", err)
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// EnterpriseNeedsReview reports whether an enterprise waits for an administrator's check.
func (db *DB) EnterpriseNeedsReview(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := db.r(ctx).QueryRow("SELECT needs_review FROM enterprises WHERE id = ?", id).Scan(&n); err != nil &&
		!errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("db: enterprise %d review: %w", id, err)
	}
	return n == 1, nil
}

// ConfirmEnterprise clears the review flag (admin), after the administrator checked the
// enterprise and corrected it if need be. Confirming twice is refused, so the audit chain
// holds one confirmation per enterprise.
func (db *DB) ConfirmEnterprise(ctx context.Context, a Actor, id int64) (*Enterprise, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	err := db.Update(ctx, func(tx *Tx) error {
		var n int
		err := tx.QueryRow("SELECT needs_review FROM enterprises WHERE id = ?", id).Scan(&n)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("企业")
		case err != nil:
			return fmt.Errorf("db: confirm enterprise %d: %w", id, err)
		case n == 0:
			return Errorf(ECONFLICT, "该企业不在待审核之列，无需确认。")
		}
		if _, err := tx.Exec("UPDATE enterprises SET needs_review = 0, updated_at = ? WHERE id = ?", tx.Now.Unix(), id); err != nil {
			return fmt.Errorf("db: confirm enterprise %d: %w", id, err)
		}
		return tx.Audit(a, "enterprise.review", "enterprise", id, map[string]any{"needs_review": false})
	})
	if err != nil {
		return nil, err
	}
	return db.FindEnterprise(ctx, a, id)
}
