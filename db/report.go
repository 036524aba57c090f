package db

import (
	"context"
	"fmt"
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
func reporter(appealID int64) Actor {
	return Actor{Name: "举报人", Role: RolePublic, AppealID: appealID}
}

func (in *ReportInput) appeal(q queryer) (AppealInput, error) {
	in.Official = strings.TrimSpace(in.Official)
	if in.Anonymous {
		in.ContactName, in.ContactPhone = "", ""
	}
	out := AppealInput{Title: in.Title, Content: strings.TrimSpace(in.Content), Category: in.Category,
		Source: SourceReport, Confidential: true, ContactName: in.ContactName, ContactPhone: in.ContactPhone,
		AboutDepartmentID: in.AboutDepartmentID}
	err := out.validate(q, reporter(0))
	var v Violations
	if e, ok := AsError(err); ok && e.Code == EINVALID {
		v.fields = e.Fields
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
		if ok, err := exists(q, "departments", *in.AboutDepartmentID); err != nil {
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
func (db *DB) FileReport(ctx context.Context, k *Keys, in ReportInput, ups []Upload) (*FiledReport, error) {
	ain, err := in.appeal(db.r(ctx))
	if err != nil {
		return nil, err
	}
	if len(ups) > MaxReportFiles {
		return nil, fieldError("file", fmt.Sprintf("最多上传 %d 个文件", MaxReportFiles))
	}
	code, err := newReceipt()
	if err != nil {
		return nil, err
	}
	verifier, err := HashPassword(code)
	if err != nil {
		return nil, err
	}
	files, err := db.storeUploads(ups)
	if err != nil {
		return nil, err
	}
	var out FiledReport
	caps := db.uploadCaps()
	err = db.Update(ctx, func(tx *Tx) error {
		if err := tx.checkPublicCaps(caps, 0, false, files); err != nil {
			return err
		}
		ap, err := tx.fileAppeal(reporter(0), ain)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO report_receipts (appeal_id, bucket, verifier) VALUES (?, ?, ?)",
			ap.ID, k.receiptBucket(code), verifier); err != nil {
			return fmt.Errorf("db: receipt: %w", err)
		}
		out = FiledReport{Number: ap.Number, Receipt: code}
		return tx.insertAttachments(reporter(ap.ID), ap.ID, files)
	})
	if err != nil {
		removeStored(files)
		return nil, err
	}
	return &out, nil
}

// ReportMessage adds the reporter's information or files to their report and returns
// the report as the reporter sees it.
func (db *DB) ReportMessage(ctx context.Context, k *Keys, code, text string, ups []Upload) (*PublicReport, error) {
	text = strings.TrimSpace(text)
	if text == "" && len(ups) == 0 {
		return nil, fieldError("content", "请填写补充的情况或选择要上传的文件")
	}
	if len(ups) > MaxReportFiles {
		return nil, fieldError("file", fmt.Sprintf("最多上传 %d 个文件", MaxReportFiles))
	}
	in := ActionInput{Action: ActComment, Note: text}
	if text == "" {
		in.Action = ActAttach
	}
	return db.actByReceipt(ctx, k, code, in, ups)
}

// RateReport records the reporter's answer to the feedback: resolved, and how satisfied.
func (db *DB) RateReport(ctx context.Context, k *Keys, code string, resolved *bool, satisfaction, comment string) (*PublicReport, error) {
	return db.actByReceipt(ctx, k, code, ActionInput{Action: ActRate, Resolved: resolved, Satisfaction: satisfaction, Note: comment}, nil)
}

// actByReceipt takes one action as the reporter, on the current version of their report.
// The input is checked before the code, so a malformed request never counts as a guess.
func (db *DB) actByReceipt(ctx context.Context, k *Keys, code string, in ActionInput, ups []Upload) (*PublicReport, error) {
	tr, _ := TransitionOf(in.Action)
	if _, err := validateInput(tr, &in, db.Now()); err != nil {
		return nil, err
	}
	id, err := receiptAppeal(db.r(ctx), k, code)
	if err != nil {
		return nil, err
	}
	files, err := db.storeUploads(ups)
	if err != nil {
		return nil, err
	}
	caps := db.uploadCaps()
	err = db.Update(ctx, func(tx *Tx) error {
		a := reporter(id)
		ap, err := findAppeal(tx, a, id)
		if err != nil {
			return err
		}
		if err := tx.checkPublicCaps(caps, id, in.Action != ActRate, files); err != nil {
			return err
		}
		in.Version = ap.Version
		if _, err := tx.act(a, id, in); err != nil {
			return err
		}
		return tx.insertAttachments(reporter(id), id, files)
	})
	if err != nil {
		removeStored(files)
		return nil, err
	}
	return reportView(db.r(ctx), id, db.Now())
}
