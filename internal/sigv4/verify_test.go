package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAKID   = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// lookupOf returns a Lookup over a fixed key map.
func lookupOf(keys map[string]string) func(context.Context, string) (string, error) {
	return func(_ context.Context, id string) (string, error) {
		s, ok := keys[id]
		if !ok {
			return "", fmt.Errorf("key %q: %w", id, ErrUnknownAccessKey)
		}
		return s, nil
	}
}

func newVerifier(now time.Time) *Verifier {
	return &Verifier{
		Now:    func() time.Time { return now },
		Lookup: lookupOf(map[string]string{testAKID: testSecret}),
	}
}

// sdkSign signs req with the real aws-sdk-go-v2 signer.
func sdkSign(t testing.TB, req *http.Request, body []byte, akid, secret, token, region, service string, at time.Time) {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hashHex(body), service, region, at); err != nil {
		t.Fatalf("SignHTTP: %v", err)
	}
}

// overTheWire serialises a client request and parses it back as a server
// would receive it (Host promoted to r.Host, header keys canonical, ...).
func overTheWire(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("ReadRequest: %v\n%s", err, buf.String())
	}
	body, err := io.ReadAll(sr.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return sr, body
}

// cognitoRequest is what the Go SDK sends for a signed Cognito call.
func cognitoRequest(t testing.TB, at time.Time, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser")
	req.Header.Set("Amz-Sdk-Invocation-Id", "1d5c7a4e-4cc7-4d8b-9a53-56e1c2ad2cd7")
	req.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	sdkSign(t, req, []byte(body), testAKID, testSecret, "", "us-east-1", "cognito-idp", at)
	return req
}

var t0 = time.Date(2024, 5, 17, 12, 30, 45, 0, time.UTC)

func TestVerifyCognitoRequest(t *testing.T) {
	body := `{"UserPoolId":"us-east-1_AbCdEf123","Username":"alice"}`
	req, rbody := overTheWire(t, cognitoRequest(t, t0, body))
	res, err := newVerifier(t0.Add(30*time.Second)).Verify(context.Background(), req, rbody)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.AccessKeyID != testAKID || res.Region != "us-east-1" || res.Service != "cognito-idp" || !res.SigningTime.Equal(t0) {
		t.Errorf("result = %+v", res)
	}
	wantSigned := "amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target"
	if got := strings.Join(res.SignedHeaders, ";"); got != wantSigned {
		t.Errorf("signed headers = %s, want %s", got, wantSigned)
	}
	if res.SessionToken {
		t.Error("SessionToken reported without a token")
	}
}

