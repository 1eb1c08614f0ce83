package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/oauth.css static/passkey.js
var staticFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

var (
	stylesheet    = staticFile("static/oauth.css")
	passkeyScript = staticFile("static/passkey.js")
)

func staticFile(name string) []byte {
	b, err := fs.ReadFile(staticFS, name)
	if err != nil {
		panic(err)
	}
	return b
}

// Cookie names: the login session (Cognito's hosted UI calls its cookie
// "cognito") and the CSRF token (Cognito's "XSRF-TOKEN").
const (
	sessionCookie = "cognito"
	csrfCookie    = "XSRF-TOKEN"
	csrfField     = "_csrf"
	maxFormBytes  = 64 << 10
)

// Options configures the face.
type Options struct {
	Service *userpool.Service
	// PublicURL is the server's public base URL; cookies are Secure when it
	// is https (or the request came over TLS).
	PublicURL string
	Logger    *slog.Logger
}

// Handler serves the hosted login and the OAuth endpoints of every pool
// domain. Mount it at "/{domain}/<route>" (path-prefix form, the {domain}
// wildcard set) and at "/<route>" (Host form); Routes lists the routes.
type Handler struct {
	svc    *userpool.Service
	log    *slog.Logger
	secure bool
	routes map[string]func(*request)
}

// Routes are the paths the face serves below a domain's base.
var Routes = []string{
	"/oauth2/authorize", "/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke",
	"/login", "/logout", "/signup", "/confirmUser", "/forgotPassword",
	"/confirmForgotPassword", "/error", "/oauth.css", "/login/passkey.js",
}

