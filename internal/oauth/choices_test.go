package oauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	webauthncbor "github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"golang.org/x/oauth2"

	"userpool/internal/userpool"
)

// choicesEnv is an env whose pool allows the given first factors and a
// client that allows USER_AUTH (choice-based sign-in).
func choicesEnv(t *testing.T, factors ...string) (*env, *userpool.Client) {
	t.Helper()
	e := newEnv(t)
	pol, _ := json.Marshal(map[string]any{"AllowedFirstAuthFactors": factors})
	if _, err := e.svc.UpdatePool(context.Background(), e.pool.ID, userpool.PoolInput{SignInPolicy: pol, AutoVerifiedAttributes: []string{"email"}}); err != nil {
		t.Fatalf("update pool: %v", err)
	}
	c := e.newClient(t, userpool.ClientInput{
		Name:                            "choices",
		ExplicitAuthFlows:               []string{"ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		SupportedIdentityProviders:      []string{"COGNITO"},
		CallbackURLs:                    []string{callback},
		AllowedOAuthFlows:               []string{"code"},
		AllowedOAuthScopes:              []string{"openid", "email", "aws.cognito.signin.user.admin"},
		AllowedOAuthFlowsUserPoolClient: true,
	})
	return e, c
}

var namedFormRe = regexp.MustCompile(`(?s)<form method="post" action="[^"]+" name="([a-z]+)".*?</form>`)

// pageForm parses the form of the page and checks its name.
func pageForm(t *testing.T, e *env, resp *http.Response, name string) form {
	t.Helper()
	body := read(t, resp)
	m := namedFormRe.FindStringSubmatch(body)
	if m == nil || m[1] != name {
		t.Fatalf("status %d, want form %q:\n%s", resp.StatusCode, name, body)
	}
	return parseForm(t, e.srv.URL, body)
}

func pageError(body string) string {
	if m := errorRe.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// exchange checks the redirect to the callback and redeems its code.
func exchange(t *testing.T, e *env, c *userpool.Client, resp *http.Response) map[string]any {
	t.Helper()
	loc := location(t, resp)
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code: %s", loc)
	}
	status, tok := postToken(t, e, nil, "grant_type", "authorization_code", "client_id", c.ID, "code", code, "redirect_uri", callback)
	if status != 200 || tok["id_token"] == nil {
		t.Fatalf("code exchange: %d %v", status, tok)
	}
	return tok
}

func (e *env) verifyPhone(t *testing.T, name string) {
	t.Helper()
	if err := e.svc.AdminUpdateUserAttributes(context.Background(), e.pool.ID, name, []userpool.Attribute{
		{Name: "phone_number", Value: "+15555550100"}, {Name: "phone_number_verified", Value: "true"}}); err != nil {
		t.Fatal(err)
	}
}

func (s *sender) lastCode(t *testing.T, medium string) string {
	t.Helper()
	m := s.last(t, "mfa")
	if m.Medium != medium || len(m.Code) != 6 {
		t.Fatalf("last sign-in code: %+v, want %s", m, medium)
	}
	return m.Code
}

func TestPasswordlessCodes(t *testing.T) {
	e, c := choicesEnv(t, "PASSWORD", "EMAIL_OTP", "SMS_OTP")
	e.user(t, "alice")
	e.verifyPhone(t, "alice")
	authURL := e.authorizeURL("response_type", "code", "client_id", c.ID, "redirect_uri", callback, "scope", "openid email", "state", "pl")

	// A client without ALLOW_USER_AUTH gets no passwordless buttons.
	legacy := read(t, get(t, browser(t), e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback)))
	if strings.Contains(legacy, `name="factor"`) {
		t.Error("a client without ALLOW_USER_AUTH offers passwordless sign-in")
	}

	for _, tc := range []struct {
		factor, challenge, medium, label string
	}{
		{"EMAIL_OTP", "EMAIL_OTP", "EMAIL", "Sign in with a code sent by email"},
		{"SMS_OTP", "SMS_OTP", "SMS", "Sign in with a code sent by SMS"},
	} {
		t.Run(tc.factor, func(t *testing.T) {
			b := browser(t)
			f := signInForm(t, b, e, authURL)
			if !strings.Contains(f.body, `<button type="submit" name="factor" value="`+tc.factor+`" class="secondary" formnovalidate>`+tc.label+`</button>`) {
				t.Fatalf("sign-in page lacks the %s button:\n%s", tc.factor, f.body)
			}
			if strings.Contains(f.body, `value="WEB_AUTHN"`) {
				t.Error("passkey offered by a pool that does not allow WEB_AUTHN")
			}
			of := pageForm(t, e, submit(t, b, f, "username", "alice", "factor", tc.factor), "otp")
			if of.fields.Get("challenge") != tc.challenge || of.fields.Get("medium") != tc.medium || of.fields.Get("session") == "" {
				t.Fatalf("code form fields %v", of.fields)
			}
			if !strings.Contains(of.body, `<label for="code">Enter the code we sent by`) || strings.Contains(of.body, "alice@example.com") || strings.Contains(of.body, "+15555550100") {
				t.Errorf("code form label or unmasked destination:\n%s", of.body)
			}
			code := e.sent.lastCode(t, tc.medium)

			// CSRF enforced on the code form.
			bad := of
			bad.fields = cloneValues(of.fields)
			bad.fields.Del("_csrf")
			resp := submit(t, b, bad, "code", code)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("code without CSRF: %d", resp.StatusCode)
			}
			resp.Body.Close()

			// A wrong code: Cognito's words, the same form with its session.
			resp = submit(t, b, of, "code", wrongCode(code))
			body := read(t, resp)
			if resp.StatusCode != 400 || pageError(body) != "Invalid code received for user" {
				t.Fatalf("wrong code: %d %q", resp.StatusCode, pageError(body))
			}
			again := parseForm(t, e.srv.URL, body)
			if again.name != "otp" || again.fields.Get("session") != of.fields.Get("session") || again.fields.Get("medium") != tc.medium {
				t.Fatalf("after a wrong code: form %s %v", again.name, again.fields)
			}
			tok := exchange(t, e, c, submit(t, b, again, "code", code))
			if claims := jwtClaims(t, tok["id_token"].(string)); claims["cognito:username"] != "alice" {
				t.Errorf("ID token: %v", claims)
			}
			// The code is single use: the spent session starts over.
			resp = submit(t, b, again, "code", code)
			body = read(t, resp)
			if resp.StatusCode != 400 || !strings.Contains(body, `name="signin"`) || pageError(body) == "" {
				t.Errorf("spent session: %d %q", resp.StatusCode, pageError(body))
			}
		})
	}

	// A user without a verified phone number asked for an SMS code gets the
	// factors open to the user (SELECT_CHALLENGE); the password one signs in.
	e.user(t, "bob")
	b := browser(t)
	sc := pageForm(t, e, submit(t, b, signInForm(t, b, e, authURL), "username", "bob", "factor", "SMS_OTP"), "selectchallenge")
	if !strings.Contains(sc.body, `value="PASSWORD"`) || !strings.Contains(sc.body, `value="EMAIL_OTP"`) || strings.Contains(sc.body, `value="SMS_OTP"`) || strings.Contains(sc.body, "PASSWORD_SRP") {
		t.Errorf("choices for bob:\n%s", sc.body)
	}
	resp := submit(t, b, sc, "answer", "PASSWORD", "password", "Wrong-Horse-9")
	if body := read(t, resp); pageError(body) != "Incorrect username or password." || !strings.Contains(body, `name="signin"`) {
		t.Errorf("wrong password through the choice: %q", pageError(body))
	}
	sc = pageForm(t, e, submit(t, b, signInForm(t, b, e, authURL), "username", "bob", "factor", "SMS_OTP"), "selectchallenge")
	exchange(t, e, c, submit(t, b, sc, "answer", "PASSWORD", "password", testPassword))
	// The e-mail choice sends a code.
	sc = pageForm(t, e, submit(t, b, signInForm(t, b, e, authURL+"&prompt=login"), "username", "bob", "factor", "SMS_OTP"), "selectchallenge")
	of := pageForm(t, e, submit(t, b, sc, "answer", "EMAIL_OTP"), "otp")
	exchange(t, e, c, submit(t, b, of, "code", e.sent.lastCode(t, "EMAIL")))

	// With PreventUserExistenceErrors an unknown username gets a code form
	// like a known one's, and wrong codes the same answer.
	pue := e.newClient(t, userpool.ClientInput{
		Name: "pue", ExplicitAuthFlows: []string{"ALLOW_USER_AUTH"}, PreventUserExistenceErrors: "ENABLED",
		SupportedIdentityProviders: []string{"COGNITO"}, CallbackURLs: []string{callback},
		AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid"}, AllowedOAuthFlowsUserPoolClient: true,
	})
	pueURL := e.authorizeURL("response_type", "code", "client_id", pue.ID, "redirect_uri", callback)
	gb := browser(t)
	gf := pageForm(t, e, submit(t, gb, signInForm(t, gb, e, pueURL), "username", "nobody", "factor", "EMAIL_OTP"), "otp")
	if gf.fields.Get("challenge") != "EMAIL_OTP" || gf.fields.Get("medium") != "EMAIL" || gf.fields.Get("destination") == "" {
		t.Errorf("unknown user's code form: %v", gf.fields)
	}
	resp = submit(t, gb, gf, "code", "123456")
	if body := read(t, resp); resp.StatusCode != 400 || pageError(body) != "Invalid code received for user" {
		t.Errorf("unknown user's code: %d %q", resp.StatusCode, pageError(body))
	}

	// A factor the pool does not allow is refused.
	resp = submit(t, b, signInForm(t, b, e, authURL+"&prompt=login"), "username", "alice", "factor", "WEB_AUTHN")
	if body := read(t, resp); resp.StatusCode != 400 || pageError(body) != "Invalid PREFERRED_CHALLENGE WEB_AUTHN." {
		t.Errorf("passkey on a pool without it: %d %q", resp.StatusCode, pageError(body))
	}
}

