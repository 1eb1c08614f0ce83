package adminqueries

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"userpool/internal/audit"
	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// Compatibility modes (PoolConfig.Compat).
const (
	// CompatStrict (the default) answers client errors with 4xx statuses and
	// checks group membership against the store at request time.
	CompatStrict = "strict"
	// CompatTemplate reproduces the current Amplify template: 500 for every
	// user-pool error and for a caller who is in other groups, and the group
	// check on the token's cognito:groups claim.
	CompatTemplate = "template"
)

// DefaultMaxBody bounds a POST body.
const DefaultMaxBody = 64 << 10

// PathPrefix is where the handler lives: PathPrefix + "{poolId}/{route}".
const PathPrefix = "/adminqueries/"

// PoolConfig is the Admin Queries configuration of one user pool.
type PoolConfig struct {
	// Enabled serves the API for the pool; a disabled pool answers 404.
	Enabled bool
	// Groups may call the API; the caller must be in one of them. Empty:
	// any signed-in user of the pool (the template's GROUP=NONE).
	Groups []string
	// DisabledRoutes are route names (any case) answered with 404;
	// "filter" switches off listUsers' filter parameter.
	DisabledRoutes []string
	// AllowedOrigins for CORS: the request's Origin is echoed when listed;
	// empty or containing "*" allows any origin ("*").
	AllowedOrigins []string
	// Compat is CompatStrict ("" too) or CompatTemplate.
	Compat string
	// OmitMetadata drops $metadata from read responses, as templates
	// generated before Amplify CLI 12.0.0 (SDK v2) answered.
	OmitMetadata bool
}

// Validate reports configuration mistakes: an unknown compat mode or route
// name, an empty group or origin.
func (c PoolConfig) Validate() error {
	var errs []error
	switch c.Compat {
	case "", CompatStrict, CompatTemplate:
	default:
		errs = append(errs, fmt.Errorf("adminqueries: unknown compat mode %q (want %q or %q)", c.Compat, CompatStrict, CompatTemplate))
	}
	for _, r := range c.DisabledRoutes {
		name := strings.ToLower(strings.Trim(r, "/"))
		if _, ok := routes[name]; !ok && name != FilterParam {
			errs = append(errs, fmt.Errorf("adminqueries: unknown route %q in disabled routes", r))
		}
	}
	for _, g := range c.Groups {
		if g == "" {
			errs = append(errs, errors.New("adminqueries: empty group name"))
		}
	}
	for _, o := range c.AllowedOrigins {
		if o == "" {
			errs = append(errs, errors.New("adminqueries: empty allowed origin"))
		}
	}
	return errors.Join(errs...)
}

// Options configures the handler.
type Options struct {
	// Pools returns a pool's configuration; false (or Enabled false)
	// answers 404. Required.
	Pools func(poolID string) (PoolConfig, bool)
	// Logger (default slog.Default()).
	Logger *slog.Logger
	// MaxBody bounds POST bodies (default DefaultMaxBody); larger is 413.
	MaxBody int64
	// Now stamps audit events (default time.Now).
	Now func() time.Time
	// Auditor records the state-changing routes (the server's one
	// *audit.Recorder). Nil: nothing is recorded.
	Auditor Auditor
}

// Auditor records audit events; *audit.Recorder is one.
type Auditor interface {
	Record(ctx context.Context, e userpool.AuditEvent)
}

type handler struct {
	svc     *userpool.Service
	pools   func(string) (PoolConfig, bool)
	log     *slog.Logger
	maxBody int64
	now     func() time.Time
	audit   Auditor
}

// New returns the Admin Queries handler, to be mounted at PathPrefix.
func New(svc *userpool.Service, opts Options) http.Handler {
	if svc == nil || opts.Pools == nil {
		panic("adminqueries: New needs a service and Options.Pools")
	}
	h := &handler{svc: svc, pools: opts.Pools, log: opts.Logger, maxBody: opts.MaxBody, now: opts.Now}
	h.audit = opts.Auditor
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h
}

// CORS header values (reference §2.4 and §1.5).
const (
	preflightMethods = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"
	preflightHeaders = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
	lambdaHeaders    = "Origin, X-Requested-With, Content-Type, Accept"
	exposeHeaders    = "x-amzn-RequestId, x-amzn-ErrorType"
)

