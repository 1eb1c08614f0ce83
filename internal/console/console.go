package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"userpool/internal/iam"
	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is where the console is mounted.
const Prefix = "/console/"

// ConsoleClientName is the name of the app client the console ensures in a
// pool for the hosted-login sign-in.
const ConsoleClientName = "userpool-console"

// Session lifetimes.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 8 * time.Hour
	maxSessions     = 10000
	pendingTTL      = 10 * time.Minute
)

// PageSize is the number of users (and members, audit events) per page.
const PageSize = 60

// Principal is a principal as the principals page shows it.
type Principal struct {
	Name       string
	Grants     []Grant
	AccessKeys []string // key ids (never secrets)
}

// Grant is one grant of a principal.
type Grant struct {
	Pool    string
	Actions []string
}

// SigningKey is one of a pool's token signing keys (no key material).
type SigningKey struct {
	KID                            string
	Use                            string
	CreatedAt, NotAfter, ExpiresAt time.Time
}

// Principals lists the principals and their grants.
type Principals interface {
	ListPrincipals(ctx context.Context) ([]Principal, error)
}

// SigningKeys lists and rotates a pool's signing keys.
type SigningKeys interface {
	ListSigningKeys(ctx context.Context, poolID string) ([]SigningKey, error)
	RotateSigningKeys(ctx context.Context, poolID string) error
}

// Auditor records audit events; *audit.Recorder is one.
type Auditor interface {
	Record(ctx context.Context, e userpool.AuditEvent)
}

// Keyring resolves access keys; *iam.Keyring is one.
type Keyring interface {
	Resolve(ctx context.Context, accessKeyID string) (*iam.Credential, error)
}

// Options configures the console.
type Options struct {
	// Service is the domain. Required.
	Service *userpool.Service
	// Keys verifies operators' access keys (nil: no operator sign-in).
	Keys Keyring
	// Principals and SigningKeys back their pages (nil: the page says so).
	Principals  Principals
	SigningKeys SigningKeys
	// Auditor is the server's one recorder (nil: nothing recorded).
	Auditor Auditor
	// AdminGroups returns the groups whose members may use the console for
	// a pool (the pool's Admin Queries groups, else the configured ones);
	// none: no hosted-login sign-in for that pool.
	AdminGroups func(poolID string) []string
	// PublicURL is the server's base URL (the OAuth callback and the
	// hosted login's path-prefix form are built on it). Required for the
	// hosted-login sign-in.
	PublicURL string
	// Account and Region name principals and pools in denial messages.
	Account, Region string
	Logger          *slog.Logger
	Now             func() time.Time
	// Rand is the source of session ids, CSRF tokens and PKCE verifiers
	// (default crypto/rand).
	Rand func([]byte) error
	// SignIn limits the sign-in forms (zero value: the defaults).
	SignIn SignInLimits
}

// Handler is the console.
type Handler struct {
	o     Options
	log   *slog.Logger
	now   func() time.Time
	rand  func([]byte) error
	mux   *http.ServeMux
	pages map[string]*template.Template
	guard *signInGuard

	mu       sync.Mutex
	sessions map[[32]byte]*session
	pending  map[[32]byte]*pendingLogin
}

// session is one signed-in console user.
type session struct {
	id      [32]byte
	csrf    string
	created time.Time
	seen    time.Time
	// operator
	keyID     string
	principal string
	// pool user
	poolID   string
	username string
	sub      string
}

func (s *session) operator() bool { return s.keyID != "" }

// pendingLogin is a hosted-login sign-in in flight (state -> PKCE verifier).
type pendingLogin struct {
	poolID, clientID, verifier string
	created                    time.Time
}

// New returns the console handler, to be mounted at Prefix.
func New(o Options) *Handler {
	if o.Service == nil {
		panic("console: New needs a Service")
	}
	h := &Handler{o: o, log: o.Logger, now: o.Now, rand: o.Rand,
		sessions: map[[32]byte]*session{}, pending: map[[32]byte]*pendingLogin{}}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.rand == nil {
		h.rand = func(b []byte) error { _, err := rand.Read(b); return err }
	}
	h.pages = parsePages()
	h.guard = newSignInGuard(o.SignIn, h.now)
	h.mux = http.NewServeMux()
	for _, r := range h.routes() {
		h.mux.Handle(r.pattern, r.h)
	}
	return h
}

