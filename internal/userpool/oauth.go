package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"userpool/internal/store"
	"userpool/internal/token"
)

// OAuth 2.0 / OpenID Connect: the rules behind Cognito's hosted login and
// its /oauth2 endpoints. The face (internal/oauth) parses HTTP and renders
// pages; everything decided here is protocol-neutral.
//
// Storage. Nothing new is stored in a table of its own: authorization codes,
// login sessions and OAuth grants are store.Session rows (the table of
// challenge sessions, which carries no foreign key, expires rows with
// DeleteExpiredSessions, is removed with its user, and whose TakeSession is
// the atomic single use a code needs), told apart by Challenge:
//
//   - "oauth:code": an authorization code. The row id is
//     hex(SHA-256("userpool/oauth-code" ‖ code)), so the store never holds
//     the code; the state binds the client (row), redirect_uri, scopes,
//     nonce, PKCE challenge and auth_time; 5-minute life; taken (deleted)
//     by the first exchange, whatever its outcome.
//   - "oauth:login": a hosted-login session (the cookie). The row id is
//     hex(SHA-256("userpool/oauth-login" ‖ cookie value)); bound to the pool
//     and the user; 1-hour life (Cognito's hosted UI cookie); taken by
//     /logout.
//   - "oauth:grant": the scopes of a refresh-token family issued by
//     /oauth2/token, keyed by hex(SHA-256("userpool/oauth-grant" ‖ pool ‖
//     origin_jti)) and living as long as the family; a refresh at the token
//     endpoint issues tokens with these scopes again.

// OAuth flows (AllowedOAuthFlows) and session kinds.
const (
	OAuthFlowCode              = "code"
	OAuthFlowImplicit          = "implicit"
	OAuthFlowClientCredentials = "client_credentials"

	sessionOAuthCode  = "oauth:code"
	sessionOAuthLogin = "oauth:login"
	sessionOAuthGrant = "oauth:grant"

	// AuthorizationCodeValidity is how long an authorization code lives.
	AuthorizationCodeValidity = 5 * time.Minute
	// LoginSessionValidity is how long the hosted login remembers a user.
	LoginSessionValidity = time.Hour
	// IdentityProviderCognito is the user pool's own directory.
	IdentityProviderCognito = "COGNITO"

	scopeOpenID  = "openid"
	scopeEmail   = "email"
	scopePhone   = "phone"
	scopeProfile = "profile"

	maxOAuthParam = 2048
)

// OAuth error codes (RFC 6749 §4.1.2.1, §5.2, RFC 7009, Cognito's pages).
const (
	OAuthInvalidRequest       = "invalid_request"
	OAuthInvalidClient        = "invalid_client"
	OAuthInvalidGrant         = "invalid_grant"
	OAuthUnauthorizedClient   = "unauthorized_client"
	OAuthUnsupportedGrantType = "unsupported_grant_type"
	OAuthInvalidScope         = "invalid_scope"
	OAuthUnsupportedTokenType = "unsupported_token_type"
	OAuthInvalidToken         = "invalid_token"
	OAuthServerError          = "server_error"
	OAuthLoginRequired        = "login_required"
	// OAuthRedirectMismatch is the code of Cognito's error page for an
	// unknown client or an unregistered redirect_uri.
	OAuthRedirectMismatch = "redirect_mismatch"
)

// OAuthError is an error of the OAuth endpoints: Code is the OAuth error
// code, Description a client-safe text. For /oauth2/authorize, RedirectURI
// is where the error may be sent ("" when it must be shown, never
// redirected: the client or the redirect_uri could not be trusted), with
// State echoed and Fragment set for the implicit grant.
type OAuthError struct {
	Code        string
	Description string
	RedirectURI string
	State       string
	Fragment    bool
}

func (e *OAuthError) Error() string {
	if e.Description == "" {
		return e.Code
	}
	return e.Code + ": " + e.Description
}

func oauthErr(code, desc string) *OAuthError { return &OAuthError{Code: code, Description: desc} }

