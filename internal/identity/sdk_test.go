package identity_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"userpool/internal/cognitoidp"
	"userpool/internal/iam"
	"userpool/internal/identity"
	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// env is one server: the user-pools and identity faces over one domain and
// SQLite store, real SigV4 verification with a root key, and a domain clock
// tests can move (the verifier keeps real time: the SDK signs with it).
type env struct {
	st      store.Store
	svc     *userpool.Service
	srv     *httptest.Server
	root    aws.CredentialsProvider
	offset  atomic.Int64
	poolID  string
	client  string
	idpKey  string
	idPool  string
	idToken map[string]string
}

func (e *env) now() time.Time { return time.Now().Add(time.Duration(e.offset.Load())) }

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := &env{st: st, idToken: map[string]string{}}
	iss, err := token.NewIssuer(st, token.Options{KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := iam.NewSealer(make([]byte, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = userpool.New(st, userpool.Options{Now: e.now, PasswordParams: password.InsecureTestParams, Tokens: iss, Sealer: sealer})
	keys := iam.NewKeyring(st, sealer, time.Nanosecond, nil)
	e.svc.SetIdentityOptions(userpool.IdentityOptions{
		SealSessionSecret:    sealer.SealSessionSecret,
		NewSessionCredential: func() (string, string, string) { return iam.NewSessionCredential(nil) },
		TokenHash:            iam.SessionTokenHash,
		RevokedCredentials: func(ids []string) {
			for _, id := range ids {
				keys.Invalidate(id)
			}
		},
	})
	must(t, st.PutPrincipal(ctx, store.Principal{Name: "root", Grants: []store.Grant{{Pool: "*", Actions: []string{"cognito-idp:*"}}}}))
	id, secret, err := iam.CreateAccessKey(ctx, st, sealer, nil, "root", time.Now())
	must(t, err)
	e.root = credentials.NewStaticCredentialsProvider(id, secret, "")

	cog := cognitoidp.New(e.svc, cognitoidp.Options{Authenticator: cognitoidp.NewSigV4Auth(cognitoidp.SigV4AuthOptions{Keyring: keys, Service: e.svc})})
	idh := identity.New(e.svc, identity.Options{Authenticator: identity.NewSigV4Auth(keys, e.svc.AccountID(), nil)})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", func(w http.ResponseWriter, r *http.Request) {
		if identity.Handles(r) {
			idh.ServeHTTP(w, r)
			return
		}
		cog.ServeHTTP(w, r)
	})
	mux.Handle(identity.JWKSPath, idh.JWKS())
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) idp(creds aws.CredentialsProvider) *cip.Client {
	return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), Credentials: creds, Retryer: connectionRetryer()})
}

func (e *env) ident(creds aws.CredentialsProvider) *ci.Client {
	return ci.New(ci.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), Credentials: creds, Retryer: connectionRetryer()})
}

// connectionRetryer retries a call once when the connection failed (the
// SDK's connection-reset class, which includes "use of closed network
// connection": seen under the full suite's load on the first call of a
// fresh test server) and never on an API error, so every error-code
// assertion still sees the first answer.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
	})
}

