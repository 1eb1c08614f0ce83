package console

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"userpool/internal/iam"
	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// loginView is the sign-in page.
type loginView struct {
	CSRF     string
	Next     string
	KeyError string
	PoolErr  string
	PoolID   string
	KeyID    string
}

// loginCSRFToken returns the double-submit token of the sign-in forms,
// setting its cookie when missing.
func (h *Handler) loginCSRFToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCSRF); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	t := h.token(32)
	h.setCookie(w, r, loginCSRF, t, 3600, http.SameSiteStrictMode)
	return t
}

func (h *Handler) checkLoginCSRF(r *http.Request) bool {
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("_csrf"))) == 1
}

// safeNext keeps a post-sign-in destination inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, Prefix) && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return Prefix
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	v := loginView{CSRF: h.loginCSRFToken(w, r), Next: safeNext(r.URL.Query().Get("next"))}
	if e := r.URL.Query().Get("error"); e != "" {
		v.PoolErr = loginErrors[e]
	}
	h.render(w, r, http.StatusOK, "login", "Sign in", nil, v)
}

// loginErrors are the messages the callback redirects with (by code, so no
// text from the URL reaches the page).
var loginErrors = map[string]string{
	"expired":  "The sign-in took too long or was started in another browser. Try again.",
	"denied":   "The hosted login did not sign you in.",
	"notadmin": "You are signed in, but you are not a member of an admin group of this pool, so you may not use the console.",
	"failed":   "The hosted login's answer could not be verified. Try again.",
}

// loginKey is the operator sign-in: access key id and secret.
func (h *Handler) loginKey(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !h.checkLoginCSRF(r) {
		h.refuse(w, r, http.StatusForbidden, "The form's security token is missing or wrong (CSRF). Reload the page and try again.")
		return
	}
	id := strings.TrimSpace(r.PostFormValue("access_key_id"))
	secret := r.PostFormValue("secret_access_key")
	v := loginView{CSRF: h.loginCSRFToken(w, r), Next: safeNext(r.PostFormValue("next")), KeyID: id}
	if !h.guard.allowSource(r.RemoteAddr) {
		v.KeyError = tooManyFromSource
		h.tooMany(w, r, v, time.Minute)
		return
	}
	if until := h.guard.lockedUntil(id); !until.IsZero() {
		h.auditSignIn(r, "access-key", id, "", "denied", "locked")
		v.KeyError = lockedMessage(until)
		h.tooMany(w, r, v, until.Sub(h.now()))
		return
	}
	fail := func(msg string) {
		h.auditSignIn(r, "access-key", id, "", "denied", "")
		v.KeyError = msg
		h.render(w, r, http.StatusUnauthorized, "login", "Sign in", nil, v)
	}
	if h.o.Keys == nil {
		fail("Operator sign-in is not available on this server.")
		return
	}
	if id == "" || secret == "" {
		fail("Enter an access key id and its secret access key.")
		return
	}
	if iam.IsSessionAccessKeyID(id) {
		fail("Temporary (ASIA) credentials cannot sign in to the console; use a principal's access key.")
		return
	}
	cred, err := h.o.Keys.Resolve(r.Context(), id)
	if err != nil || subtle.ConstantTimeCompare([]byte(cred.Secret), []byte(secret)) != 1 {
		if err != nil && userpool.KindOf(err) == userpool.KindInternal && !strings.Contains(err.Error(), "access key") {
			h.log.Error("console: resolving an access key", "err", err)
		}
		if h.guard.failed(id) {
			h.auditSignIn(r, "access-key", id, "", "denied", "locked")
			v.KeyError = lockedMessage(h.guard.lockedUntil(id))
			h.tooMany(w, r, v, h.guard.lock)
			return
		}
		fail("The access key id or the secret access key is not valid.")
		return
	}
	h.guard.succeeded(id)
	reqctx.SetCaller(r.Context(), reqctx.Caller{Principal: cred.Principal.Name})
	h.newSession(w, r, &session{keyID: id, principal: cred.Principal.Name})
	h.auditSignIn(r, "principal", cred.Principal.Name, "", "allowed", "key="+id)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

const tooManyFromSource = "Too many sign-in attempts from your address. Wait a minute and try again."

func lockedMessage(until time.Time) string {
	return "Too many failed sign-ins with this access key id: it may not sign in to the console until " +
		until.UTC().Format("15:04 UTC") + "."
}

// tooMany answers a limited sign-in: 429 with Retry-After and the form.
func (h *Handler) tooMany(w http.ResponseWriter, r *http.Request, v loginView, after time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(after.Round(time.Second)/time.Second))))
	h.render(w, r, http.StatusTooManyRequests, "login", "Sign in", nil, v)
}

