package sigv4

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseAuthorizationValid(t *testing.T) {
	want := Authorization{
		AccessKeyID:   "AKIDEXAMPLE",
		Date:          "20150830",
		Region:        "us-east-1",
		Service:       "cognito-idp",
		Terminator:    "aws4_request",
		SignedHeaders: []string{"content-type", "host", "x-amz-date"},
		Signature:     "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
	}
	const cred = "AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_request"
	const sh = "content-type;host;x-amz-date"
	const sig = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	for _, h := range []string{
		"AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=" + sh + ", Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=" + cred + ",SignedHeaders=" + sh + ",Signature=" + sig,
		"  AWS4-HMAC-SHA256   Credential = " + cred + " ,\tSignedHeaders=" + sh + " , Signature=" + sig + "  ",
		"AWS4-HMAC-SHA256\tSignature=" + sig + ", Credential=" + cred + ", SignedHeaders=" + sh,
	} {
		got, err := ParseAuthorization(h)
		if err != nil {
			t.Errorf("ParseAuthorization(%q): %v", h, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseAuthorization(%q) = %+v, want %+v", h, got, want)
		}
	}
	if s := want.String(); s != "AWS4-HMAC-SHA256 Credential="+cred+", SignedHeaders="+sh+", Signature="+sig {
		t.Errorf("String() = %q", s)
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	const cred = "Credential=AKID/20240101/us-east-1/cognito-idp/aws4_request"
	const sh = "SignedHeaders=host;x-amz-date"
	const sig = "Signature=abcd"
	tests := []struct {
		name, header, message string // message "" = only check the code
	}{
		{"empty", "",
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization="},
		{"bearer jwt", "eyJhbGciOi.x.y",
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=eyJhbGciOi.x.y"},
		{"missing signature", "AWS4-HMAC-SHA256 " + cred + ", " + sh,
			"Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 " + cred + ", " + sh},
		{"empty value is missing", "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=",
			"Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature="},
		{"no equal sign", "Bearer token",
			"'token' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer token'."},
		{"trailing comma", "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ",", ""},
		{"unknown parameter", "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", Foo=bar", ""},
		{"duplicate parameter", "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", " + sig, ""},
		{"lower-case key", "AWS4-HMAC-SHA256 credential=AKID/20240101/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig, ""},
		{"wrong algorithm", "AWS4-HMAC-SHA1 " + cred + ", " + sh + ", " + sig,
			"Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'. Authorization header must start with 'AWS4-HMAC-SHA256'."},
		{"four credential elements", "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/us-east-1/cognito-idp/aws4_request'"},
		{"six credential elements", "AWS4-HMAC-SHA256 Credential=A/B/20240101/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig, ""},
		{"empty access key id", "AWS4-HMAC-SHA256 Credential=/20240101/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig, ""},
		{"upper-case signed header", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Host;x-amz-date, " + sig, ""},
		{"empty signed header", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, " + sig, ""},
		{"duplicate signed header", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;host, " + sig, ""},
		{"space in signed header", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host; x-amz-date, " + sig, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAuthorization(tc.header)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Code != CodeIncompleteSignature {
				t.Errorf("code = %s, want %s", e.Code, CodeIncompleteSignature)
			}
			if tc.message != "" && e.Message != tc.message {
				t.Errorf("message =\n %q\nwant\n %q", e.Message, tc.message)
			}
		})
	}
}

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"",
		"AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=a,Signature=b",
		"AWS4-HMAC-SHA256 ,,,",
		"AWS4-HMAC-SHA256 Credential==, SignedHeaders==;=, Signature===",
		"Bearer x",
		"\t AWS4-HMAC-SHA256\t\tCredential=a/b/c/d/e ,SignedHeaders=x;y , Signature=z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeIncompleteSignature {
				t.Fatalf("error %v is not an IncompleteSignature *Error", err)
			}
			return
		}
		if a.AccessKeyID == "" || a.Signature == "" || len(a.SignedHeaders) == 0 {
			t.Fatalf("accepted %q with empty parts: %+v", h, a)
		}
		// What parses re-formats to a header that parses to the same value.
		b, err := ParseAuthorization(a.String())
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", a.String(), h, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip changed %+v to %+v", a, b)
		}
		if strings.Contains(a.AccessKeyID, "/") {
			t.Fatalf("access key id contains '/': %q", a.AccessKeyID)
		}
	})
}
