package cognitoidp_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cognitosrp "github.com/alexrudd/cognito-srp/v4"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"userpool/internal/cognitoidp"
	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/totp"
	"userpool/internal/userpool"
)

// auEnv is a server with a real token issuer (1024-bit keys for speed), a
// clock that tests can move forward, and two SDK clients: anon (no
// credentials, as browsers and the SDK's unsigned ops use) and signed.
type auEnv struct {
	anon   *cip.Client
	signed *cip.Client
	svc    *userpool.Service
	st     store.Store
	iss    *token.Issuer
	srv    *httptest.Server
	offset atomic.Int64 // added to time.Now
}

func (e *auEnv) now() time.Time { return time.Now().Add(time.Duration(e.offset.Load())) }

func (e *auEnv) advance(d time.Duration) { e.offset.Add(int64(d)) }

func newAuEnv(t testing.TB) *auEnv {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := &auEnv{st: st}
	e.iss, err = token.NewIssuer(st, token.Options{Now: e.now, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = userpool.New(st, userpool.Options{Now: e.now, PasswordParams: password.InsecureTestParams, Tokens: e.iss})
	mux := http.NewServeMux()
	mux.Handle("POST /", cognitoidp.New(e.svc, cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}}))
	mux.Handle("GET /{poolId}/.well-known/{doc}", cognitoidp.WellKnownHandler(e.svc, "https://idp.example"))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	mk := func(creds aws.CredentialsProvider) *cip.Client {
		return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), Credentials: creds, RetryMaxAttempts: 1, HTTPClient: bufferedBodyClient{}})
	}
	e.anon = mk(aws.AnonymousCredentials{})
	e.signed = mk(credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""))
	return e
}

var bg = context.Background()

const auPW = "Corr3ct-horse!"

func (e *auEnv) pool(t testing.TB, in *cip.CreateUserPoolInput) string {
	t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	in.PoolName = aws.String("pool")
	if in.UsernameConfiguration == nil {
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
	}
	out, err := e.signed.CreateUserPool(bg, in)
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	return *out.UserPool.Id
}

var allFlows = []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH"}

func (e *auEnv) client(t testing.TB, pool string, in *cip.CreateUserPoolClientInput) types.UserPoolClientType {
	t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolClientInput{}
	}
	in.UserPoolId, in.ClientName = aws.String(pool), aws.String("app")
	if in.ExplicitAuthFlows == nil {
		in.ExplicitAuthFlows = allFlows
	}
	out, err := e.signed.CreateUserPoolClient(bg, in)
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return *out.UserPoolClient
}

