package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

// testSign is a minimal independent SigV4 signer for cases the SDK signer
// cannot produce (Date instead of X-Amz-Date, headers the SDK never signs).
// It signs exactly the named headers (taken from req, host from req.Host)
// and uses "/" and an empty query. It is checked against the SDK signer in
// TestTestSignerMatchesSDK.
func testSign(req *http.Request, body []byte, akid, secret, region, service string, at time.Time, names []string) string {
	names = append([]string(nil), names...)
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		v := req.Host
		if n != "host" {
			v = strings.Join(req.Header.Values(n), ",")
		}
		ch.WriteString(n + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	sum := sha256.Sum256(body)
	creq := strings.Join([]string{req.Method, "/", "", ch.String(), strings.Join(names, ";"), hex.EncodeToString(sum[:])}, "\n")
	crh := sha256.Sum256([]byte(creq))
	day := at.UTC().Format("20060102")
	scope := day + "/" + region + "/" + service + "/aws4_request"
	sts := "AWS4-HMAC-SHA256\n" + at.UTC().Format("20060102T150405Z") + "\n" + scope + "\n" + hex.EncodeToString(crh[:])
	mac := func(k []byte, s string) []byte { m := hmac.New(sha256.New, k); m.Write([]byte(s)); return m.Sum(nil) }
	key := mac(mac(mac(mac([]byte("AWS4"+secret), day), region), service), "aws4_request")
	return "AWS4-HMAC-SHA256 Credential=" + akid + "/" + scope + ", SignedHeaders=" + strings.Join(names, ";") +
		", Signature=" + hex.EncodeToString(mac(key, sts))
}

func TestTestSignerMatchesSDK(t *testing.T) {
	body := `{"MaxResults":10}`
	req := cognitoRequest(t, t0, body) // SDK-signed
	sdkAuth := req.Header.Get("Authorization")
	a, err := ParseAuthorization(sdkAuth)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range a.SignedHeaders {
		if n == "content-length" {
			req.Header.Set("Content-Length", "17")
		}
		names = append(names, n)
	}
	if got := testSign(req, []byte(body), testAKID, testSecret, "us-east-1", "cognito-idp", t0, names); got != sdkAuth {
		t.Fatalf("test signer disagrees with the SDK:\n%s\n%s", got, sdkAuth)
	}
}

func TestVerifyBeyondSDK(t *testing.T) {
	body := []byte(`{"MaxResults":10}`)
	newReq := func() *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://cognito.local/", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		return req
	}
	ctx := context.Background()

	t.Run("Date header instead of X-Amz-Date", func(t *testing.T) {
		req := newReq()
		req.Header.Set("Date", t0.Format(http.TimeFormat))
		req.Header.Set("Authorization", testSign(req, body, testAKID, testSecret, "eu-west-1", "cognito-idp", t0, []string{"host", "date", "x-amz-target"}))
		sreq, sbody := overTheWire(t, req)
		res, err := newVerifier(t0).Verify(ctx, sreq, sbody)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if !res.SigningTime.Equal(t0) || res.Region != "eu-west-1" {
			t.Fatalf("result %+v", res)
		}
		_, err = newVerifier(t0.Add(6*time.Minute)).Verify(ctx, sreq, sbody)
		if !isCode(err, CodeInvalidSignature) || !strings.HasPrefix(err.(*Error).Message, "Signature expired: 20240517T123045Z is now earlier than") {
			t.Fatalf("stale Date: %v", err)
		}
	})

	t.Run("Date header must be signed", func(t *testing.T) {
		req := newReq()
		req.Header.Set("Date", t0.Format(http.TimeFormat))
		req.Header.Set("Authorization", testSign(req, body, testAKID, testSecret, "eu-west-1", "cognito-idp", t0, []string{"host", "x-amz-target"}))
		sreq, sbody := overTheWire(t, req)
		_, err := newVerifier(t0).Verify(ctx, sreq, sbody)
		if !isCode(err, CodeIncompleteSignature) || err.(*Error).Message != "'Date' must be a 'SignedHeader' in the AWS Authorization." {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("signed User-Agent (SDK signer drops it)", func(t *testing.T) {
		req := newReq()
		req.Header.Set("X-Amz-Date", t0.Format("20060102T150405Z"))
		req.Header.Set("User-Agent", "Boto3/1.34.0  md/Botocore#1.34.0")
		req.Header.Set("Authorization", testSign(req, body, testAKID, testSecret, "us-east-1", "cognito-idp", t0, []string{"host", "x-amz-date", "user-agent", "content-type", "x-amz-target"}))
		sreq, sbody := overTheWire(t, req)
		if _, err := newVerifier(t0).Verify(ctx, sreq, sbody); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		sreq.Header.Set("User-Agent", "other")
		if _, err := newVerifier(t0).Verify(ctx, sreq, sbody); !isCode(err, CodeInvalidSignature) {
			t.Fatalf("changed User-Agent: %v", err)
		}
	})

	t.Run("security token signed and ignored", func(t *testing.T) {
		req := newReq()
		req.Header.Set("X-Amz-Date", t0.Format("20060102T150405Z"))
		req.Header.Set("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE")
		req.Header.Set("Authorization", testSign(req, body, testAKID, testSecret, "us-east-1", "cognito-idp", t0, []string{"host", "x-amz-date", "x-amz-security-token", "x-amz-target"}))
		sreq, sbody := overTheWire(t, req)
		res, err := newVerifier(t0).Verify(ctx, sreq, sbody)
		if err != nil || !res.SessionToken {
			t.Fatalf("Verify = %+v, %v", res, err)
		}
	})
}