// OAuthErrorCode returns the OAuth error code of err ("" when err is not an
// *OAuthError).
func OAuthErrorCode(err error) string {
	var e *OAuthError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ---------------------------------------------------------------- /oauth2/authorize

// AuthorizeRequest is the query of /oauth2/authorize (and /login).
type AuthorizeRequest struct {
	ResponseType        string
	ClientID            string
	RedirectURI         string
	State               string
	Scope               string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	IdentityProvider    string
	IdpIdentifier       string
	Prompt              string
	Lang                string
}

// Authorization is a checked authorization request: the client may use the
// grant with this redirect_uri, and Scopes are the scopes granted (those
// requested that the client allows, in request order).
type Authorization struct {
	PoolID        string
	ClientID      string
	ClientName    string
	ResponseType  string
	RedirectURI   string
	Scopes        []string
	State         string
	Nonce         string
	CodeChallenge string
	Prompt        string
	// ForceLogin is prompt=login: sign in again even with a login session.
	ForceLogin bool
}

func (a *Authorization) redirectErr(code, desc string) *OAuthError {
	return &OAuthError{Code: code, Description: desc, RedirectURI: a.RedirectURI, State: a.State, Fragment: a.ResponseType == "token"}
}

// oauthClient returns the app client of pool poolID named clientID; nil
// when there is none (unknown, or of another pool).
func (s *Service) oauthClient(ctx context.Context, poolID, clientID string) (*Pool, *Client, error) {
	if clientID == "" || len(clientID) > 128 {
		return nil, nil, nil
	}
	c, err := s.GetClientByID(ctx, clientID)
	if KindOf(err) == KindResourceNotFound || KindOf(err) == KindInvalidParameter {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if c.PoolID != poolID {
		return nil, nil, nil
	}
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	return p, c, nil
}

// Authorize checks an authorization request for pool poolID in Cognito's
// order: the client and the exact redirect_uri first (failures are shown,
// never redirected: no open redirect), then — redirected to redirect_uri
// with the state — response_type, the client's OAuth flows and identity
// providers, PKCE (S256 only) and the scopes. Scopes the client does not
// allow are ignored; none left is invalid_scope.
func (s *Service) Authorize(ctx context.Context, poolID string, r AuthorizeRequest) (*Authorization, error) {
	p, c, err := s.oauthClient(ctx, poolID, r.ClientID)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, oauthErr(OAuthRedirectMismatch, "Invalid client_id.")
	}
	if r.RedirectURI == "" || !slices.Contains(c.Settings.CallbackURLs, r.RedirectURI) {
		return nil, oauthErr(OAuthRedirectMismatch, "redirect_uri is not registered for this client.")
	}
	a := &Authorization{
		PoolID:       p.ID,
		ClientID:     c.ID,
		ClientName:   c.Name,
		ResponseType: r.ResponseType,
		RedirectURI:  r.RedirectURI,
		State:        r.State,
		Nonce:        r.Nonce,
		Prompt:       strings.ToLower(r.Prompt),
	}
	switch r.ResponseType {
	case "":
		return nil, a.redirectErr(OAuthInvalidRequest, "response_type is required.")
	case "code", "token":
	default:
		a.ResponseType = "code"
		return nil, a.redirectErr(OAuthInvalidRequest, "response_type must be code or token.")
	}
	if len(r.State) > maxOAuthParam || len(r.Nonce) > maxOAuthParam || len(r.Scope) > maxOAuthParam {
		return nil, a.redirectErr(OAuthInvalidRequest, "Request parameter too long.")
	}
	flow := OAuthFlowCode
	if r.ResponseType == "token" {
		flow = OAuthFlowImplicit
	}
	if !c.Settings.AllowedOAuthFlowsUserPoolClient || !slices.Contains(c.Settings.AllowedOAuthFlows, flow) {
		return nil, a.redirectErr(OAuthUnauthorizedClient, "Client is not allowed the "+flow+" grant.")
	}
	if !slices.Contains(c.Settings.SupportedIdentityProviders, IdentityProviderCognito) {
		return nil, a.redirectErr(OAuthUnauthorizedClient, "Client does not support the COGNITO identity provider.")
	}
	if r.IdpIdentifier != "" || (r.IdentityProvider != "" && !strings.EqualFold(r.IdentityProvider, IdentityProviderCognito)) {
		return nil, a.redirectErr(OAuthInvalidRequest, "Federated identity providers are not supported by this server.")
	}
	if r.ResponseType == "code" {
		switch {
		case r.CodeChallengeMethod == "" && r.CodeChallenge == "":
		case r.CodeChallengeMethod == "":
			return nil, a.redirectErr(OAuthInvalidRequest, "code_challenge_method is required with code_challenge.")
		case r.CodeChallengeMethod != "S256":
			return nil, a.redirectErr(OAuthInvalidRequest, "Unsupported code_challenge_method; only S256 is supported.")
		case !pkceValue(r.CodeChallenge):
			return nil, a.redirectErr(OAuthInvalidRequest, "Invalid code_challenge.")
		}
		a.CodeChallenge = r.CodeChallenge
	}
	a.Scopes = grantScopes(c.Settings.AllowedOAuthScopes, r.Scope)
	if len(a.Scopes) == 0 {
		return nil, a.redirectErr(OAuthInvalidScope, "No valid scope requested.")
	}
	switch a.Prompt {
	case "login":
		a.ForceLogin = true
	}
	return a, nil
}

// grantScopes is the requested scopes the client allows, in request order
// without duplicates; all the client allows when none are requested.
func grantScopes(allowed []string, requested string) []string {
	fields := strings.Fields(requested)
	if len(fields) == 0 {
		return append([]string(nil), allowed...)
	}
	var out []string
	for _, f := range fields {
		if slices.Contains(allowed, f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// pkceValue reports whether v is a PKCE verifier or S256 challenge: 43–128
// characters of [A-Za-z0-9-._~] (RFC 7636 §4.1).
func pkceValue(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// pkceS256Matches checks base64url(SHA-256(verifier)) == challenge in
// constant time.
func pkceS256Matches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// ---------------------------------------------------------------- login sessions

// LoginSession is a signed-in hosted-login session (the cookie).
type LoginSession struct {
	PoolID      string
	Username    string
	usernameKey string
	AuthTime    time.Time
	ExpiresAt   time.Time
}

type loginState struct {
	User     string `json:"u"`
	AuthTime int64  `json:"t"`
}

func oauthHash(label string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte("userpool/" + label + "\x00"))
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// newLoginSession stores a login session for u and returns the cookie value.
func (s *Service) newLoginSession(ctx context.Context, p *Pool, u store.User, authTime time.Time) (string, time.Time, error) {
	raw, err := s.authRandomToken(32)
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.nowUTC()
	st, _ := json.Marshal(loginState{User: u.Username, AuthTime: authTime.Unix()})
	exp := now.Add(LoginSessionValidity)
	if err := s.store.CreateSession(ctx, store.Session{
		ID:          oauthHash("oauth-login", raw),
		PoolID:      p.ID,
		UsernameKey: u.UsernameKey,
		Challenge:   sessionOAuthLogin,
		State:       st,
		CreatedAt:   now,
		ExpiresAt:   exp,
	}); err != nil {
		return "", time.Time{}, Internal(err)
	}
	return raw, exp, nil
}

// LoginSession returns the live login session a cookie value names for pool
// poolID, or nil (no error) when there is none: unknown, expired, of another
// pool, or its user is gone, disabled or no longer able to sign in.
func (s *Service) LoginSession(ctx context.Context, poolID, cookie string) (*LoginSession, error) {
	if cookie == "" || len(cookie) > 128 {
		return nil, nil
	}
	sess, err := s.store.GetSession(ctx, oauthHash("oauth-login", cookie))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, Internal(err)
	}
	if sess.Challenge != sessionOAuthLogin || sess.PoolID != poolID || !s.nowUTC().Before(sess.ExpiresAt) {
		return nil, nil
	}
	var st loginState
	if json.Unmarshal(sess.State, &st) != nil {
		return nil, nil
	}
	u, err := s.store.GetUser(ctx, poolID, sess.UsernameKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, Internal(err)
	}
	if u.Username != st.User || signInState(u) != nil {
		return nil, nil
	}
	// A global sign-out after the login ends the session too.
	if !u.TokensValidAfter.IsZero() && sess.CreatedAt.Before(u.TokensValidAfter) {
		return nil, nil
	}
	return &LoginSession{PoolID: poolID, Username: u.Username, usernameKey: u.UsernameKey,
		AuthTime: time.Unix(st.AuthTime, 0).UTC(), ExpiresAt: sess.ExpiresAt}, nil
}

// EndLoginSession deletes the login session a cookie value names (logout).
// Unknown sessions are not an error.
func (s *Service) EndLoginSession(ctx context.Context, poolID, cookie string) error {
	if cookie == "" || len(cookie) > 128 {
		return nil
	}
	id := oauthHash("oauth-login", cookie)
	sess, err := s.store.GetSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return Internal(err)
	}
	if sess.Challenge != sessionOAuthLogin || sess.PoolID != poolID {
		return nil
	}
	if _, err := s.store.TakeSession(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return Internal(err)
	}
	return nil
}

// ---------------------------------------------------------------- the login form

// HostedStep is the outcome of one step of the hosted login form: either a
// next challenge (Challenge, Session, Username to carry to the next form) or
// a completed sign-in (Cookie, the new login session's value, and
// CookieExpires).
type HostedStep struct {
	Challenge string
	Session   string
	Username  string
	// Parameters are the challenge's parameters (CODE_DELIVERY_DESTINATION,
	// MFAS_CAN_CHOOSE, CREDENTIAL_REQUEST_OPTIONS, ...); Available the
	// factors of SELECT_CHALLENGE.
	Parameters    map[string]string
	Available     []string
	Cookie        string
	CookieExpires time.Time
}

// secretHashFor computes the SECRET_HASH the API would require from a
// client with a secret: the hosted login runs on the server, which knows
// the secret, so the form goes through the very same checks as the API.
func secretHashFor(c *Client, username string) string {
	secrets := c.Secrets() // any current one (clientsecrets.go)
	if len(secrets) == 0 {
		return ""
	}
	m := hmac.New(sha256.New, []byte(secrets[0].Value))
	m.Write([]byte(username + c.ID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// authorizationClient re-reads the pool and client of a checked authorization.
func (s *Service) authorizationClient(ctx context.Context, a *Authorization) (*Pool, *Client, error) {
	p, c, err := s.oauthClient(ctx, a.PoolID, a.ClientID)
	if err != nil {
		return nil, nil, err
	}
	if c == nil {
		return nil, nil, Errorf(KindResourceNotFound, "User pool client %s does not exist.", a.ClientID)
	}
	return p, c, nil
}

// HostedSignIn is the sign-in form: the password check of
// USER_PASSWORD_AUTH (the same lockout, user states, rehash and challenge
// steps as InitiateAuth), whatever auth flows the client enables for the
// API — the hosted login does not need them. Errors are the domain's
// (NotAuthorizedException "Incorrect username or password.", ...).
func (s *Service) HostedSignIn(ctx context.Context, a *Authorization, username, password string) (*HostedStep, error) {
	p, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return nil, err
	}
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	if c.HasSecret() {
		params["SECRET_HASH"] = secretHashFor(c, username)
	}
	out, err := s.signIn(p, c).passwordAuth(ctx, params)
	if err != nil {
		return nil, err
	}
	return s.hostedStep(ctx, p, username, out)
}

// HostedRespond answers a challenge of the hosted login through
// RespondToAuthChallenge's own steps: NEW_PASSWORD for
// NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA_CODE for SOFTWARE_TOKEN_MFA,
// EMAIL_OTP_CODE / SMS_OTP_CODE / SMS_MFA_CODE for the code challenges,
// ANSWER for SELECT_MFA_TYPE and SELECT_CHALLENGE (with PASSWORD for the
// password factor), CREDENTIAL for WEB_AUTHN (oauth_choices.go).
func (s *Service) HostedRespond(ctx context.Context, a *Authorization, challenge, session, username string, answers map[string]string) (*HostedStep, error) {
	p, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return nil, err
	}
	r := map[string]string{"USERNAME": username}
	for k, v := range answers {
		r[k] = v
	}
	if c.HasSecret() {
		r["SECRET_HASH"] = secretHashFor(c, username)
	}
	var out *AuthOutput
	switch challenge {
	case ChallengeNewPasswordRequired:
		out, err = s.signIn(p, c).answerNewPassword(ctx, r, session)
	case ChallengeSoftwareTokenMFA:
		out, err = s.signIn(p, c).answerSoftwareToken(ctx, r, session)
	case ChallengeEmailOTP, ChallengeSMSOTP, ChallengeSMSMFA:
		out, err = s.signIn(p, c).answerOTP(ctx, challenge, r, session)
	case ChallengeSelectMFA:
		out, err = s.signIn(p, c).answerSelectMFA(ctx, r, session)
	case ChallengeSelect:
		if r["ANSWER"] == ChallengePasswordSRP {
			return nil, invalidParam("Invalid ANSWER %s.", r["ANSWER"])
		}
		out, err = s.signIn(p, c).answerSelectChallenge(ctx, r, session)
	case ChallengeWebAuthn:
		out, err = s.signIn(p, c).answerWebAuthn(ctx, r, session)
	default:
		return nil, Errorf(KindInvalidParameter, "Invalid challenge name %s.", challenge)
	}
	if err != nil {
		return nil, err
	}
	return s.hostedStep(ctx, p, username, out)
}

// hostedStep turns a sign-in step into a form step. A completed sign-in
// starts a login session for the user the tokens name; the API tokens
// minted by the shared last step are not handed out (the token endpoint
// issues the OAuth ones), so their refresh token is revoked at once.
func (s *Service) hostedStep(ctx context.Context, p *Pool, username string, out *AuthOutput) (*HostedStep, error) {
	if out.Result == nil {
		name := username
		if v := out.ChallengeParameters["USER_ID_FOR_SRP"]; v != "" {
			name = v
		}
		return &HostedStep{Challenge: out.ChallengeName, Session: out.Session, Username: name,
			Parameters: out.ChallengeParameters, Available: out.AvailableChallenges}, nil
	}
	claims, err := s.tokens.Verify(ctx, p.ID, out.Result.AccessToken, token.UseAccess)
	if err != nil {
		return nil, Internal(err)
	}
	if out.Result.RefreshToken != "" {
		if err := s.store.RevokeRefreshToken(ctx, authTokenHash(out.Result.RefreshToken), s.nowUTC()); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, Internal(err)
		}
	}
	u, err := s.store.GetUser(ctx, p.ID, p.UsernameKey(claims.Username))
	if err != nil {
		return nil, storeError(err, on(store.ErrNotFound, errUserNotFound))
	}
	cookie, exp, err := s.newLoginSession(ctx, p, u, claims.AuthTime)
	if err != nil {
		return nil, err
	}
	return &HostedStep{Username: u.Username, Cookie: cookie, CookieExpires: exp}, nil
}

// HostedSignUp is the sign-up form: SignUp through the client, with the
// SECRET_HASH computed for a client with a secret.
func (s *Service) HostedSignUp(ctx context.Context, a *Authorization, username, password string, attrs []Attribute) (*SignUpResult, error) {
	_, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return nil, err
	}
	return s.SignUp(ctx, SignUpInput{ClientID: c.ID, SecretHash: secretHashFor(c, username), Username: username, Password: password, Attributes: attrs})
}

// HostedConfirmSignUp is the confirmation-code form after a sign-up.
func (s *Service) HostedConfirmSignUp(ctx context.Context, a *Authorization, username, code string) error {
	_, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return err
	}
	return s.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, SecretHash: secretHashFor(c, username), Username: username, Code: code})
}