// user creates a CONFIRMED user with password auPW (set through the domain,
// as AdminSetUserPassword would).
func (e *auEnv) user(t testing.TB, pool, username string, attrs ...types.AttributeType) store.User {
	t.Helper()
	if _, err := e.signed.AdminCreateUser(bg, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(pool), Username: aws.String(username), UserAttributes: attrs,
		MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	return e.setPassword(t, pool, username, auPW, userpool.StatusConfirmed)
}

func (e *auEnv) setPassword(t testing.TB, pool, username, pw, status string) store.User {
	t.Helper()
	p, err := e.svc.GetPool(bg, pool)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.svc.ResolveUser(bg, p, username)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := userpool.NewCredential(p, v.Username, pw, status != userpool.StatusConfirmed, password.InsecureTestParams, rand.Reader, e.now())
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.UpdateUser(bg, pool, v.UsernameKey(), func(x *store.User) error {
		x.Password, x.Status = cred, status
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *auEnv) update(t testing.TB, pool, key string, fn func(*store.User)) store.User {
	t.Helper()
	u, err := e.st.UpdateUser(bg, pool, key, func(x *store.User) error { fn(x); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func secretHash(c types.UserPoolClientType, username string) *string {
	if c.ClientSecret == nil {
		return nil
	}
	m := hmac.New(sha256.New, []byte(*c.ClientSecret))
	m.Write([]byte(username + *c.ClientId))
	return aws.String(base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

func params(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func (e *auEnv) passwordAuth(c types.UserPoolClientType, username, pw string, extra ...string) (*cip.InitiateAuthOutput, error) {
	p := params(append([]string{"USERNAME", username, "PASSWORD", pw}, extra...)...)
	if h := secretHash(c, username); h != nil {
		p["SECRET_HASH"] = *h
	}
	return e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: c.ClientId, AuthParameters: p})
}

func (e *auEnv) mustPasswordAuth(t testing.TB, c types.UserPoolClientType, username string) *types.AuthenticationResultType {
	t.Helper()
	out, err := e.passwordAuth(c, username, auPW)
	if err != nil {
		t.Fatalf("USER_PASSWORD_AUTH %s: %v", username, err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("USER_PASSWORD_AUTH %s: challenge %s instead of tokens", username, out.ChallengeName)
	}
	return out.AuthenticationResult
}

// srpAuth runs USER_SRP_AUTH with the real alexrudd/cognito-srp client.
func (e *auEnv) srpAuth(pool string, c types.UserPoolClientType, username, pw string) (*cip.RespondToAuthChallengeOutput, error) {
	cl, err := cognitosrp.NewCognitoSRP(username, pw, pool, *c.ClientId, c.ClientSecret)
	if err != nil {
		return nil, err
	}
	init, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: c.ClientId, AuthParameters: cl.GetAuthParams()})
	if err != nil {
		return nil, err
	}
	if init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		return nil, errors.New("want PASSWORD_VERIFIER, got " + string(init.ChallengeName))
	}
	resp, err := cl.PasswordVerifierChallenge(init.ChallengeParameters, e.now())
	if err != nil {
		return nil, err
	}
	return e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: c.ClientId, ChallengeResponses: resp, Session: init.Session,
	})
}

// wantErr asserts an API error code and (when msg != "") exact message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func (e *auEnv) claims(t *testing.T, pool, raw, use string) token.Claims {
	t.Helper()
	c, err := e.iss.Verify(bg, pool, raw, use)
	if err != nil {
		t.Fatalf("Verify %s token: %v", use, err)
	}
	return c
}

// rawCall posts one JSON 1.1 request and returns status and body.
func (e *auEnv) rawCall(t *testing.T, op string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.srv.URL+"/", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: body %q: %v", op, data, err)
	}
	return resp.StatusCode, m
}

// ---------------------------------------------------------------- USER_PASSWORD_AUTH

func TestUserPasswordAuthTokensAndClaims(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, nil)
	alice := e.user(t, pool, "alice", types.AttributeType{Name: aws.String("email"), Value: aws.String("alice@example.com")},
		types.AttributeType{Name: aws.String("email_verified"), Value: aws.String("true")})
	e.user(t, pool, "bob")
	for _, g := range []struct {
		name string
		prec int32
		role string
	}{{"readers", 5, "arn:aws:iam::123456789012:role/readers"}, {"admins", 1, "arn:aws:iam::123456789012:role/admins"}, {"zeta", 9, ""}} {
		in := &cip.CreateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String(g.name), Precedence: aws.Int32(g.prec)}
		if g.role != "" {
			in.RoleArn = aws.String(g.role)
		}
		if _, err := e.signed.CreateGroup(bg, in); err != nil {
			t.Fatal(err)
		}
		if _, err := e.signed.AdminAddUserToGroup(bg, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(pool), Username: aws.String("alice"), GroupName: aws.String(g.name)}); err != nil {
			t.Fatal(err)
		}
	}

	// Raw wire shape: ChallengeParameters {} beside the result, integer ExpiresIn, Bearer.
	status, body := e.rawCall(t, "InitiateAuth", map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": *c.ClientId,
		"AuthParameters": map[string]string{"USERNAME": "alice", "PASSWORD": auPW}})
	if status != 200 {
		t.Fatalf("status %d: %v", status, body)
	}
	if cp, ok := body["ChallengeParameters"].(map[string]any); !ok || len(cp) != 0 {
		t.Fatalf("ChallengeParameters = %#v, want {}", body["ChallengeParameters"])
	}
	ar := body["AuthenticationResult"].(map[string]any)
	if ar["ExpiresIn"] != json.Number("3600") || ar["TokenType"] != "Bearer" || ar["RefreshToken"] == nil {
		t.Fatalf("AuthenticationResult = %v", ar)
	}
	if rt := ar["RefreshToken"].(string); len(rt) < 43 || strings.Trim(rt, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.") != "" {
		t.Fatalf("refresh token %q does not match the Token pattern", rt)
	}

	// Through the SDK, both with anonymous and with signing credentials.
	res := e.mustPasswordAuth(t, c, "alice")
	if _, err := e.signed.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: c.ClientId,
		AuthParameters: params("USERNAME", "alice", "PASSWORD", auPW)}); err != nil {
		t.Fatalf("signed InitiateAuth: %v", err)
	}
	id := e.claims(t, pool, *res.IdToken, "id")
	ac := e.claims(t, pool, *res.AccessToken, "access")
	wantGroups := []string{"admins", "readers", "zeta"}
	if !slices.Equal(id.Groups, wantGroups) || !slices.Equal(ac.Groups, wantGroups) {
		t.Fatalf("groups id %v access %v, want %v", id.Groups, ac.Groups, wantGroups)
	}
	if id.Raw["cognito:preferred_role"] != "arn:aws:iam::123456789012:role/admins" {
		t.Fatalf("preferred_role = %v", id.Raw["cognito:preferred_role"])
	}
	roles, _ := id.Raw["cognito:roles"].([]any)
	if len(roles) != 2 {
		t.Fatalf("cognito:roles = %v", id.Raw["cognito:roles"])
	}
	if id.Raw["email_verified"] != true || id.Raw["email"] != "alice@example.com" || id.Sub != alice.Sub || id.Username != "alice" {
		t.Fatalf("id claims = %v", id.Raw)
	}
	if ac.Scope != "aws.cognito.signin.user.admin" || ac.ClientID != *c.ClientId || ac.Username != "alice" {
		t.Fatalf("access claims = %v", ac.Raw)
	}
	if id.OriginJTI == "" || id.OriginJTI != ac.OriginJTI || id.EventID != ac.EventID || id.EventID == "" {
		t.Fatalf("origin_jti/event_id differ: %v / %v", id.Raw, ac.Raw)
	}
	if _, ok := ac.Raw["device_key"]; ok {
		t.Fatal("device_key without device tracking")
	}
	// A second sign-in is a new authentication event with a new origin.
	res2 := e.mustPasswordAuth(t, c, "alice")
	id2 := e.claims(t, pool, *res2.IdToken, "id")
	if id2.OriginJTI == id.OriginJTI || id2.EventID == id.EventID {
		t.Fatal("second sign-in reused origin_jti or event_id")
	}

	// No groups: the claims are absent, not empty.
	bres := e.mustPasswordAuth(t, c, "bob")
	for _, raw := range []string{*bres.IdToken, *bres.AccessToken} {
		use := "id"
		if raw == *bres.AccessToken {
			use = "access"
		}
		cl := e.claims(t, pool, raw, use)
		for _, k := range []string{"cognito:groups", "cognito:roles", "cognito:preferred_role"} {
			if _, ok := cl.Raw[k]; ok {
				t.Fatalf("%s token of a user without groups has %s", use, k)
			}
		}
	}

	// ReadAttributes limit what the ID token carries.
	c2 := e.client(t, pool, &cip.CreateUserPoolClientInput{ReadAttributes: []string{"email_verified"}})
	r3 := e.mustPasswordAuth(t, c2, "alice")
	if cl := e.claims(t, pool, *r3.IdToken, "id"); cl.Raw["email"] != nil || cl.Raw["email_verified"] != true {
		t.Fatalf("ReadAttributes not applied: %v", cl.Raw)
	}

	// AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH (and its legacy name).
	for _, flow := range []types.AuthFlowType{types.AuthFlowTypeAdminUserPasswordAuth, types.AuthFlowTypeAdminNoSrpAuth} {
		out, err := e.signed.AdminInitiateAuth(bg, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, AuthFlow: flow,
			AuthParameters: params("USERNAME", "ALICE", "PASSWORD", auPW)})
		if err != nil || out.AuthenticationResult == nil {
			t.Fatalf("AdminInitiateAuth %s: %v", flow, err)
		}
	}
}