func cloneValues(v map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, x := range v {
		out[k] = slices.Clone(x)
	}
	return out
}

func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// Wrong codes count towards the same lockout as wrong passwords.
func TestCodeLockout(t *testing.T) {
	e, c := choicesEnv(t, "PASSWORD", "EMAIL_OTP")
	e.user(t, "alice")
	authURL := e.authorizeURL("response_type", "code", "client_id", c.ID, "redirect_uri", callback)
	b := browser(t)
	locked := ""
	for i := 0; i < 20 && locked == ""; i++ {
		f := pageForm(t, e, submit(t, b, signInForm(t, b, e, authURL), "username", "alice", "factor", "EMAIL_OTP"), "otp")
		for j := 0; j < 5; j++ {
			body := read(t, submit(t, b, f, "code", wrongCode(e.sent.lastCode(t, "EMAIL"))))
			if msg := pageError(body); strings.Contains(msg, "attempts exceeded") {
				locked = msg
				break
			}
			if !strings.Contains(body, `name="otp"`) {
				break // the session is spent: a new one
			}
		}
	}
	if locked != "Password attempts exceeded" {
		t.Fatalf("no lockout after wrong codes: %q", locked)
	}
	// The right password is refused too: one lockout.
	_, err := e.svc.HostedSignIn(context.Background(), &userpool.Authorization{PoolID: e.pool.ID, ClientID: c.ID}, "alice", testPassword)
	if err == nil || !strings.Contains(err.Error(), "attempts exceeded") {
		t.Errorf("password after code lockout: %v", err)
	}
}

