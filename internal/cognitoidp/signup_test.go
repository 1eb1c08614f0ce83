package cognitoidp_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// ---------------------------------------------------------------- account lifecycle e2e helpers (lc)

// lcSender captures the codes the server sends.
type lcSender struct {
	mu   sync.Mutex
	msgs []userpool.Message
}

func (s *lcSender) Send(_ context.Context, m userpool.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	return nil
}

func (s *lcSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// code returns the code last sent to dest.
func (s *lcSender) code(t *testing.T, dest string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.msgs) - 1; i >= 0; i-- {
		if s.msgs[i].Destination == dest {
			return s.msgs[i].Code
		}
	}
	t.Fatalf("no code sent to %s", dest)
	return ""
}

// lcEnv is newTestEnvWith plus a movable clock, a token issuer, a
// capturing sender and an anonymous client for the unsigned operations.
type lcEnv struct {
	signed *cip.Client
	anon   *cip.Client
	svc    *userpool.Service
	sender *lcSender
	offset atomic.Int64
}

func (e *lcEnv) now() time.Time          { return time.Now().Add(time.Duration(e.offset.Load())) }
func (e *lcEnv) advance(d time.Duration) { e.offset.Add(int64(d)) }

// lcKeys lets the issuer use the store newTestEnvWith opens: the issuer
// must exist before the service, the store is only known after.
type lcKeys struct{ store.Store }

func newLCEnv(t *testing.T) *lcEnv {
	t.Helper()
	e := &lcEnv{sender: &lcSender{}}
	keys := &lcKeys{}
	iss, err := token.NewIssuer(keys, token.Options{Now: e.now, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	client, svc, srv := newTestEnvWith(t, userpool.Options{Now: e.now, PasswordParams: password.InsecureTestParams, Tokens: iss, Sender: e.sender})
	keys.Store = storeOf(svc)
	e.signed, e.svc = client, svc
	e.anon = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{},
		RetryMaxAttempts: 1, HTTPClient: bufferedBodyClient{}})
	return e
}

const lcPW = "Passw0rd!"

func (e *lcEnv) pool(t *testing.T, in *cip.CreateUserPoolInput) string {
	t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	in.PoolName = aws.String("lifecycle")
	out, err := e.signed.CreateUserPool(bg, in)
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	return *out.UserPool.Id
}

func (e *lcEnv) client(t *testing.T, pool string, in *cip.CreateUserPoolClientInput) types.UserPoolClientType {
	t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolClientInput{}
	}
	in.UserPoolId, in.ClientName = aws.String(pool), aws.String("app")
	if in.ExplicitAuthFlows == nil {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	}
	out, err := e.signed.CreateUserPoolClient(bg, in)
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return *out.UserPoolClient
}

func (e *lcEnv) signUp(c types.UserPoolClientType, username, pw string, attrs ...types.AttributeType) (*cip.SignUpOutput, error) {
	return e.anon.SignUp(bg, &cip.SignUpInput{ClientId: c.ClientId, SecretHash: secretHash(c, username), Username: aws.String(username),
		Password: aws.String(pw), UserAttributes: attrs})
}

func (e *lcEnv) confirm(c types.UserPoolClientType, username, code string) error {
	_, err := e.anon.ConfirmSignUp(bg, &cip.ConfirmSignUpInput{ClientId: c.ClientId, SecretHash: secretHash(c, username), Username: aws.String(username), ConfirmationCode: aws.String(code)})
	return err
}

func (e *lcEnv) signIn(c types.UserPoolClientType, username, pw string) (*cip.InitiateAuthOutput, error) {
	p := params("USERNAME", username, "PASSWORD", pw)
	if h := secretHash(c, username); h != nil {
		p["SECRET_HASH"] = *h
	}
	return e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: c.ClientId, AuthParameters: p})
}