func TestSignInErrors(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	legacy := e.client(t, pool, nil)
	enabled := e.client(t, pool, &cip.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	secret := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	srpOnly := e.client(t, pool, &cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH"}})
	e.user(t, pool, "alice")
	dis := e.user(t, pool, "disabled")
	if _, err := e.signed.AdminDisableUser(bg, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String(dis.Username)}); err != nil {
		t.Fatal(err)
	}
	e.user(t, pool, "unconfirmed")
	e.setPassword(t, pool, "unconfirmed", auPW, userpool.StatusUnconfirmed)
	e.user(t, pool, "reset")
	e.setPassword(t, pool, "reset", auPW, userpool.StatusResetRequired)
	exp := e.user(t, pool, "expired")
	e.setPassword(t, pool, "expired", auPW, userpool.StatusForceChangePassword)
	e.update(t, pool, exp.UsernameKey, func(u *store.User) { u.Password.ExpiresAt = e.now().Add(-time.Minute) })

	ia := func(c types.UserPoolClientType, flow types.AuthFlowType, p map[string]string) error {
		_, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: flow, ClientId: c.ClientId, AuthParameters: p})
		return err
	}
	pw := types.AuthFlowTypeUserPasswordAuth
	cases := []struct {
		name      string
		err       error
		code, msg string
	}{
		{"wrong password", ia(legacy, pw, params("USERNAME", "alice", "PASSWORD", "nope")), "NotAuthorizedException", "Incorrect username or password."},
		{"unknown user LEGACY", ia(legacy, pw, params("USERNAME", "ghost", "PASSWORD", auPW)), "UserNotFoundException", "User does not exist."},
		{"unknown user ENABLED", ia(enabled, pw, params("USERNAME", "ghost", "PASSWORD", auPW)), "NotAuthorizedException", "Incorrect username or password."},
		{"disabled", ia(legacy, pw, params("USERNAME", "disabled", "PASSWORD", auPW)), "NotAuthorizedException", "User is disabled."},
		{"unconfirmed before the password", ia(legacy, pw, params("USERNAME", "unconfirmed", "PASSWORD", "wrong")), "UserNotConfirmedException", "User is not confirmed."},
		{"reset required", ia(legacy, pw, params("USERNAME", "reset", "PASSWORD", auPW)), "PasswordResetRequiredException", "Password reset required for the user"},
		{"expired temporary password", ia(legacy, pw, params("USERNAME", "expired", "PASSWORD", auPW)), "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator."},
		{"USER_PASSWORD_AUTH not enabled", ia(srpOnly, pw, params("USERNAME", "alice", "PASSWORD", auPW)), "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"},
		{"refresh not enabled", ia(srpOnly, types.AuthFlowTypeRefreshTokenAuth, params("REFRESH_TOKEN", "x")), "InvalidParameterException", "Auth flow not enabled for this client"},
		{"admin flow on InitiateAuth", ia(legacy, types.AuthFlowTypeAdminUserPasswordAuth, params("USERNAME", "alice", "PASSWORD", auPW)), "InvalidParameterException", "Initiate Auth method not supported."},
		{"custom auth without SRP_A", ia(legacy, types.AuthFlowTypeCustomAuth, params("USERNAME", "alice")), "InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool."},
		{"USER_AUTH not enabled", ia(legacy, types.AuthFlowTypeUserAuth, params("USERNAME", "alice")), "InvalidParameterException", "Auth flow not enabled for this client"},
		{"SECRET_HASH missing", ia(secret, pw, params("USERNAME", "alice", "PASSWORD", auPW)), "NotAuthorizedException", "Client " + *secret.ClientId + " is configured with secret but SECRET_HASH was not received"},
		{"SECRET_HASH wrong", ia(secret, pw, params("USERNAME", "alice", "PASSWORD", auPW, "SECRET_HASH", *secretHash(secret, "bob"))), "NotAuthorizedException", "Unable to verify secret hash for client " + *secret.ClientId},
		{"SECRET_HASH checked before the user", ia(secret, pw, params("USERNAME", "ghost", "PASSWORD", auPW)), "NotAuthorizedException", "Client " + *secret.ClientId + " is configured with secret but SECRET_HASH was not received"},
		{"missing PASSWORD", ia(legacy, pw, params("USERNAME", "alice")), "InvalidParameterException", "Missing required parameter PASSWORD"},
		{"unknown client", func() error {
			_, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: pw, ClientId: aws.String("nosuchclient"), AuthParameters: params("USERNAME", "a", "PASSWORD", "b")})
			return err
		}(), "ResourceNotFoundException", "User pool client nosuchclient does not exist."},
		{"bad AuthFlow", ia(legacy, "PASSWORD_PLEASE", params()), "InvalidParameterException", ""},
		{"USER_PASSWORD_AUTH on AdminInitiateAuth", func() error {
			_, err := e.signed.AdminInitiateAuth(bg, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(pool), ClientId: legacy.ClientId, AuthFlow: pw, AuthParameters: params("USERNAME", "alice", "PASSWORD", auPW)})
			return err
		}(), "InvalidParameterException", "Initiate Auth method not supported."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.code, tc.msg) })
	}
	// With the right SECRET_HASH the secret client signs in.
	if _, err := e.passwordAuth(secret, "alice", auPW); err != nil {
		t.Fatalf("secret client: %v", err)
	}
}

