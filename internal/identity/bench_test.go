package identity_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// BenchmarkEnhancedFlow is GetId + GetCredentialsForIdentity for a signed-in
// user, over HTTP with the SDK (Cognito's default GetId quota is 25/s).
func BenchmarkEnhancedFlow(b *testing.B) {
	e := newEnv(b)
	e.seed(b)
	anon := e.ident(aws.AnonymousCredentials{})
	logins := map[string]string{e.idpKey: e.idToken["alice"]}
	for b.Loop() {
		id, err := anon.GetId(b.Context(), &ci.GetIdInput{IdentityPoolId: &e.idPool, Logins: logins})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := anon.GetCredentialsForIdentity(b.Context(), &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedCall compares a signed ListUsers with an access key and
// with temporary credentials (session token) end to end.
func BenchmarkSignedCall(b *testing.B) {
	e := newEnv(b)
	e.seed(b)
	_, bob, _ := e.creds(b, map[string]string{e.idpKey: e.idToken["bob"]})
	for _, c := range []struct {
		name  string
		creds aws.CredentialsProvider
	}{{"AccessKey", e.root}, {"SessionToken", bob}} {
		b.Run(c.name, func(b *testing.B) {
			cl := e.idp(c.creds)
			in := &cip.ListUsersInput{UserPoolId: &e.poolID, Limit: aws.Int32(1)}
			for b.Loop() {
				if _, err := cl.ListUsers(b.Context(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