// accessToken signs in with USER_PASSWORD_AUTH and returns the access token.
func (e *lcEnv) accessToken(t *testing.T, c types.UserPoolClientType, username, pw string) string {
	t.Helper()
	out, err := e.signIn(c, username, pw)
	if err != nil {
		t.Fatalf("sign-in %s: %v", username, err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("sign-in %s: challenge %s", username, out.ChallengeName)
	}
	return *out.AuthenticationResult.AccessToken
}

// confirmedUser creates a CONFIRMED user with password lcPW through the API.
func (e *lcEnv) confirmedUser(t *testing.T, pool, username string, attrs ...types.AttributeType) {
	t.Helper()
	if _, err := e.signed.AdminCreateUser(bg, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String(username),
		UserAttributes: attrs, MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := e.signed.AdminSetUserPassword(bg, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(pool), Username: aws.String(username),
		Password: aws.String(lcPW), Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
}

func lcAttr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}

func lcAttrs(attrs []types.AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range attrs {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

func lcWrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// ---------------------------------------------------------------- SignUp, ConfirmSignUp, ResendConfirmationCode

func TestSignUpConfirmSignIn(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}})
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})

	_, err := e.anon.SignUp(bg, &cip.SignUpInput{ClientId: c.ClientId, Username: aws.String("alice"), Password: aws.String(lcPW)})
	wantErr(t, err, "NotAuthorizedException", "Client "+*c.ClientId+" is configured with secret but SECRET_HASH was not received")
	_, err = e.anon.SignUp(bg, &cip.SignUpInput{ClientId: c.ClientId, SecretHash: secretHash(c, "someone-else"), Username: aws.String("alice"), Password: aws.String(lcPW)})
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+*c.ClientId)
	for _, tc := range []struct{ pw, msg string }{
		{"Sh0rt!", "Password did not conform with policy: Password not long enough"},
		{"passw0rd!", "Password did not conform with policy: Password must have uppercase characters"},
		{"PASSW0RD!", "Password did not conform with policy: Password must have lowercase characters"},
		{"Password!", "Password did not conform with policy: Password must have numeric characters"},
		{"Passw0rdd", "Password did not conform with policy: Password must have symbol characters"},
	} {
		_, err = e.signUp(c, "alice", tc.pw, lcAttr("email", "alice@example.com"))
		wantErr(t, err, "InvalidPasswordException", tc.msg)
	}

	out, err := e.signUp(c, "alice", lcPW, lcAttr("email", "alice@example.com"))
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	d := out.CodeDeliveryDetails
	if out.UserConfirmed || aws.ToString(out.UserSub) == "" || d == nil || aws.ToString(d.Destination) != "a***@e***" ||
		d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Fatalf("SignUp output %+v / %+v", out, d)
	}
	_, err = e.signUp(c, "alice", lcPW)
	wantErr(t, err, "UsernameExistsException", "User already exists")

	_, err = e.signIn(c, "alice", lcPW)
	wantErr(t, err, "UserNotConfirmedException", "User is not confirmed.")

	code := e.sender.code(t, "alice@example.com")
	wantErr(t, e.confirm(c, "alice", lcWrong(code)), "CodeMismatchException", "Invalid verification code provided, please try again.")
	_, err = e.anon.ConfirmSignUp(bg, &cip.ConfirmSignUpInput{ClientId: c.ClientId, Username: aws.String("alice"), ConfirmationCode: aws.String(code)})
	wantErr(t, err, "NotAuthorizedException", "Client "+*c.ClientId+" is configured with secret but SECRET_HASH was not received")
	if err := e.confirm(c, "alice", code); err != nil {
		t.Fatalf("ConfirmSignUp: %v", err)
	}
	wantErr(t, e.confirm(c, "alice", code), "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")

	u, err := e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserStatus != types.UserStatusTypeConfirmed || lcAttrs(u.UserAttributes)["email_verified"] != "true" || lcAttrs(u.UserAttributes)["sub"] != *out.UserSub {
		t.Fatalf("AdminGetUser %+v", u)
	}
	if at := e.accessToken(t, c, "alice", lcPW); at == "" {
		t.Fatal("no access token")
	}
}