type route struct {
	pattern string
	h       http.Handler
}

// routes is the console's whole handler table.
func (h *Handler) routes() []route {
	static, _ := fs.Sub(staticFS, "static")
	return []route{
		{"GET /console/static/", http.StripPrefix("/console/static/", cacheStatic(http.FileServerFS(static)))},
		{"GET /console/{$}", h.signedIn(h.poolsPage)},
		{"GET /console/login", http.HandlerFunc(h.loginPage)},
		{"POST /console/login/key", http.HandlerFunc(h.loginKey)},
		{"POST /console/login/pool", http.HandlerFunc(h.loginPool)},
		{"GET /console/callback", http.HandlerFunc(h.callback)},
		{"POST /console/logout", h.signedIn(h.logout)},
		{"GET /console/pools/{pool}", h.signedIn(h.poolPage)},
		{"GET /console/pools/{pool}/users", h.signedIn(h.usersPage)},
		{"GET /console/pools/{pool}/users/{user}", h.signedIn(h.userPage)},
		{"POST /console/pools/{pool}/users/{user}/{action}", h.signedIn(h.userAction)},
		{"GET /console/pools/{pool}/groups/{group}", h.signedIn(h.groupPage)},
		{"POST /console/pools/{pool}/groups/{group}/{action}", h.signedIn(h.groupAction)},
		{"GET /console/pools/{pool}/keys", h.signedIn(h.keysPage)},
		{"POST /console/pools/{pool}/keys/rotate", h.signedIn(h.rotateKeys)},
		{"GET /console/principals", h.signedIn(h.principalsPage)},
		{"GET /console/audit", h.signedIn(h.auditPage)},
	}
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP sets the security headers of every answer and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp())
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, "/console/static/") {
		hd.Set("Cache-Control", "no-store")
	}
	if r.Method == http.MethodPost && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		h.refuse(w, r, http.StatusForbidden, "Cross-site form submissions are refused.")
		return
	}
	if r.URL.Path == "/console" {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// csp: no inline script or style; forms post to the console, whose
// hosted-login redirect goes to the public URL's origin.
func (h *Handler) csp() string {
	action := "'self'"
	if u, err := url.Parse(h.o.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		action += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action " +
		action + "; frame-ancestors 'none'; base-uri 'none'"
}

// ---------------------------------------------------------------- sessions

const (
	sessionCookie = "userpool_console"
	loginCSRF     = "userpool_console_csrf"
	pendingCookie = "userpool_console_login"
)

func (h *Handler) token(n int) string {
	b := make([]byte, n)
	if err := h.rand(b); err != nil {
		panic("console: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func digest(s string) [32]byte { return sha256.Sum256([]byte(s)) }

func secure(r *http.Request, public string) bool {
	return r.TLS != nil || strings.HasPrefix(public, "https://")
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int, same http.SameSite) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, SameSite: same, Secure: secure(r, h.o.PublicURL)})
}

// newSession stores s under a new id and sets the cookie.
func (h *Handler) newSession(w http.ResponseWriter, r *http.Request, s *session) {
	raw := h.token(32)
	now := h.now()
	s.id, s.csrf, s.created, s.seen = digest(raw), h.token(32), now, now
	h.mu.Lock()
	if len(h.sessions) >= maxSessions {
		h.sweepLocked(now)
		for len(h.sessions) >= maxSessions { // still full: drop the oldest
			var oldest *session
			for _, x := range h.sessions {
				if oldest == nil || x.seen.Before(oldest.seen) {
					oldest = x
				}
			}
			delete(h.sessions, oldest.id)
		}
	}
	h.sessions[s.id] = s
	h.mu.Unlock()
	h.setCookie(w, r, sessionCookie, raw, int(AbsoluteTimeout/time.Second), http.SameSiteStrictMode)
}

func (h *Handler) sweepLocked(now time.Time) {
	for id, s := range h.sessions {
		if now.Sub(s.seen) > IdleTimeout || now.Sub(s.created) > AbsoluteTimeout {
			delete(h.sessions, id)
		}
	}
	for id, p := range h.pending {
		if now.Sub(p.created) > pendingTTL {
			delete(h.pending, id)
		}
	}
}

// session returns the request's live session, or nil.
func (h *Handler) session(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	id := digest(c.Value)
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.sessions[id]
	if s == nil {
		return nil
	}
	if now.Sub(s.seen) > IdleTimeout || now.Sub(s.created) > AbsoluteTimeout {
		delete(h.sessions, id)
		return nil
	}
	s.seen = now
	cp := *s
	return &cp
}

func (h *Handler) endSession(w http.ResponseWriter, r *http.Request, s *session) {
	h.mu.Lock()
	delete(h.sessions, s.id)
	h.mu.Unlock()
	h.setCookie(w, r, sessionCookie, "", -1, http.SameSiteStrictMode)
}

// ---------------------------------------------------------------- the actor

// call is one signed-in request.
type call struct {
	h    *Handler
	w    http.ResponseWriter
	r    *http.Request
	s    *session
	cred *iam.Credential // operator: resolved now (live grants)
	// pool user: their admin membership, checked now
	admin bool
}

// signedIn resolves the session and the actor's live authority, checks the
// CSRF token of a POST, and runs page.
func (h *Handler) signedIn(page func(c *call)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := h.session(r)
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/console/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.refuse(w, r, http.StatusUnauthorized, "Your console session has ended. Sign in again.")
			return
		}
		c := &call{h: h, w: w, r: r, s: s}
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil || subtle.ConstantTimeCompare([]byte(r.PostFormValue("_csrf")), []byte(s.csrf)) != 1 {
				h.refuse(w, r, http.StatusForbidden, "The form's security token is missing or wrong (CSRF). Reload the page and try again.")
				return
			}
		}
		if s.operator() {
			if h.o.Keys == nil {
				h.endSession(w, r, s)
				h.refuse(w, r, http.StatusUnauthorized, "Operator sign-in is not available.")
				return
			}
			cred, err := h.o.Keys.Resolve(r.Context(), s.keyID)
			if err != nil {
				h.endSession(w, r, s)
				h.refuse(w, r, http.StatusUnauthorized, "Your access key is no longer valid. Sign in again.")
				return
			}
			c.cred = cred
			reqctx.SetCaller(r.Context(), reqctx.Caller{Principal: cred.Principal.Name})
		} else {
			ok, err := h.isAdmin(r.Context(), s.poolID, s.username)
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			if !ok {
				h.endSession(w, r, s)
				h.refuse(w, r, http.StatusForbidden, "You are no longer a member of an admin group of this pool.")
				return
			}
			c.admin = true
			reqctx.SetCaller(r.Context(), reqctx.Caller{User: s.sub})
		}
		page(c)
	})
}