func TestEmailAndSMSMFA(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.SetUserPoolMfaConfig(ctx, e.pool.ID, userpool.PoolMfaConfigInput{MfaConfiguration: "OPTIONAL",
		SMS:   &userpool.SmsMfaConfig{SmsAuthenticationMessage: "Your code is {####}"},
		Email: json.RawMessage(`{"Message":"Your sign-in code is {####}","Subject":"Sign-in code"}`)}); err != nil {
		t.Fatal(err)
	}
	e.user(t, "alice")
	e.verifyPhone(t, "alice")
	on := &userpool.MFAFactorSetting{Enabled: true}
	if err := e.svc.AdminSetUserMFAPreference(ctx, e.pool.ID, "alice", userpool.MFAPreference{SMS: on, Email: on}); err != nil {
		t.Fatal(err)
	}
	authURL := e.authorizeURL("response_type", "code", "client_id", e.client.ID, "redirect_uri", callback, "scope", "openid")

	// Two factors: the choice, then the code of the chosen one.
	for _, tc := range []struct{ answer, challenge, medium string }{
		{"SMS_MFA", "SMS_MFA", "SMS"},
		{"EMAIL_OTP", "EMAIL_OTP", "EMAIL"},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			b := browser(t)
			sel := pageForm(t, e, submit(t, b, signInForm(t, b, e, authURL), "username", "alice", "password", testPassword), "selectmfa")
			for _, want := range []string{`<legend>`, `value="SMS_MFA">Code sent by text message (SMS)<`, `value="EMAIL_OTP">Code sent by email<`} {
				if !strings.Contains(sel.body, want) {
					t.Errorf("choice form lacks %s:\n%s", want, sel.body)
				}
			}
			bad := sel
			bad.fields = cloneValues(sel.fields)
			bad.fields.Set("_csrf", strings.Repeat("A", 43))
			if resp := submit(t, b, bad, "answer", tc.answer); resp.StatusCode != http.StatusForbidden {
				t.Errorf("choice with a wrong CSRF token: %d", resp.StatusCode)
			}
			of := pageForm(t, e, submit(t, b, sel, "answer", tc.answer), "otp")
			if of.fields.Get("challenge") != tc.challenge {
				t.Fatalf("code form for %s: %v", tc.answer, of.fields)
			}
			code := e.sent.lastCode(t, tc.medium)
			resp := submit(t, b, of, "code", wrongCode(code))
			if body := read(t, resp); pageError(body) != "Invalid code received for user" {
				t.Errorf("wrong MFA code: %q", pageError(body))
			}
			exchange(t, e, e.client, submit(t, b, of, "code", code))
		})
	}

	// The preferred factor goes straight to its code.
	if err := e.svc.AdminSetUserMFAPreference(ctx, e.pool.ID, "alice", userpool.MFAPreference{Email: &userpool.MFAFactorSetting{Enabled: true, Preferred: true}}); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	of := pageForm(t, e, submit(t, b, signInForm(t, b, e, authURL), "username", "alice", "password", testPassword), "otp")
	if of.fields.Get("challenge") != "EMAIL_OTP" || of.fields.Get("medium") != "EMAIL" {
		t.Fatalf("preferred e-mail MFA: %v", of.fields)
	}
	exchange(t, e, e.client, submit(t, b, of, "code", e.sent.lastCode(t, "EMAIL")))
}

