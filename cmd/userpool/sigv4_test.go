package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// tamper changes a request after the SDK signed it.
type tamper func(*http.Request)

func (f tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	if f != nil {
		r = r.Clone(r.Context())
		f(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestSigV4ThroughServer drives the real server with the AWS SDK for Go v2
// and tampers with signed requests: each tampering is refused with AWS's
// error code, never reaches the operation, and is audited as denied.
func TestSigV4ThroughServer(t *testing.T) {
	t.Parallel()
	var skew atomic.Int64 // server clock offset
	ta := newTestApp(t, func() time.Time { return time.Now().Add(time.Duration(skew.Load())) })
	ctx := context.Background()
	pool, err := ta.svc.CreatePool(ctx, userpool.PoolInput{Name: "sig"})
	if err != nil {
		t.Fatal(err)
	}
	akid, secret := ta.principal(t, "signer", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	// The user the tampered AdminDeleteUser would remove.
	if _, err := ta.client(akid, secret, nil).AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: s(pool.ID), Username: s("alice")}); err != nil {
		t.Fatal(err)
	}
	getAlice := func(c *cip.Client) error {
		_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: s(pool.ID), Username: s("alice")})
		return err
	}
	if err := getAlice(ta.client(akid, secret, nil)); err != nil {
		t.Fatalf("valid signed call: %v", err)
	}

	tests := []struct {
		name         string
		akid, secret string
		tp           tamper
		skew         time.Duration
		code         string
	}{
		{name: "changed body", tp: func(r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			nb := strings.Replace(string(b), `"alice"`, `"alicf"`, 1)
			r.Body = io.NopCloser(strings.NewReader(nb))
		}, code: sigv4.CodeInvalidSignature},
		{name: "changed X-Amz-Target", tp: func(r *http.Request) {
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
		}, code: sigv4.CodeInvalidSignature},
		{name: "wrong secret", secret: "wrong/secret/wrong/secret/wrong/secret/xx", code: sigv4.CodeInvalidSignature},
		{name: "unknown key", akid: "AKIAZZZZZZZZZZZZZZZZ", code: sigv4.CodeUnrecognizedClient},
		{name: "stale date", skew: 10 * time.Minute, code: sigv4.CodeInvalidSignature},
		{name: "future date", skew: -10 * time.Minute, code: sigv4.CodeInvalidSignature},
		{name: "authorization header missing", tp: func(r *http.Request) { r.Header.Del("Authorization") }, code: sigv4.CodeMissingAuthenticationToken},
		{name: "date header missing", tp: func(r *http.Request) { r.Header.Del("X-Amz-Date") }, code: sigv4.CodeIncompleteSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			skew.Store(int64(tc.skew))
			defer skew.Store(0)
			k, sk := akid, secret
			if tc.akid != "" {
				k = tc.akid
			}
			if tc.secret != "" {
				sk = tc.secret
			}
			err := getAlice(ta.client(k, sk, tc.tp))
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
	// The tampered AdminDeleteUser did not run.
	if err := getAlice(ta.client(akid, secret, nil)); err != nil {
		t.Fatalf("alice after tampering: %v", err)
	}
	// Every refusal is audited as denied; the unknown key under its claimed id.
	// Anonymous denials are written without waiting and repeats are folded
	// ("changed body" and "wrong secret" refuse alike: their second is the
	// "repeated 1 times" row): Close writes what is queued and aggregated.
	ta.audit.Close()
	denied := listAudit(t, ta.store, store.AuditFilter{Outcome: "denied"})
	if len(denied) != len(tests) {
		t.Fatalf("%d denied audit entries for %d refusals: %+v", len(denied), len(tests), denied)
	}
	found := false
	for _, e := range denied {
		if e.ActorType == "access-key" && e.Actor == "AKIAZZZZZZZZZZZZZZZZ" && strings.HasPrefix(e.Detail, sigv4.CodeUnrecognizedClient) {
			found = true
		}
	}
	if !found {
		t.Errorf("no denied entry for the unknown key: %+v", denied)
	}

	t.Run("unsigned operations need no key", func(t *testing.T) {
		anon := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(ta.srv.URL), Retryer: aws.NopRetryer{}})
		_, err := anon.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: s("nosuchclient"), AuthFlow: "USER_PASSWORD_AUTH",
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "x"}})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceNotFoundException" {
			t.Fatalf("InitiateAuth without credentials: %v, want the operation's own ResourceNotFoundException", err)
		}
	})
}