func TestSignUpPoolRules(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	emailPool := e.pool(t, &cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{"email"}})
	c := e.client(t, emailPool, nil)
	_, err := e.signUp(c, "bob", lcPW)
	wantErr(t, err, "InvalidParameterException", "Username should be an email.")
	out, err := e.signUp(c, "bob@example.com", lcPW)
	if err != nil {
		t.Fatal(err)
	}
	if out.CodeDeliveryDetails != nil {
		t.Fatalf("no AutoVerifiedAttributes, yet %+v", out.CodeDeliveryDetails)
	}
	_, err = e.signUp(c, "BOB@example.com", lcPW)
	wantErr(t, err, "UsernameExistsException", "An account with the given email already exists.")
	u, err := e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: aws.String(emailPool), Username: aws.String("bob@example.com")})
	if err != nil || aws.ToString(u.Username) != aws.ToString(out.UserSub) || u.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Fatalf("internal username must be the sub: %+v %v", u, err)
	}

	adminOnly := e.pool(t, &cip.CreateUserPoolInput{AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true}})
	ac := e.client(t, adminOnly, nil)
	_, err = e.signUp(ac, "carol", lcPW)
	wantErr(t, err, "NotAuthorizedException", "SignUp is not permitted for this user pool")

	_, err = e.anon.SignUp(bg, &cip.SignUpInput{ClientId: aws.String("nosuchclient"), Username: aws.String("x"), Password: aws.String(lcPW)})
	wantErr(t, err, "ResourceNotFoundException", "User pool client nosuchclient does not exist.")
}

func TestConfirmationCodeLifecycle(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}})
	c := e.client(t, pool, nil)
	hidden := e.client(t, pool, &cip.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	if _, err := e.signUp(c, "dave", lcPW, lcAttr("email", "dave@example.com")); err != nil {
		t.Fatal(err)
	}
	code := e.sender.code(t, "dave@example.com")

	// Expired after 24 hours.
	e.advance(userpool.SignUpCodeTTL)
	wantErr(t, e.confirm(c, "dave", code), "ExpiredCodeException", "Invalid code provided, please request a code again.")

	resend := func(cl types.UserPoolClientType, username string) (*cip.ResendConfirmationCodeOutput, error) {
		return e.anon.ResendConfirmationCode(bg, &cip.ResendConfirmationCodeInput{ClientId: cl.ClientId, Username: aws.String(username)})
	}
	r, err := resend(c, "dave")
	if err != nil || aws.ToString(r.CodeDeliveryDetails.Destination) != "d***@e***" {
		t.Fatalf("ResendConfirmationCode: %+v %v", r, err)
	}
	code = e.sender.code(t, "dave@example.com")

	// Five wrong attempts burn the code.
	for i := 0; i < userpool.MaxCodeAttempts; i++ {
		wantErr(t, e.confirm(c, "dave", lcWrong(code)), "CodeMismatchException", "")
	}
	wantErr(t, e.confirm(c, "dave", code), "LimitExceededException", "Attempt limit exceeded, please try after some time.")
	if _, err := resend(c, "dave"); err != nil {
		t.Fatal(err)
	}
	if err := e.confirm(c, "dave", e.sender.code(t, "dave@example.com")); err != nil {
		t.Fatalf("confirm with a fresh code: %v", err)
	}
	_, err = resend(c, "dave")
	wantErr(t, err, "InvalidParameterException", "User is already confirmed.")

	// Unknown users: LEGACY reveals, ENABLED simulates.
	_, err = resend(c, "nobody")
	wantErr(t, err, "UserNotFoundException", "Username/client id combination not found.")
	wantErr(t, e.confirm(c, "nobody", "123456"), "UserNotFoundException", "Username/client id combination not found.")
	before := e.sender.count()
	r, err = resend(hidden, "nobody")
	if err != nil || r.CodeDeliveryDetails == nil || r.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("ENABLED resend for an unknown user: %+v %v", r, err)
	}
	if e.sender.count() != before {
		t.Fatal("a message was sent for an unknown user")
	}
	wantErr(t, e.confirm(hidden, "nobody", "123456"), "CodeMismatchException", "Invalid verification code provided, please try again.")
	// SignUp still reveals existing usernames with ENABLED, as Cognito.
	_, err = e.signUp(hidden, "dave", lcPW)
	wantErr(t, err, "UsernameExistsException", "User already exists")
}
