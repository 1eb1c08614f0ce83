package sigv4

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
)

// verifyingServer answers every request with {} after verifying it, or with
// the verifier's error in AWS JSON 1.1 form. It records the last result.
type verifyingServer struct {
	*httptest.Server
	v *Verifier

	mu   sync.Mutex
	last Result
	n    int
}

func newVerifyingServer(t *testing.T, now func() time.Time) *verifyingServer {
	s := &verifyingServer{v: &Verifier{Now: now, Lookup: lookupOf(map[string]string{testAKID: testSecret})}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := s.v.Verify(r.Context(), r, body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = &Error{Code: "InternalErrorException", Message: "internal"}
			}
			w.Header().Set("X-Amzn-ErrorType", e.Code+":")
			w.WriteHeader(e.HTTPStatus())
			_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
			return
		}
		s.mu.Lock()
		s.last, s.n = res, s.n+1
		s.mu.Unlock()
		_, _ = io.WriteString(w, "{}")
	}))
	t.Cleanup(s.Close)
	return s
}

// tamper lets a test change the request after the SDK signed it.
type tamper func(*http.Request)

func (f tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	if f != nil {
		r = r.Clone(r.Context())
		f(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func sdkClient(srv *verifyingServer, akid, secret string, tp tamper) *cip.Client {
	return cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
		HTTPClient:   &http.Client{Transport: tp},
		Retryer:      aws.NopRetryer{},
	})
}

func TestCognitoSDKEndToEnd(t *testing.T) {
	realNow := time.Now // the SDK signs with the wall clock; the server follows it
	ctx := context.Background()
	call := func(c *cip.Client) error {
		_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{
			UserPoolId: aws.String("us-east-1_AbCdEf123"),
			Username:   aws.String("alice"),
		})
		return err
	}

	t.Run("verifies", func(t *testing.T) {
		srv := newVerifyingServer(t, realNow)
		if err := call(sdkClient(srv, testAKID, testSecret, nil)); err != nil {
			t.Fatalf("AdminGetUser: %v", err)
		}
		if _, err := sdkClient(srv, testAKID, testSecret, nil).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
			t.Fatalf("ListUserPools: %v", err)
		}
		srv.mu.Lock()
		defer srv.mu.Unlock()
		if srv.n != 2 || srv.last.AccessKeyID != testAKID || srv.last.Region != "us-east-1" || srv.last.Service != "cognito-idp" {
			t.Fatalf("n=%d last=%+v", srv.n, srv.last)
		}
		for _, h := range []string{"host", "x-amz-date", "x-amz-target", "content-type"} {
			if !strings.Contains(";"+strings.Join(srv.last.SignedHeaders, ";")+";", ";"+h+";") {
				t.Errorf("SDK did not sign %s: %v", h, srv.last.SignedHeaders)
			}
		}
	})

	tests := []struct {
		name   string
		akid   string
		secret string
		tp     tamper
		now    func() time.Time
		code   string
	}{
		{name: "changed body", tp: func(r *http.Request) {
			b := `{"UserPoolId":"us-east-1_AbCdEf123","Username":"alicf"}` // same length
			r.Body = io.NopCloser(strings.NewReader(b))
		}, code: CodeInvalidSignature},
		{name: "changed X-Amz-Target", tp: func(r *http.Request) {
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
		}, code: CodeInvalidSignature},
		{name: "wrong secret", secret: "wrong/secret/wrong/secret/wrong/secret/xx", code: CodeInvalidSignature},
		{name: "unknown key", akid: "AKIAZZZZZZZZZZZZZZZZ", code: CodeUnrecognizedClient},
		{name: "stale date", now: func() time.Time { return time.Now().Add(10 * time.Minute) }, code: CodeInvalidSignature},
		{name: "future date", now: func() time.Time { return time.Now().Add(-10 * time.Minute) }, code: CodeInvalidSignature},
		{name: "signed header removed", tp: func(r *http.Request) { r.Header.Del("Amz-Sdk-Invocation-Id") }, code: CodeInvalidSignature},
		{name: "authorization header missing", tp: func(r *http.Request) { r.Header.Del("Authorization") }, code: CodeMissingAuthenticationToken},
		{name: "date header missing", tp: func(r *http.Request) { r.Header.Del("X-Amz-Date") }, code: CodeIncompleteSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now == nil {
				now = realNow
			}
			srv := newVerifyingServer(t, now)
			akid, secret := testAKID, testSecret
			if tc.akid != "" {
				akid = tc.akid
			}
			if tc.secret != "" {
				secret = tc.secret
			}
			err := call(sdkClient(srv, akid, secret, tc.tp))
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want an API error %s", err, tc.code)
			}
			if apiErr.ErrorCode() != tc.code {
				t.Fatalf("code = %s (%s), want %s", apiErr.ErrorCode(), apiErr.ErrorMessage(), tc.code)
			}
			srv.mu.Lock()
			accepted := srv.n
			srv.mu.Unlock()
			if accepted != 0 {
				t.Fatal("server accepted a request")
			}
		})
	}
}
