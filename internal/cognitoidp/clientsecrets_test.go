package cognitoidp_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// withSecret is c answering with secret as its ClientSecret (what an app
// configured with that secret computes SECRET_HASH and ClientSecret from).
func withSecret(c types.UserPoolClientType, secret string) types.UserPoolClientType {
	c.ClientSecret = aws.String(secret)
	return c
}

func (e *auEnv) listSecrets(t *testing.T, pool string, c types.UserPoolClientType) []types.ClientSecretDescriptorType {
	t.Helper()
	out, err := e.signed.ListUserPoolClientSecrets(bg, &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	if err != nil {
		t.Fatalf("ListUserPoolClientSecrets: %v", err)
	}
	for _, d := range out.ClientSecrets {
		if d.ClientSecretValue != nil {
			t.Fatalf("ListUserPoolClientSecrets revealed a value: %+v", d)
		}
	}
	return out.ClientSecrets
}

// checkSecretID asserts Cognito's "<client-id>--<epoch-create-time>" form,
// the epoch (milliseconds) being the descriptor's ClientSecretCreateDate.
func checkSecretID(t *testing.T, c types.UserPoolClientType, d types.ClientSecretDescriptorType) {
	t.Helper()
	rest, ok := strings.CutPrefix(aws.ToString(d.ClientSecretId), *c.ClientId+"--")
	ms, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil || d.ClientSecretCreateDate == nil || d.ClientSecretCreateDate.UnixMilli() != ms {
		t.Fatalf("secret id %q, create date %v", aws.ToString(d.ClientSecretId), d.ClientSecretCreateDate)
	}
}

func TestClientSecretRotation(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	e.user(t, pool, "alice")

	list := e.listSecrets(t, pool, c)
	if len(list) != 1 {
		t.Fatalf("a new confidential client lists %d secrets, want 1", len(list))
	}
	checkSecretID(t, c, list[0])
	original := list[0]

	e.advance(3 * time.Second)
	add, err := e.signed.AddUserPoolClientSecret(bg, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	if err != nil {
		t.Fatalf("AddUserPoolClientSecret: %v", err)
	}
	d := add.ClientSecretDescriptor
	checkSecretID(t, c, *d)
	if v := aws.ToString(d.ClientSecretValue); len(v) < 24 || v == *c.ClientSecret {
		t.Fatalf("generated secret %q", v)
	}
	if got := d.ClientSecretCreateDate.Sub(*original.ClientSecretCreateDate); got < 3*time.Second {
		t.Fatalf("second secret created %v after the first, want the clock's 3s", got)
	}
	second := withSecret(c, *d.ClientSecretValue)

	list = e.listSecrets(t, pool, c)
	if len(list) != 2 || *list[0].ClientSecretId != *original.ClientSecretId || *list[1].ClientSecretId != *d.ClientSecretId {
		t.Fatalf("list after add: %+v", list)
	}
	// DescribeUserPoolClient keeps reporting the original secret.
	desc, err := e.signed.DescribeUserPoolClient(bg, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	if err != nil || aws.ToString(desc.UserPoolClient.ClientSecret) != *c.ClientSecret {
		t.Fatalf("Describe after add: %v %v", desc, err)
	}

	// Both secrets work everywhere a client secret is checked (RevokeToken:
	// TestRevokeTokenWithEitherClientSecret).
	for name, cl := range map[string]types.UserPoolClientType{"original": c, "second": second} {
		res := e.mustPasswordAuth(t, cl, "alice")                     // SECRET_HASH in InitiateAuth
		if _, err := e.srpAuth(pool, cl, "alice", auPW); err != nil { // SECRET_HASH in RespondToAuthChallenge
			t.Fatalf("%s: SRP: %v", name, err)
		}
		if _, err := e.refresh(cl, *res.RefreshToken, "alice"); err != nil { // REFRESH_TOKEN_AUTH
			t.Fatalf("%s: refresh: %v", name, err)
		}
		e.mustGetTokens(t, cl, *res.RefreshToken, func(in *cip.GetTokensFromRefreshTokenInput) { in.ClientSecret = cl.ClientSecret })
		if _, err := e.anon.SignUp(bg, &cip.SignUpInput{ClientId: cl.ClientId, SecretHash: secretHash(cl, "new-"+name),
			Username: aws.String("new-" + name), Password: aws.String(auPW)}); err != nil {
			t.Fatalf("%s: SignUp: %v", name, err)
		}
	}
	// A secret of no one is still refused.
	stranger := withSecret(c, "strangerstrangerstrangerstranger")
	_, err = e.passwordAuth(stranger, "alice", auPW)
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+*c.ClientId)

	// A third secret is over the limit.
	_, err = e.signed.AddUserPoolClientSecret(bg, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	wantErr(t, err, "LimitExceededException", "")

	// UpdateUserPoolClient leaves the secrets alone.
	if _, err := e.signed.UpdateUserPoolClient(bg, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, ExplicitAuthFlows: allFlows}); err != nil {
		t.Fatal(err)
	}
	e.mustPasswordAuth(t, second, "alice")

	// Deleting the original: its secret stops working, Describe reports no
	// secret, and the client still requires one.
	if _, err := e.signed.DeleteUserPoolClientSecret(bg, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, ClientSecretId: original.ClientSecretId}); err != nil {
		t.Fatalf("DeleteUserPoolClientSecret: %v", err)
	}
	_, err = e.passwordAuth(c, "alice", auPW)
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+*c.ClientId)
	_, err = e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: c.ClientId, AuthParameters: params("USERNAME", "alice", "PASSWORD", auPW)})
	wantErr(t, err, "NotAuthorizedException", "Client "+*c.ClientId+" is configured with secret but SECRET_HASH was not received")
	res := e.mustPasswordAuth(t, second, "alice")
	_, err = e.getTokens(c, *res.RefreshToken, func(in *cip.GetTokensFromRefreshTokenInput) { in.ClientSecret = c.ClientSecret })
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret for client "+*c.ClientId)
	desc, err = e.signed.DescribeUserPoolClient(bg, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	if err != nil || desc.UserPoolClient.ClientSecret != nil {
		t.Fatalf("Describe after deleting the original: %v %v", desc, err)
	}
	if list = e.listSecrets(t, pool, c); len(list) != 1 || *list[0].ClientSecretId != *d.ClientSecretId {
		t.Fatalf("list after delete: %+v", list)
	}

	// The last secret cannot be deleted; an unknown id is not found.
	_, err = e.signed.DeleteUserPoolClientSecret(bg, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, ClientSecretId: d.ClientSecretId})
	wantErr(t, err, "InvalidParameterException", "Cannot delete the last client secret of client "+*c.ClientId+".")
	_, err = e.signed.DeleteUserPoolClientSecret(bg, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, ClientSecretId: original.ClientSecretId})
	wantErr(t, err, "ResourceNotFoundException", "Client secret "+*original.ClientSecretId+" does not exist.")
	e.mustPasswordAuth(t, second, "alice")
}