// HostedForgotPassword is the "forgot your password?" form.
func (s *Service) HostedForgotPassword(ctx context.Context, a *Authorization, username string) (*CodeDelivery, error) {
	_, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return nil, err
	}
	return s.ForgotPassword(ctx, ForgotPasswordInput{ClientID: c.ID, SecretHash: secretHashFor(c, username), Username: username})
}

// HostedConfirmForgotPassword is the reset form (code and new password).
func (s *Service) HostedConfirmForgotPassword(ctx context.Context, a *Authorization, username, code, password string) error {
	_, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return err
	}
	return s.ConfirmForgotPassword(ctx, ConfirmForgotPasswordInput{ClientID: c.ID, SecretHash: secretHashFor(c, username), Username: username, Code: code, Password: password})
}

// ---------------------------------------------------------------- the authorization response

type codeState struct {
	RedirectURI   string   `json:"r"`
	Scopes        []string `json:"s"`
	Nonce         string   `json:"n,omitempty"`
	CodeChallenge string   `json:"c,omitempty"`
	AuthTime      int64    `json:"t"`
	User          string   `json:"u"`
}

// Complete answers a checked authorization for a signed-in user: the URL
// to redirect the browser to — redirect_uri?code=…&state=… for the code
// grant (the code stored hashed, single use, 5 minutes, bound to the
// client, redirect_uri, scopes, nonce and PKCE challenge), or
// redirect_uri#access_token=…&id_token=…&token_type=Bearer&expires_in=…&state=…
// for the implicit grant (no refresh token; id_token only with openid).
func (s *Service) Complete(ctx context.Context, a *Authorization, login *LoginSession) (string, error) {
	p, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return "", err
	}
	if login == nil || login.PoolID != p.ID {
		return "", Errorf(KindNotAuthorized, "Not signed in.")
	}
	u, err := s.store.GetUser(ctx, p.ID, login.usernameKey)
	if err != nil {
		return "", storeError(err, on(store.ErrNotFound, errUserNotFound))
	}
	if a.ResponseType == "token" {
		res, err := s.oauthTokens(ctx, p, c, u, a.Scopes, a.Nonce, login.AuthTime, false)
		if err != nil {
			return "", err
		}
		v := url.Values{}
		v.Set("access_token", res.AccessToken)
		if res.IDToken != "" {
			v.Set("id_token", res.IDToken)
		}
		v.Set("token_type", res.TokenType)
		v.Set("expires_in", strconv.FormatInt(res.ExpiresIn, 10))
		if a.State != "" {
			v.Set("state", a.State)
		}
		return a.RedirectURI + "#" + v.Encode(), nil
	}
	code, err := s.newUUID()
	if err != nil {
		return "", err
	}
	st, err := json.Marshal(codeState{RedirectURI: a.RedirectURI, Scopes: a.Scopes, Nonce: a.Nonce,
		CodeChallenge: a.CodeChallenge, AuthTime: login.AuthTime.Unix(), User: u.Username})
	if err != nil {
		return "", Internal(err)
	}
	now := s.nowUTC()
	if err := s.store.CreateSession(ctx, store.Session{
		ID:          oauthHash("oauth-code", code),
		PoolID:      p.ID,
		ClientID:    c.ID,
		UsernameKey: u.UsernameKey,
		Challenge:   sessionOAuthCode,
		State:       st,
		CreatedAt:   now,
		ExpiresAt:   now.Add(AuthorizationCodeValidity),
	}); err != nil {
		return "", Internal(err)
	}
	return AppendQuery(a.RedirectURI, "code", code, "state", a.State), nil
}

