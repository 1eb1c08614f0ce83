package server

import (
	"net/http"
	"strconv"
	"strings"

	"userpool/internal/awsjson"
	"userpool/internal/ratelimit"
)

// The early per-source refusal of unsigned Cognito calls (issue 13,
// finding 4). A flood of anonymous InitiateAuth calls is refused here,
// before anything else is done for it: no request id, no body read or
// decoded, no context, no log line, no latency observation — a map lookup
// in the source's token bucket and a pre-rendered answer, Cognito's
// TooManyRequestsException "Rate exceeded" (HTTP 400), without allocating
// beyond what net/http does for every request. Calls that pass are marked
// (ratelimit.WithSourceChecked) so the face's limiter does not charge the
// source twice; their other limits (per user, per category) are checked
// there as before.

// cognitoTarget is the X-Amz-Target prefix of the Cognito user pools API.
const cognitoTarget = "AWSCognitoIdentityProviderService."

var (
	throttledBody = []byte(`{"__type":"TooManyRequestsException","message":"Rate exceeded"}`)
	// Header values shared by every refusal (never modified).
	throttledContentType = []string{awsjson.ContentType}
	throttledTypeHdr     = []string{"TooManyRequestsException:"}
	throttledMessage     = []string{"Rate exceeded"}
	throttledLength      = []string{strconv.Itoa(len(throttledBody))}
	corsOrigin           = []string{"*"}
	corsExpose           = []string{"x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"}
)

// EarlySourceLimiter is implemented by a Cognito face that can refuse an
// unsigned call by its source address alone (cognitoidp.Handler, when its
// Limiter can): EarlySourceLimit returns the check, nil when there is none.
type EarlySourceLimiter interface {
	EarlySourceLimit() func(remoteAddr, operation string) bool
}

// earlyLimit refuses the unsigned POST / Cognito calls whose source has no
// token left (allow, which also counts its refusals). A call with an
// Authorization header is a signed one and is not limited by source.
func earlyLimit(allow func(remoteAddr, operation string) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/" && len(r.Header["Authorization"]) == 0 {
			if op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), cognitoTarget); ok {
				if !allow(r.RemoteAddr, op) {
					writeThrottled(w)
					return
				}
				r = r.WithContext(ratelimit.WithSourceChecked(r.Context()))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// writeThrottled writes the pre-rendered TooManyRequestsException.
func writeThrottled(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Type"] = throttledContentType
	h["X-Amzn-Errortype"] = throttledTypeHdr
	h["X-Amzn-Errormessage"] = throttledMessage
	h["Content-Length"] = throttledLength
	h["Access-Control-Allow-Origin"] = corsOrigin
	h["Access-Control-Expose-Headers"] = corsExpose
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(throttledBody)
}