// call is one request in flight.
type call struct {
	h      *handler
	w      http.ResponseWriter
	r      *http.Request
	cfg    PoolConfig
	compat string
	poolID string
	reqID  string
	path   string // the part after the pool id, e.g. "/listUsers/"
	route  *route
	ac     *userpool.AccessContext
	p      params
	// audit target and detail, set by the route
	target, detail string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{h: h, w: w, r: r, reqID: requestID(r)}
	w.Header().Set("x-amzn-RequestId", c.reqID)
	c.serve()
}

// requestID is the id the server assigned (it goes into $metadata, the
// audit log and x-amzn-RequestId); served without the server, a new UUID.
func requestID(r *http.Request) string {
	if id := reqctx.RequestID(r.Context()); id != "" {
		return id
	}
	return uuid.NewString()
}

// AnswerPanic answers a request whose route panicked (the server recovers
// it) like any internal error of the pool's API: 500 {"message":
// "Internal server error."} with the pool's CORS headers.
func (h *handler) AnswerPanic(w http.ResponseWriter, r *http.Request) {
	c := &call{h: h, w: w, r: r, reqID: w.Header().Get("x-amzn-RequestId")}
	if c.reqID == "" {
		c.reqID = requestID(r)
		w.Header().Set("x-amzn-RequestId", c.reqID)
	}
	rest, _ := strings.CutPrefix(r.URL.Path, PathPrefix)
	c.poolID, _, _ = strings.Cut(rest, "/")
	if cfg, ok := h.pools(c.poolID); ok && cfg.Enabled && c.poolID != "" {
		c.cfg, c.compat = cfg, cfg.Compat
		if c.compat == "" {
			c.compat = CompatStrict
		}
	}
	c.fail(userpool.Internal(errors.New("the route panicked")))
}