// New returns the face.
func New(opts Options) *Handler {
	h := &Handler{svc: opts.Service, log: opts.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.secure = strings.HasPrefix(strings.ToLower(opts.PublicURL), "https://")
	// The whole handler table, one literal.
	h.routes = map[string]func(*request){
		"/oauth2/authorize":      h.authorize,
		"/oauth2/token":          h.token,
		"/oauth2/userInfo":       h.userInfo,
		"/oauth2/revoke":         h.revoke,
		"/login":                 h.login,
		"/logout":                h.logout,
		"/signup":                h.signup,
		"/confirmUser":           h.confirmUser,
		"/forgotPassword":        h.forgotPassword,
		"/confirmForgotPassword": h.confirmForgotPassword,
		"/error":                 h.errorPage,
		"/oauth.css":             h.css,
		"/login/passkey.js":      h.passkeyJS,
	}
	return h
}

// request is one request to a pool's domain.
type request struct {
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	pool   *userpool.Pool
	domain string
	// base is the path of the domain's root ("/<domain>" or ""), for links,
	// form actions and the cookies' Path.
	base string
}

// ServeHTTP resolves the pool domain — from the {domain} path wildcard, or
// from the Host header — and dispatches on the rest of the path.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	domain, base, rest := r.PathValue("domain"), "", r.URL.Path
	if domain != "" {
		base = "/" + domain
		rest = strings.TrimPrefix(rest, base)
	} else {
		domain = hostDomain(r.Host)
	}
	route := h.routes[rest]
	if route == nil || domain == "" {
		http.NotFound(w, r)
		return
	}
	reqctx.SetOperation(r.Context(), "OAuth"+strings.ReplaceAll(strings.TrimPrefix(rest, "/oauth2"), "/", "."))
	p, _, err := h.svc.DomainPool(r.Context(), domain)
	if err != nil && domain != "" && r.PathValue("domain") == "" {
		// <prefix>.auth.<region>.amazoncognito.com: the prefix is the domain.
		if i := strings.Index(domain, ".auth."); i > 0 && strings.HasSuffix(domain, ".amazoncognito.com") {
			p, _, err = h.svc.DomainPool(r.Context(), domain[:i])
		}
	}
	if err != nil {
		if userpool.KindOf(err) == userpool.KindResourceNotFound {
			http.NotFound(w, r)
			return
		}
		h.log.Error("oauth: domain lookup", "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	if apiRoutes[rest] {
		// Browser apps (Amplify's signInWithRedirect) call these from their
		// own origin, without cookies: any origin may read the answers.
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions {
			hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Amz-User-Agent")
			hd.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	route(&request{w: w, r: r, ctx: r.Context(), pool: p, domain: domain, base: base})
}

// apiRoutes are the endpoints called by scripts rather than navigated to.
var apiRoutes = map[string]bool{"/oauth2/token": true, "/oauth2/userInfo": true, "/oauth2/revoke": true}

// hostDomain is the Host header without its port, lower-cased.
func hostDomain(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// The pages' Content-Security-Policy: no script at all; the passkey page
// alone may load the domain's own script file (still no inline script).
const (
	pageCSP    = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'"
	passkeyCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'"
)

// setSecurityHeaders: no script, no framing, no sniffing, no referrer
// (authorization URLs carry state and codes).
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
}

func (rq *request) secure(h *Handler) bool { return h.secure || rq.r.TLS != nil }

// cookiePath is the path the domain's cookies are scoped to.
func (rq *request) cookiePath() string {
	if rq.base == "" {
		return "/"
	}
	return rq.base + "/"
}

func (rq *request) setCookie(h *Handler, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: rq.cookiePath(), HttpOnly: true,
		Secure: rq.secure(h), SameSite: http.SameSiteLaxMode}
	if value == "" {
		c.MaxAge = -1
	} else if maxAge > 0 {
		// The server-side expiry (on the domain's clock) is what counts;
		// the browser drops the cookie about then.
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(rq.w, c)
}

func (rq *request) cookie(name string) string {
	c, err := rq.r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// ---------------------------------------------------------------- CSRF

// csrfToken returns the request's CSRF token (double submit: an HttpOnly,
// SameSite=Lax cookie and a hidden form field that must match), setting the
// cookie when there is none yet.
func (rq *request) csrfToken(h *Handler) string {
	if v := rq.cookie(csrfCookie); len(v) == 43 {
		return v
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	v := base64.RawURLEncoding.EncodeToString(b)
	rq.setCookie(h, csrfCookie, v, 0)
	return v
}

// checkCSRF checks a POSTed form's CSRF field against the cookie.
func (rq *request) checkCSRF() bool {
	c := rq.cookie(csrfCookie)
	f := rq.r.PostFormValue(csrfField)
	return len(c) == 43 && subtle.ConstantTimeCompare([]byte(c), []byte(f)) == 1
}

// parseForm reads a POSTed form (bounded).
func (rq *request) parseForm() error {
	rq.r.Body = http.MaxBytesReader(rq.w, rq.r.Body, maxFormBytes)
	return rq.r.ParseForm()
}

// ---------------------------------------------------------------- pages

// page is what the templates render.
type page struct {
	Form  string // signin | signup | confirm | forgot | reset | newpassword | mfa | error
	Title string
	Base  string
	// Query is the authorization parameters, carried by every form
	// (url.Values.Encode output: safe in the query part of a URL).
	Query      template.URL
	CSRF       string
	ClientName string
	Error      string
	Info       string
	Username   string
	Session    string
	Challenge  string
	ErrorCode  string
	Lang       string
	// Factors are the passwordless buttons of the sign-in form; Choices
	// the options of SELECT_MFA_TYPE and SELECT_CHALLENGE.
	Factors []choice
	Choices []choice
	// Destination and Medium: where the code of the otp form went.
	Destination string
	Medium      string
	// Options is the passkey page's CREDENTIAL_REQUEST_OPTIONS (JSON).
	Options string

	auth *userpool.Authorization // for the sign-in form's factors
}

// choice is a button of a form: the value posted and its text.
type choice struct{ Value, Label string }

func (h *Handler) render(rq *request, status int, p page) {
	p.Base = rq.base
	if p.Lang == "" {
		p.Lang = "en"
	}
	if p.Form == "signin" && p.Factors == nil && p.auth != nil {
		p.Factors = h.factorChoices(rq, p.auth)
	}
	hd := rq.w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	if p.Form == "passkey" {
		hd.Set("Content-Security-Policy", passkeyCSP)
	}
	rq.w.WriteHeader(status)
	if err := pages.ExecuteTemplate(rq.w, "page.html", p); err != nil {
		h.log.Error("oauth: render", "form", p.Form, "err", err)
	}
}

// showError renders the error page for an error that must not be
// redirected (Cognito: "An error was encountered with the requested page.").
func (h *Handler) showError(rq *request, status int, code, desc string) {
	reqctx.SetErrorType(rq.ctx, code)
	h.render(rq, status, page{Form: "error", Title: "Error", ErrorCode: code, Error: desc})
}

func (h *Handler) css(rq *request) {
	rq.w.Header().Set("Content-Type", "text/css; charset=utf-8")
	rq.w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = rq.w.Write(stylesheet)
}

// passkeyJS serves the passkey page's script.
func (h *Handler) passkeyJS(rq *request) {
	rq.w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	rq.w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = rq.w.Write(passkeyScript)
}

func (h *Handler) errorPage(rq *request) {
	code := rq.r.URL.Query().Get("error")
	if code == "" {
		code = "invalid_request"
	}
	h.showError(rq, http.StatusBadRequest, code, "")
}

// ---------------------------------------------------------------- JSON answers

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":"server_error"}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// authorizeQuery is the authorization request's parameters, as /login and
// the other forms carry them.
func authorizeQuery(v url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"response_type", "client_id", "redirect_uri", "state", "scope", "nonce",
		"code_challenge", "code_challenge_method", "identity_provider", "idp_identifier", "prompt", "lang"} {
		if x := v.Get(k); x != "" {
			out.Set(k, x)
		}
	}
	return out
}

func authorizeRequest(v url.Values) userpool.AuthorizeRequest {
	return userpool.AuthorizeRequest{
		ResponseType:        v.Get("response_type"),
		ClientID:            v.Get("client_id"),
		RedirectURI:         v.Get("redirect_uri"),
		State:               v.Get("state"),
		Scope:               v.Get("scope"),
		Nonce:               v.Get("nonce"),
		CodeChallenge:       v.Get("code_challenge"),
		CodeChallengeMethod: v.Get("code_challenge_method"),
		IdentityProvider:    v.Get("identity_provider"),
		IdpIdentifier:       v.Get("idp_identifier"),
		Prompt:              v.Get("prompt"),
		Lang:                v.Get("lang"),
	}
}