// AppendQuery adds name/value pairs (pairs with an empty value are
// skipped) to the query of a redirect URI, keeping what it already has.
func AppendQuery(uri string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	enc := v.Encode()
	if enc == "" {
		return uri
	}
	frag := ""
	if i := strings.IndexByte(uri, '#'); i >= 0 {
		uri, frag = uri[:i], uri[i:]
	}
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + enc + frag
}

// ---------------------------------------------------------------- tokens

// TokenRequest is a POST to /oauth2/token. ClientID and ClientSecret come
// from HTTP Basic or the form (the face decides; BasicAuth tells which).
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	BasicAuth    bool
	Code         string
	RedirectURI  string
	CodeVerifier string
	RefreshToken string
	Scope        string
}

// TokenResponse is the JSON of a successful token request.
type TokenResponse struct {
	AccessToken  string
	IDToken      string
	RefreshToken string
	TokenType    string
	ExpiresIn    int64
}

// Token is /oauth2/token for pool poolID. Errors are *OAuthError:
// invalid_request (a missing parameter), invalid_client (unknown client,
// client of another pool, missing or wrong secret), unauthorized_client
// (grant not allowed to the client), unsupported_grant_type, invalid_grant
// (code unknown, used, expired, of another client, redirect_uri or PKCE
// verifier mismatch; refresh token invalid, revoked, expired, reused),
// invalid_scope (client_credentials).
func (s *Service) Token(ctx context.Context, poolID string, r TokenRequest) (*TokenResponse, error) {
	if s.tokens == nil {
		return nil, Internal(ErrNoTokenIssuer)
	}
	switch r.GrantType {
	case "":
		return nil, oauthErr(OAuthInvalidRequest, "grant_type is required.")
	case "authorization_code", "refresh_token", "client_credentials":
	default:
		return nil, oauthErr(OAuthUnsupportedGrantType, "")
	}
	p, c, err := s.oauthClient(ctx, poolID, r.ClientID)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, oauthErr(OAuthInvalidClient, "")
	}
	if c.HasSecret() {
		if r.ClientSecret == "" || !c.MatchesSecret(r.ClientSecret) {
			return nil, oauthErr(OAuthInvalidClient, "")
		}
	} else if r.ClientSecret != "" {
		return nil, oauthErr(OAuthInvalidClient, "")
	}
	switch r.GrantType {
	case "authorization_code":
		return s.exchangeCode(ctx, p, c, r)
	case "refresh_token":
		return s.oauthRefresh(ctx, p, c, r)
	}
	return s.clientCredentials(ctx, p, c, r)
}