func (h *Handler) auditSignIn(r *http.Request, typ, actor, poolID, outcome, detail string) {
	if h.o.Auditor == nil {
		return
	}
	h.o.Auditor.Record(r.Context(), userpool.AuditEvent{
		Time: h.now().UTC(), ActorType: typ, Actor: actor, Action: "console:SignIn", PoolID: poolID,
		Outcome: outcome, RequestID: reqctx.RequestID(r.Context()), Detail: detail,
	})
}

func (h *Handler) callbackURL() string {
	return strings.TrimSuffix(h.o.PublicURL, "/") + "/console/callback"
}

// consoleScopes are what the console asks the hosted login for.
var consoleScopes = []string{"openid", "aws.cognito.signin.user.admin"}

// ensureClient returns the pool's console app client, creating it (or
// adding the callback URL) when needed.
func (h *Handler) ensureClient(ctx context.Context, poolID string) (*userpool.Client, error) {
	cb := h.callbackURL()
	tok := ""
	for {
		cs, next, err := h.o.Service.ListClients(ctx, poolID, 60, tok)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Name != ConsoleClientName {
				continue
			}
			st := c.Settings
			if slices.Contains(st.CallbackURLs, cb) && slices.Contains(st.AllowedOAuthFlows, "code") && st.AllowedOAuthFlowsUserPoolClient {
				return c, nil
			}
			in := consoleClientInput(append(slices.Clone(st.CallbackURLs), cb))
			return h.o.Service.UpdateClient(ctx, poolID, c.ID, in)
		}
		if next == "" {
			break
		}
		tok = next
	}
	return h.o.Service.CreateClient(ctx, poolID, consoleClientInput([]string{cb}))
}

func consoleClientInput(callbacks []string) userpool.ClientInput {
	slices.Sort(callbacks)
	callbacks = slices.Compact(callbacks)
	return userpool.ClientInput{
		Name:                            ConsoleClientName,
		ExplicitAuthFlows:               []string{userpool.FlowAllowRefreshTokenAuth, userpool.FlowAllowUserSRPAuth},
		SupportedIdentityProviders:      []string{"COGNITO"},
		CallbackURLs:                    callbacks,
		AllowedOAuthFlows:               []string{"code"},
		AllowedOAuthScopes:              consoleScopes,
		AllowedOAuthFlowsUserPoolClient: true,
		PreventUserExistenceErrors:      "ENABLED",
	}
}