// isAdmin reports whether username is in one of the pool's admin groups
// (read from the store now, like Admin Queries' strict mode).
func (h *Handler) isAdmin(ctx context.Context, poolID, username string) (bool, error) {
	groups := h.adminGroups(poolID)
	if len(groups) == 0 {
		return false, nil
	}
	gs, _, err := h.o.Service.AdminListGroupsForUser(ctx, poolID, username, 60, "")
	if err != nil {
		if k := userpool.KindOf(err); k == userpool.KindUserNotFound || k == userpool.KindResourceNotFound {
			return false, nil
		}
		return false, err
	}
	for _, g := range gs {
		for _, a := range groups {
			if g.Name == a {
				return true, nil
			}
		}
	}
	return false, nil
}

func (h *Handler) adminGroups(poolID string) []string {
	if h.o.AdminGroups == nil {
		return nil
	}
	return h.o.AdminGroups(poolID)
}

// Console-only permissions (not Cognito operations).
const (
	permPrincipals = "console:principals"
	permAudit      = "console:audit"
	permRotateKeys = "console:rotateKeys"
)

// userOps are what a pool's admin-group user may do on their own pool:
// Admin Queries' routes and extensions (users, groups, memberships,
// devices) and reading the pool's summary and its audit events.
var userOps = map[string]bool{
	"DescribeUserPool": true, "ListGroups": true, "ListUsers": true, "AdminGetUser": true,
	"AdminListGroupsForUser": true, "AdminAddUserToGroup": true, "AdminRemoveUserFromGroup": true,
	"AdminEnableUser": true, "AdminDisableUser": true, "AdminResetUserPassword": true,
	"AdminUserGlobalSignOut": true, "AdminUpdateUserAttributes": true, "AdminListDevices": true,
	"AdminForgetDevice": true, "AdminDeleteUser": true, "GetGroup": true, "ListUsersInGroup": true,
	"UpdateGroup": true, permAudit: true,
}