func (s *Service) exchangeCode(ctx context.Context, p *Pool, c *Client, r TokenRequest) (*TokenResponse, error) {
	if !c.Settings.AllowedOAuthFlowsUserPoolClient || !slices.Contains(c.Settings.AllowedOAuthFlows, OAuthFlowCode) {
		return nil, oauthErr(OAuthUnauthorizedClient, "")
	}
	if r.Code == "" || len(r.Code) > maxOAuthParam {
		return nil, oauthErr(OAuthInvalidRequest, "code is required.")
	}
	if r.RedirectURI == "" {
		return nil, oauthErr(OAuthInvalidRequest, "redirect_uri is required.")
	}
	// Taken first: a code is spent by its first exchange, whatever the outcome.
	sess, err := s.store.TakeSession(ctx, oauthHash("oauth-code", r.Code))
	if errors.Is(err, store.ErrNotFound) {
		return nil, oauthErr(OAuthInvalidGrant, "")
	}
	if err != nil {
		return nil, Internal(err)
	}
	var st codeState
	if sess.Challenge != sessionOAuthCode || sess.PoolID != p.ID || sess.ClientID != c.ID ||
		!s.nowUTC().Before(sess.ExpiresAt) || json.Unmarshal(sess.State, &st) != nil {
		return nil, oauthErr(OAuthInvalidGrant, "")
	}
	if subtle.ConstantTimeCompare([]byte(st.RedirectURI), []byte(r.RedirectURI)) != 1 {
		return nil, oauthErr(OAuthInvalidGrant, "")
	}
	if st.CodeChallenge != "" {
		if !pkceValue(r.CodeVerifier) || !pkceS256Matches(r.CodeVerifier, st.CodeChallenge) {
			return nil, oauthErr(OAuthInvalidGrant, "")
		}
	}
	u, err := s.store.GetUser(ctx, p.ID, sess.UsernameKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, oauthErr(OAuthInvalidGrant, "")
	}
	if err != nil {
		return nil, Internal(err)
	}
	if u.Username != st.User || signInState(u) != nil {
		return nil, oauthErr(OAuthInvalidGrant, "")
	}
	return s.oauthTokens(ctx, p, c, u, st.Scopes, st.Nonce, time.Unix(st.AuthTime, 0).UTC(), true)
}