func (c *call) serve() {
	rest, ok := strings.CutPrefix(c.r.URL.Path, PathPrefix)
	if !ok {
		c.fail(&httpError{status: http.StatusNotFound, msg: "Not Found", kind: userpool.KindResourceNotFound})
		return
	}
	c.poolID, c.path, _ = strings.Cut(rest, "/")
	c.path = "/" + c.path
	cfg, ok := c.h.pools(c.poolID)
	if !ok || !cfg.Enabled || c.poolID == "" {
		c.cfg = PoolConfig{}
		c.fail(&httpError{status: http.StatusNotFound, msg: "Admin Queries is not enabled for this user pool.", kind: userpool.KindResourceNotFound})
		return
	}
	c.cfg = cfg
	c.compat = cfg.Compat
	if c.compat == "" {
		c.compat = CompatStrict
	}

	if c.r.Method == http.MethodOptions {
		c.preflight()
		return
	}

	// The "gateway": a Cognito authorizer with the admin scope.
	if !c.authenticate() {
		return
	}

	// Resolve the route first (without acting) so that a refused attempt on
	// a state-changing route can be audited as denied.
	c.route = lookup(c.path)
	if c.route != nil {
		reqctx.SetOperation(c.r.Context(), c.route.name)
	}

	// The template's checkGroup middleware runs before routing and
	// validation; only the exact path /signUserOut is exempt.
	if c.path != "/signUserOut" {
		if err := c.checkGroup(); err != nil {
			if c.route != nil && c.route.audit == auditWrites && c.methodOK() {
				c.audit(err)
			}
			c.fail(err)
			return
		}
	}

	if c.route == nil || c.disabled(c.route.name) {
		msg := fmt.Sprintf("Unknown route: %s %s", c.r.Method, c.path)
		if c.route != nil {
			msg = fmt.Sprintf("The route %s is disabled for this user pool.", c.route.name)
		}
		c.fail(&httpError{status: http.StatusNotFound, msg: msg, kind: userpool.KindResourceNotFound})
		return
	}
	if !c.methodOK() {
		if c.compat == CompatTemplate {
			c.fail(&httpError{status: http.StatusNotFound, msg: fmt.Sprintf("Cannot %s %s", c.r.Method, c.path), kind: userpool.KindResourceNotFound})
			return
		}
		allow := c.route.method
		if allow == http.MethodGet {
			allow = "GET, HEAD"
		}
		c.w.Header().Set("Allow", allow+", OPTIONS")
		c.fail(&httpError{status: http.StatusMethodNotAllowed, kind: userpool.KindInvalidParameter,
			msg: fmt.Sprintf("Method %s is not allowed for %s: use %s.", c.r.Method, c.route.name, c.route.method)})
		return
	}

	if c.route.method == http.MethodGet {
		c.p = queryParams(c.r.URL.Query())
	} else {
		p, err := readBody(c.r, c.h.maxBody, c.compat)
		if err != nil {
			if errors.Is(err, errBodyTooLarge) {
				err = &httpError{status: http.StatusRequestEntityTooLarge, kind: userpool.KindInvalidParameter,
					msg: fmt.Sprintf("Request body too large (limit %d bytes).", c.h.maxBody)}
			}
			if c.route.audit == auditWrites {
				c.audit(err)
			}
			c.fail(err)
			return
		}
		c.p = p
	}

	out, err := c.route.run(c)
	if c.route.audit == auditWrites {
		c.audit(err)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.write(http.StatusOK, out)
}

// methodOK: GET routes also answer HEAD, as Express does.
func (c *call) methodOK() bool {
	m := c.r.Method
	return m == c.route.method || (m == http.MethodHead && c.route.method == http.MethodGet)
}

func (c *call) disabled(name string) bool {
	for _, d := range c.cfg.DisabledRoutes {
		if strings.EqualFold(strings.Trim(d, "/"), name) {
			return true
		}
	}
	return false
}

// authenticate does what API Gateway's Cognito authorizer does before the
// Lambda runs: a valid, unexpired, unrevoked access token of this pool with
// scope aws.cognito.signin.user.admin, given as the raw token or as
// "Bearer <token>". Anything else is 401 {"message":"Unauthorized"}.
func (c *call) authenticate() bool {
	raw := strings.TrimSpace(c.r.Header.Get("Authorization"))
	if len(raw) > 7 && strings.EqualFold(raw[:7], "bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	unauthorized := func(reason string) bool {
		c.h.log.Debug("adminqueries: unauthorized", "request_id", c.reqID, "pool", c.poolID, "reason", reason)
		c.w.Header().Set("x-amzn-ErrorType", "UnauthorizedException")
		c.fail(&httpError{status: http.StatusUnauthorized, msg: msgUnauthorized, kind: userpool.KindNotAuthorized})
		return false
	}
	if raw == "" {
		return unauthorized("no token")
	}
	ac, err := c.h.svc.AuthenticateAccessToken(c.r.Context(), raw)
	if err != nil {
		if userpool.KindOf(err) == userpool.KindInternal {
			c.h.log.Error("adminqueries: authenticating token", "request_id", c.reqID, "err", err)
			c.fail(err)
			return false
		}
		return unauthorized(userpool.AsError(err).Message)
	}
	if ac.Pool.ID != c.poolID {
		return unauthorized("token of another pool")
	}
	c.ac = ac
	reqctx.SetCaller(c.r.Context(), reqctx.Caller{User: ac.User.Sub})
	return true
}

// checkGroup is the template's checkGroup middleware with a list of
// allowed groups. In template mode it reads the token's cognito:groups
// claim (what API Gateway hands the Lambda) and answers 500 for a caller in
// other groups, 403 for a caller in none. In strict mode it reads the
// caller's groups from the store now (so removing someone from the admin
// group takes effect at once) and answers 403 in both cases.
func (c *call) checkGroup() error {
	if len(c.cfg.Groups) == 0 {
		return nil
	}
	var groups []string
	if c.compat == CompatTemplate {
		groups = c.ac.Claims.Groups
	} else {
		gs, err := c.h.svc.GroupsForUser(c.r.Context(), c.ac.Pool, c.ac.User.UsernameKey())
		if err != nil {
			return err
		}
		for _, g := range gs {
			groups = append(groups, g.Name)
		}
	}
	for _, g := range groups {
		if slices.Contains(c.cfg.Groups, g) {
			return nil
		}
	}
	status := http.StatusForbidden
	if len(groups) > 0 && c.compat == CompatTemplate {
		status = http.StatusInternalServerError
	}
	return &httpError{status: status, msg: msgNoPermission, kind: userpool.KindAccessDenied, denied: true}
}

// ---------------------------------------------------------------- CORS

// allowOrigin is the Access-Control-Allow-Origin value for this request
// ("" when the origin is not allowed).
func (c *call) allowOrigin() string {
	list := c.cfg.AllowedOrigins
	if len(list) == 0 || slices.Contains(list, "*") {
		return "*"
	}
	o := c.r.Header.Get("Origin")
	if o == "" {
		return ""
	}
	for _, a := range list {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), o) {
			return o
		}
	}
	return ""
}

