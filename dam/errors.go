package dam

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error so that callers (and the HTTP layer) can react
// without parsing messages. The list is append-only: values never change.
type Kind int

// The kinds of error, in the order they were added.
const (
	Other              Kind = iota // unclassified
	Invalid                        // the input is malformed or out of range
	NotFound                       // no such thing, or the actor may not know it exists
	AlreadyExists                  // a unique name or id is taken
	PermissionDenied               // the actor may not do this
	NeedsRequest                   // protected: the actor may ask for it
	Unauthenticated                // no or bad credentials
	FailedPrecondition             // the state does not allow it (conflict, last version)
	Gone                           // existed once, no longer valid (expired share, asset)
	TooLarge                       // over a size limit
	ResourceExhausted              // rate or quota
	Canceled                       // the caller gave up
	Internal                       // a bug or a broken dependency
	Conflict                       // a concurrent change won (e.g. a request already decided)
	LicenceRequired                // a licence must be accepted before the download (a *LicenceError says which)
)

var kindNames = [...]string{
	Other:              "other",
	Invalid:            "invalid",
	NotFound:           "not_found",
	AlreadyExists:      "already_exists",
	PermissionDenied:   "permission_denied",
	NeedsRequest:       "needs_request",
	Unauthenticated:    "unauthenticated",
	FailedPrecondition: "failed_precondition",
	Gone:               "gone",
	TooLarge:           "too_large",
	ResourceExhausted:  "resource_exhausted",
	Canceled:           "canceled",
	Internal:           "internal",
	Conflict:           "conflict",
	LicenceRequired:    "licence_required",
}

// String returns the stable snake_case code of the kind, as used in JSON errors.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "other"
}

// Error is the error type of every dam operation.
type Error struct {
	Op   string // the operation, e.g. "dam.Upload"
	Kind Kind
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Op + ": " + e.Kind.String()
	}
	if e.Op == "" {
		return e.Err.Error()
	}
	return e.Op + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an *Error. msg is formatted with args when args are given.
func E(op string, kind Kind, msg string, args ...any) error {
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	return &Error{Op: op, Kind: kind, Err: errors.New(msg)}
}

// wrap attaches op and kind to err, keeping an inner kind when err already has one.
func wrap(op string, kind Kind, err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) && de.Kind != Other {
		return &Error{Op: op, Kind: de.Kind, Err: err}
	}
	return &Error{Op: op, Kind: kind, Err: err}
}

// KindOf returns the kind of the first *Error in err's chain that has one.
// Context cancellation is Canceled; anything else unclassified is Internal.
func KindOf(err error) Kind {
	if err == nil {
		return Other
	}
	var de *Error
	for e := err; errors.As(e, &de); e = de.Err {
		if de.Kind != Other {
			return de.Kind
		}
		if de.Err == nil {
			break
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Canceled
	}
	return Internal
}

// ErrorMessage returns the user-facing message of err without the op chain.
func ErrorMessage(err error) string {
	var de *Error
	if errors.As(err, &de) && de.Err != nil {
		var inner *Error
		if errors.As(de.Err, &inner) {
			return ErrorMessage(de.Err)
		}
		return de.Err.Error()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// RetryError is the cause of a ResourceExhausted refusal that knows when
// trying again may succeed: when a download slot is expected to free, or a
// rate limit to refill. The HTTP layer sends it as Retry-After.
type RetryError struct {
	After time.Duration
	Msg   string
}

func (e *RetryError) Error() string { return e.Msg }

// RetryAfter returns how long a refused call should wait before trying
// again, from the RetryError in err's chain; zero when nothing says.
func RetryAfter(err error) time.Duration {
	var re *RetryError
	if errors.As(err, &re) {
		return re.After
	}
	return 0
}

// exhausted builds a ResourceExhausted error that says when to come back.
func exhausted(op string, after time.Duration, msg string, args ...any) error {
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	return &Error{Op: op, Kind: ResourceExhausted, Err: &RetryError{After: after, Msg: msg}}
}