// scopeAttributes are the ID-token and userInfo claims each standard
// scope releases (Cognito's userInfo page).
var scopeAttributes = map[string][]string{
	scopeProfile: {"name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
		"profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "address"},
	scopeEmail: {"email", "email_verified"},
	scopePhone: {"phone_number", "phone_number_verified"},
}

// scopedAttributes filters the readable attributes by the granted scopes:
// openid alone releases every readable attribute; with profile, email or
// phone only those scopes' claims (profile also the custom attributes).
func scopedAttributes(attrs map[string]string, scopes []string) map[string]string {
	limited := false
	allow := map[string]bool{}
	for _, sc := range scopes {
		if names, ok := scopeAttributes[sc]; ok {
			limited = true
			for _, n := range names {
				allow[n] = true
			}
		}
	}
	if !limited {
		return attrs
	}
	custom := slices.Contains(scopes, scopeProfile)
	out := map[string]string{}
	for k, v := range attrs {
		if allow[k] || custom && strings.HasPrefix(k, "custom:") {
			out[k] = v
		}
	}
	return out
}

// oauthTokens issues the tokens of an authorization-code exchange
// (withRefresh) or of the implicit grant: an access token with the granted
// scopes, an ID token (nonce, at_hash, scope-dependent claims) only when
// openid is granted, and for the code grant a refresh token whose family
// remembers the scopes.
func (s *Service) oauthTokens(ctx context.Context, p *Pool, c *Client, u store.User, scopes []string, nonce string, authTime time.Time, withRefresh bool) (*TokenResponse, error) {
	now := s.nowUTC()
	var originJTI string
	if withRefresh {
		var err error
		if originJTI, err = s.newUUID(); err != nil {
			return nil, err
		}
	}
	if authTime.IsZero() {
		authTime = now
	}
	in, err := s.issueInput(ctx, p, c, u, authTime, originJTI, "")
	if err != nil {
		return nil, err
	}
	in.Scope = strings.Join(scopes, " ")
	in.Nonce = nonce
	in.AtHash = true
	in.Attributes = scopedAttributes(in.Attributes, scopes)
	idTok, accessTok, err := s.mintPair(ctx, p, c, u, in, srcTokenHostedAuth)
	if err != nil {
		return nil, err
	}
	res := &TokenResponse{AccessToken: accessTok, TokenType: "Bearer", ExpiresIn: int64(c.AccessTokenValidity() / time.Second)}
	if slices.Contains(scopes, scopeOpenID) {
		res.IDToken = idTok
	}
	if !withRefresh {
		return res, nil
	}
	refresh, err := s.authRandomToken(refreshTokenBytes)
	if err != nil {
		return nil, err
	}
	exp := now.Add(c.RefreshTokenValidity())
	grant, _ := json.Marshal(scopes)
	if err := s.store.CreateSession(ctx, store.Session{
		ID:          oauthHash("oauth-grant", p.ID, originJTI),
		PoolID:      p.ID,
		ClientID:    c.ID,
		UsernameKey: u.UsernameKey,
		Challenge:   sessionOAuthGrant,
		State:       grant,
		CreatedAt:   now,
		ExpiresAt:   exp,
	}); err != nil {
		return nil, Internal(err)
	}
	if err := s.store.CreateRefreshToken(ctx, store.RefreshToken{
		Hash:        authTokenHash(refresh),
		PoolID:      p.ID,
		ClientID:    c.ID,
		UsernameKey: u.UsernameKey,
		OriginJTI:   originJTI,
		AuthTime:    authTime,
		CreatedAt:   now,
		ExpiresAt:   exp,
	}); err != nil {
		return nil, Internal(err)
	}
	res.RefreshToken = refresh
	return res, nil
}

// grantScopesOf returns the scopes remembered for a refresh-token family;
// nil for a family that did not come from the token endpoint (an API
// sign-in), whose refreshes carry aws.cognito.signin.user.admin.
func (s *Service) grantScopesOf(ctx context.Context, p *Pool, originJTI string) ([]string, error) {
	sess, err := s.store.GetSession(ctx, oauthHash("oauth-grant", p.ID, originJTI))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, Internal(err)
	}
	var scopes []string
	if sess.Challenge != sessionOAuthGrant || json.Unmarshal(sess.State, &scopes) != nil {
		return nil, nil
	}
	return scopes, nil
}