// corsHeaders are set on every answer, errors included (the real API lacks
// them on gateway errors, which browsers report as CORS failures).
func (c *call) corsHeaders() {
	hd := c.w.Header()
	if len(c.cfg.AllowedOrigins) > 0 && !slices.Contains(c.cfg.AllowedOrigins, "*") {
		hd.Add("Vary", "Origin")
	}
	if o := c.allowOrigin(); o != "" {
		hd.Set("Access-Control-Allow-Origin", o)
	}
	hd.Set("Access-Control-Allow-Headers", lambdaHeaders)
	hd.Set("Access-Control-Expose-Headers", exposeHeaders)
}

// preflight answers OPTIONS like the API's mock integration:
// unauthenticated, 200, the API's methods and headers. Headers the browser
// asks for beyond the API's list are allowed too (e.g. x-amz-user-agent).
func (c *call) preflight() {
	hd := c.w.Header()
	if len(c.cfg.AllowedOrigins) > 0 && !slices.Contains(c.cfg.AllowedOrigins, "*") {
		hd.Add("Vary", "Origin")
	}
	o := c.allowOrigin()
	if o == "" {
		c.write(http.StatusForbidden, message{Message: "CORS: origin not allowed."})
		return
	}
	allowed := preflightHeaders
	have := map[string]bool{}
	for _, h := range strings.Split(preflightHeaders, ",") {
		have[strings.ToLower(h)] = true
	}
	for _, h := range strings.Split(c.r.Header.Get("Access-Control-Request-Headers"), ",") {
		h = strings.TrimSpace(h)
		if h != "" && !have[strings.ToLower(h)] && isToken(h) {
			have[strings.ToLower(h)] = true
			allowed += "," + h
		}
	}
	hd.Set("Access-Control-Allow-Origin", o)
	hd.Set("Access-Control-Allow-Methods", preflightMethods)
	hd.Set("Access-Control-Allow-Headers", allowed)
	hd.Set("Access-Control-Max-Age", "600")
	hd.Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write([]byte("{}"))
}

// isToken reports whether s is an HTTP header field name.
func isToken(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------- answers

// write sends a JSON answer the way Express's res.json does (no HTML
// escaping, no trailing newline).
func (c *call) write(status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		c.h.log.Error("adminqueries: encoding response", "request_id", c.reqID, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"message":"` + msgInternal + `"}`)
	}
	c.corsHeaders()
	hd := c.w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	c.w.WriteHeader(status)
	_, _ = c.w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// fail answers an error as {"message": ...}, the template's error handler
// body. Internal details are logged, never sent.
func (c *call) fail(err error) {
	status, msg, kind := describe(err, c.compat)
	reqctx.SetErrorType(c.r.Context(), string(kind))
	if kind == userpool.KindInternal {
		c.h.log.Error("adminqueries: internal error", "request_id", c.reqID, "pool", c.poolID, "path", c.path, "err", err)
	}
	if c.compat == CompatStrict && status != http.StatusUnauthorized && kind != "" {
		// aws-amplify's REST client names its error after this header.
		c.w.Header().Set("x-amzn-ErrorType", string(kind))
	}
	c.write(status, message{Message: msg})
}

// meta is the $metadata of a read response (nil when omitted).
func (c *call) meta() *metadata {
	if c.cfg.OmitMetadata {
		return nil
	}
	return &metadata{HTTPStatusCode: 200, RequestID: c.reqID, Attempts: 1}
}

// ---------------------------------------------------------------- audit

// audit records a state-changing call through the shared recorder (which
// logs a recording failure and never fails the call).
func (c *call) audit(err error) {
	if c.h.audit == nil {
		return
	}
	outcome := audit.OutcomeAllowed
	if err != nil {
		var he *httpError
		if errors.As(err, &he) && he.denied {
			outcome = audit.OutcomeDenied
		} else {
			_, _, kind := describe(err, c.compat)
			outcome = audit.ErrorOutcome(string(kind))
		}
	}
	c.h.audit.Record(c.r.Context(), userpool.AuditEvent{
		Time:      c.h.now().UTC(),
		ActorType: audit.ActorUser,
		Actor:     c.ac.User.Username,
		Action:    audit.ActionPrefixAdminQueries + c.route.name,
		PoolID:    c.poolID,
		Target:    c.target,
		Outcome:   outcome,
		RequestID: c.reqID,
		Detail:    c.detail,
	})
}