// ---------------------------------------------------------------- USER_SRP_AUTH

func TestSRPAuthWithRealClient(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{"email"}})
	plain := e.client(t, pool, nil)
	secret := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	enabled := e.client(t, pool, &cip.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	e.user(t, pool, "Carol", types.AttributeType{Name: aws.String("email"), Value: aws.String("carol@example.com")},
		types.AttributeType{Name: aws.String("email_verified"), Value: aws.String("true")})

	for _, c := range []types.UserPoolClientType{plain, secret} {
		out, err := e.srpAuth(pool, c, "carol", auPW)
		if err != nil || out.AuthenticationResult == nil {
			t.Fatalf("SRP sign-in (secret %v): %v", c.ClientSecret != nil, err)
		}
		if cl := e.claims(t, pool, *out.AuthenticationResult.AccessToken, "access"); cl.Username != "Carol" {
			t.Fatalf("username claim %q", cl.Username)
		}
	}

	// The challenge names the internal username in both members, with no Session.
	cl, _ := cognitosrp.NewCognitoSRP("carol@example.com", auPW, pool, *plain.ClientId, nil)
	init, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: plain.ClientId, AuthParameters: cl.GetAuthParams()})
	if err != nil {
		t.Fatal(err)
	}
	cp := init.ChallengeParameters
	if cp["USERNAME"] != "Carol" || cp["USER_ID_FOR_SRP"] != "Carol" || init.Session != nil || cp["SALT"] == "" || cp["SRP_B"] == "" {
		t.Fatalf("PASSWORD_VERIFIER = %v session %v", cp, init.Session)
	}
	if _, err := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"]); err != nil {
		t.Fatalf("SECRET_BLOCK is not standard base64: %v", err)
	}
	resp, _ := cl.PasswordVerifierChallenge(cp, e.now())
	respond := func() (*cip.RespondToAuthChallengeOutput, error) {
		return e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: plain.ClientId, ChallengeResponses: resp})
	}
	if out, err := respond(); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("alias SRP sign-in: %v", err)
	}
	_, err = respond() // one attempt per block
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// Wrong password, wrong username in the answer, stale TIMESTAMP, another client.
	_, err = e.srpAuth(pool, plain, "carol", "wrong-Passw0rd")
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	for name, mutate := range map[string]func(map[string]string) (time.Time, *string){
		"other user":   func(r map[string]string) (time.Time, *string) { r["USERNAME"] = "dave"; return e.now(), plain.ClientId },
		"stale":        func(r map[string]string) (time.Time, *string) { return e.now().Add(-10 * time.Minute), plain.ClientId },
		"other client": func(r map[string]string) (time.Time, *string) { return e.now(), enabled.ClientId },
		"tampered sig": func(r map[string]string) (time.Time, *string) {
			r["PASSWORD_CLAIM_SIGNATURE"] = "AAAA"
			return e.now(), plain.ClientId
		},
		"unknown block": func(r map[string]string) (time.Time, *string) {
			r["PASSWORD_CLAIM_SECRET_BLOCK"] = "bm9wZQ=="
			return e.now(), plain.ClientId
		},
	} {
		t.Run(name, func(t *testing.T) {
			cl, _ := cognitosrp.NewCognitoSRP("Carol", auPW, pool, *plain.ClientId, nil)
			init, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: plain.ClientId, AuthParameters: cl.GetAuthParams()})
			if err != nil {
				t.Fatal(err)
			}
			r := map[string]string{}
			ts, client := mutate(r)
			resp, _ := cl.PasswordVerifierChallenge(init.ChallengeParameters, ts)
			for k, v := range r {
				resp[k] = v
			}
			_, err = e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: client, ChallengeResponses: resp})
			wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
		})
	}

	// Unknown users: LEGACY says so at once; ENABLED gets a challenge that fails.
	_, err = e.srpAuth(pool, plain, "ghost", auPW)
	wantErr(t, err, "UserNotFoundException", "User does not exist.")
	gcl, _ := cognitosrp.NewCognitoSRP("ghost", auPW, pool, *enabled.ClientId, nil)
	g1, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: enabled.ClientId, AuthParameters: gcl.GetAuthParams()})
	if err != nil || g1.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("ENABLED unknown user: %v %v", g1, err)
	}
	g2, _ := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: enabled.ClientId, AuthParameters: gcl.GetAuthParams()})
	if g1.ChallengeParameters["SALT"] != g2.ChallengeParameters["SALT"] || g1.ChallengeParameters["SRP_B"] == g2.ChallengeParameters["SRP_B"] {
		t.Fatal("fake challenges should keep the salt and vary B")
	}
	_, err = e.srpAuth(pool, enabled, "ghost", auPW)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// SECRET_HASH is required on both steps.
	scl, _ := cognitosrp.NewCognitoSRP("Carol", auPW, pool, *secret.ClientId, secret.ClientSecret)
	ap := scl.GetAuthParams()
	delete(ap, "SECRET_HASH")
	_, err = e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: secret.ClientId, AuthParameters: ap})
	wantErr(t, err, "NotAuthorizedException", "Client "+*secret.ClientId+" is configured with secret but SECRET_HASH was not received")

	// AdminInitiateAuth USER_SRP_AUTH + AdminRespondToAuthChallenge.
	acl, _ := cognitosrp.NewCognitoSRP("Carol", auPW, pool, *plain.ClientId, nil)
	ai, err := e.signed.AdminInitiateAuth(bg, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(pool), ClientId: plain.ClientId, AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: acl.GetAuthParams()})
	if err != nil {
		t.Fatal(err)
	}
	aresp, _ := acl.PasswordVerifierChallenge(ai.ChallengeParameters, e.now())
	ar, err := e.signed.AdminRespondToAuthChallenge(bg, &cip.AdminRespondToAuthChallengeInput{UserPoolId: aws.String(pool), ClientId: plain.ClientId,
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: aresp})
	if err != nil || ar.AuthenticationResult == nil {
		t.Fatalf("admin SRP: %v", err)
	}

	// CUSTOM_AUTH with CHALLENGE_NAME=SRP_A continues as SRP.
	ccl, _ := cognitosrp.NewCognitoSRP("Carol", auPW, pool, *plain.ClientId, nil)
	cap := ccl.GetAuthParams()
	cap["CHALLENGE_NAME"] = "SRP_A"
	ci, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: plain.ClientId, AuthParameters: cap})
	if err != nil || ci.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("CUSTOM_AUTH SRP_A: %v", err)
	}
}