// loginPool starts the hosted-login sign-in of a pool's admin.
func (h *Handler) loginPool(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !h.checkLoginCSRF(r) {
		h.refuse(w, r, http.StatusForbidden, "The form's security token is missing or wrong (CSRF). Reload the page and try again.")
		return
	}
	poolID := strings.TrimSpace(r.PostFormValue("pool"))
	v := loginView{CSRF: h.loginCSRFToken(w, r), Next: Prefix, PoolID: poolID}
	if !h.guard.allowSource(r.RemoteAddr) {
		v.PoolErr = tooManyFromSource
		h.tooMany(w, r, v, time.Minute)
		return
	}
	fail := func(code int, msg string) {
		v.PoolErr = msg
		h.render(w, r, code, "login", "Sign in", nil, v)
	}
	ctx := r.Context()
	if h.o.PublicURL == "" {
		fail(http.StatusBadRequest, "The hosted-login sign-in needs server.public_url.")
		return
	}
	pool, err := h.o.Service.GetPool(ctx, poolID)
	if err != nil {
		fail(http.StatusNotFound, "There is no user pool "+poolID+".")
		return
	}
	if len(h.adminGroups(pool.ID)) == 0 {
		fail(http.StatusForbidden, "This pool has no admin group for the console: configure its Admin Queries groups or console.admin_groups.")
		return
	}
	prefix, _, err := h.o.Service.PoolDomains(ctx, pool.ID)
	if err != nil || prefix == "" {
		fail(http.StatusBadRequest, "This pool has no domain, so it has no hosted login: create one (CreateUserPoolDomain) first.")
		return
	}
	client, err := h.ensureClient(ctx, pool.ID)
	if err != nil {
		h.log.Error("console: ensuring the console app client", "pool", pool.ID, "err", err)
		fail(status(err), "The console's app client could not be set up: "+message(err))
		return
	}
	state := h.token(24)
	verifier := h.token(32)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	h.mu.Lock()
	h.sweepLocked(h.now())
	h.pending[digest(state)] = &pendingLogin{poolID: pool.ID, clientID: client.ID, verifier: verifier, created: h.now()}
	h.mu.Unlock()
	// The state also goes into a cookie, so the callback must come back to
	// the browser that started the sign-in.
	h.setCookie(w, r, pendingCookie, state, int(pendingTTL/time.Second), http.SameSiteLaxMode)
	q := url.Values{
		"response_type": {"code"}, "client_id": {client.ID}, "redirect_uri": {h.callbackURL()},
		"scope": {strings.Join(consoleScopes, " ")}, "state": {state},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}
	http.Redirect(w, r, strings.TrimSuffix(h.o.PublicURL, "/")+"/"+prefix+"/oauth2/authorize?"+q.Encode(), http.StatusSeeOther)
}

// callback finishes the hosted-login sign-in: the state must match the
// browser's cookie, the code is exchanged with the PKCE verifier, and the
// user must be in an admin group of the pool.
func (h *Handler) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	c, err := r.Cookie(pendingCookie)
	if state == "" || err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		http.Redirect(w, r, "/console/login?error=expired", http.StatusSeeOther)
		return
	}
	h.setCookie(w, r, pendingCookie, "", -1, http.SameSiteLaxMode)
	h.mu.Lock()
	p := h.pending[digest(state)]
	delete(h.pending, digest(state))
	h.mu.Unlock()
	if p == nil || h.now().Sub(p.created) > pendingTTL {
		http.Redirect(w, r, "/console/login?error=expired", http.StatusSeeOther)
		return
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		http.Redirect(w, r, "/console/login?error=denied", http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	tr, err := h.o.Service.Token(ctx, p.poolID, userpool.TokenRequest{
		GrantType: "authorization_code", ClientID: p.clientID, Code: q.Get("code"),
		RedirectURI: h.callbackURL(), CodeVerifier: p.verifier,
	})
	if err != nil {
		h.log.Info("console: code exchange failed", "pool", p.poolID, "err", err)
		http.Redirect(w, r, "/console/login?error=failed", http.StatusSeeOther)
		return
	}
	ac, err := h.o.Service.AuthenticateAccessToken(ctx, tr.AccessToken)
	if err != nil || ac.Pool.ID != p.poolID {
		http.Redirect(w, r, "/console/login?error=failed", http.StatusSeeOther)
		return
	}
	reqctx.SetCaller(ctx, reqctx.Caller{User: ac.User.Sub})
	ok, err := h.isAdmin(ctx, p.poolID, ac.User.Username)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !ok {
		h.auditSignIn(r, "user", ac.User.Username, p.poolID, "denied", "not in an admin group")
		http.Redirect(w, r, "/console/login?error=notadmin", http.StatusSeeOther)
		return
	}
	h.newSession(w, r, &session{poolID: p.poolID, username: ac.User.Username, sub: ac.User.Sub})
	h.auditSignIn(r, "user", ac.User.Username, p.poolID, "allowed", "")
	http.Redirect(w, r, Prefix+"pools/"+url.PathEscape(p.poolID)+"/users", http.StatusSeeOther)
}

func (h *Handler) logout(c *call) {
	h.endSession(c.w, c.r, c.s)
	http.Redirect(c.w, c.r, "/console/login", http.StatusSeeOther)
}
