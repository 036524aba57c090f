package oversight

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"strings"
	"unicode/utf8"
)

// ReportInput is a report (举报) from anyone, without an account (contract §7).
type ReportInput struct {
	Category          string `json:"category"`
	Title             string `json:"title"`
	Content           string `json:"content"`
	AboutDepartmentID *int64 `json:"about_department_id"`
	// Official optionally names the official concerned (name, post).
	Official string `json:"official"`
	// Anonymous drops any contact given: an anonymous report keeps no name and no phone.
	Anonymous    bool   `json:"anonymous"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

// FiledReport is what the reporter is shown, once: the number and the receipt code.
type FiledReport struct {
	Number  string `json:"number"`
	Receipt string `json:"receipt"`
}

// MaxReportFiles bounds the evidence files of one report or message.
const MaxReportFiles = 5

// reporter is the actor of everything the public does: no account, no name.
func Reporter(appealID int64) db.Actor {
	return db.Actor{Name: "举报人", Role: db.RolePublic, AppealID: appealID}
}

func (in *ReportInput) appeal(q db.Queryer) (appeal.Input, error) {
	in.Official = strings.TrimSpace(in.Official)
	if in.Anonymous {
		in.ContactName, in.ContactPhone = "", ""
	}
	out := appeal.Input{Title: in.Title, Content: strings.TrimSpace(in.Content), Category: in.Category,
		Source: appeal.SourceReport, Confidential: true, ContactName: in.ContactName, ContactPhone: in.ContactPhone,
		AboutDepartmentID: in.AboutDepartmentID}
	err := out.Validate(q, Reporter(0))
	var v db.Violations
	if e, ok := db.AsError(err); ok && e.Code == db.EINVALID {
		v.Fields = e.Fields
	} else if err != nil {
		return out, err
	}
	if utf8.RuneCountInString(in.Official) > 50 {
		v.Add("official", "被反映人员最多 50 个字符")
	}
	if !in.Anonymous {
		if utf8.RuneCountInString(out.ContactName) < 2 {
			v.Add("contact_name", "实名举报请填写姓名；不愿留名请选择匿名")
		}
		if out.ContactPhone == "" {
			v.Add("contact_phone", "实名举报请填写联系电话")
		}
	}
	if in.AboutDepartmentID != nil {
		if ok, err := db.Exists(q, "departments", *in.AboutDepartmentID); err != nil {
			return out, err
		} else if !ok {
			v.Add("about_department_id", "被举报单位不存在")
		}
	}
	if in.Official != "" && v.Err() == nil {
		out.Content = "【被反映人员】" + in.Official + "\n" + out.Content
	}
	return out, v.Err()
}

// FileReport files a report from the public with its evidence files. Nothing about the
// sender is kept beyond what they typed: no address, no browser, no cookie.
func FileReport(ctx context.Context, d *db.DB, k *db.Keys, in ReportInput, ups []appeal.Upload) (*FiledReport, error) {
	ain, err := in.appeal(d.R(ctx))
	if err != nil {
		return nil, err
	}
	if len(ups) > MaxReportFiles {
		return nil, db.InvalidField("file", fmt.Sprintf("最多上传 %d 个文件", MaxReportFiles))
	}
	code, err := NewReceipt()
	if err != nil {
		return nil, err
	}
	verifier, err := register.HashPassword(code)
	if err != nil {
		return nil, err
	}
	files, err := appeal.StoreUploads(d, ups)
	if err != nil {
		return nil, err
	}
	var out FiledReport
	caps := d.UploadCaps()
	err = d.Update(ctx, func(tx *db.Tx) error {
		if err := checkPublicCaps(tx, caps, 0, false, files); err != nil {
			return err
		}
		ap, err := appeal.FileAppeal(tx, Reporter(0), ain)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO report_receipts (appeal_id, bucket, verifier) VALUES (?, ?, ?)",
			ap.ID, ReceiptBucket(k, code), verifier); err != nil {
			return fmt.Errorf("db: receipt: %w", err)
		}
		out = FiledReport{Number: ap.Number, Receipt: code}
		return appeal.InsertAttachments(tx, Reporter(ap.ID), ap.ID, files)
	})
	if err != nil {
		appeal.RemoveStored(files)
		return nil, err
	}
	return &out, nil
}

// ReportMessage adds the reporter's information or files to their report and returns
// the report as the reporter sees it.
func ReportMessage(ctx context.Context, d *db.DB, k *db.Keys, code, text string, ups []appeal.Upload) (*PublicReport, error) {
	text = strings.TrimSpace(text)
	if text == "" && len(ups) == 0 {
		return nil, db.InvalidField("content", "请填写补充的情况或选择要上传的文件")
	}
	if len(ups) > MaxReportFiles {
		return nil, db.InvalidField("file", fmt.Sprintf("最多上传 %d 个文件", MaxReportFiles))
	}
	in := appeal.ActionInput{Action: appeal.ActComment, Note: text}
	if text == "" {
		in.Action = appeal.ActAttach
	}
	return actByReceipt(ctx, d, k, code, in, ups)
}

// RateReport records the reporter's answer to the feedback: resolved, and how satisfied.
func RateReport(ctx context.Context, d *db.DB, k *db.Keys, code string, resolved *bool, satisfaction, comment string) (*PublicReport, error) {
	return actByReceipt(ctx, d, k, code, appeal.ActionInput{Action: appeal.ActRate, Resolved: resolved, Satisfaction: satisfaction, Note: comment}, nil)
}

// actByReceipt takes one action as the reporter, on the current version of their report.
// The input is checked before the code, so a malformed request never counts as a guess.
func actByReceipt(ctx context.Context, d *db.DB, k *db.Keys, code string, in appeal.ActionInput, ups []appeal.Upload) (*PublicReport, error) {
	tr, _ := appeal.TransitionOf(in.Action)
	if _, err := appeal.ValidateInput(tr, &in, d.Now()); err != nil {
		return nil, err
	}
	id, err := ReceiptAppeal(d.R(ctx), k, code)
	if err != nil {
		return nil, err
	}
	files, err := appeal.StoreUploads(d, ups)
	if err != nil {
		return nil, err
	}
	caps := d.UploadCaps()
	err = d.Update(ctx, func(tx *db.Tx) error {
		a := Reporter(id)
		ap, err := appeal.FindOn(tx, a, id)
		if err != nil {
			return err
		}
		if err := checkPublicCaps(tx, caps, id, in.Action != appeal.ActRate, files); err != nil {
			return err
		}
		in.Version = ap.Version
		if _, err := appeal.ActTx(tx, a, id, in); err != nil {
			return err
		}
		return appeal.InsertAttachments(tx, Reporter(id), id, files)
	})
	if err != nil {
		appeal.RemoveStored(files)
		return nil, err
	}
	return reportView(d.R(ctx), id, d.Now())
}
