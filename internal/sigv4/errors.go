package sigv4

import (
	"errors"
	"net/http"
	"strings"
)

// Error codes, as AWS's JSON services put them in "__type".
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeInvalidSignature           = "InvalidSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
)

// Messages whose wording is fixed (see doc.go for which are observed and
// which are inferred).
const (
	msgMissingToken      = "Missing Authentication Token"
	msgUnrecognized      = "The security token included in the request is invalid."
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgDateRequired      = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	msgTargetUnsigned    = "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."
)

// Error is a client-facing authentication failure. Code is the AWS error type
// ("__type"), Message the AWS-style message. Neither ever contains a secret.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// HTTPStatus is the status AWS JSON services answer these errors with. AWS
// answers cognito-idp authentication failures with 400 (observed for
// UnrecognizedClientException; assumed for the others, see doc.go).
func (e *Error) HTTPStatus() int { return http.StatusBadRequest }

// ErrUnknownAccessKey is returned (possibly wrapped) by a Verifier's Lookup
// when the access key id is unknown or disabled. Verify turns it into
// UnrecognizedClientException; any other Lookup error is returned wrapped as
// an internal error (not an *Error).
var ErrUnknownAccessKey = errors.New("sigv4: unknown access key")

func newError(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// incomplete builds AWS's aggregated IncompleteSignatureException message:
// every problem, then " Authorization=<header value>".
func incomplete(problems []string, header string) *Error {
	var b strings.Builder
	for i, p := range problems {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	b.WriteString(" Authorization=")
	b.WriteString(header)
	return newError(CodeIncompleteSignature, b.String())
}