// ---------------------------------------------------------------- NEW_PASSWORD_REQUIRED

func TestNewPasswordRequired(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true)}}})
	c := e.client(t, pool, nil)
	for i, viaSRP := range []bool{false, true} {
		username := []string{"pat", "sam"}[i]
		if _, err := e.signed.AdminCreateUser(bg, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String(username),
			TemporaryPassword: aws.String("Temp0rary!pw"), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("N")}, {Name: aws.String("email"), Value: aws.String(username + "@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}},
		}); err != nil {
			t.Fatal(err)
		}
		var name types.ChallengeNameType
		var session *string
		var cp map[string]string
		if viaSRP {
			cl, _ := cognitosrp.NewCognitoSRP(username, "Temp0rary!pw", pool, *c.ClientId, nil)
			init, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: c.ClientId, AuthParameters: cl.GetAuthParams()})
			if err != nil {
				t.Fatal(err)
			}
			resp, _ := cl.PasswordVerifierChallenge(init.ChallengeParameters, e.now())
			out, err := e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: "PASSWORD_VERIFIER", ClientId: c.ClientId, ChallengeResponses: resp})
			if err != nil {
				t.Fatal(err)
			}
			name, session, cp = out.ChallengeName, out.Session, out.ChallengeParameters
		} else {
			out, err := e.passwordAuth(c, username, "Temp0rary!pw")
			if err != nil {
				t.Fatal(err)
			}
			name, session, cp = out.ChallengeName, out.Session, out.ChallengeParameters
		}
		if name != types.ChallengeNameTypeNewPasswordRequired || session == nil || len(*session) < 20 {
			t.Fatalf("got %s session %v", name, session)
		}
		var attrs map[string]string
		var required []string
		if err := json.Unmarshal([]byte(cp["userAttributes"]), &attrs); err != nil {
			t.Fatalf("userAttributes %q: %v", cp["userAttributes"], err)
		}
		if err := json.Unmarshal([]byte(cp["requiredAttributes"]), &required); err != nil || len(required) != 0 {
			t.Fatalf("requiredAttributes %q: %v", cp["requiredAttributes"], err)
		}
		if cp["USER_ID_FOR_SRP"] != username || attrs["email"] != username+"@example.com" || attrs["name"] != "N" || attrs["sub"] != "" || attrs["email_verified"] != "" {
			t.Fatalf("challenge parameters %v", cp)
		}
		answer := func(pw string, extra ...string) (*cip.RespondToAuthChallengeOutput, error) {
			return e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: c.ClientId,
				Session: session, ChallengeResponses: params(append([]string{"USERNAME", username, "NEW_PASSWORD", pw}, extra...)...)})
		}
		_, err := answer("short")
		wantErr(t, err, "InvalidPasswordException", "")
		_, err = answer(auPW, "userAttributes.name", "")
		wantErr(t, err, "InvalidParameterException", "")
		out, err := answer(auPW, "userAttributes.name", "New Name", "userAttributes.email_verified", "true")
		if err != nil || out.AuthenticationResult == nil {
			t.Fatalf("NEW_PASSWORD answer: %v", err)
		}
		_, err = answer(auPW)
		wantErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
		g, err := e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String(username)})
		if err != nil || g.UserStatus != types.UserStatusTypeConfirmed {
			t.Fatalf("status after NEW_PASSWORD_REQUIRED: %v %v", g, err)
		}
		for _, a := range g.UserAttributes {
			if *a.Name == "name" && *a.Value != "New Name" {
				t.Fatalf("name = %q", *a.Value)
			}
		}
		if out, err := e.srpAuth(pool, c, username, auPW); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("SRP with the new password: %v", err)
		}
		if _, err := e.passwordAuth(c, username, "Temp0rary!pw"); err == nil {
			t.Fatal("temporary password still works")
		}
	}

	// A required attribute the user lacks is listed and must be given.
	p, _ := e.svc.GetPool(bg, pool)
	u, err := e.svc.ResolveUser(bg, p, "pat")
	if err != nil {
		t.Fatal(err)
	}
	e.update(t, pool, u.UsernameKey(), func(x *store.User) { delete(x.Attributes, "name") })
	e.setPassword(t, pool, "pat", "Temp0rary!pw", userpool.StatusForceChangePassword)
	out, err := e.passwordAuth(c, "pat", "Temp0rary!pw")
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeParameters["requiredAttributes"] != `["userAttributes.name"]` {
		t.Fatalf("requiredAttributes = %s", out.ChallengeParameters["requiredAttributes"])
	}
	_, err = e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: c.ClientId,
		Session: out.Session, ChallengeResponses: params("USERNAME", "pat", "NEW_PASSWORD", auPW)})
	wantErr(t, err, "InvalidParameterException", "Attributes did not conform to the schema: name: The attribute is required\n")
}

