package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
)

// TestIdentityPoolsWired drives the identity face of the real wiring: the
// identity pool is managed with a signed SDK client, its JWKS is served,
// the group's role grants AdminAddUserToGroup to temporary credentials,
// and global sign-out (self and admin) and user deletion refuse the user's
// credentials at once, although the keyring caches credentials for 30 s.
func TestIdentityPoolsWired(t *testing.T) {
	t.Parallel()
	// tokens.identity_credentials_validity reaches GetCredentialsForIdentity.
	ta := newTestApp(t, nil, func(c *config.Config) { c.Tokens.IdentityCredentialsValidity = 30 * time.Minute })
	ctx := context.Background()
	akid, secret := ta.principal(t, "admin", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	root := credentials.NewStaticCredentialsProvider(akid, secret, "")
	idp := func(c aws.CredentialsProvider) *cip.Client {
		return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(ta.srv.URL), Credentials: c, Retryer: aws.NopRetryer{},
			HTTPClient: &http.Client{Transport: bufferedTransport{http.DefaultTransport}}})
	}
	ident := func(c aws.CredentialsProvider) *ci.Client {
		return ci.New(ci.Options{Region: "us-east-1", BaseEndpoint: aws.String(ta.srv.URL), Credentials: c, Retryer: aws.NopRetryer{},
			HTTPClient: &http.Client{Transport: bufferedTransport{http.DefaultTransport}}})
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	adm := idp(root)
	pool, err := adm.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("app")})
	must(err)
	poolID := *pool.UserPool.Id
	cl, err := adm.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	must(err)
	clientID := *cl.UserPoolClient.ClientId
	acct := ta.svc.AccountID()
	_, err = adm.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("ADMINS"), RoleArn: aws.String(iam.RoleARN(acct, "admins"))})
	must(err)
	must(ta.store.PutRole(ctx, store.Role{Name: "admins", Grants: []store.Grant{{Pool: "app", Actions: []string{"addUserToGroup"}}}}))
	_, err = adm.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("EDITORS")})
	must(err)

	provider := "cognito-idp.us-east-1.amazonaws.com/" + poolID
	ip, err := ident(root).CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("app"),
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: &provider, ClientId: &clientID}}})
	must(err)
	idPool := *ip.IdentityPoolId
	_, err = ident(root).SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: &idPool,
		Roles:        map[string]string{"authenticated": iam.RoleARN(acct, "nobody")},
		RoleMappings: map[string]citypes.RoleMapping{provider + ":" + clientID: {Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole"}}})
	must(err)
	// Unsigned management calls are refused.
	if _, err := ident(aws.AnonymousCredentials{}).ListIdentityPools(ctx, &ci.ListIdentityPoolsInput{MaxResults: aws.Int32(10)}); err == nil {
		t.Fatal("unsigned ListIdentityPools succeeded")
	}

	// The JWKS of the identity pool's OpenID tokens.
	res, err := http.Get(ta.srv.URL + "/identity/" + idPool + "/.well-known/jwks.json")
	must(err)
	var jwks struct {
		Keys []map[string]any `json:"keys"`
	}
	must(json.NewDecoder(res.Body).Decode(&jwks))
	res.Body.Close()
	if res.StatusCode != 200 || len(jwks.Keys) == 0 {
		t.Fatalf("jwks: %d with %d keys", res.StatusCode, len(jwks.Keys))
	}

	// signIn makes an ADMINS member and returns its tokens and temporary credentials.
	signIn := func(user string) (*types.AuthenticationResultType, aws.CredentialsProvider) {
		t.Helper()
		_, err := adm.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &user, MessageAction: "SUPPRESS"})
		must(err)
		_, err = adm.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &user, Password: aws.String("Corr3ct-horse!"), Permanent: true})
		must(err)
		_, err = adm.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &user, GroupName: aws.String("ADMINS")})
		must(err)
		out, err := adm.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Corr3ct-horse!"}})
		must(err)
		logins := map[string]string{provider: *out.AuthenticationResult.IdToken}
		anon := ident(aws.AnonymousCredentials{})
		id, err := anon.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &idPool, Logins: logins})
		must(err)
		cr, err := anon.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
		must(err)
		c := cr.Credentials
		if d := time.Until(*c.Expiration); d < 29*time.Minute || d > 31*time.Minute {
			t.Fatalf("credentials expire in %v, want the configured 30m", d)
		}
		return out.AuthenticationResult, credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretKey, *c.SessionToken)
	}
	addToEditors := func(c aws.CredentialsProvider, user string) error {
		_, err := idp(c).AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &user, GroupName: aws.String("EDITORS")})
		return err
	}

	tests := []struct {
		name   string
		user   string
		revoke func(tokens *types.AuthenticationResultType, user string) error
	}{
		{"GlobalSignOut", "alice", func(tok *types.AuthenticationResultType, _ string) error {
			_, err := idp(aws.AnonymousCredentials{}).GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: tok.AccessToken})
			return err
		}},
		{"AdminUserGlobalSignOut", "bob", func(_ *types.AuthenticationResultType, user string) error {
			_, err := adm.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: &user})
			return err
		}},
		{"AdminDeleteUser", "dave", func(_ *types.AuthenticationResultType, user string) error {
			_, err := adm.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: &user})
			return err
		}},
		{"DeleteUser", "erin", func(tok *types.AuthenticationResultType, _ string) error {
			_, err := idp(aws.AnonymousCredentials{}).DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok.AccessToken})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, creds := signIn(tc.user)
			// The role grants the call (and the keyring now caches the credential).
			if err := addToEditors(creds, tc.user); err != nil {
				t.Fatalf("ADMINS' role with temporary credentials: %v", err)
			}
			if err := tc.revoke(tok, tc.user); err != nil {
				t.Fatal(err)
			}
			err := addToEditors(creds, "admin-target")
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "UnrecognizedClientException" {
				t.Fatalf("after %s: %v, want UnrecognizedClientException", tc.name, err)
			}
		})
	}
}
