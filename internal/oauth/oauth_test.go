package oauth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"userpool/internal/oauth"
	"userpool/internal/totp"
	"userpool/internal/userpool"
)

// codeFlow drives the authorization-code flow with PKCE through the login
// form with golang.org/x/oauth2 and go-oidc configured from discovery
// alone, and returns the tokens.
func codeFlow(t *testing.T, e *env, c *http.Client, conf *oauth2.Config, verifier, nonce string, login bool) *oauth2.Token {
	t.Helper()
	ctx := context.Background()
	authURL := conf.AuthCodeURL("st-123", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	var resp *http.Response
	if login {
		f := signInForm(t, c, e, authURL)
		if f.name != "signin" {
			t.Fatalf("form %q, want signin", f.name)
		}
		resp = submit(t, c, f, "username", "alice", "password", testPassword)
	} else {
		resp = get(t, c, authURL)
	}
	loc := location(t, resp)
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != callback {
		t.Fatalf("redirected to %s, want %s", loc, callback)
	}
	if loc.Query().Get("state") != "st-123" {
		t.Fatalf("state not echoed: %s", loc)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code: %s", loc)
	}
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

func TestAuthorizationCodeFlowWithRealClients(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	ctx := context.Background()

	provider, err := oidc.NewProvider(ctx, e.issuer())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	var disc map[string]any
	if err := provider.Claims(&disc); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"authorization_endpoint": e.domainURL() + "/oauth2/authorize",
		"token_endpoint":         e.domainURL() + "/oauth2/token",
		"userinfo_endpoint":      e.domainURL() + "/oauth2/userInfo",
		"revocation_endpoint":    e.domainURL() + "/oauth2/revoke",
		"end_session_endpoint":   e.domainURL() + "/logout",
	} {
		if disc[k] != want {
			t.Errorf("discovery %s = %v, want %s", k, disc[k], want)
		}
	}
	conf := &oauth2.Config{
		ClientID:    e.client.ID,
		Endpoint:    provider.Endpoint(),
		RedirectURL: callback,
		Scopes:      []string{oidc.ScopeOpenID, "email", "aws.cognito.signin.user.admin"},
	}
	c := browser(t)
	verifier := oauth2.GenerateVerifier()
	tok := codeFlow(t, e, c, conf, verifier, "n-0S6_WzA2Mj", true)

	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("token response: id=%q refresh=%q type=%q", rawID, tok.RefreshToken, tok.TokenType)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: e.client.ID, Now: e.clk.Now}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	if idt.Nonce != "n-0S6_WzA2Mj" {
		t.Errorf("nonce %q", idt.Nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var claims map[string]any
	_ = idt.Claims(&claims)
	if claims["email"] != "alice@example.com" || claims["email_verified"] != true || claims["cognito:username"] != "alice" {
		t.Errorf("ID token claims: %v", claims)
	}
	if _, ok := claims["name"]; ok {
		t.Errorf("scope email released profile claim name: %v", claims)
	}
	ac := jwtClaims(t, tok.AccessToken)
	if ac["scope"] != "openid email aws.cognito.signin.user.admin" || ac["client_id"] != e.client.ID || ac["token_use"] != "access" {
		t.Errorf("access token claims: %v", ac)
	}
	// The access token works at the API too (it has the admin scope).
	if _, err := e.svc.GetUser(ctx, tok.AccessToken); err != nil {
		t.Errorf("GetUser with the OAuth access token: %v", err)
	}

	// userInfo through go-oidc.
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userInfo: %v", err)
	}
	if ui.Email != "alice@example.com" || ui.Subject != idt.Subject {
		t.Errorf("userInfo: %+v", ui)
	}

	// Refresh: a new pair with the same scopes, no refresh token.
	e.clk.Advance(2 * time.Hour)
	ts := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: e.clk.Now().Add(-time.Minute)})
	rtok, err := ts.Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if rtok.AccessToken == tok.AccessToken || rtok.Extra("id_token") == nil {
		t.Fatalf("refresh gave no new tokens")
	}
	if got := jwtClaims(t, rtok.AccessToken)["scope"]; got != "openid email aws.cognito.signin.user.admin" {
		t.Errorf("refreshed scope %v", got)
	}
	// Refreshed through the API (Amplify's GetTokensFromRefreshToken): the
	// same scopes, so userInfo keeps working.
	api, err := e.svc.GetTokensFromRefreshToken(ctx, userpool.GetTokensFromRefreshTokenInput{ClientID: e.client.ID, RefreshToken: tok.RefreshToken})
	if err != nil {
		t.Fatalf("GetTokensFromRefreshToken: %v", err)
	}
	if got := jwtClaims(t, api.AccessToken)["scope"]; got != "openid email aws.cognito.signin.user.admin" {
		t.Errorf("API-refreshed scope %v", got)
	}
	if _, err := e.svc.UserInfo(ctx, e.pool.ID, api.AccessToken); err != nil {
		t.Errorf("userInfo with an API-refreshed token: %v", err)
	}

	// A second authorization skips the form: the login session cookie.
	// (It was set 2h ago on the fake clock; sign in again first.)
	e.clk.Advance(-2 * time.Hour)
	tok2 := codeFlow(t, e, c, conf, oauth2.GenerateVerifier(), "n2", false)
	if tok2.AccessToken == "" {
		t.Fatal("no second token")
	}

	// Revocation of the refresh token ends its refreshes.
	resp, err := http.PostForm(e.domainURL()+"/oauth2/revoke", url.Values{"token": {tok.RefreshToken}, "client_id": {e.client.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke status %d: %s", resp.StatusCode, read(t, resp))
	}
	resp.Body.Close()
	status, body := postToken(t, e, nil, "grant_type", "refresh_token", "client_id", e.client.ID, "refresh_token", tok.RefreshToken)
	if status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("refresh after revoke: %d %v", status, body)
	}
	// And the access tokens of the family stop working at userInfo.
	req, _ := http.NewRequest("GET", e.domainURL()+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("userInfo after revoke: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func jwtClaims(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// postToken posts a form to /oauth2/token (basic: id and secret for HTTP Basic).
func postToken(t *testing.T, e *env, basic []string, kv ...string) (int, map[string]any) {
	t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	req, _ := http.NewRequest("POST", e.domainURL()+"/oauth2/token", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != nil {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := read(t, resp)
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("token body %q: %v", body, err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	return resp.StatusCode, m
}

func (e *env) m2mClient(t testing.TB) *userpool.Client {
	t.Helper()
	ctx := context.Background()
	if _, err := e.svc.CreateResourceServer(ctx, userpool.ResourceServerInput{PoolID: e.pool.ID, Identifier: "https://api.example.com", Name: "api",
		Scopes: []userpool.ResourceServerScope{{ScopeName: "read", ScopeDescription: "r"}, {ScopeName: "write", ScopeDescription: "w"}}}); err != nil {
		t.Fatalf("resource server: %v", err)
	}
	return e.newClient(t, userpool.ClientInput{
		Name: "m2m", GenerateSecret: true,
		AllowedOAuthFlows:               []string{"client_credentials"},
		AllowedOAuthScopes:              []string{"https://api.example.com/read", "https://api.example.com/write"},
		AllowedOAuthFlowsUserPoolClient: true,
	})
}

func TestClientCredentials(t *testing.T) {
	e := newEnv(t)
	m := e.m2mClient(t)
	ctx := context.Background()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := clientcredentials.Config{ClientID: m.ID, ClientSecret: m.Secret, TokenURL: e.domainURL() + "/oauth2/token",
			Scopes: []string{"https://api.example.com/read"}, AuthStyle: style}
		tok, err := cc.Token(ctx)
		if err != nil {
			t.Fatalf("client_credentials (style %d): %v", style, err)
		}
		if tok.RefreshToken != "" || tok.Extra("id_token") != nil {
			t.Errorf("client_credentials returned a refresh or ID token")
		}
		c := jwtClaims(t, tok.AccessToken)
		if c["scope"] != "https://api.example.com/read" || c["client_id"] != m.ID || c["sub"] != m.ID || c["token_use"] != "access" {
			t.Errorf("claims %v", c)
		}
		// The signature verifies with the pool's published keys.
		provider, err := oidc.NewProvider(ctx, e.issuer())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := provider.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: e.clk.Now}).Verify(ctx, tok.AccessToken); err != nil {
			t.Errorf("verify access token: %v", err)
		}
	}
	// No scope: every custom scope of the client.
	status, body := postToken(t, e, []string{m.ID, m.Secret}, "grant_type", "client_credentials")
	if status != 200 || jwtClaims(t, body["access_token"].(string))["scope"] != "https://api.example.com/read https://api.example.com/write" {
		t.Errorf("no scope: %d %v", status, body)
	}
	if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) {
		t.Errorf("token response %v", body)
	}
	for _, tc := range []struct {
		name  string
		basic []string
		kv    []string
		want  string
	}{
		{"wrong secret", []string{m.ID, "wrong"}, []string{"grant_type", "client_credentials"}, "invalid_client"},
		{"no secret", nil, []string{"grant_type", "client_credentials", "client_id", m.ID}, "invalid_client"},
		{"unknown scope", []string{m.ID, m.Secret}, []string{"grant_type", "client_credentials", "scope", "https://api.example.com/admin"}, "invalid_scope"},
		{"standard scope", []string{m.ID, m.Secret}, []string{"grant_type", "client_credentials", "scope", "openid"}, "invalid_scope"},
		{"code flow not allowed", []string{m.ID, m.Secret}, []string{"grant_type", "authorization_code", "code", "x", "redirect_uri", callback}, "unauthorized_client"},
		{"public client", nil, []string{"grant_type", "client_credentials", "client_id", e.client.ID}, "invalid_client"},
	} {
		status, body := postToken(t, e, tc.basic, tc.kv...)
		if status != 400 || body["error"] != tc.want {
			t.Errorf("%s: %d %v, want 400 %s", tc.name, status, body, tc.want)
		}
	}
}

// issueCode signs alice in and returns a fresh code for the PKCE challenge.
func issueCode(t *testing.T, e *env, c *http.Client, challenge string) string {
	t.Helper()
	u := e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback, "scope", "openid",
		"code_challenge", challenge, "code_challenge_method", "S256", "state", "s")
	resp := get(t, c, u)
	if resp.StatusCode == http.StatusOK {
		resp = submit(t, c, parseForm(t, e.srv.URL, read(t, resp)), "username", "alice", "password", testPassword)
	}
	code := location(t, resp).Query().Get("code")
	if code == "" {
		t.Fatal("no code")
	}
	return code
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	c := browser(t)
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	exchange := func(code string, kv ...string) (int, map[string]any) {
		base := []string{"grant_type", "authorization_code", "client_id", e.client.ID, "code", code, "redirect_uri", callback, "code_verifier", verifier}
		for i := 0; i+1 < len(kv); i += 2 {
			for j := 0; j+1 < len(base); j += 2 {
				if base[j] == kv[i] {
					base[j+1] = kv[i+1]
					kv[i] = ""
				}
			}
			if kv[i] != "" {
				base = append(base, kv[i], kv[i+1])
			}
		}
		return postToken(t, e, nil, base...)
	}

	// A good exchange, then the reused code.
	code := issueCode(t, e, c, challenge)
	if status, body := exchange(code); status != 200 || body["id_token"] == nil || body["refresh_token"] == nil {
		t.Fatalf("exchange: %d %v", status, body)
	}
	if status, body := exchange(code); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("reused code: %d %v", status, body)
	}

	cases := []struct {
		name string
		kv   []string
		want string
	}{
		{"wrong verifier", []string{"code_verifier", oauth2.GenerateVerifier()}, "invalid_grant"},
		{"no verifier", []string{"code_verifier", ""}, "invalid_grant"},
		{"other redirect_uri", []string{"redirect_uri", "http://localhost/other"}, "invalid_grant"},
		{"missing redirect_uri", []string{"redirect_uri", ""}, "invalid_request"},
		{"missing code", []string{"code", ""}, "invalid_request"},
		{"unknown code", []string{"code", "00000000-0000-4000-8000-000000000000"}, "invalid_grant"},
		{"missing grant_type", []string{"grant_type", ""}, "invalid_request"},
		{"unsupported grant_type", []string{"grant_type", "password"}, "unsupported_grant_type"},
		{"unknown client", []string{"client_id", "nosuchclient"}, "invalid_client"},
		{"secret for a public client", []string{"client_secret", "x"}, "invalid_client"},
		{"refresh without token", []string{"grant_type", "refresh_token"}, "invalid_request"},
		{"bad refresh token", []string{"grant_type", "refresh_token", "refresh_token", "nope"}, "invalid_grant"},
	}
	for _, tc := range cases {
		code := ""
		if tc.name != "missing code" && tc.name != "unknown code" {
			code = issueCode(t, e, c, challenge)
		}
		// Failures before the code is looked at leave it unspent.
		spends := tc.kv[0] == "code_verifier" || tc.kv[0] == "redirect_uri" && tc.kv[1] != ""
		status, body := exchange(code, append([]string(nil), tc.kv...)...)
		if status != 400 || body["error"] != tc.want {
			t.Errorf("%s: %d %v, want 400 %s", tc.name, status, body, tc.want)
		}
		// Whatever failed, the code is spent.
		if code != "" {
			status, body := exchange(code)
			if spends && (status != 400 || body["error"] != "invalid_grant") {
				t.Errorf("%s: code usable after a failed exchange: %d %v", tc.name, status, body)
			}
			if !spends && status != 200 {
				t.Errorf("%s: code spent by a request refused before the exchange: %d %v", tc.name, status, body)
			}
		}
	}

	// Expired: 5 minutes on the injected clock.
	code = issueCode(t, e, c, challenge)
	e.clk.Advance(userpool.AuthorizationCodeValidity)
	if status, body := exchange(code); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %v", status, body)
	}
	e.clk.Advance(-userpool.AuthorizationCodeValidity)
	code = issueCode(t, e, c, challenge)
	e.clk.Advance(userpool.AuthorizationCodeValidity - time.Second)
	if status, body := exchange(code); status != 200 {
		t.Errorf("code within its life: %d %v", status, body)
	}

	// A code of one client cannot be exchanged by another.
	other := e.newClient(t, userpool.ClientInput{Name: "other", SupportedIdentityProviders: []string{"COGNITO"}, CallbackURLs: []string{callback},
		AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid"}, AllowedOAuthFlowsUserPoolClient: true})
	code = issueCode(t, e, c, challenge)
	if status, body := exchange(code, "client_id", other.ID); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("other client's code: %d %v", status, body)
	}

	// Not a form.
	req, _ := http.NewRequest("POST", e.domainURL()+"/oauth2/token", strings.NewReader(`{"grant_type":"client_credentials"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if b := read(t, resp); resp.StatusCode != 400 || !strings.Contains(b, `"invalid_request"`) {
		t.Errorf("JSON body: %d %s", resp.StatusCode, b)
	}
}

func TestAuthorizeErrors(t *testing.T) {
	e := newEnv(t)
	noCode := e.newClient(t, userpool.ClientInput{Name: "implicit-only", SupportedIdentityProviders: []string{"COGNITO"}, CallbackURLs: []string{callback},
		AllowedOAuthFlows: []string{"implicit"}, AllowedOAuthScopes: []string{"openid"}, AllowedOAuthFlowsUserPoolClient: true})
	ok := []string{"response_type", "code", "client_id", e.client.ID, "redirect_uri", callback, "state", "xyz"}
	with := func(kv ...string) []string {
		out := append([]string(nil), ok...)
		for i := 0; i+1 < len(kv); i += 2 {
			found := false
			for j := 0; j+1 < len(out); j += 2 {
				if out[j] == kv[i] {
					out[j+1], found = kv[i+1], true
				}
			}
			if !found {
				out = append(out, kv[i], kv[i+1])
			}
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		params   []string
		shown    bool // the error page, never a redirect
		want     string
		fragment bool
	}{
		{"unknown client", with("client_id", "nosuchclient"), true, "redirect_mismatch", false},
		{"unregistered redirect_uri", with("redirect_uri", "https://evil.example/cb"), true, "redirect_mismatch", false},
		{"redirect_uri with a trailing slash", with("redirect_uri", callback+"/"), true, "redirect_mismatch", false},
		{"missing redirect_uri", with("redirect_uri", ""), true, "redirect_mismatch", false},
		{"missing response_type", with("response_type", ""), false, "invalid_request", false},
		{"bad response_type", with("response_type", "id_token"), false, "invalid_request", false},
		{"plain PKCE", with("code_challenge", strings.Repeat("a", 43), "code_challenge_method", "plain"), false, "invalid_request", false},
		{"challenge without method", with("code_challenge", strings.Repeat("a", 43)), false, "invalid_request", false},
		{"short challenge", with("code_challenge", "abc", "code_challenge_method", "S256"), false, "invalid_request", false},
		{"no allowed scope", with("scope", "https://api.example.com/read"), false, "invalid_scope", false},
		{"code flow not allowed", with("client_id", noCode.ID), false, "unauthorized_client", false},
		{"federated provider", with("identity_provider", "Google"), false, "invalid_request", false},
		{"implicit error in fragment", with("response_type", "token", "scope", "nope"), false, "invalid_scope", true},
	} {
		resp := get(t, noRedirect, e.authorizeURL(tc.params...))
		body := read(t, resp)
		if tc.shown {
			if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d Location=%q, want the error page with %s", tc.name, resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
			continue
		}
		if resp.StatusCode != 302 {
			t.Errorf("%s: status %d, want 302", tc.name, resp.StatusCode)
			continue
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc.Scheme+"://"+loc.Host+loc.Path != callback {
			t.Errorf("%s: redirected to %s", tc.name, loc)
			continue
		}
		v := loc.Query()
		if tc.fragment {
			v, _ = url.ParseQuery(loc.Fragment)
		}
		if v.Get("error") != tc.want || v.Get("state") != "xyz" {
			t.Errorf("%s: redirect %s, want error=%s&state=xyz", tc.name, loc, tc.want)
		}
	}
	// Without a session, a good request goes to the login page with the same parameters.
	loc := location(t, get(t, noRedirect, e.authorizeURL(ok...)))
	if loc.Path != "/"+testDomain+"/login" || loc.Query().Get("client_id") != e.client.ID || loc.Query().Get("state") != "xyz" {
		t.Errorf("login redirect %s", loc)
	}
	// The Host form: the domain from the Host header.
	req, _ := http.NewRequest("GET", e.srv.URL+"/oauth2/authorize?"+url.Values{"response_type": {"code"}, "client_id": {e.client.ID}, "redirect_uri": {callback}}.Encode(), nil)
	req.Host = testDomain + ".auth.us-east-1.amazoncognito.com"
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if l := location(t, resp); l.Path != "/login" {
		t.Errorf("host form redirect %s", l)
	}
	// Unknown domains are not served.
	if resp := get(t, noRedirect, e.srv.URL+"/nosuchdomain/oauth2/authorize"); resp.StatusCode != 404 {
		t.Errorf("unknown domain: %d", resp.StatusCode)
	}
}

func TestLoginPage(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	c := browser(t)
	u := e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback, "scope", "openid")
	resp := get(t, c, u)
	body := read(t, resp)
	h := resp.Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || strings.Contains(h.Get("Content-Security-Policy"), "script-src") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Errorf("security headers: %v", h)
	}
	for _, want := range []string{`<label for="username">`, `<label for="password">`, `autocomplete="current-password"`, `lang="en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("login page has a script")
	}
	f := parseForm(t, e.srv.URL, body)

	// No CSRF token: refused, nothing signed in.
	noCSRF := f
	noCSRF.fields = url.Values{}
	resp = submit(t, c, noCSRF, "username", "alice", "password", testPassword)
	if resp.StatusCode != 403 {
		t.Errorf("without CSRF: %d", resp.StatusCode)
	}
	resp.Body.Close()

	// Wrong password: Cognito's message, on the form again.
	resp = submit(t, c, f, "username", "alice", "password", "Wrong-Horse-9")
	body = read(t, resp)
	if m := errorRe.FindStringSubmatch(body); resp.StatusCode != 400 || m == nil || m[1] != "Incorrect username or password." {
		t.Errorf("wrong password: %d %q", resp.StatusCode, m)
	}
	// Unknown user (existence errors not suppressed on this client).
	resp = submit(t, c, f, "username", "nobody", "password", testPassword)
	if m := errorRe.FindStringSubmatch(read(t, resp)); m == nil || m[1] != "User does not exist." {
		t.Errorf("unknown user: %q", m)
	}

	// The sign-in sets an HttpOnly, SameSite=Lax session cookie scoped to the domain's path.
	resp = submit(t, c, f, "username", "alice", "password", testPassword)
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "cognito" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/"+testDomain+"/" || cookie.Secure {
		t.Errorf("session cookie %+v", cookie)
	}
	if loc := location(t, resp); loc.Query().Get("code") == "" {
		t.Errorf("no code after sign-in: %s", loc)
	}

	// prompt=login shows the form despite the session.
	resp = get(t, c, u+"&prompt=login")
	if b := read(t, resp); resp.StatusCode != 200 || !strings.Contains(b, `name="signin"`) {
		t.Errorf("prompt=login: %d", resp.StatusCode)
	}
}

