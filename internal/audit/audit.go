package audit

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"userpool/internal/awsjson"
	"userpool/internal/cognitoidp"
	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// Outcomes.
const (
	OutcomeAllowed = "allowed"
	OutcomeDenied  = "denied"
	// OutcomeErrorPrefix precedes the error type of a call that was allowed
	// but failed, e.g. "error:UserNotFoundException".
	OutcomeErrorPrefix = "error:"
)

// Actor types.
const (
	// ActorPrincipal: the caller's access key belongs to this principal.
	ActorPrincipal = "principal"
	// ActorAccessKey: authentication failed; Actor is the access key id the
	// request claimed (unverified), or "" when it named none.
	ActorAccessKey = "access-key"
)

// Writer is the part of store.IAMStore the Recorder needs.
type Writer interface {
	AppendAudit(ctx context.Context, e store.AuditEvent) (int64, error)
}

// Recorder writes audit events to the store.
type Recorder struct {
	w   Writer
	log *slog.Logger
	now func() time.Time
}

// New returns a Recorder. log nil means slog.Default, now nil time.Now.
func New(w Writer, log *slog.Logger, now func() time.Time) *Recorder {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Recorder{w: w, log: log, now: now}
}

var _ cognitoidp.Auditor = (*Recorder)(nil)

// maxField bounds what an unauthenticated request can put in the log.
const maxField = 256

// Record implements cognitoidp.Auditor.
func (r *Recorder) Record(ctx context.Context, req *cognitoidp.Request, caller cognitoidp.Caller, target string, err error) {
	e := store.AuditEvent{
		Time:      r.now().UTC(),
		ActorType: ActorPrincipal,
		Actor:     caller.Principal,
		Action:    iam.ActionPrefix + req.Operation,
		PoolID:    clip(req.PoolID),
		Target:    clip(target),
		RequestID: req.RequestID,
	}
	e.Outcome, e.Detail = Outcome(err)
	if caller.Principal == "" {
		e.ActorType = ActorAccessKey
		if req.HTTP != nil {
			e.Actor = clip(claimedKeyID(req.HTTP.Header.Get("Authorization")))
		}
	}
	// The request's context may be cancelled the moment the client goes
	// away; the entry is still worth writing.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, werr := r.w.AppendAudit(wctx, e); werr != nil {
		r.log.Error("audit: recording failed", "err", werr, "action", e.Action, "actor", e.Actor, "outcome", e.Outcome, "request_id", e.RequestID)
	}
}

// Outcome classifies a call's error: nil is "allowed"; authentication and
// authorisation failures are "denied" (with the wire error type and message
// as detail); anything else is "error:<ErrorType>".
func Outcome(err error) (outcome, detail string) {
	if err == nil {
		return OutcomeAllowed, ""
	}
	var de *iam.DeniedError
	if errors.As(err, &de) {
		return OutcomeDenied, de.Message
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		return OutcomeDenied, se.Code + ": " + clip(se.Message)
	}
	var ae *awsjson.Error
	if errors.As(err, &ae) {
		if ae.Type == string(userpool.KindAccessDenied) {
			return OutcomeDenied, ae.Message
		}
		return OutcomeErrorPrefix + ae.Type, ""
	}
	return OutcomeErrorPrefix + string(userpool.KindOf(err)), ""
}

// claimedKeyID extracts the access key id from a SigV4 Authorization header
// without trusting anything else in it.
func claimedKeyID(h string) string {
	_, rest, ok := strings.Cut(h, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	id = strings.TrimSpace(id)
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return id
}

func clip(s string) string {
	if len(s) > maxField {
		return s[:maxField]
	}
	return s
}