// applyGrant gives a refreshed pair the scopes of its family's OAuth grant
// (scope claim, at_hash, scope-dependent ID-token claims), whichever
// endpoint refreshes it (/oauth2/token, GetTokensFromRefreshToken,
// REFRESH_TOKEN_AUTH). It returns the grant's scopes; nil, leaving in as it
// is, for a family of an API sign-in.
func (s *Service) applyGrant(ctx context.Context, p *Pool, originJTI string, in *token.IssueInput) ([]string, error) {
	scopes, err := s.grantScopesOf(ctx, p, originJTI)
	if err != nil || scopes == nil {
		return nil, err
	}
	in.Scope = strings.Join(scopes, " ")
	in.AtHash = true
	in.Attributes = scopedAttributes(in.Attributes, scopes)
	return scopes, nil
}

// oauthRefresh is the refresh_token grant: the checks of
// GetTokensFromRefreshToken (redeemRefreshToken: client, revocation,
// expiry, rotation reuse, user state) and its rotation when the client
// rotates; the new pair carries the family's scopes.
func (s *Service) oauthRefresh(ctx context.Context, p *Pool, c *Client, r TokenRequest) (*TokenResponse, error) {
	if r.RefreshToken == "" {
		return nil, oauthErr(OAuthInvalidRequest, "refresh_token is required.")
	}
	rotate, grace := c.RefreshRotation()
	now := s.nowUTC()
	rt, u, err := s.redeemRefreshToken(ctx, p, c, r.RefreshToken, now, grace, nil)
	if err != nil {
		if KindOf(err) == KindInternal {
			return nil, err
		}
		return nil, oauthErr(OAuthInvalidGrant, "")
	}
	var next string
	if rotate {
		if next, err = s.rotateRefreshToken(ctx, rt, rt.DeviceKey, now, grace); err != nil {
			if KindOf(err) == KindInternal {
				return nil, err
			}
			return nil, oauthErr(OAuthInvalidGrant, "")
		}
	}
	in, err := s.issueInput(ctx, p, c, u, rt.AuthTime, rt.OriginJTI, rt.DeviceKey)
	if err != nil {
		return nil, err
	}
	scopes, err := s.applyGrant(ctx, p, rt.OriginJTI, &in)
	if err != nil {
		return nil, err
	}
	idWanted := scopes == nil || slices.Contains(scopes, scopeOpenID)
	idTok, accessTok, err := s.mintPair(ctx, p, c, u, in, srcTokenRefresh)
	if err != nil {
		return nil, err
	}
	res := &TokenResponse{AccessToken: accessTok, RefreshToken: next, TokenType: "Bearer", ExpiresIn: int64(c.AccessTokenValidity() / time.Second)}
	if idWanted {
		res.IDToken = idTok
	}
	return res, nil
}

