package cognitoidp

import (
	"context"
	"net/http"

	"userpool/internal/awsjson"
)

// Limiter is the seam where calls are throttled (internal/ratelimit's
// Limiter, through a small adapter in cmd/userpool). It is called once per
// call, after the operation is known, the input decoded and a signed call
// authenticated, and before the domain is called. A refused call is
// answered TooManyRequestsException "Rate exceeded", as Cognito does. Nil:
// no limits.
type Limiter interface {
	Allow(ctx context.Context, c LimitCall) bool
}

// LimitCall is what a call is throttled by.
type LimitCall struct {
	Operation string
	Auth      AuthMode
	// RemoteAddr is the connection's peer (http.Request.RemoteAddr).
	RemoteAddr string
	// PoolID is the input's UserPoolId, "" when it has none.
	PoolID string
	// ClientID and Username are set for the sign-in operations
	// (InitiateAuth, AdminInitiateAuth and their challenge responses):
	// USERNAME of AuthParameters or ChallengeResponses.
	ClientID, Username string
	// ChallengeName of a challenge response.
	ChallengeName string
}

// errThrottled is Cognito's answer to a throttled call (HTTP 400, as real
// Cognito answers every client error).
func errThrottled() *awsjson.Error {
	return &awsjson.Error{Type: "TooManyRequestsException", Message: "Rate exceeded", Status: http.StatusBadRequest}
}

// limitCall describes a decoded call for the Limiter.
func limitCall(r *http.Request, name string, op *operation, poolID string, in any) LimitCall {
	c := LimitCall{Operation: name, Auth: op.auth, RemoteAddr: r.RemoteAddr, PoolID: poolID}
	switch v := in.(type) {
	case *InitiateAuthInput:
		c.ClientID, c.Username = v.ClientId, v.AuthParameters["USERNAME"]
	case *AdminInitiateAuthInput:
		c.ClientID, c.Username = v.ClientId, v.AuthParameters["USERNAME"]
	case *RespondToAuthChallengeInput:
		c.ClientID, c.Username, c.ChallengeName = v.ClientId, v.ChallengeResponses["USERNAME"], v.ChallengeName
	case *AdminRespondToAuthChallengeInput:
		c.ClientID, c.Username, c.ChallengeName = v.ClientId, v.ChallengeResponses["USERNAME"], v.ChallengeName
	}
	return c
}

// SourceLimiter is implemented by a Limiter that can refuse an unsigned
// call by its source address alone, before the request is read (the
// server's early check; cmd/userpool's adapter over
// ratelimit.Limiter.AllowSource). It counts its own refusals.
type SourceLimiter interface {
	AllowSource(remoteAddr, operation string) bool
}

// EarlySourceLimit is the Limiter's early per-source check, nil when it has
// none (server.EarlySourceLimiter). The calls it lets through are marked
// (ratelimit.WithSourceChecked) and the Limiter does not charge them again.
func (h *Handler) EarlySourceLimit() func(remoteAddr, operation string) bool {
	if sl, ok := h.limit.(SourceLimiter); ok {
		return sl.AllowSource
	}
	return nil
}