// can reports whether the actor may perform op on poolID ("" for none).
func (c *call) can(op, poolID string) bool {
	if c.cred != nil {
		switch op {
		case permPrincipals, permAudit, permRotateKeys:
			return c.cred.Policy.AllowsAll()
		}
		ref := iam.PoolRef{ID: poolID}
		if poolID != "" {
			if p, err := c.h.o.Service.GetPool(c.r.Context(), poolID); err == nil {
				ref.Name = p.Name
			}
		}
		return c.cred.Policy.Allows(op, ref)
	}
	return c.admin && poolID == c.s.poolID && userOps[op]
}

// denied is the refusal of op on poolID, worded like the API's.
func (c *call) denied(op, poolID string) error {
	if c.cred != nil {
		if strings.HasPrefix(op, "console:") {
			return userpool.Errorf(userpool.KindAccessDenied, "%s needs cognito-idp:* on every pool; principal %s does not have it.", strings.TrimPrefix(op, "console:"), c.cred.Principal.Name)
		}
		return c.cred.Authorize(c.h.o.Account, c.h.o.Region, op, iam.PoolRef{ID: poolID})
	}
	return userpool.Errorf(userpool.KindAccessDenied, "User does not have permissions to perform administrative tasks")
}

// actor names the signed-in actor for the audit log and the header.
func (c *call) actor() (typ, name string) {
	if c.s.operator() {
		return "principal", c.s.principal
	}
	return "user", c.s.username
}

// audit records one action.
func (c *call) audit(op, poolID, target, detail string, err error) {
	h := c.h
	if h.o.Auditor == nil {
		return
	}
	outcome := "allowed"
	if err != nil {
		var de *iam.DeniedError
		switch {
		case errors.As(err, &de), userpool.KindOf(err) == userpool.KindAccessDenied:
			outcome = "denied"
		default:
			outcome = "error:" + string(userpool.KindOf(err))
		}
	}
	typ, name := c.actor()
	if c.s.operator() {
		detail = strings.TrimSpace("key=" + c.s.keyID + " " + detail)
	}
	action := op // console-only permissions are already console:<name>
	if !strings.HasPrefix(op, "console:") {
		action = "console:" + op
	}
	h.o.Auditor.Record(c.r.Context(), userpool.AuditEvent{
		Time: h.now().UTC(), ActorType: typ, Actor: name, Action: action,
		PoolID: poolID, Target: target, Outcome: outcome, RequestID: reqctx.RequestID(c.r.Context()), Detail: detail,
	})
}

// act authorizes op, runs do, audits the outcome and returns the error.
func (c *call) act(op, poolID, target, detail string, do func(ctx context.Context) error) error {
	if !c.can(op, poolID) {
		err := c.denied(op, poolID)
		c.audit(op, poolID, target, detail, err)
		return err
	}
	err := do(c.r.Context())
	c.audit(op, poolID, target, detail, err)
	return err
}

// message is the client-safe text of an error.
func message(err error) string {
	var de *iam.DeniedError
	if errors.As(err, &de) {
		return de.Message
	}
	e := userpool.AsError(err)
	if e.Kind == userpool.KindInternal {
		return "Something went wrong on the server; the error was logged."
	}
	return e.Message
}

// status is the HTTP status of an error shown on a page.
func status(err error) int {
	var de *iam.DeniedError
	if errors.As(err, &de) {
		return http.StatusForbidden
	}
	switch userpool.KindOf(err) {
	case userpool.KindAccessDenied, userpool.KindNotAuthorized:
		return http.StatusForbidden
	case userpool.KindUserNotFound, userpool.KindResourceNotFound:
		return http.StatusNotFound
	case userpool.KindInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