func TestLockoutAppliesToTheForm(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	c := browser(t)
	f := signInForm(t, c, e, e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback))
	var last string
	for range 6 {
		last = errorRe.FindStringSubmatch(read(t, submit(t, c, f, "username", "alice", "password", "Wrong-Horse-9")))[1]
	}
	// The same lockout as InitiateAuth: the API refuses the right password now too.
	_, apiErr := e.svc.HostedSignIn(context.Background(), &userpool.Authorization{PoolID: e.pool.ID, ClientID: e.client.ID}, "alice", testPassword)
	if apiErr == nil || last == "Incorrect username or password." && userpool.KindOf(apiErr) != userpool.KindNotAuthorized {
		t.Fatalf("after 6 failures: form said %q, then the right password gave %v", last, apiErr)
	}
	if !strings.Contains(last, "attempts exceeded") && !strings.Contains(apiErr.Error(), "attempts exceeded") {
		t.Errorf("no lockout: form %q, sign-in %v", last, apiErr)
	}
}

func TestSignUpWithConfirmationCode(t *testing.T) {
	e := newEnv(t)
	c := browser(t)
	authURL := e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback, "scope", "openid email", "state", "s1")
	signin := signInForm(t, c, e, authURL)
	signupURL := strings.Replace(signin.action, "/login?", "/signup?", 1)
	resp := get(t, c, signupURL)
	f := parseForm(t, e.srv.URL, read(t, resp))
	if f.name != "signup" {
		t.Fatalf("form %s", f.name)
	}
	resp = submit(t, c, f, "username", "bob", "email", "bob@example.com", "password", testPassword)
	body := read(t, resp)
	cf := parseForm(t, e.srv.URL, body)
	if cf.name != "confirm" {
		t.Fatalf("after sign-up: form %s\n%s", cf.name, body)
	}
	msg := e.sent.last(t, "signup")
	if msg.Destination != "bob@example.com" {
		t.Errorf("code sent to %q", msg.Destination)
	}
	// A wrong code first: Cognito's message.
	resp = submit(t, c, cf, "username", "bob", "code", "000000")
	if m := errorRe.FindStringSubmatch(read(t, resp)); m == nil || !strings.Contains(m[1], "Invalid verification code") {
		t.Errorf("wrong code: %q", m)
	}
	resp = submit(t, c, cf, "username", "bob", "code", msg.Code)
	sf := parseForm(t, e.srv.URL, read(t, resp))
	if sf.name != "signin" {
		t.Fatalf("after confirmation: form %s", sf.name)
	}
	loc := location(t, submit(t, c, sf, "username", "bob", "password", testPassword))
	if loc.Query().Get("code") == "" || loc.Query().Get("state") != "s1" {
		t.Errorf("after sign-in: %s", loc)
	}
}

