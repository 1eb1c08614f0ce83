package adminqueries

import (
	"errors"
	"net/http"

	"userpool/internal/userpool"
)

// httpError is an answer decided by this layer (not the domain): the
// template's own 400s, the gateway's 401, the group check's 403, unknown
// routes, methods, bodies. kind is what the audit log records.
type httpError struct {
	status int
	msg    string
	kind   userpool.Kind
	denied bool // the group check refused the caller (audit outcome "denied")
}

func (e *httpError) Error() string { return e.msg }

// badRequest is a 400 that the template itself answers (missing parameters,
// the signUserOut rule): 400 in every mode.
func badRequest(msg string) *httpError {
	return &httpError{status: http.StatusBadRequest, msg: msg, kind: userpool.KindInvalidParameter}
}

// invalidParam is what Cognito would answer for a bad member
// (InvalidParameterException): it follows the mode's status for user-pool
// errors, like the domain's errors.
func invalidParam(msg string) error {
	return userpool.Errorf(userpool.KindInvalidParameter, "%s", msg)
}

const (
	msgUnauthorized = "Unauthorized"
	msgNoPermission = "User does not have permissions to perform administrative tasks"
	msgOnlySelf     = "only the user can sign themselves out"
	msgInternal     = "Internal server error."
)

// statusFor is the HTTP status of a domain error.
//
// template: every user-pool error is 500, as the current template answers
// (SDK v3 exceptions carry no statusCode, so its error handler defaults
// to 500).
//
// strict: 404 for an unknown user, group or device; 429 for throttling;
// 500 for internal errors; 400 for every other client error (Cognito
// answers them all with 400).
func statusFor(kind userpool.Kind, compat string) int {
	if kind == userpool.KindInternal {
		return http.StatusInternalServerError
	}
	if compat == CompatTemplate {
		return http.StatusInternalServerError
	}
	switch kind {
	case userpool.KindUserNotFound, userpool.KindResourceNotFound:
		return http.StatusNotFound
	case userpool.KindTooManyRequests:
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}

// describe turns any error into (status, client message, kind).
func describe(err error, compat string) (int, string, userpool.Kind) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, he.msg, he.kind
	}
	de := userpool.AsError(err)
	if de.Kind == userpool.KindInternal {
		return http.StatusInternalServerError, msgInternal, de.Kind
	}
	return statusFor(de.Kind, compat), de.Message, de.Kind
}
