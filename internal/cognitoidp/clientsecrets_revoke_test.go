package cognitoidp_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// RevokeToken's ClientSecret accepts either secret of a client, also once
// the original (the one DescribeUserPoolClient reports) is deleted; a
// deleted secret is refused.
func TestRevokeTokenWithEitherClientSecret(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	e.user(t, pool, "alice")
	add, err := e.signed.AddUserPoolClientSecret(bg, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	if err != nil {
		t.Fatal(err)
	}
	second := withSecret(c, *add.ClientSecretDescriptor.ClientSecretValue)
	revoke := func(secret *string) error {
		res := e.mustPasswordAuth(t, second, "alice")
		_, err := e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: res.RefreshToken, ClientId: c.ClientId, ClientSecret: secret})
		return err
	}
	for _, s := range []*string{c.ClientSecret, second.ClientSecret} {
		if err := revoke(s); err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
	}
	list := e.listSecrets(t, pool, c)
	if _, err := e.signed.DeleteUserPoolClientSecret(bg, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, ClientSecretId: list[0].ClientSecretId}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, revoke(c.ClientSecret), "UnauthorizedException", "Invalid client secret.")
	if err := revoke(second.ClientSecret); err != nil {
		t.Fatalf("RevokeToken with the remaining secret: %v", err)
	}
}
