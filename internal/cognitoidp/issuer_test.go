package cognitoidp_test

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/cognitoidp"
	"userpool/internal/password"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// newUpdatedIssuerEnv is newAuEnv whose token issuer knows the UPDATED
// issuer form (tokens.issuer: aws) and asks the domain for each pool's type,
// wired as cmd/userpool wires it.
func newUpdatedIssuerEnv(t *testing.T) *auEnv {
	t.Helper()
	st, err := sqlite.Open(bg, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := &auEnv{st: st}
	if e.iss, err = token.NewIssuer(st, token.Options{Now: e.now, KeyBits: 1024, UpdatedIssuerURL: token.UpdatedCognitoIssuerURL}); err != nil {
		t.Fatal(err)
	}
	e.svc = userpool.New(st, userpool.Options{Now: e.now, PasswordParams: password.InsecureTestParams, Tokens: e.iss})
	e.iss.SetPoolIssuerType(e.svc.PoolIssuerType)
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

func (e *auEnv) discoveryIssuer(t *testing.T, pool string) string {
	t.Helper()
	resp, err := http.Get(e.srv.URL + "/" + pool + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var d struct{ Issuer string }
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("discovery %q: %v", b, err)
	}
	return d.Issuer
}

func (e *auEnv) issuerType(t *testing.T, pool string) string {
	t.Helper()
	out, err := e.signed.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	if out.UserPool.IssuerConfiguration == nil {
		return ""
	}
	return string(out.UserPool.IssuerConfiguration.Type)
}

func TestIssuerConfigurationUpdated(t *testing.T) {
	t.Parallel()
	e := newUpdatedIssuerEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeUpdated}})
	c := e.client(t, pool, nil)
	e.user(t, pool, "alice")
	updated, original := "https://issuer-cognito-idp.us-east-1.amazonaws.com/"+pool, "https://cognito-idp.us-east-1.amazonaws.com/"+pool

	if got := e.issuerType(t, pool); got != "UPDATED" {
		t.Fatalf("DescribeUserPool IssuerConfiguration %q", got)
	}
	res := e.mustPasswordAuth(t, c, "alice")
	if got := e.claims(t, pool, *res.IdToken, token.UseID).Issuer; got != updated {
		t.Fatalf("UPDATED pool's ID token iss %q, want %q", got, updated)
	}
	if got := e.claims(t, pool, *res.AccessToken, token.UseAccess).Issuer; got != updated {
		t.Fatalf("UPDATED pool's access token iss %q", got)
	}
	if _, err := e.getUser(*res.AccessToken); err != nil { // the server verifies it
		t.Fatalf("GetUser with an UPDATED-issuer token: %v", err)
	}
	if got := e.discoveryIssuer(t, pool); got != updated {
		t.Fatalf("discovery issuer %q", got)
	}

	// Omitted from UpdateUserPool: kept.
	if _, err := e.signed.UpdateUserPool(bg, &cip.UpdateUserPoolInput{UserPoolId: aws.String(pool)}); err != nil {
		t.Fatal(err)
	}
	if got := e.issuerType(t, pool); got != "UPDATED" {
		t.Fatalf("after an UpdateUserPool without it: %q", got)
	}

	// Back to ORIGINAL: new tokens carry the original issuer; tokens issued
	// before keep working.
	if _, err := e.signed.UpdateUserPool(bg, &cip.UpdateUserPoolInput{UserPoolId: aws.String(pool), IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeOriginal}}); err != nil {
		t.Fatal(err)
	}
	res2 := e.mustPasswordAuth(t, c, "alice")
	if got := e.claims(t, pool, *res2.IdToken, token.UseID).Issuer; got != original {
		t.Fatalf("ORIGINAL pool's iss %q", got)
	}
	if got := e.discoveryIssuer(t, pool); got != original {
		t.Fatalf("discovery issuer %q", got)
	}
	if _, err := e.getUser(*res.AccessToken); err != nil {
		t.Fatalf("GetUser with a token issued before the switch: %v", err)
	}

	// Validation.
	_, err := e.signed.UpdateUserPool(bg, &cip.UpdateUserPoolInput{UserPoolId: aws.String(pool), IssuerConfiguration: &types.IssuerConfigurationType{Type: "NEWEST"}})
	wantErr(t, err, "InvalidParameterException", "")
	// A pool created without it reports none and issues the original form.
	plain := e.pool(t, nil)
	if got := e.issuerType(t, plain); got != "" {
		t.Fatalf("pool without IssuerConfiguration reports %q", got)
	}
}

// With the issuer not in the AWS form (tokens.issuer: base, or no
// UpdatedIssuerURL) the setting is stored and echoed only.
func TestIssuerConfigurationStoredOnly(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	e.iss.SetPoolIssuerType(e.svc.PoolIssuerType)
	pool := e.pool(t, &cip.CreateUserPoolInput{IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeUpdated}})
	c := e.client(t, pool, nil)
	e.user(t, pool, "alice")
	if got := e.issuerType(t, pool); got != "UPDATED" {
		t.Fatalf("DescribeUserPool IssuerConfiguration %q", got)
	}
	res := e.mustPasswordAuth(t, c, "alice")
	if got := e.claims(t, pool, *res.IdToken, token.UseID).Issuer; got != token.CognitoIssuerURL(pool) {
		t.Fatalf("iss %q: the type must change nothing without UpdatedIssuerURL", got)
	}
}

// Tags set with TagResource survive an UpdateUserPool that omits
// UserPoolTags; an UpdateUserPool that carries UserPoolTags replaces them.
func TestUpdateUserPoolKeepsTags(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{UserPoolTags: map[string]string{"team": "a"}})
	desc, err := e.signed.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	arn := desc.UserPool.Arn
	if _, err := e.signed.TagResource(bg, &cip.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "prod"}}); err != nil {
		t.Fatal(err)
	}
	tagsNow := func() (listed, described map[string]string) {
		t.Helper()
		l, err := e.signed.ListTagsForResource(bg, &cip.ListTagsForResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.signed.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
		if err != nil {
			t.Fatal(err)
		}
		return l.Tags, d.UserPool.UserPoolTags
	}
	steps := []struct {
		name string
		tags map[string]string // UpdateUserPool's UserPoolTags (nil: omitted)
		want map[string]string
	}{
		{"omitted", nil, map[string]string{"team": "a", "env": "prod"}},
		{"omitted again, with other members", nil, map[string]string{"team": "a", "env": "prod"}},
		{"replaced", map[string]string{"cost": "7"}, map[string]string{"cost": "7"}},
		{"cleared", map[string]string{}, map[string]string{}},
	}
	for _, st := range steps {
		in := &cip.UpdateUserPoolInput{UserPoolId: aws.String(pool), UserPoolTags: st.tags, MfaConfiguration: types.UserPoolMfaTypeOff}
		if _, err := e.signed.UpdateUserPool(bg, in); err != nil {
			t.Fatalf("%s: UpdateUserPool: %v", st.name, err)
		}
		listed, described := tagsNow()
		if !maps.Equal(listed, st.want) || !maps.Equal(described, st.want) {
			t.Fatalf("%s: listed %v, described %v, want %v", st.name, listed, described, st.want)
		}
	}
}
