package userpool

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error. The values are Cognito's exception names, so
// the Cognito face can use them as the wire __type directly; other faces (Admin
// Queries) map them to their own statuses.
type Kind string

// Kinds used by the domain. Keep in sync with the wire tables in
// cognitoidp and adminqueries.
const (
	KindInternal                 Kind = "InternalErrorException"
	KindInvalidParameter         Kind = "InvalidParameterException"
	KindResourceNotFound         Kind = "ResourceNotFoundException"
	KindUserNotFound             Kind = "UserNotFoundException"
	KindUsernameExists           Kind = "UsernameExistsException"
	KindGroupExists              Kind = "GroupExistsException"
	KindAliasExists              Kind = "AliasExistsException"
	KindLimitExceeded            Kind = "LimitExceededException"
	KindNotAuthorized            Kind = "NotAuthorizedException"
	KindInvalidPassword          Kind = "InvalidPasswordException"
	KindUserNotConfirmed         Kind = "UserNotConfirmedException"
	KindPasswordResetRequired    Kind = "PasswordResetRequiredException"
	KindCodeMismatch             Kind = "CodeMismatchException"
	KindExpiredCode              Kind = "ExpiredCodeException"
	KindTooManyFailedAttempts    Kind = "TooManyFailedAttemptsException"
	KindTooManyRequests          Kind = "TooManyRequestsException"
	KindUnsupportedUserState     Kind = "UnsupportedUserStateException"
	KindUnsupportedOperation     Kind = "UnsupportedOperationException"
	KindUnsupportedTokenType     Kind = "UnsupportedTokenTypeException"
	KindInvalidUserPoolConfig    Kind = "InvalidUserPoolConfigurationException"
	KindSoftwareTokenMFANotFound Kind = "SoftwareTokenMFANotFoundException"
	KindEnableSoftwareTokenMFA   Kind = "EnableSoftwareTokenMFAException"
	KindMFAMethodNotFound        Kind = "MFAMethodNotFoundException"
	KindCodeDeliveryFailure      Kind = "CodeDeliveryFailureException"
	KindConcurrentModification   Kind = "ConcurrentModificationException"
	KindAccessDenied             Kind = "AccessDeniedException"
	KindUnauthorized             Kind = "UnauthorizedException"
	KindForbidden                Kind = "ForbiddenException"
	KindInvalidOAuthFlow         Kind = "InvalidOAuthFlowException"
	KindScopeDoesNotExist        Kind = "ScopeDoesNotExistException"
	KindPreconditionNotMet       Kind = "PreconditionNotMetException"
	KindInvalidSmsRoleAccessPol  Kind = "InvalidSmsRoleAccessPolicyException"
	KindPasswordHistoryViolation Kind = "PasswordHistoryPolicyViolationException"
)

// Error is a domain error: a Kind, a client-safe Message, and an optional
// wrapped cause that is logged but never sent to clients.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a client-facing error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected error. Clients only ever see a generic message.
func Internal(err error) *Error {
	return &Error{Kind: KindInternal, Message: "Internal server error.", Err: err}
}

// KindOf returns the Kind of err: the Kind of the first *Error in its chain,
// or KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns err as a *Error, wrapping anything unexpected as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// storeCase pairs a store sentinel error with the domain error an operation
// answers for it (see storeError).
type storeCase struct {
	sentinel error
	answer   func() *Error
}

// on is the storeCase answering answer() when the store reports sentinel.
func on(sentinel error, answer func() *Error) storeCase {
	return storeCase{sentinel: sentinel, answer: answer}
}

// storeError is the one mapping of a store error to a domain error: nil
// stays nil, the first case whose sentinel err matches gives that case's
// answer, and anything else is an internal error (logged by the face, never
// shown).
func storeError(err error, cases ...storeCase) error {
	if err == nil {
		return nil
	}
	for _, c := range cases {
		if errors.Is(err, c.sentinel) {
			return c.answer()
		}
	}
	return Internal(err)
}