func wantCode(t *testing.T, err error, code, msgPart string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msgPart) {
		t.Fatalf("want %s containing %q, got %s: %s", code, msgPart, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// seed builds seed 002's world: pool "app" with groups ADMINS (role
// admins) and EDITORS (role editors), users alice (ADMINS) and bob
// (EDITORS) and carol (no group), roles declared, and an identity pool
// over the app client with a Token role mapping.
func (e *env) seed(t testing.TB) {
	ctx := t.Context()
	adm := e.idp(e.root)
	pool, err := adm.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("app")})
	must(t, err)
	e.poolID = *pool.UserPool.Id
	c, err := adm.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &e.poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	must(t, err)
	e.client = *c.UserPoolClient.ClientId
	acct := e.svc.AccountID()
	for g, role := range map[string]string{"ADMINS": "admins", "EDITORS": "editors"} {
		_, err := adm.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &e.poolID, GroupName: aws.String(g), RoleArn: aws.String(iam.RoleARN(acct, role)), Precedence: aws.Int32(1)})
		must(t, err)
	}
	must(t, e.st.PutRole(ctx, store.Role{Name: "admins", Grants: []store.Grant{{Pool: "app", Actions: []string{"addUserToGroup"}}}}))
	must(t, e.st.PutRole(ctx, store.Role{Name: "editors", Grants: []store.Grant{{Pool: "app", Actions: []string{"listUsers"}}}}))
	must(t, e.st.PutRole(ctx, store.Role{Name: "guest"}))
	for user, group := range map[string]string{"alice": "ADMINS", "bob": "EDITORS", "carol": ""} {
		_, err := adm.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &e.poolID, Username: aws.String(user), MessageAction: "SUPPRESS"})
		must(t, err)
		_, err = adm.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &e.poolID, Username: aws.String(user), Password: aws.String("Corr3ct-horse!"), Permanent: true})
		must(t, err)
		if group != "" {
			_, err = adm.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &e.poolID, Username: aws.String(user), GroupName: aws.String(group)})
			must(t, err)
		}
		out, err := adm.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &e.poolID, ClientId: &e.client, AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Corr3ct-horse!"}})
		must(t, err)
		e.idToken[user] = *out.AuthenticationResult.IdToken
	}
	e.idpKey = "cognito-idp.us-east-1.amazonaws.com/" + e.poolID
	ip, err := e.ident(e.root).CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("app identities"),
		AllowUnauthenticatedIdentities: true,
		CognitoIdentityProviders:       []citypes.CognitoIdentityProvider{{ProviderName: &e.idpKey, ClientId: &e.client}}})
	must(t, err)
	e.idPool = *ip.IdentityPoolId
	_, err = e.ident(e.root).SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: &e.idPool,
		Roles:        map[string]string{"authenticated": iam.RoleARN(acct, "editors"), "unauthenticated": iam.RoleARN(acct, "guest")},
		RoleMappings: map[string]citypes.RoleMapping{e.idpKey + ":" + e.client: {Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole"}}})
	must(t, err)
}

// creds runs the enhanced flow (GetId + GetCredentialsForIdentity) unsigned.
func (e *env) creds(t testing.TB, logins map[string]string) (string, aws.CredentialsProvider, *citypes.Credentials) {
	t.Helper()
	anon := e.ident(aws.AnonymousCredentials{})
	id, err := anon.GetId(t.Context(), &ci.GetIdInput{IdentityPoolId: &e.idPool, Logins: logins})
	must(t, err)
	out, err := anon.GetCredentialsForIdentity(t.Context(), &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
	must(t, err)
	c := out.Credentials
	return *id.IdentityId, credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretKey, *c.SessionToken), c
}

func TestGroupRolesGrantThroughIdentityPool(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	ctx := t.Context()
	add := func(creds aws.CredentialsProvider) error {
		_, err := e.idp(creds).AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &e.poolID, Username: aws.String("carol"), GroupName: aws.String("EDITORS")})
		return err
	}

	aliceID, alice, c := e.creds(t, map[string]string{e.idpKey: e.idToken["alice"]})
	if !strings.HasPrefix(*c.AccessKeyId, "ASIA") || !strings.HasPrefix(aliceID, "us-east-1:") {
		t.Fatalf("credentials %q for identity %q", *c.AccessKeyId, aliceID)
	}
	if d := time.Until(*c.Expiration); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("expiration in %v, want 1h", d)
	}
	must(t, add(alice)) // ADMINS' role grants addUserToGroup

	// The same login is the same identity.
	again, _, _ := e.creds(t, map[string]string{e.idpKey: e.idToken["alice"]})
	if again != aliceID {
		t.Fatalf("second GetId = %s, want %s", again, aliceID)
	}

	_, bob, _ := e.creds(t, map[string]string{e.idpKey: e.idToken["bob"]})
	wantCode(t, add(bob), "AccessDeniedException", "assumed-role/editors/CognitoIdentityCredentials")
	if _, err := e.idp(bob).ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &e.poolID}); err != nil {
		t.Fatalf("editors' role grants listUsers: %v", err)
	}

	_, guest, _ := e.creds(t, nil)
	wantCode(t, add(guest), "AccessDeniedException", "assumed-role/guest/")

	// carol has no group: the pool's authenticated role (ambiguous -> AuthenticatedRole).
	_, carol, _ := e.creds(t, map[string]string{e.idpKey: e.idToken["carol"]})
	wantCode(t, add(carol), "AccessDeniedException", "assumed-role/editors/")

	// A wrong session token is refused.
	v, _ := alice.Retrieve(ctx)
	forged := credentials.NewStaticCredentialsProvider(v.AccessKeyID, v.SecretAccessKey, "forged")
	wantCode(t, add(forged), "UnrecognizedClientException", "The security token included in the request is invalid.")

	// Global sign-out revokes the user's credentials.
	must(t, e.svc.RevokeUserCredentials(ctx, e.poolID, "alice"))
	wantCode(t, add(alice), "UnrecognizedClientException", "")
}

