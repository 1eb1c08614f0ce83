package cognitoidp_test

import (
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/cognitoidp"
)

func TestTagsOnPoolARNs(t *testing.T) {
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{UserPoolTags: map[string]string{"team": "id"}})
	desc, err := e.signed.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: &pool})
	if err != nil {
		t.Fatal(err)
	}
	arn := *desc.UserPool.Arn
	if want := "arn:aws:cognito-idp:us-east-1:000000000000:userpool/" + pool; arn != want {
		t.Fatalf("Arn = %s, want %s", arn, want)
	}
	list := func() map[string]string {
		t.Helper()
		out, err := e.signed.ListTagsForResource(bg, &cip.ListTagsForResourceInput{ResourceArn: &arn})
		if err != nil {
			t.Fatalf("ListTagsForResource: %v", err)
		}
		return out.Tags
	}
	if got := list(); !maps.Equal(got, map[string]string{"team": "id"}) {
		t.Fatalf("tags from CreateUserPool = %v", got)
	}
	if _, err := e.signed.TagResource(bg, &cip.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"env": "prod", "team": "auth", "empty": ""}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.signed.UntagResource(bg, &cip.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"team": "auth", "empty": ""}
	if got := list(); !maps.Equal(got, want) {
		t.Fatalf("tags = %v, want %v", got, want)
	}
	// The tags are the pool's UserPoolTags.
	desc, err = e.signed.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: &pool})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(desc.UserPool.UserPoolTags, want) {
		t.Fatalf("DescribeUserPool UserPoolTags = %v, want %v", desc.UserPool.UserPoolTags, want)
	}

	many := map[string]string{}
	for i := range 49 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err = e.signed.TagResource(bg, &cip.TagResourceInput{ResourceArn: &arn, Tags: many})
	wantErr(t, err, "InvalidParameterException", "The number of tags exceeds the limit of 50.")
	if got := list(); !maps.Equal(got, want) {
		t.Fatalf("a refused TagResource changed the tags: %v", got)
	}

	for _, c := range []struct {
		arn, code string
	}{
		{"arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nope12345", "ResourceNotFoundException"},
		{"arn:aws:cognito-idp:us-east-1:111111111111:userpool/" + pool, "ResourceNotFoundException"},
		{"arn:aws:cognito-idp:eu-west-1:000000000000:userpool/" + pool, "ResourceNotFoundException"},
		{"arn:aws:s3:us-east-1:000000000000:bucket/" + pool, "InvalidParameterException"},
		{"arn:aws:cognito-idp:us-east-1:000000000000:identitypool/x", "InvalidParameterException"},
	} {
		_, err := e.signed.ListTagsForResource(bg, &cip.ListTagsForResourceInput{ResourceArn: aws.String(c.arn)})
		wantErr(t, err, c.code, "")
	}
	_, err = e.signed.TagResource(bg, &cip.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"": "v"}})
	wantErr(t, err, "InvalidParameterException", "")
}

// TestRegionFollowsTheSignature: a pool created by a client signing for
// us-west-2 is a us-west-2 pool with a us-west-2 ARN.
func TestRegionFollowsTheSignature(t *testing.T) {
	e := newAuEnv(t)
	// DevAuth reads the region from the Authorization header, as SigV4Auth
	// reads it from the verified credential scope.
	e.srv.Config.Handler = cognitoidp.New(e.svc, cognitoidp.Options{Authenticator: &cognitoidp.DevAuth{}})
	west := cip.New(cip.Options{Region: "us-west-2", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), RetryMaxAttempts: 1, HTTPClient: bufferedBodyClient{}})
	out, err := west.CreateUserPool(bg, &cip.CreateUserPoolInput{PoolName: aws.String("west")})
	if err != nil {
		t.Fatal(err)
	}
	id := *out.UserPool.Id
	if len(id) < 10 || id[:10] != "us-west-2_" {
		t.Fatalf("pool id %s is not a us-west-2 id", id)
	}
	if want := "arn:aws:cognito-idp:us-west-2:000000000000:userpool/" + id; *out.UserPool.Arn != want {
		t.Fatalf("Arn = %s, want %s", *out.UserPool.Arn, want)
	}
	// A client signing for another region still sees the pool in its own.
	east := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), RetryMaxAttempts: 1, HTTPClient: bufferedBodyClient{}})
	d, err := east.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if *d.UserPool.Arn != *out.UserPool.Arn {
		t.Fatalf("Arn seen from us-east-1 = %s", *d.UserPool.Arn)
	}
	// The default region stays the server's.
	if e2, err := east.CreateUserPool(bg, &cip.CreateUserPoolInput{PoolName: aws.String("east")}); err != nil || (*e2.UserPool.Id)[:10] != "us-east-1_" {
		t.Fatalf("us-east-1 pool: %v %v", e2, err)
	}
}

func TestGetSigningCertificate(t *testing.T) {
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	get := func() string {
		t.Helper()
		out, err := e.signed.GetSigningCertificate(bg, &cip.GetSigningCertificateInput{UserPoolId: &pool})
		if err != nil {
			t.Fatalf("GetSigningCertificate: %v", err)
		}
		return *out.Certificate
	}
	b64 := get()
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("not a certificate: %v", err)
	}
	if err := cert.CheckSignatureFrom(cert); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	if get() != b64 {
		t.Fatal("the certificate changed between calls while the key lives")
	}
	_, err = e.signed.GetSigningCertificate(bg, &cip.GetSigningCertificateInput{UserPoolId: aws.String("us-east-1_nope12345")})
	wantErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nope12345 does not exist.")
}
