package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/register"
	"strings"
	"time"
	"unicode/utf8"
)

// Ticket is a 12345 hotline ticket as the hotline platform sends it.
type Ticket struct {
	TicketNo       string `json:"ticket_no"`
	ReceivedAt     string `json:"received_at"`
	Title          string `json:"title"`
	Content        string `json:"content"`
	Category       string `json:"category"`
	CreditCode     string `json:"credit_code"`
	EnterpriseName string `json:"enterprise_name"`
	CallerName     string `json:"caller_name"`
	CallerPhone    string `json:"caller_phone"`
	DueAt          string `json:"due_at"`
}

// FileTicket files a hotline ticket as an appeal of source hotline, once: the same ticket
// number again answers the appeal it made (created false), however many times and however
// concurrently it is sent, since the check and the filing are one write. An enterprise not
// in the register but with a valid credit code is registered from the ticket and flagged
// for an administrator's review. The hotline's own deadline is kept beside ours. Only a
// service key with the hotline scope files tickets; the key's use is recorded with them.
func FileTicket(ctx context.Context, d *db.DB, a db.Actor, tk Ticket) (ap *Appeal, created bool, err error) {
	if !a.HasScope("hotline") {
		return nil, false, db.Forbidden()
	}
	in, ent, upstream, err := tk.validate(d.R(ctx), a)
	if err != nil {
		return nil, false, err
	}
	err = d.Update(ctx, func(t *db.Tx) error {
		ap, created = nil, false
		var id int64
		err := t.QueryRow("SELECT id FROM appeals WHERE source = 'hotline' AND external_ref = ?", tk.TicketNo).Scan(&id)
		switch {
		case err == nil:
			ap, err = FindOn(t, db.SystemActor, id)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("db: ticket lookup: %w", err)
		}
		err = t.QueryRow("SELECT id FROM enterprises WHERE credit_code = ?", ent.CreditCode).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if id, err = registerForReview(t, a, ent); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("db: ticket enterprise: %w", err)
		}
		in.EnterpriseID = &id
		if ap, err = FileAppeal(t, a, in); err != nil {
			return err
		}
		var up any
		if upstream != nil {
			up = upstream.Unix()
		}
		if ap, err = Scan(t.QueryRow("UPDATE appeals SET external_ref = ?, upstream_due_at = ? WHERE id = ? RETURNING "+appealRowColumns,
			tk.TicketNo, up, ap.ID)); err != nil {
			return fmt.Errorf("db: ticket reference: %w", err)
		}
		if ap, err = withNames(t, ap, nil); err != nil {
			return err
		}
		created = true
		return register.UseKey(t, a)
	})
	if err != nil {
		return nil, false, err
	}
	ap.Present(a, d.Now())
	return ap, created, nil
}

// validate checks a ticket and turns it into an appeal's input and the enterprise it
// names, reporting every mistake at once.
func (tk *Ticket) validate(q db.Queryer, a db.Actor) (Input, register.EnterpriseInput, *time.Time, error) {
	tk.TicketNo = strings.TrimSpace(tk.TicketNo)
	var v db.Violations
	if n := utf8.RuneCountInString(tk.TicketNo); n < 1 || n > 64 {
		v.Add("ticket_no", "工单编号须为 1 到 64 个字符")
	}
	var upstream *time.Time
	for _, f := range []struct {
		name, val string
		dst       **time.Time
	}{{"received_at", tk.ReceivedAt, nil}, {"due_at", tk.DueAt, &upstream}} {
		if strings.TrimSpace(f.val) == "" {
			continue
		}
		t, _, err := db.ParseTime(f.val)
		if err != nil {
			v.Add(f.name, "时间"+db.DateHint)
			continue
		}
		if f.dst != nil {
			*f.dst = &t
		}
	}
	if tk.Category == "" {
		tk.Category = "其他"
	}
	in := Input{Title: tk.Title, Content: tk.Content, Category: tk.Category, Source: SourceHotline,
		ContactName: tk.CallerName, ContactPhone: tk.CallerPhone}
	ent := register.EnterpriseInput{Name: tk.EnterpriseName, CreditCode: tk.CreditCode}
	var ev db.Violations
	ent.Validate(&ev)
	for _, f := range ev.Fields {
		switch f.Field {
		case "credit_code":
			v.Add("credit_code", "%s", f.Message)
		case "name":
			// The name is needed only to register an enterprise the register lacks.
			var n int
			if err := q.QueryRow("SELECT COUNT(*) FROM enterprises WHERE credit_code = ?", ent.CreditCode).Scan(&n); err != nil {
				return in, ent, nil, fmt.Errorf("db: ticket enterprise: %w", err)
			}
			if n == 0 {
				v.Add("enterprise_name", "该信用代码的企业尚未登记，请提供企业名称（2 到 100 个字符）以便登记")
			}
		}
	}
	// The appeal's own fields, checked as any filing's; the enterprise is resolved in the
	// write, so its absence here is no error.
	if err := in.Validate(q, a); err != nil {
		e, ok := db.AsError(err)
		if !ok {
			return in, ent, nil, err
		}
		for _, f := range e.Fields {
			if f.Field == "enterprise_id" {
				continue
			}
			field := map[string]string{"contact_name": "caller_name", "contact_phone": "caller_phone"}[f.Field]
			if field == "" {
				field = f.Field
			}
			v.Add(field, "%s", f.Message)
		}
	}
	return in, ent, upstream, v.Err()
}