// ---------------------------------------------------------------- passkeys

// softKey is a minimal ES256 authenticator with "none" attestation.
type softKey struct {
	key   *ecdsa.PrivateKey
	id    []byte
	count uint32
}

var b64u = base64.RawURLEncoding

func newSoftKey(t *testing.T) *softKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	return &softKey{key: k, id: id}
}

func keyAuthData(rpID string, flags byte, count uint32, attested []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, count)
	return append(out, attested...)
}

func keyClientData(typ, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin, "crossOrigin": false})
	return b
}

func (k *softKey) register(t *testing.T, optsJSON []byte, rpID, origin string) []byte {
	t.Helper()
	var opts struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(optsJSON, &opts); err != nil {
		t.Fatal(err)
	}
	ch := opts.Challenge
	if ch == "" {
		ch = opts.PublicKey.Challenge
	}
	pub, err := k.key.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: pub[1:33], -3: pub[33:65]})
	if err != nil {
		t.Fatal(err)
	}
	att := make([]byte, 16)
	att = binary.BigEndian.AppendUint16(att, uint16(len(k.id)))
	att = append(append(att, k.id...), cose...)
	obj, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": keyAuthData(rpID, 0x01|0x04|0x40, 0, att)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(keyClientData("webauthn.create", ch, origin)),
			"attestationObject": b64u.EncodeToString(obj), "transports": []string{"internal"}}})
	return b
}