// TestVerifySDKProperty signs randomised requests with the SDK signer and
// checks that every one verifies after a trip over the wire, and that
// changing the body or one signed header value makes it fail.
func TestVerifySDKProperty(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))

	const printable = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$&'()*+,;=:@/?#[]%\"<>\\^`{|}"
	randString := func(n int, alphabet string) string {
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	randValue := func() string {
		// printable text with runs of spaces inside and around it
		var b strings.Builder
		for range rng.IntN(5) + 1 {
			b.WriteString(strings.Repeat(" ", rng.IntN(3)))
			b.WriteString(randString(rng.IntN(12), printable))
		}
		return b.String()
	}

	for i := range 400 {
		region := randString(2, "abcdefghijklmnopqrstuvwxyz") + "-" + randString(rng.IntN(8)+1, "abcdefghijklmnopqrstuvwxyz") + "-" + randString(1, "123456789")
		body := make([]byte, rng.IntN(3)*rng.IntN(700))
		for j := range body {
			body[j] = byte(rng.IntN(256))
		}

		u := &url.URL{Scheme: "http", Host: "cognito.example.test", Path: "/"}
		if rng.IntN(2) == 0 {
			u.Host += fmt.Sprintf(":%d", 1024+rng.IntN(60000))
		}
		if rng.IntN(3) == 0 {
			u.Path = "/" + randString(rng.IntN(10)+1, printable+" é") + "/" + randString(rng.IntN(5), "abc")
		}
		if rng.IntN(3) == 0 {
			q := url.Values{}
			for range rng.IntN(4) + 1 {
				q.Add(randString(rng.IntN(5)+1, printable+" "), randString(rng.IntN(8), printable+" "))
			}
			u.RawQuery = q.Encode()
		}
		req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			t.Fatalf("NewRequest(%s): %v", u, err)
		}
		if len(body) == 0 {
			req.Body, req.ContentLength = http.NoBody, 0
		}
		var custom []string
		for range rng.IntN(6) {
			name := "X-T-" + randString(rng.IntN(10)+1, "abcdefghijklmnopqrstuvwxyz0123456789-")
			custom = append(custom, name)
			for range rng.IntN(2) + 1 {
				req.Header.Add(name, randValue())
			}
		}
		if rng.IntN(3) == 0 {
			req.Header.Set("X-Amz-Content-Sha256", hashHex(body))
		}
		token := ""
		if rng.IntN(4) == 0 {
			token = randString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/=")
		}
		at := t0.Add(time.Duration(rng.IntN(400*24)) * time.Hour).Add(time.Duration(rng.IntN(3600)) * time.Second)
		sdkSign(t, req, body, testAKID, testSecret, token, region, "cognito-idp", at)
		// Unsigned noise added after signing must not matter.
		req.Header.Set("User-Agent", "noise/"+randString(5, "abc"))
		req.Header.Set("X-Unsigned-After", randValue())

		sreq, sbody := overTheWire(t, req)
		now := at.Add(time.Duration(rng.IntN(int(8*time.Minute/time.Second))-int(4*time.Minute/time.Second)) * time.Second)
		v := newVerifier(now)
		res, err := v.Verify(context.Background(), sreq, sbody)
		if err != nil {
			t.Fatalf("case %d: Verify: %v\nAuthorization: %s\nURL: %s", i, err, req.Header.Get("Authorization"), sreq.URL)
		}
		if res.Region != region || res.AccessKeyID != testAKID || res.SessionToken != (token != "") {
			t.Fatalf("case %d: result %+v (region %s, token %v)", i, res, region, token != "")
		}

		// Tampering with the body must fail.
		if len(sbody) > 0 {
			bad := bytes.Clone(sbody)
			bad[rng.IntN(len(bad))] ^= byte(1 + rng.IntN(255))
			if _, err := v.Verify(context.Background(), sreq, bad); !isCode(err, CodeInvalidSignature) {
				t.Fatalf("case %d: tampered body: err = %v, want %s", i, err, CodeInvalidSignature)
			}
		}
		// Changing a signed custom header must fail.
		if len(custom) > 0 {
			name := custom[rng.IntN(len(custom))]
			old := sreq.Header.Values(name)
			sreq.Header.Set(name, "tampered"+randString(3, "xyz"))
			if _, err := v.Verify(context.Background(), sreq, sbody); !isCode(err, CodeInvalidSignature) {
				t.Fatalf("case %d: tampered %s: err = %v, want %s", i, name, err, CodeInvalidSignature)
			}
			sreq.Header[name] = old
		}
	}
}

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

