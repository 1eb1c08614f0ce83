package identity

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"userpool/internal/audit"
	"userpool/internal/awsjson"
	"userpool/internal/iam"
	"userpool/internal/reqctx"
	"userpool/internal/sigv4"
	"userpool/internal/userpool"
)

// TargetPrefix is the X-Amz-Target prefix of the cognito-identity API.
const TargetPrefix = "AWSCognitoIdentityService"

// SigningName is the SigV4 service name of cognito-identity.
const SigningName = "cognito-identity"

// Authenticator authenticates and authorises a signed call; its error
// carries the wire form (errors.As to *awsjson.Error) or is a domain error.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, operation string) (principal string, err error)
}

// Auditor records signed calls; *audit.Recorder is one. May be nil.
type Auditor interface {
	Record(ctx context.Context, e userpool.AuditEvent)
}

// Handler serves the cognito-identity JSON protocol.
type Handler struct {
	svc     *userpool.Service
	auth    Authenticator
	audit   Auditor
	log     *slog.Logger
	maxBody int64
}

// Options configures a Handler.
type Options struct {
	Authenticator Authenticator // required
	Auditor       Auditor
	Logger        *slog.Logger
	MaxBody       int64
}

// New returns the handler.
func New(svc *userpool.Service, opts Options) *Handler {
	if opts.Authenticator == nil {
		panic("identity: an Authenticator is required")
	}
	h := &Handler{svc: svc, auth: opts.Authenticator, audit: opts.Auditor, log: opts.Logger, maxBody: opts.MaxBody}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.maxBody <= 0 {
		h.maxBody = awsjson.DefaultMaxBody
	}
	return h
}

// Handles reports whether a request's X-Amz-Target is this API's (the
// server routes POST / by target prefix).
func Handles(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix+".")
}

// ServeHTTP handles POST / requests with an AWSCognitoIdentityService target.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	reqID := reqctx.RequestID(ctx)
	fail := func(e *awsjson.Error) {
		reqctx.SetErrorType(ctx, e.Type)
		awsjson.WriteError(w, reqID, e)
	}
	name, ok := awsjson.ParseTarget(r.Header.Get("X-Amz-Target"), TargetPrefix)
	reqctx.SetOperation(ctx, name)
	op := operationsByName[name]
	if !ok || op == nil {
		fail(awsjson.UnknownOperation(r.Header.Get("X-Amz-Target")))
		return
	}
	body, err := awsjson.ReadBody(r, h.maxBody)
	if err != nil {
		fail(h.toWire(err))
		return
	}
	principal := ""
	if op.auth == signed {
		principal, err = h.auth.Authenticate(ctx, r, body, name)
		reqctx.SetCaller(ctx, reqctx.Caller{Principal: principal})
		if err != nil {
			h.record(ctx, principal, name, reqID, err, r)
			fail(h.toWire(err))
			return
		}
	}
	out, err := op.call(h, ctx, body)
	if op.auth == signed && name != "DescribeIdentityPool" && !strings.HasPrefix(name, "List") && !strings.HasPrefix(name, "Get") && !strings.HasPrefix(name, "Describe") && name != "LookupDeveloperIdentity" {
		h.record(ctx, principal, name, reqID, err, r)
	}
	if err != nil {
		fail(h.toWire(err))
		return
	}
	awsjson.WriteJSON(w, reqID, out)
}

func (h *Handler) record(ctx context.Context, principal, op, reqID string, err error, r *http.Request) {
	if h.audit == nil {
		return
	}
	e := userpool.AuditEvent{ActorType: audit.ActorPrincipal, Actor: principal, Action: SigningName + ":" + op, RequestID: reqID}
	e.Outcome, e.Detail = audit.Outcome(err)
	if principal == "" {
		e.ActorType, e.Actor = audit.ActorAccessKey, audit.ClaimedKeyID(r.Header.Get("Authorization"))
	}
	h.audit.Record(ctx, e)
}

// toWire converts an error into the wire envelope. Every client error is
// 400 (real AWS answers 400 for NotAuthorizedException on these calls,
// though the model says 403); internal errors are 500 without detail.
func (h *Handler) toWire(err error) *awsjson.Error {
	var ae *awsjson.Error
	if errors.As(err, &ae) {
		return ae
	}
	e := userpool.AsError(err)
	if e.Kind == userpool.KindInternal {
		h.log.Error("internal error", "err", err)
		return &awsjson.Error{Type: string(userpool.KindInternal), Message: "Internal server error.", Status: http.StatusInternalServerError}
	}
	return &awsjson.Error{Type: string(e.Kind), Message: e.Message, Status: http.StatusBadRequest}
}

// AnswerPanic writes the 500 of a request that panicked.
func (h *Handler) AnswerPanic(w http.ResponseWriter, r *http.Request) {
	e := &awsjson.Error{Type: string(userpool.KindInternal), Message: "Internal server error.", Status: http.StatusInternalServerError}
	reqctx.SetErrorType(r.Context(), e.Type)
	awsjson.WriteError(w, reqctx.RequestID(r.Context()), e)
}

// ---------------------------------------------------------------- SigV4

// SigV4Auth verifies signed cognito-identity calls against the keyring's
// access keys and temporary credentials. Managing identity pools needs an
// administrator's grant (cognito-idp:* on "*"): the principals' grant
// vocabulary has no cognito-identity actions.
type SigV4Auth struct {
	verifier *sigv4.Verifier
	keys     *iam.Keyring
	account  string
	now      func() time.Time
}

// NewSigV4Auth returns a SigV4Auth. now nil means time.Now.
func NewSigV4Auth(keys *iam.Keyring, account string, now func() time.Time) *SigV4Auth {
	if now == nil {
		now = time.Now
	}
	return &SigV4Auth{verifier: &sigv4.Verifier{Service: SigningName, Lookup: keys.Lookup, Now: now}, keys: keys, account: account, now: now}
}

// Authenticate implements Authenticator.
func (a *SigV4Auth) Authenticate(ctx context.Context, r *http.Request, body []byte, operation string) (string, error) {
	res, err := a.verifier.Verify(ctx, r, body)
	if err != nil {
		return "", authFailure(err)
	}
	cred, err := a.keys.Resolve(ctx, res.AccessKeyID)
	if err != nil {
		return "", authFailure(err)
	}
	if err := cred.CheckSessionToken(r.Header.Get("X-Amz-Security-Token"), a.now()); err != nil {
		return cred.Principal.Name, authFailure(err)
	}
	if !cred.Policy.AllowsAll() {
		arn := iam.PrincipalARN(a.account, cred.Principal.Name)
		if cred.Session != nil {
			arn = iam.AssumedRoleARN(a.account, cred.Session.Role, iam.SessionName)
		}
		action := SigningName + ":" + operation
		msg := "User: " + arn + " is not authorized to perform: " + action + " on resource: * because no identity-based policy allows the " + action + " action"
		return cred.Principal.Name, &awsjson.Error{Type: string(userpool.KindAccessDenied), Message: msg, Status: http.StatusBadRequest}
	}
	return cred.Principal.Name, nil
}

func authFailure(err error) error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return &awsjson.Error{Type: se.Code, Message: se.Message, Status: se.HTTPStatus()}
	}
	return userpool.Internal(err)
}

// AllowAll authenticates every signed call (tests and the development switch).
type AllowAll struct{}

// Authenticate implements Authenticator.
func (AllowAll) Authenticate(context.Context, *http.Request, []byte, string) (string, error) {
	return "anonymous", nil
}