func TestClientSecretOwnValueAndErrors(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	public := e.client(t, pool, nil)
	e.user(t, pool, "alice")

	own := "my_own+Secret_0123456789abcdef"
	add, err := e.signed.AddUserPoolClientSecret(bg, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, ClientSecret: aws.String(own)})
	if err != nil {
		t.Fatalf("AddUserPoolClientSecret with a value: %v", err)
	}
	if add.ClientSecretDescriptor.ClientSecretValue != nil {
		t.Fatal("a caller-supplied secret was echoed")
	}
	checkSecretID(t, c, *add.ClientSecretDescriptor)
	e.mustPasswordAuth(t, withSecret(c, own), "alice")

	tests := []struct {
		name, client, secret, code, msg string
	}{
		{"public client", *public.ClientId, "", "InvalidParameterException", "Client " + *public.ClientId + " is not configured with a secret; only a confidential client can hold client secrets."},
		{"unknown client", "nosuchclient0000000000000", "", "ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist."},
		{"too short", *c.ClientId, "short", "InvalidParameterException", ""},
		{"bad character", *c.ClientId, "abcdefghijklmnopqrstuvwxyz-", "InvalidParameterException", ""},
	}
	for _, tc := range tests {
		in := &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: aws.String(tc.client)}
		if tc.secret != "" {
			in.ClientSecret = aws.String(tc.secret)
		}
		_, err := e.signed.AddUserPoolClientSecret(bg, in)
		t.Run(tc.name, func(t *testing.T) { wantErr(t, err, tc.code, tc.msg) })
	}
	// A public client has no secrets to list.
	if list := e.listSecrets(t, pool, public); len(list) != 0 {
		t.Fatalf("public client lists %+v", list)
	}
	_, err = e.signed.ListUserPoolClientSecrets(bg, &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(pool), ClientId: aws.String("nosuchclient0000000000000")})
	wantErr(t, err, "ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist.")
	_, err = e.signed.ListUserPoolClientSecrets(bg, &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String("us-east-1_nosuchpool"), ClientId: c.ClientId})
	wantErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nosuchpool does not exist.")
}