func TestVerifyErrors(t *testing.T) {
	const body = `{"UserPoolId":"us-east-1_AbCdEf123"}`
	signedAt := t0
	type mutate func(r *http.Request, body *[]byte)
	resign := func(akid, secret, region, service string, at time.Time) mutate {
		return func(r *http.Request, b *[]byte) {
			r.Header.Del("Authorization")
			r.Header.Del("X-Amz-Date")
			sdkSign(t, r, *b, akid, secret, "", region, service, at)
		}
	}
	tests := []struct {
		name     string
		before   mutate // applied to the client request before it is sent
		after    mutate // applied to the received request
		now      time.Time
		code     string
		message  string
		verifier func(v *Verifier)
	}{
		{name: "ok", now: signedAt},
		{name: "body changed", after: func(r *http.Request, b *[]byte) { *b = []byte(`{"UserPoolId":"us-east-1_Other"}`) },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "target changed", after: func(r *http.Request, b *[]byte) {
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
		}, code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "signed header removed", after: func(r *http.Request, b *[]byte) { r.Header.Del("Amz-Sdk-Request") },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "signed header duplicated", after: func(r *http.Request, b *[]byte) { r.Header.Add("Content-Type", "text/plain") },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "host changed", after: func(r *http.Request, b *[]byte) { r.Host = "evil.example" },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "method changed", after: func(r *http.Request, b *[]byte) { r.Method = http.MethodPut },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "query added", after: func(r *http.Request, b *[]byte) { r.URL.RawQuery = "a=b" },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "bad query escape", after: func(r *http.Request, b *[]byte) { r.URL.RawQuery = "a=%zz" },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "signature changed", after: func(r *http.Request, b *[]byte) {
			h := r.Header.Get("Authorization")
			last := h[len(h)-1]
			repl := byte('0')
			if last == '0' {
				repl = '1'
			}
			r.Header.Set("Authorization", h[:len(h)-1]+string(repl))
		}, code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "wrong secret", before: resign(testAKID, "not-the-secret", "us-east-1", "cognito-idp", signedAt),
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "unknown key", before: resign("AKIAUNKNOWNUNKNOWN00", testSecret, "us-east-1", "cognito-idp", signedAt),
			code: CodeUnrecognizedClient, message: "The security token included in the request is invalid."},
		{name: "stale", now: signedAt.Add(5*time.Minute + time.Second), code: CodeInvalidSignature,
			message: "Signature expired: 20240517T123045Z is now earlier than 20240517T123046Z (20240517T123546Z - 5 min.)"},
		{name: "stale edge accepted", now: signedAt.Add(5 * time.Minute)},
		{name: "future", now: signedAt.Add(-5*time.Minute - 2*time.Second), code: CodeInvalidSignature,
			message: "Signature not yet current: 20240517T123045Z is still later than 20240517T123043Z (20240517T122543Z + 5 min.)"},
		{name: "future edge accepted", now: signedAt.Add(-5 * time.Minute)},
		{name: "custom skew", now: signedAt.Add(3 * time.Minute), verifier: func(v *Verifier) { v.MaxSkew = 2 * time.Minute },
			code:    CodeInvalidSignature,
			message: "Signature expired: 20240517T123045Z is now earlier than 20240517T123145Z (20240517T123345Z - 2 min.)"},
		{name: "authorization missing", after: func(r *http.Request, b *[]byte) { r.Header.Del("Authorization") },
			code: CodeMissingAuthenticationToken, message: "Missing Authentication Token"},
		{name: "authorization empty", after: func(r *http.Request, b *[]byte) { r.Header.Set("Authorization", "") },
			code:    CodeIncompleteSignature,
			message: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization="},
		{name: "authorization twice", after: func(r *http.Request, b *[]byte) { r.Header.Add("Authorization", r.Header.Get("Authorization")) },
			code: CodeIncompleteSignature},
		{name: "bearer token and no date", after: func(r *http.Request, b *[]byte) {
			r.Header.Set("Authorization", "eyJraWQ")
			r.Header.Del("X-Amz-Date")
		}, code: CodeIncompleteSignature,
			message: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=eyJraWQ"},
		{name: "date header missing", after: func(r *http.Request, b *[]byte) { r.Header.Del("X-Amz-Date") },
			code: CodeIncompleteSignature},
		{name: "date not basic format", after: func(r *http.Request, b *[]byte) { r.Header.Set("X-Amz-Date", "2024-05-17T12:30:45Z") },
			code:    CodeIncompleteSignature,
			message: "Date must be in ISO-8601 'basic format'. Got '2024-05-17T12:30:45Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "date header changed within skew", after: func(r *http.Request, b *[]byte) { r.Header.Set("X-Amz-Date", "20240517T123046Z") },
			code: CodeInvalidSignature, message: msgSignatureMismatch},
		{name: "wrong service", before: resign(testAKID, testSecret, "us-east-1", "execute-api", signedAt),
			code: CodeInvalidSignature, message: "Credential should be scoped to correct service: 'cognito-idp'. "},
		{name: "configured service", before: resign(testAKID, testSecret, "us-east-1", "execute-api", signedAt),
			verifier: func(v *Verifier) { v.Service = "execute-api" }},
		{name: "region not allowed", verifier: func(v *Verifier) { v.Regions = []string{"eu-west-1"} },
			code: CodeInvalidSignature, message: "Credential should be scoped to a valid region, not 'us-east-1'. "},
		{name: "region allowed", verifier: func(v *Verifier) { v.Regions = []string{"eu-west-1", "us-east-1"} }},
		{name: "region malformed", before: resign(testAKID, testSecret, "US_EAST", "cognito-idp", signedAt),
			code: CodeInvalidSignature, message: "Credential should be scoped to a valid region, not 'US_EAST'. "},
		{name: "scope date differs", after: func(r *http.Request, b *[]byte) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20240517/", "/20240516/", 1))
		}, code: CodeInvalidSignature,
			message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240516' != '20240517', from 'X-Amz-Date'."},
		{name: "terminator", after: func(r *http.Request, b *[]byte) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/aws4_request", "/aws5_request", 1))
		}, code: CodeInvalidSignature,
			message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "},
		{name: "host not signed", after: func(r *http.Request, b *[]byte) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";host;", ";", 1))
		}, code: CodeIncompleteSignature, message: "'Host' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "x-amz-date not signed", after: func(r *http.Request, b *[]byte) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-date;", ";", 1))
		}, code: CodeIncompleteSignature, message: "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "content sha256 mismatch", before: func(r *http.Request, b *[]byte) {
			r.Header.Set("X-Amz-Content-Sha256", hashHex([]byte("other")))
			resign(testAKID, testSecret, "us-east-1", "cognito-idp", signedAt)(r, b)
		}, code: CodeInvalidSignature, message: "The provided 'x-amz-content-sha256' header does not match what was computed."},
		{name: "content sha256 match", before: func(r *http.Request, b *[]byte) {
			r.Header.Set("X-Amz-Content-Sha256", hashHex(*b))
			resign(testAKID, testSecret, "us-east-1", "cognito-idp", signedAt)(r, b)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(body)
			creq := cognitoRequest(t, signedAt, body)
			if tc.before != nil {
				tc.before(creq, &b)
			}
			sreq, sbody := overTheWire(t, creq)
			if tc.after != nil {
				tc.after(sreq, &sbody)
			}
			now := tc.now
			if now.IsZero() {
				now = signedAt.Add(time.Second)
			}
			v := newVerifier(now)
			if tc.verifier != nil {
				tc.verifier(v)
			}
			_, err := v.Verify(context.Background(), sreq, sbody)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error %s", err, tc.code)
			}
			if e.Code != tc.code {
				t.Errorf("code = %s (%s), want %s", e.Code, e.Message, tc.code)
			}
			if tc.message != "" && e.Message != tc.message {
				t.Errorf("message =\n %q\nwant\n %q", e.Message, tc.message)
			}
			if strings.Contains(e.Error(), testSecret) {
				t.Error("error contains the secret")
			}
		})
	}
}