func (k *softKey) assert(t *testing.T, optsJSON, origin string) string {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"`
	}
	if err := json.Unmarshal([]byte(optsJSON), &opts); err != nil {
		t.Fatalf("options %q: %v", optsJSON, err)
	}
	k.count++
	ad := keyAuthData(opts.RPID, 0x01|0x04, k.count, nil)
	cd := keyClientData("webauthn.get", opts.Challenge, origin)
	h := sha256.Sum256(cd)
	digest := sha256.Sum256(append(slices.Clone(ad), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(cd), "authenticatorData": b64u.EncodeToString(ad),
			"signature": b64u.EncodeToString(sig)}})
	return string(b)
}

var optionsRe = regexp.MustCompile(`data-options="([^"]*)"`)

func TestPasskeyPage(t *testing.T) {
	e, c := choicesEnv(t, "PASSWORD", "WEB_AUTHN")
	ctx := context.Background()
	const rp, origin = "localhost", "https://localhost"
	if _, err := e.svc.SetUserPoolMfaConfig(ctx, e.pool.ID, userpool.PoolMfaConfigInput{
		WebAuthn: json.RawMessage(`{"RelyingPartyId":"localhost","UserVerification":"preferred"}`)}); err != nil {
		t.Fatal(err)
	}
	e.user(t, "alice")
	e.user(t, "bob")
	// alice registers a passkey through the API, with a token from the code flow.
	conf := &oauth2.Config{ClientID: c.ID, RedirectURL: callback, Scopes: []string{"openid", "aws.cognito.signin.user.admin"},
		Endpoint: oauth2.Endpoint{AuthURL: e.domainURL() + "/oauth2/authorize", TokenURL: e.domainURL() + "/oauth2/token"}}
	keys := map[string]*softKey{}
	for _, name := range []string{"alice", "bob"} {
		b := browser(t)
		f := signInForm(t, b, e, conf.AuthCodeURL("s"))
		tok, err := conf.Exchange(ctx, location(t, submit(t, b, f, "username", name, "password", testPassword)).Query().Get("code"))
		if err != nil {
			t.Fatal(err)
		}
		opts, err := e.svc.StartWebAuthnRegistration(ctx, tok.AccessToken)
		if err != nil {
			t.Fatalf("StartWebAuthnRegistration: %v", err)
		}
		keys[name] = newSoftKey(t)
		if err := e.svc.CompleteWebAuthnRegistration(ctx, tok.AccessToken, keys[name].register(t, opts, rp, origin)); err != nil {
			t.Fatalf("CompleteWebAuthnRegistration: %v", err)
		}
	}
	authURL := e.authorizeURL("response_type", "code", "client_id", c.ID, "redirect_uri", callback, "scope", "openid", "state", "pk")

	passkeyPage := func(b *http.Client, name string) (form, string, *http.Response) {
		t.Helper()
		f := signInForm(t, b, e, authURL)
		if !strings.Contains(f.body, `value="WEB_AUTHN" class="secondary" formnovalidate>Sign in with a passkey<`) {
			t.Fatalf("no passkey button:\n%s", f.body)
		}
		if h := get(t, b, authURL); !strings.Contains(h.Header.Get("Content-Security-Policy"), "default-src 'none'") || strings.Contains(h.Header.Get("Content-Security-Policy"), "script-src") {
			t.Errorf("sign-in page CSP %q", h.Header.Get("Content-Security-Policy"))
		} else {
			h.Body.Close()
		}
		resp := submit(t, b, f, "username", name, "factor", "WEB_AUTHN")
		body := read(t, resp)
		pf := parseForm(t, e.srv.URL, body)
		m := optionsRe.FindStringSubmatch(body)
		if pf.name != "passkey" || m == nil {
			t.Fatalf("passkey page: %d\n%s", resp.StatusCode, body)
		}
		return pf, html.UnescapeString(m[1]), resp
	}

	b := browser(t)
	pf, opts, resp := passkeyPage(b, "alice")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("passkey page CSP %q", csp)
	}
	if n := strings.Count(pf.body, "<script"); n != 1 || !strings.Contains(pf.body, `<script src="/`+testDomain+`/login/passkey.js"></script>`) || !strings.Contains(pf.body, "<noscript>") {
		t.Errorf("passkey page scripts (%d):\n%s", n, pf.body)
	}
	if !strings.Contains(opts, b64u.EncodeToString(keys["alice"].id)) || !strings.Contains(opts, `"rpId":"localhost"`) {
		t.Errorf("CREDENTIAL_REQUEST_OPTIONS %s", opts)
	}
	js := get(t, b, e.domainURL()+"/login/passkey.js")
	if src := read(t, js); js.StatusCode != 200 || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(src, "navigator.credentials.get") {
		t.Errorf("passkey.js: %d %q", js.StatusCode, js.Header.Get("Content-Type"))
	}

	// CSRF enforced.
	bad := pf
	bad.fields = cloneValues(pf.fields)
	bad.fields.Del("_csrf")
	if r := submit(t, b, bad, "credential", keys["alice"].assert(t, opts, origin)); r.StatusCode != http.StatusForbidden {
		t.Errorf("assertion without CSRF: %d", r.StatusCode)
	}
	// Another user's passkey is refused, in Cognito's words; the ceremony starts over.
	r := submit(t, b, pf, "credential", keys["bob"].assert(t, opts, origin))
	if body := read(t, r); r.StatusCode != 400 || pageError(body) != "Incorrect passkey credential." || !strings.Contains(body, `name="signin"`) {
		t.Errorf("bob's passkey for alice: %d %q", r.StatusCode, pageError(body))
	}
	// The spent challenge takes no assertion, even a right one.
	r = submit(t, b, pf, "credential", keys["alice"].assert(t, opts, origin))
	if body := read(t, r); r.StatusCode != 400 || pageError(body) == "" {
		t.Errorf("replayed ceremony: %d %q", r.StatusCode, pageError(body))
	}
	// A new ceremony with alice's passkey signs in and the code is exchanged.
	pf, opts, _ = passkeyPage(b, "alice")
	tok := exchange(t, e, c, submit(t, b, pf, "credential", keys["alice"].assert(t, opts, origin)))
	if claims := jwtClaims(t, tok["id_token"].(string)); claims["cognito:username"] != "alice" {
		t.Errorf("ID token: %v", claims)
	}

	// A user without a passkey who asks for one gets the other factors.
	e.user(t, "carol")
	b = browser(t)
	sc := pageForm(t, e, submit(t, b, signInForm(t, b, e, authURL), "username", "carol", "factor", "WEB_AUTHN"), "selectchallenge")
	if strings.Contains(sc.body, `value="WEB_AUTHN"`) || !strings.Contains(sc.body, `value="PASSWORD"`) {
		t.Errorf("carol's choices:\n%s", sc.body)
	}
}
