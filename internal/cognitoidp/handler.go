package cognitoidp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"userpool/internal/audit"
	"userpool/internal/awsjson"
	"userpool/internal/iam"
	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// TargetPrefix is the X-Amz-Target prefix of the Cognito user pools API.
const TargetPrefix = "AWSCognitoIdentityProviderService"

// AuthMode says how an operation's caller is authenticated.
type AuthMode int

const (
	// AuthSigV4: AWS signs the request with SigV4; the caller is a principal
	// that needs a grant for the operation on the pool.
	AuthSigV4 AuthMode = iota
	// AuthNone: unsigned; the request names only an app client (and maybe a
	// secret hash or session).
	AuthNone
	// AuthAccessToken: unsigned; authorised by the user's access token in the body.
	AuthAccessToken
)

func (m AuthMode) String() string {
	switch m {
	case AuthSigV4:
		return "sigv4"
	case AuthNone:
		return "none"
	case AuthAccessToken:
		return "access-token"
	}
	return "unknown"
}

// Request describes a decoded call for the Authenticator.
type Request struct {
	HTTP      *http.Request
	Body      []byte
	Operation string
	Auth      AuthMode
	// PoolID is the UserPoolId member of the input, "" when the operation has none.
	PoolID    string
	RequestID string
}

// Caller is who made a signed call (for audit).
type Caller struct {
	Principal string
	// Region is the region the call was signed for (its credential scope),
	// "" when unknown; the domain reads it through reqctx.Region.
	Region string
	// Session is set when the call was signed with temporary credentials
	// of an identity pool (Principal is then the role's name).
	Session *iam.Session
}

// Authenticator is the seam where signed operations are authenticated and
// authorised (SigV4 verification, then grants). It is only called for
// AuthSigV4 operations, after the input has been decoded and validated.
// Its error should be a *userpool.Error (e.g. kind AccessDeniedException) or
// a *awsjson.Error.
type Authenticator interface {
	Authenticate(ctx context.Context, req *Request) (Caller, error)
}

// AllowAll authenticates every signed call as the anonymous developer
// principal. It exists for tests and the explicit development switch only.
type AllowAll struct{}

// Authenticate implements Authenticator.
func (AllowAll) Authenticate(context.Context, *Request) (Caller, error) {
	return Caller{Principal: "anonymous"}, nil
}

// Auditor records signed calls (see the audit log); *audit.Recorder is one.
// It may be nil.
type Auditor interface {
	Record(ctx context.Context, e userpool.AuditEvent)
}

// auditEvent is the audit entry of a signed call: its principal, or when
// authentication failed the access key id the request claimed.
func auditEvent(req *Request, caller Caller, target string, err error) userpool.AuditEvent {
	e := userpool.AuditEvent{
		ActorType: audit.ActorPrincipal,
		Actor:     caller.Principal,
		Action:    audit.ActionPrefixCognito + req.Operation,
		PoolID:    req.PoolID,
		Target:    target,
		RequestID: req.RequestID,
	}
	e.Outcome, e.Detail = audit.Outcome(err)
	if ss := caller.Session; ss != nil {
		e.ActorType, e.Actor = audit.ActorRoleSession, ss.Role
		e.Detail = strings.TrimSpace(e.Detail + " " + audit.SessionDetail(ss.IdentityID, ss.UserPoolID, ss.Username))
		return e
	}
	if caller.Principal == "" {
		e.ActorType = audit.ActorAccessKey
		if req.HTTP != nil {
			e.Actor = audit.ClaimedKeyID(req.HTTP.Header.Get("Authorization"))
		}
	}
	return e
}

// Handler serves the Cognito JSON protocol.
type Handler struct {
	svc     *userpool.Service
	auth    Authenticator
	audit   Auditor
	limit   Limiter
	log     *slog.Logger
	maxBody int64
	ops     map[string]*operation
}

// Options configures a Handler.
type Options struct {
	Authenticator Authenticator // required; use AllowAll only in tests/dev mode
	Auditor       Auditor
	Limiter       Limiter // nil: no throttling (limit.go)
	Logger        *slog.Logger
	MaxBody       int64
}