func TestVerifyLookupInternalError(t *testing.T) {
	boom := errors.New("database down")
	v := newVerifier(t0)
	v.Lookup = func(context.Context, string) (string, error) { return "", boom }
	req, body := overTheWire(t, cognitoRequest(t, t0, "{}"))
	_, err := v.Verify(context.Background(), req, body)
	var e *Error
	if errors.As(err, &e) {
		t.Fatalf("internal lookup failure surfaced as client error %v", e)
	}
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want wrapping %v", err, boom)
	}
}

// TestSigningKeyVector checks the key derivation against AWS's published
// example (IAM user guide, "derive a signing key": 20150830/us-east-1/iam).
func TestSigningKeyVector(t *testing.T) {
	got := hex.EncodeToString(deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam"))
	const want = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
	if got != want {
		t.Fatalf("signing key = %s, want %s", got, want)
	}
}

func TestSigningKeyCacheBounded(t *testing.T) {
	v := newVerifier(t0)
	first := v.signingKey("s1", "20240101", "us-east-1", "cognito-idp")
	again := v.signingKey("s1", "20240101", "us-east-1", "cognito-idp")
	if !bytes.Equal(first, again) {
		t.Fatal("cached key differs")
	}
	other := v.signingKey("s2", "20240101", "us-east-1", "cognito-idp")
	if bytes.Equal(first, other) {
		t.Fatal("different secrets share a key")
	}
	for i := range 3 * signingKeyCacheSize {
		k := v.signingKey("s", fmt.Sprintf("2024%04d", i), "r", "cognito-idp")
		if want := deriveSigningKey("s", fmt.Sprintf("2024%04d", i), "r", "cognito-idp"); !bytes.Equal(k, want) {
			t.Fatalf("entry %d: wrong key", i)
		}
	}
	if n := v.cache.len(); n != signingKeyCacheSize {
		t.Fatalf("cache holds %d entries, want %d", n, signingKeyCacheSize)
	}
}