// ---------------------------------------------------------------- MFA

func TestSoftwareTokenMFAChallenge(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOptional})
	c := e.client(t, pool, nil)
	u := e.user(t, pool, "alice")
	e.user(t, pool, "nomfa")
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
	e.update(t, pool, u.UsernameKey, func(x *store.User) {
		x.MFA = userpool.MFASettings{TOTPEnabled: true, TOTPPreferred: true, TOTPSecret: secret, TOTPVerified: true}.Encode()
	})
	// OPTIONAL: users without a token sign in directly.
	e.mustPasswordAuth(t, c, "nomfa")

	start := func() *cip.InitiateAuthOutput {
		t.Helper()
		out, err := e.passwordAuth(c, "alice", auPW)
		if err != nil {
			t.Fatal(err)
		}
		if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || out.Session == nil || len(*out.Session) < 20 || out.AuthenticationResult != nil {
			t.Fatalf("got %+v", out)
		}
		return out
	}
	answer := func(session *string, code string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, ClientId: c.ClientId,
			Session: session, ChallengeResponses: params("USERNAME", "alice", "SOFTWARE_TOKEN_MFA_CODE", code)})
	}
	code := func(at time.Time) string {
		s, err := totp.Code(secret, at)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// wrong is a code valid for none of the accepted steps around at.
	wrong := func(at time.Time) string {
		valid := []string{code(at.Add(-30 * time.Second)), code(at), code(at.Add(30 * time.Second))}
		c := []byte(code(at))
		for {
			c[0] = '0' + (c[0]-'0'+1)%10
			if !slices.Contains(valid, string(c)) {
				return string(c)
			}
		}
	}

	ch := start()
	_, err := answer(ch.Session, wrong(e.now()))
	wantErr(t, err, "CodeMismatchException", "Invalid code received for user")
	out, err := answer(ch.Session, code(e.now())) // a wrong code leaves the session usable
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("right code: %v", err)
	}
	_, err = answer(ch.Session, code(e.now()))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")

	// The same code (same time step) cannot be used for a second sign-in:
	// Cognito says it was used, and the session stays usable.
	ch = start()
	_, err = answer(ch.Session, code(e.now()))
	wantErr(t, err, "ExpiredCodeException", "Your software token has already been used once.")
	e.advance(30 * time.Second)
	if out, err := answer(ch.Session, code(e.now())); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("next step's code: %v", err)
	}

	// At most MaxMFAAttempts codes per session.
	ch = start()
	for i := 0; i < userpool.MaxMFAAttempts; i++ {
		_, err = answer(ch.Session, wrong(e.now()))
		wantErr(t, err, "CodeMismatchException", "Invalid code received for user")
	}
	_, err = answer(ch.Session, code(e.now()))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")

	// Sessions expire after the client's AuthSessionValidity (3 minutes).
	ch = start()
	e.advance(3*time.Minute + time.Second)
	_, err = answer(ch.Session, code(e.now()))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
}

