package register

import (
	"context"
	"qinqing/db"
)

// EnterpriseUpdate changes an enterprise; nil fields stay. Version, when given, must be
// the version the change was made against.
type EnterpriseUpdate struct {
	Name         *string `json:"name"`
	CreditCode   *string `json:"credit_code"`
	District     *string `json:"district"`
	Industry     *string `json:"industry"`
	Scale        *string `json:"scale"`
	Address      *string `json:"address"`
	ContactName  *string `json:"contact_name"`
	ContactPhone *string `json:"contact_phone"`
	Version      *int64  `json:"version"`
}

// UpdateEnterprise edits an enterprise (admin). The row is read and written in one write
// transaction, and only the fields that change are written.
func UpdateEnterprise(ctx context.Context, d *db.DB, a db.Actor, id int64, up EnterpriseUpdate) (*Enterprise, error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	var out *Enterprise
	err := d.Update(ctx, func(tx *db.Tx) error {
		e, err := findEnterprise(tx, a, id)
		if err != nil {
			return err
		}
		if err := checkVersion("企业信息", up.Version, e.Version); err != nil {
			return err
		}
		cur := EnterpriseInput{Name: e.Name, CreditCode: e.CreditCode, District: e.District, Industry: e.Industry,
			Scale: e.Scale, Address: e.Address, ContactName: e.ContactName, ContactPhone: e.ContactPhone}
		in := cur
		fields := []struct {
			col      string
			dst, src *string
			old      string
		}{{"name", &in.Name, up.Name, cur.Name}, {"credit_code", &in.CreditCode, up.CreditCode, cur.CreditCode},
			{"district", &in.District, up.District, cur.District}, {"industry", &in.Industry, up.Industry, cur.Industry},
			{"scale", &in.Scale, up.Scale, cur.Scale}, {"address", &in.Address, up.Address, cur.Address},
			{"contact_name", &in.ContactName, up.ContactName, cur.ContactName},
			{"contact_phone", &in.ContactPhone, up.ContactPhone, cur.ContactPhone}}
		for _, f := range fields {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		var v db.Violations
		in.Validate(&v)
		if err := v.Err(); err != nil {
			return err
		}
		var c changes
		for _, f := range fields {
			c.add(f.col, *f.dst != f.old, *f.dst, *f.dst)
		}
		if out = e; c.empty() {
			return nil
		}
		if in.CreditCode != cur.CreditCode {
			if err := duplicateCreditCode(tx, in.CreditCode, id); err != nil {
				return err
			}
		}
		if err := saveChanges(tx, "enterprises", id, e.Version, &c, true); err != nil {
			return err
		}
		if out, err = findEnterprise(tx, a, id); err != nil {
			return err
		}
		return tx.Audit(a, "enterprise.update", "enterprise", id, c.audit)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
