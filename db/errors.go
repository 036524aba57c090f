package db

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// Error codes. Each maps to one HTTP status in the handlers.
const (
	EBADREQUEST   = "bad_request"  // 400: the request cannot be read
	EUNAUTHORIZED = "unauthorized" // 401
	EFORBIDDEN    = "forbidden"    // 403: the role may never do this
	ENOTFOUND     = "not_found"    // 404: absent, or outside the caller's scope
	ECONFLICT     = "conflict"     // 409: duplicate, stale version, wrong stage
	ETOOLARGE     = "too_large"    // 413
	EINVALID      = "invalid"      // 422: well-formed but unacceptable values
	ETOOMANY      = "too_many"     // 429
	EINTERNAL     = "internal"     // 500
	EUNAVAILABLE  = "unavailable"  // 503: busy now, try again shortly
)

// Error is the application's error: its Message is the only text a user ever sees.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Allowed lists the actions allowed now, on a conflict with the appeal's stage.
	Allowed []string
}

// FieldError names one bad field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an application error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an application error; other errors never reach users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "服务器内部错误，请稍后重试。"
}

// AsError returns the application error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Violations collects field errors for one validation.
type Violations struct{ Fields []FieldError }

// Add records a bad field.
func (v *Violations) Add(field, format string, args ...any) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns an EINVALID error listing the fields, or nil when there are none.
func (v *Violations) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "提交的内容有误：" + v.Fields[0].Message, Fields: v.Fields}
}

func NotFound(what string) error { return Errorf(ENOTFOUND, "%s不存在。", what) }

// Storage failures: the request was fine, but the database cannot take a write now. They
// are the one kind of internal error a user is told about, because the remedy (wait, or
// free space) is not theirs to guess.
var (
	errDiskFull = &Error{Code: EUNAVAILABLE, Message: "磁盘已满，暂时无法保存，请稍后重试；系统管理员需清理磁盘空间。"}
	errBusy     = &Error{Code: EUNAVAILABLE, Message: "数据库繁忙，暂时无法保存，请稍后重试。"}
	errReadOnly = &Error{Code: EUNAVAILABLE, Message: "数据库当前只读，暂时无法保存，请联系系统管理员。"}
)

// storageFailure names the storage failure inside err, if any: the error to show and the
// reason a health check reports. Wrapped driver errors count, and so does the driver's
// text when a caller flattened the error with %v.
func storageFailure(err error) (e *Error, reason string) {
	if err == nil {
		return nil, ""
	}
	code := sqlite3.ErrNo(0)
	var se sqlite3.Error
	if errors.As(err, &se) {
		code = se.Code
	} else {
		switch msg := err.Error(); {
		case strings.Contains(msg, "database or disk is full"):
			code = sqlite3.ErrFull
		case strings.Contains(msg, "database is locked"), strings.Contains(msg, "database table is locked"):
			code = sqlite3.ErrBusy
		case strings.Contains(msg, "attempt to write a readonly database"):
			code = sqlite3.ErrReadonly
		}
	}
	switch code {
	case sqlite3.ErrFull:
		return errDiskFull, "写入失败：磁盘已满"
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		return errBusy, "写入失败：数据库繁忙"
	case sqlite3.ErrReadonly:
		return errReadOnly, "写入失败：数据库只读"
	}
	return nil, ""
}

// StorageError returns the error a user sees when err is a storage failure (disk full,
// database locked past the busy timeout, read-only), else nil.
func StorageError(err error) *Error {
	e, _ := storageFailure(err)
	return e
}

// IsDiskFull reports whether err says the disk (or the database's size limit) is full.
func IsDiskFull(err error) bool { return storageFailureIs(err, errDiskFull) }

func storageFailureIs(err error, kind *Error) bool {
	e, _ := storageFailure(err)
	return e == kind
}

func InvalidField(field, msg string) error {
	return &Error{Code: EINVALID, Message: msg + "。", Fields: []FieldError{{field, msg}}}
}