func TestMFASetupChallenge(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOn})
	c := e.client(t, pool, nil)
	u := e.user(t, pool, "alice")
	out, err := e.passwordAuth(c, "alice", auPW)
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypeMfaSetup || out.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` || out.Session == nil {
		t.Fatalf("got %+v", out)
	}
	gotPool, key, err := e.svc.SessionForMFASetup(bg, *out.Session)
	if err != nil || gotPool != pool || key != u.UsernameKey {
		t.Fatalf("SessionForMFASetup = %q %q %v", gotPool, key, err)
	}
	if _, _, err := e.svc.SessionForMFASetup(bg, "bm90LWEtc2Vzc2lvbi10b2tlbg"); userpool.KindOf(err) != userpool.KindNotAuthorized {
		t.Fatalf("unknown session: %v", err)
	}
	answer := func() (*cip.RespondToAuthChallengeOutput, error) {
		return e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeMfaSetup, ClientId: c.ClientId,
			Session: out.Session, ChallengeResponses: params("USERNAME", "alice")})
	}
	_, err = answer()
	wantErr(t, err, "SoftwareTokenMFANotFoundException", "")
	// What AssociateSoftwareToken + VerifySoftwareToken (with the Session) leave behind.
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
	e.update(t, pool, key, func(x *store.User) {
		x.MFA = userpool.MFASettings{TOTPSecret: secret, TOTPVerified: true}.Encode()
	})
	res, err := answer()
	if err != nil || res.AuthenticationResult == nil {
		t.Fatalf("MFA_SETUP answer: %v", err)
	}
	g, err := e.getUser(*res.AuthenticationResult.AccessToken)
	if err != nil || aws.ToString(g.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("after MFA_SETUP: %+v %v", g, err)
	}
	next, err := e.passwordAuth(c, "alice", auPW)
	if err != nil || next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("next sign-in: %+v %v", next, err)
	}
}