// clientCredentials is the client_credentials grant: a confidential client
// allowed the flow gets an access token (sub = client_id) with the
// requested custom scopes — all its custom scopes when none are requested;
// a requested scope the client may not use is invalid_scope.
func (s *Service) clientCredentials(ctx context.Context, p *Pool, c *Client, r TokenRequest) (*TokenResponse, error) {
	if !c.HasSecret() {
		return nil, oauthErr(OAuthInvalidClient, "")
	}
	if !c.Settings.AllowedOAuthFlowsUserPoolClient || !slices.Contains(c.Settings.AllowedOAuthFlows, OAuthFlowClientCredentials) {
		return nil, oauthErr(OAuthUnauthorizedClient, "")
	}
	custom, err := s.cachedCustomScopes(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var allowed []string
	for _, sc := range c.Settings.AllowedOAuthScopes {
		if slices.Contains(custom, sc) {
			allowed = append(allowed, sc)
		}
	}
	var scopes []string
	if fields := strings.Fields(r.Scope); len(fields) > 0 {
		for _, f := range fields {
			if !slices.Contains(allowed, f) {
				return nil, oauthErr(OAuthInvalidScope, "")
			}
			if !slices.Contains(scopes, f) {
				scopes = append(scopes, f)
			}
		}
	} else {
		scopes = allowed
	}
	if len(scopes) == 0 {
		return nil, oauthErr(OAuthInvalidScope, "")
	}
	at, err := s.mintClientAccess(ctx, p, c, strings.Join(scopes, " "))
	if err != nil {
		return nil, err
	}
	return &TokenResponse{AccessToken: at, TokenType: "Bearer", ExpiresIn: int64(c.AccessTokenValidity() / time.Second)}, nil
}

// ---------------------------------------------------------------- userInfo, revoke, logout

// UserInfo is /oauth2/userInfo: the claims of the access token's user that
// its scopes release (sub and username always; attribute values as the
// strings Cognito's endpoint returns). The token must be a live access
// token of this pool with the openid scope; every other token is
// invalid_token.
func (s *Service) UserInfo(ctx context.Context, poolID, accessToken string) (map[string]string, error) {
	if s.tokens == nil {
		return nil, Internal(ErrNoTokenIssuer)
	}
	if accessToken == "" {
		return nil, oauthErr(OAuthInvalidRequest, "")
	}
	bad := oauthErr(OAuthInvalidToken, "Access token is expired, disabled, or deleted, or the user has globally signed out.")
	if id, ok := tokenPoolID(accessToken); !ok || id != poolID {
		return nil, bad
	}
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	claims, err := s.tokens.Verify(ctx, p.ID, accessToken, token.UseAccess)
	if err != nil {
		if errors.Is(err, token.ErrExpired) || errors.Is(err, token.ErrInvalid) {
			return nil, bad
		}
		return nil, Internal(err)
	}
	if !claims.HasScope(scopeOpenID) || claims.Username == "" {
		return nil, bad
	}
	client, err := s.GetClient(ctx, p.ID, claims.ClientID)
	if KindOf(err) == KindResourceNotFound {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	u, err := s.store.GetUser(ctx, p.ID, p.UsernameKey(claims.Username))
	if errors.Is(err, store.ErrNotFound) || err == nil && (u.Sub != claims.Sub || !u.Enabled) {
		return nil, bad
	}
	if err != nil {
		return nil, Internal(err)
	}
	if revoked, err := s.accessRevoked(ctx, p, u, claims); err != nil {
		return nil, err
	} else if revoked {
		return nil, bad
	}
	out := scopedAttributes(authReadableAttributes(client, u), strings.Fields(claims.Scope))
	res := make(map[string]string, len(out)+2)
	for k, v := range out {
		if strings.HasPrefix(k, "dev:") {
			continue
		}
		res[k] = v
	}
	res["sub"] = u.Sub
	res["username"] = u.Username
	return res, nil
}

// Revoke is /oauth2/revoke: RevokeToken for a client of this pool, its
// errors in OAuth's words (unknown client or wrong secret invalid_client,
// an access or ID token unsupported_token_type, revocation disabled on the
// client invalid_request). An unknown token is success.
func (s *Service) Revoke(ctx context.Context, poolID, clientID, clientSecret, raw string) error {
	if raw == "" {
		return oauthErr(OAuthInvalidRequest, "")
	}
	_, c, err := s.oauthClient(ctx, poolID, clientID)
	if err != nil {
		return err
	}
	if c == nil {
		return oauthErr(OAuthInvalidClient, "")
	}
	err = s.RevokeToken(ctx, c.ID, clientSecret, raw)
	switch KindOf(err) {
	case "":
		return nil
	case KindUnauthorized, KindResourceNotFound:
		return oauthErr(OAuthInvalidClient, "")
	case KindUnsupportedTokenType:
		return oauthErr(OAuthUnsupportedTokenType, "")
	case KindUnsupportedOperation, KindInvalidParameter:
		return oauthErr(OAuthInvalidRequest, "")
	}
	return err
}

// CheckLogoutURI reports whether logoutURI is one of the LogoutURLs of the
// pool's client clientID (exact match); /logout redirects only there.
func (s *Service) CheckLogoutURI(ctx context.Context, poolID, clientID, logoutURI string) error {
	_, c, err := s.oauthClient(ctx, poolID, clientID)
	if err != nil {
		return err
	}
	if c == nil {
		return oauthErr(OAuthInvalidRequest, "Invalid client_id.")
	}
	if logoutURI == "" || !slices.Contains(c.Settings.LogoutURLs, logoutURI) {
		return oauthErr(OAuthRedirectMismatch, "logout_uri is not registered for this client.")
	}
	return nil
}

// oauthDomainURL is where a pool's OAuth endpoints are served, for its
// discovery document: "<baseURL>/<domain>" (the path-prefix form that needs
// no DNS; the prefix domain preferred over a custom one) when baseURL is
// set, else Cognito's own host for the domain. "" for a pool without a
// domain.
func (s *Service) oauthDomainURL(ctx context.Context, p *Pool, baseURL string) (string, error) {
	prefix, custom, err := s.PoolDomains(ctx, p.ID)
	if err != nil {
		return "", err
	}
	domain := prefix
	if domain == "" {
		domain = custom
	}
	switch {
	case domain == "":
		return "", nil
	case baseURL != "":
		return strings.TrimRight(baseURL, "/") + "/" + domain, nil
	case prefix != "":
		return "https://" + prefix + ".auth." + s.region + ".amazoncognito.com", nil
	}
	return "https://" + custom, nil
}