func TestForgotPassword(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	c := browser(t)
	signin := signInForm(t, c, e, e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback))
	f := parseForm(t, e.srv.URL, read(t, get(t, c, strings.Replace(signin.action, "/login?", "/forgotPassword?", 1))))
	rf := parseForm(t, e.srv.URL, read(t, submit(t, c, f, "username", "alice")))
	if rf.name != "reset" {
		t.Fatalf("form %s", rf.name)
	}
	code := e.sent.last(t, "forgot_password").Code
	sf := parseForm(t, e.srv.URL, read(t, submit(t, c, rf, "username", "alice", "code", code, "password", "New-Horse-77", "confirm_password", "New-Horse-77")))
	if sf.name != "signin" {
		t.Fatalf("after reset: %s", sf.name)
	}
	if loc := location(t, submit(t, c, sf, "username", "alice", "password", "New-Horse-77")); loc.Query().Get("code") == "" {
		t.Errorf("sign-in with the new password: %s", loc)
	}
}

func TestNewPasswordRequired(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.AdminCreateUser(context.Background(), userpool.CreateUserInput{PoolID: e.pool.ID, Username: "carol",
		TemporaryPassword: "Temp-Pass-123", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	f := signInForm(t, c, e, e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback))
	nf := parseForm(t, e.srv.URL, read(t, submit(t, c, f, "username", "carol", "password", "Temp-Pass-123")))
	if nf.name != "newpassword" || nf.fields.Get("challenge") != "NEW_PASSWORD_REQUIRED" || nf.fields.Get("session") == "" {
		t.Fatalf("form %s %v", nf.name, nf.fields)
	}
	resp := submit(t, c, nf, "password", "a", "confirm_password", "b")
	if resp.StatusCode != 400 {
		t.Errorf("mismatched passwords: %d", resp.StatusCode)
	}
	resp.Body.Close()
	if loc := location(t, submit(t, c, nf, "password", "Final-Horse-88", "confirm_password", "Final-Horse-88")); loc.Query().Get("code") == "" {
		t.Errorf("after new password: %s", loc)
	}
}

func TestImplicitGrant(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	c := browser(t)
	f := signInForm(t, c, e, e.authorizeURL("response_type", "token", "client_id", e.client.ID, "redirect_uri", callback, "scope", "openid profile", "state", "st", "nonce", "nn"))
	loc := location(t, submit(t, c, f, "username", "alice", "password", testPassword))
	v, _ := url.ParseQuery(loc.Fragment)
	if v.Get("access_token") == "" || v.Get("id_token") == "" || v.Get("state") != "st" || v.Get("token_type") != "Bearer" || v.Get("expires_in") != "3600" || loc.RawQuery != "" {
		t.Fatalf("implicit redirect %s", loc)
	}
	if v.Get("refresh_token") != "" {
		t.Error("implicit grant returned a refresh token")
	}
	id := jwtClaims(t, v.Get("id_token"))
	if id["nonce"] != "nn" || id["name"] != "Name of alice" || id["email"] != nil {
		t.Errorf("ID token claims for openid profile: %v", id)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	c := browser(t)
	conf := &oauth2.Config{ClientID: e.client.ID, RedirectURL: callback, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: e.domainURL() + "/oauth2/authorize", TokenURL: e.domainURL() + "/oauth2/token"}}
	codeFlow(t, e, c, conf, oauth2.GenerateVerifier(), "n", true)
	// An unregistered logout_uri is shown, not redirected.
	resp := get(t, c, e.domainURL()+"/logout?"+url.Values{"client_id": {e.client.ID}, "logout_uri": {"https://evil.example/"}}.Encode())
	if resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
		t.Errorf("unregistered logout_uri: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp.Body.Close()
	// Still signed in.
	codeFlow(t, e, c, conf, oauth2.GenerateVerifier(), "n", false)
	loc := location(t, get(t, c, e.domainURL()+"/logout?"+url.Values{"client_id": {e.client.ID}, "logout_uri": {logoutURL}}.Encode()))
	if loc.String() != logoutURL {
		t.Errorf("logout redirect %s", loc)
	}
	// Signed out: the form again.
	codeFlow(t, e, c, conf, oauth2.GenerateVerifier(), "n", true)
	// redirect_uri + response_type: signed out and sent to the login page.
	resp = get(t, c, e.domainURL()+"/logout?"+url.Values{"client_id": {e.client.ID}, "redirect_uri": {callback}, "response_type": {"code"}}.Encode())
	if b := read(t, resp); resp.StatusCode != 200 || resp.Request.URL.Path != "/"+testDomain+"/login" || !strings.Contains(b, `name="signin"`) {
		t.Errorf("logout to login: %d %s", resp.StatusCode, resp.Request.URL)
	}
}

func TestUserInfoRefusesAPITokens(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	api := e.newClient(t, userpool.ClientInput{Name: "api", ExplicitAuthFlows: []string{userpool.FlowAllowUserPasswordAuth, userpool.FlowAllowRefreshTokenAuth}})
	out, err := e.svc.InitiateAuth(context.Background(), userpool.InitiateAuthInput{ClientID: api.ID, AuthFlow: userpool.FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		auth   string
		status int
	}{
		{"Bearer " + out.Result.AccessToken, 401},
		{"Bearer not-a-token", 401},
		{"", 400},
	} {
		req, _ := http.NewRequest("GET", e.domainURL()+"/oauth2/userInfo", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if b := read(t, resp); resp.StatusCode != tc.status || b != "" || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("userInfo %q: %d %q %q", tc.auth[:min(len(tc.auth), 20)], resp.StatusCode, b, resp.Header.Get("WWW-Authenticate"))
		}
	}
}

func TestSoftwareTokenMFA(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	ctx := context.Background()
	on := true
	if _, err := e.svc.SetUserPoolMfaConfig(ctx, e.pool.ID, userpool.PoolMfaConfigInput{MfaConfiguration: "OPTIONAL", SoftwareTokenEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	// TOTP set up through the API with an OAuth access token (it has the admin scope).
	conf := &oauth2.Config{ClientID: e.client.ID, RedirectURL: callback, Scopes: []string{"openid", "aws.cognito.signin.user.admin"},
		Endpoint: oauth2.Endpoint{AuthURL: e.domainURL() + "/oauth2/authorize", TokenURL: e.domainURL() + "/oauth2/token"}}
	tok := codeFlow(t, e, browser(t), conf, oauth2.GenerateVerifier(), "n", true)
	assoc, err := e.svc.AssociateSoftwareToken(ctx, tok.AccessToken, "")
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.Code(assoc.SecretCode, e.clk.Now())
	if _, err := e.svc.VerifySoftwareToken(ctx, tok.AccessToken, "", code); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminSetUserMFAPreference(ctx, e.pool.ID, "alice", userpool.MFAPreference{TOTP: &userpool.MFAFactorSetting{Enabled: true, Preferred: true}}); err != nil {
		t.Fatal(err)
	}
	// A new browser: password, then the code form.
	c := browser(t)
	f := signInForm(t, c, e, e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback, "state", "m"))
	mf := parseForm(t, e.srv.URL, read(t, submit(t, c, f, "username", "alice", "password", testPassword)))
	if mf.name != "mfa" || mf.fields.Get("challenge") != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("form %s %v", mf.name, mf.fields)
	}
	if !strings.Contains(mf.body, `<label for="code">`) {
		t.Error("code field has no label")
	}
	resp := submit(t, c, mf, "code", "000000")
	bad := read(t, resp)
	if m := errorRe.FindStringSubmatch(bad); resp.StatusCode != 400 || m == nil || !strings.Contains(m[1], "Invalid code") {
		t.Errorf("wrong TOTP code: %d %q", resp.StatusCode, m)
	}
	e.clk.Advance(30 * time.Second) // a fresh step: a code is accepted once
	code, _ = totp.Code(assoc.SecretCode, e.clk.Now())
	if loc := location(t, submit(t, c, parseForm(t, e.srv.URL, bad), "code", code)); loc.Query().Get("code") == "" || loc.Query().Get("state") != "m" {
		t.Errorf("after TOTP: %s", loc)
	}
}

// A public URL with https makes the session and CSRF cookies Secure.
func TestSecureCookiesOnHTTPS(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	h := oauth.New(oauth.Options{Service: e.svc, PublicURL: "https://auth.example.com"})
	mux := http.NewServeMux()
	for _, r := range oauth.Routes {
		mux.Handle("/{domain}"+r, h)
	}
	q := url.Values{"response_type": {"code"}, "client_id": {e.client.ID}, "redirect_uri": {callback}}.Encode()
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/"+testDomain+"/login?"+q, nil))
	f := parseForm(t, "", rec.Body.String())
	csrf := rec.Result().Cookies()
	if len(csrf) != 1 || !csrf[0].Secure || !csrf[0].HttpOnly {
		t.Fatalf("CSRF cookie %+v", csrf)
	}
	form := url.Values{"_csrf": {f.fields.Get("_csrf")}, "username": {"alice"}, "password": {testPassword}}
	req := httptest.NewRequest("POST", f.action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrf[0])
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != 302 {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "cognito" && (!ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge != 3600) {
			t.Errorf("session cookie %+v", ck)
		}
	}
}

// The token, userInfo and revocation endpoints answer browser apps of any
// origin (Amplify posts to the token endpoint from the app's page).
func TestCORS(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("OPTIONS", e.domainURL()+"/oauth2/userInfo", nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	status, _ := postToken(t, e, nil, "grant_type", "nope")
	if status != 400 {
		t.Fatal(status)
	}
	resp = get(t, noRedirect, e.authorizeURL("client_id", e.client.ID))
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("the authorization endpoint answers other origins")
	}
}