// New builds the handler serving every operation of the table (operations.go).
func New(svc *userpool.Service, opts Options) *Handler {
	h := &Handler{
		svc:     svc,
		auth:    opts.Authenticator,
		audit:   opts.Auditor,
		limit:   opts.Limiter,
		log:     opts.Logger,
		maxBody: opts.MaxBody,
		ops:     operationsByName,
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.maxBody <= 0 {
		h.maxBody = awsjson.DefaultMaxBody
	}
	if h.auth == nil {
		panic("cognitoidp: an Authenticator is required")
	}
	return h
}

// Operations lists the operation names with their auth modes.
func (h *Handler) Operations() map[string]AuthMode {
	m := make(map[string]AuthMode, len(h.ops))
	for n, op := range h.ops {
		m[n] = op.auth
	}
	return m
}

// ServeHTTP handles POST / requests.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	reqID := reqctx.RequestID(ctx)
	fail := func(e *awsjson.Error) {
		reqctx.SetErrorType(ctx, e.Type)
		awsjson.WriteError(w, reqID, e)
	}
	if r.Method != http.MethodPost {
		fail(&awsjson.Error{Type: "UnknownOperationException", Message: "Only POST is supported", Status: http.StatusBadRequest})
		return
	}
	name, ok := awsjson.ParseTarget(r.Header.Get("X-Amz-Target"), TargetPrefix)
	reqctx.SetOperation(ctx, name)
	op := h.ops[name]
	if !ok || op == nil {
		fail(awsjson.UnknownOperation(r.Header.Get("X-Amz-Target")))
		return
	}
	body, err := awsjson.ReadBody(r, h.maxBody)
	if err != nil {
		fail(toWire(h.log, err))
		return
	}
	in := op.newInput()
	if err := awsjson.Decode(body, in); err != nil {
		fail(toWire(h.log, err))
		return
	}
	req := &Request{HTTP: r, Body: body, Operation: name, Auth: op.auth, PoolID: poolIDOf(in), RequestID: reqID}
	var caller Caller
	if op.auth == AuthSigV4 {
		// AWS authenticates before it validates parameters.
		caller, err = h.auth.Authenticate(ctx, req)
		reqctx.SetCaller(ctx, reqctx.Caller{Principal: caller.Principal})
		ctx = reqctx.WithRegion(ctx, caller.Region)
		if err != nil {
			if h.audit != nil {
				h.audit.Record(ctx, auditEvent(req, caller, targetOf(op, in), err))
			}
			fail(toWire(h.log, err))
			return
		}
	}
	if h.limit != nil && !h.limit.Allow(ctx, limitCall(r, name, op, req.PoolID, in)) {
		fail(errThrottled())
		return
	}
	if msg := validate(in); msg != "" {
		fail(&awsjson.Error{Type: string(userpool.KindInvalidParameter), Message: msg, Status: http.StatusBadRequest})
		return
	}
	out, err := op.call(h, context.WithValue(ctx, userAgentKey{}, r.Header.Get("User-Agent")), in)
	if h.audit != nil && op.auth == AuthSigV4 && op.audit == auditWrites {
		h.audit.Record(ctx, auditEvent(req, caller, targetOf(op, in), err))
	}
	if err != nil {
		fail(toWire(h.log, err))
		return
	}
	awsjson.WriteJSON(w, reqID, out)
}

func targetOf(op *operation, in any) string {
	if op.target == nil {
		return ""
	}
	return op.target(in)
}

// poolIDOf reads the UserPoolId member of an input shape, if it has one,
// else the pool a ResourceArn member names (the tagging operations).
func poolIDOf(in any) string {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName("UserPoolId")
	if !f.IsValid() {
		if a := v.FieldByName("ResourceArn"); a.IsValid() && a.Kind() == reflect.String {
			id, _ := userpool.PoolIDFromARN(a.String())
			return id
		}
		return ""
	}
	for f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return ""
		}
		f = f.Elem()
	}
	if f.Kind() == reflect.String {
		return f.String()
	}
	return ""
}

// statusOf is the one table from error kind to HTTP status. Real Cognito
// answers 400 for every client error (even those the Smithy model marks
// 403/404/429) and 500 for internal errors.
func statusOf(kind userpool.Kind) int {
	switch kind {
	case userpool.KindInternal:
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

// toWire converts any error into the wire envelope, logging internal detail.
func toWire(log *slog.Logger, err error) *awsjson.Error {
	var ae *awsjson.Error
	if errors.As(err, &ae) {
		return ae
	}
	e := userpool.AsError(err)
	if e.Kind == userpool.KindInternal {
		log.Error("internal error", "err", err)
		return &awsjson.Error{Type: string(userpool.KindInternal), Message: "Internal server error.", Status: http.StatusInternalServerError}
	}
	return &awsjson.Error{Type: string(e.Kind), Message: e.Message, Status: statusOf(e.Kind)}
}