func TestExpiredCredentials(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	e.offset.Store(int64(-2 * time.Hour)) // issued two hours ago
	_, alice, _ := e.creds(t, map[string]string{e.idpKey: e.idToken["alice"]})
	e.offset.Store(0)
	_, err := e.idp(alice).AdminAddUserToGroup(t.Context(), &cip.AdminAddUserToGroupInput{UserPoolId: &e.poolID, Username: aws.String("carol"), GroupName: aws.String("EDITORS")})
	wantCode(t, err, "ExpiredTokenException", "The security token included in the request is expired")
}

func TestDeletedUserLosesCredentials(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	_, bob, _ := e.creds(t, map[string]string{e.idpKey: e.idToken["bob"]})
	_, err := e.idp(e.root).AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: &e.poolID, Username: aws.String("bob")})
	must(t, err)
	_, err = e.idp(bob).ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: &e.poolID})
	wantCode(t, err, "UnrecognizedClientException", "")
}

func TestIdentityPoolManagementAndErrors(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	ctx := t.Context()
	adm := e.ident(e.root)
	anon := e.ident(aws.AnonymousCredentials{})

	d, err := adm.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: &e.idPool})
	must(t, err)
	if *d.IdentityPoolName != "app identities" || !d.AllowUnauthenticatedIdentities || len(d.CognitoIdentityProviders) != 1 {
		t.Fatalf("DescribeIdentityPool = %+v", d)
	}
	roles, err := adm.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: &e.idPool})
	must(t, err)
	if roles.Roles["unauthenticated"] != iam.RoleARN(e.svc.AccountID(), "guest") || roles.RoleMappings[e.idpKey+":"+e.client].Type != "Token" {
		t.Fatalf("GetIdentityPoolRoles = %+v", roles)
	}
	list, err := adm.ListIdentityPools(ctx, &ci.ListIdentityPoolsInput{MaxResults: aws.Int32(10)})
	must(t, err)
	if len(list.IdentityPools) != 1 || *list.IdentityPools[0].IdentityPoolId != e.idPool {
		t.Fatalf("ListIdentityPools = %+v", list.IdentityPools)
	}

	// Unsigned calls of signed operations are refused; GetId needs no signature.
	_, err = anon.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: &e.idPool})
	wantCode(t, err, "MissingAuthenticationTokenException", "")
	_, err = anon.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String("us-east-1:00000000-0000-0000-0000-000000000000")})
	wantCode(t, err, "ResourceNotFoundException", "not found")
	_, err = anon.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &e.idPool, Logins: map[string]string{e.idpKey: "not-a-token"}})
	wantCode(t, err, "NotAuthorizedException", "Invalid login token")
	_, err = anon.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &e.idPool, Logins: map[string]string{"graph.facebook.com": "x"}})
	wantCode(t, err, "NotAuthorizedException", "Token is not from a supported provider of this identity pool.")

	// An authenticated identity needs its login.
	aliceID, _, _ := e.creds(t, map[string]string{e.idpKey: e.idToken["alice"]})
	_, err = anon.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: &aliceID})
	wantCode(t, err, "NotAuthorizedException", "Logins don't match")
	// CustomRoleArn must be one of the token's cognito:roles.
	_, err = anon.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: &aliceID,
		Logins: map[string]string{e.idpKey: e.idToken["alice"]}, CustomRoleArn: aws.String(iam.RoleARN(e.svc.AccountID(), "guest"))})
	wantCode(t, err, "InvalidIdentityPoolConfigurationException", "")

	desc, err := adm.DescribeIdentity(ctx, &ci.DescribeIdentityInput{IdentityId: &aliceID})
	must(t, err)
	if len(desc.Logins) != 1 || desc.Logins[0] != e.idpKey {
		t.Fatalf("DescribeIdentity logins = %v", desc.Logins)
	}
	tok, err := anon.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: &aliceID, Logins: map[string]string{e.idpKey: e.idToken["alice"]}})
	must(t, err)
	if strings.Count(*tok.Token, ".") != 2 || *tok.IdentityId != aliceID {
		t.Fatalf("GetOpenIdToken = %+v", tok)
	}
	resp, err := http.Get(e.srv.URL + "/identity/" + e.idPool + "/.well-known/jwks.json")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("jwks status %d", resp.StatusCode)
	}

	// Deny resolution.
	_, err = adm.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: &e.idPool, Roles: map[string]string{},
		RoleMappings: map[string]citypes.RoleMapping{e.idpKey + ":" + e.client: {Type: "Rules", AmbiguousRoleResolution: "Deny",
			RulesConfiguration: &citypes.RulesConfigurationType{Rules: []citypes.MappingRule{{Claim: aws.String("cognito:groups"), MatchType: "Contains", Value: aws.String("ADMINS"), RoleARN: aws.String(iam.RoleARN(e.svc.AccountID(), "admins"))}}}}}})
	must(t, err)
	_, err = anon.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: &aliceID, Logins: map[string]string{e.idpKey: e.idToken["alice"]}})
	must(t, err) // alice is in ADMINS: the rule matches
	_, _, err = func() (string, string, error) {
		id, err := anon.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &e.idPool, Logins: map[string]string{e.idpKey: e.idToken["bob"]}})
		if err != nil {
			return "", "", err
		}
		_, err = anon.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: map[string]string{e.idpKey: e.idToken["bob"]}})
		return "", "", err
	}()
	wantCode(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")

	// Developer-authenticated operations need a developer provider.
	_, err = adm.GetOpenIdTokenForDeveloperIdentity(ctx, &ci.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: &e.idPool, Logins: map[string]string{"login.app": "u1"}})
	wantCode(t, err, "NotAuthorizedException", "no developer provider")
	_, err = adm.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: &e.idPool, IdentityPoolName: aws.String("app identities"),
		AllowUnauthenticatedIdentities: true, DeveloperProviderName: aws.String("login.app"),
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: &e.idpKey, ClientId: &e.client}}})
	must(t, err)
	dev, err := adm.GetOpenIdTokenForDeveloperIdentity(ctx, &ci.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: &e.idPool, Logins: map[string]string{"login.app": "u1"}})
	must(t, err)
	look, err := adm.LookupDeveloperIdentity(ctx, &ci.LookupDeveloperIdentityInput{IdentityPoolId: &e.idPool, DeveloperUserIdentifier: aws.String("u1")})
	must(t, err)
	if *look.IdentityId != *dev.IdentityId {
		t.Fatalf("LookupDeveloperIdentity = %s, want %s", *look.IdentityId, *dev.IdentityId)
	}
	_, err = adm.UnlinkDeveloperIdentity(ctx, &ci.UnlinkDeveloperIdentityInput{IdentityPoolId: &e.idPool, IdentityId: dev.IdentityId, DeveloperProviderName: aws.String("login.app"), DeveloperUserIdentifier: aws.String("u1")})
	must(t, err)

	// Tags.
	arn := e.svc.IdentityPoolARN(e.idPool)
	_, err = adm.TagResource(ctx, &ci.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"team": "web"}})
	must(t, err)
	tags, err := adm.ListTagsForResource(ctx, &ci.ListTagsForResourceInput{ResourceArn: &arn})
	must(t, err)
	if tags.Tags["team"] != "web" {
		t.Fatalf("tags = %v", tags.Tags)
	}

	_, err = adm.DeleteIdentities(ctx, &ci.DeleteIdentitiesInput{IdentityIdsToDelete: []string{aliceID}})
	must(t, err)
	_, err = adm.DescribeIdentity(ctx, &ci.DescribeIdentityInput{IdentityId: &aliceID})
	wantCode(t, err, "ResourceNotFoundException", "")
	_, err = adm.DeleteIdentityPool(ctx, &ci.DeleteIdentityPoolInput{IdentityPoolId: &e.idPool})
	must(t, err)
	_, err = adm.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: &e.idPool})
	wantCode(t, err, "ResourceNotFoundException", "")
}
