package sigv4

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Finding 7 of issue 13: a request whose SignedHeaders leave out
// X-Amz-Target verified, so a captured AdminGetUser could be re-sent as
// AdminDisableUser with the same signature. X-Amz-Target must be signed
// whenever it is sent.
func TestTargetMustBeSigned(t *testing.T) {
	const body = `{"UserPoolId":"us-east-1_AbCdEf123","Username":"alice"}`
	sign := func(names []string) *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser")
		req.Header.Set("X-Amz-Date", t0.Format(amzDateFormat))
		req.Header.Set("Authorization", testSign(req, []byte(body), testAKID, testSecret, "us-east-1", "cognito-idp", t0, names))
		return req
	}
	tests := []struct {
		name    string
		signed  []string
		retgt   bool // re-target to AdminDisableUser after signing
		dropTgt bool // send no X-Amz-Target at all
		code    string
	}{
		{name: "target signed", signed: []string{"host", "x-amz-date", "x-amz-target"}},
		{name: "target signed, re-targeted", signed: []string{"host", "x-amz-date", "x-amz-target"}, retgt: true, code: CodeInvalidSignature},
		{name: "target unsigned", signed: []string{"host", "x-amz-date"}, code: CodeIncompleteSignature},
		{name: "target unsigned, re-targeted", signed: []string{"host", "x-amz-date"}, retgt: true, code: CodeIncompleteSignature},
		{name: "no target sent", signed: []string{"host", "x-amz-date"}, dropTgt: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			creq := sign(tc.signed)
			sreq, sbody := overTheWire(t, creq)
			if tc.retgt {
				sreq.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDisableUser")
			}
			if tc.dropTgt {
				sreq.Header.Del("X-Amz-Target")
			}
			_, err := newVerifier(t0.Add(time.Second)).Verify(context.Background(), sreq, sbody)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			if tc.code == CodeIncompleteSignature && e.Message != "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization." {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
}
