package model

import (
	"errors"
	"fmt"
)

// Kind classifies an Error so that the web and API layers can choose a status code
// without knowing which use case produced it.
type Kind string

const (
	KindInvalid         Kind = "invalid"           // bad input: 422
	KindNotFound        Kind = "not_found"         // 404
	KindForbidden       Kind = "forbidden"         // 403
	KindUnauthenticated Kind = "unauthenticated"   // 401
	KindConflict        Kind = "conflict"          // 409: someone else changed it first, or it already exists
	KindTooMany         Kind = "too_many_requests" // 429: throttled
	KindClosed          Kind = "window_closed"     // 403: outside the window a rule sets
)

// Error is a refusal a person can act on: what kind it is, which SPEC rule (if any)
// refused it, a Chinese message, and what would satisfy the rule (R-ELG-10).
type Error struct {
	Kind    Kind
	Rule    string // SPEC id such as "R-APP-01"; empty when no numbered rule applies
	Field   string // form field or item the refusal concerns, if any
	Message string // Chinese, shown to the user as is
	Fix     string // Chinese: what would satisfy the rule
}

func (e *Error) Error() string {
	s := e.Message
	if e.Rule != "" {
		s = "[" + e.Rule + "] " + s
	}
	if e.Fix != "" {
		s += "（" + e.Fix + "）"
	}
	return s
}

// Errorf builds an Error of the given kind with a formatted Chinese message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid is shorthand for a field-level validation refusal.
func Invalid(field, message, fix string) *Error {
	return &Error{Kind: KindInvalid, Field: field, Message: message, Fix: fix}
}

// ErrNotFound is returned (wrapped) by stores when a row does not exist; never (nil, nil).
var ErrNotFound = &Error{Kind: KindNotFound, Message: "记录不存在"}

// ErrForbidden is the refusal for an action the role table does not allow (R-ORG-02).
var ErrForbidden = &Error{Kind: KindForbidden, Message: "无权进行此操作"}

// ErrConflict is returned when an optimistic-concurrency check fails.
var ErrConflict = &Error{Kind: KindConflict, Message: "该记录已被他人修改，请刷新后重试"}

// AsError finds the first *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf returns the Kind of err, or "" when err carries none (an internal failure).
func KindOf(err error) Kind {
	if e, ok := AsError(err); ok {
		return e.Kind
	}
	return ""
}

// Errors is a list of refusals reported together (R-ELG-10: all failures at once).
type Errors []*Error

func (es Errors) Error() string {
	if len(es) == 0 {
		return "无错误"
	}
	s := es[0].Error()
	if len(es) > 1 {
		s += fmt.Sprintf(" 等 %d 项", len(es))
	}
	return s
}

// Err returns nil for an empty list so callers can write `return errs.Err()`.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
