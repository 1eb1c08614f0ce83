package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultService is the SigV4 signing name of Cognito user pools.
const DefaultService = "cognito-idp"

// DefaultMaxSkew is AWS's allowed clock difference between client and server.
const DefaultMaxSkew = 5 * time.Minute

// amzDateFormat is the ISO 8601 basic format of X-Amz-Date.
const amzDateFormat = "20060102T150405Z"

// Verifier checks AWS Signature Version 4 (header form) on incoming requests.
// The zero value of every field but Lookup has a default. A Verifier must not
// be copied after first use (it owns a signing-key cache).
type Verifier struct {
	// Service is the expected service in the credential scope
	// (default "cognito-idp").
	Service string
	// Regions, when non-empty, is the set of accepted credential-scope
	// regions. Empty accepts any region that looks like one (letters, digits,
	// '-'): the scope region is the client's configured region, which need
	// not be the pool's.
	Regions []string
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// MaxSkew is the allowed difference between the request date and Now
	// (default 5 minutes).
	MaxSkew time.Duration
	// Lookup returns the secret access key of an access key id. It returns
	// an error wrapping ErrUnknownAccessKey when the id is unknown or
	// disabled; any other error is treated as an internal failure.
	Lookup func(ctx context.Context, accessKeyID string) (secret string, err error)

	once  sync.Once
	cache *keyCache
}

// Result describes a request whose signature verified.
type Result struct {
	AccessKeyID string
	Region      string
	Service     string
	// SigningTime is the time from X-Amz-Date (or Date).
	SigningTime time.Time
	// SignedHeaders as listed by the client.
	SignedHeaders []string
	// SessionToken reports whether a signed X-Amz-Security-Token was present
	// (it is accepted and otherwise ignored).
	SessionToken bool
}

func (v *Verifier) service() string {
	if v.Service == "" {
		return DefaultService
	}
	return v.Service
}

func (v *Verifier) now() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew <= 0 {
		return DefaultMaxSkew
	}
	return v.MaxSkew
}

// Verify checks the request's SigV4 Authorization header against body (the
// complete request body, already read by the caller). On failure the error is
// an *Error carrying AWS's error code and message, except for failures of
// Lookup other than ErrUnknownAccessKey, which are returned wrapped.
//
// Checks, in order: Authorization present; header well-formed and a date
// header present (IncompleteSignatureException); date format; host and the
// date header signed, and X-Amz-Target when sent; credential scope service, region, terminator and date;
// clock skew; X-Amz-Content-Sha256 (when sent) matches the body; access key
// known (UnrecognizedClientException); signature.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (Result, error) {
	authValues := r.Header.Values("Authorization")
	if len(authValues) == 0 {
		return Result{}, newError(CodeMissingAuthenticationToken, msgMissingToken)
	}
	header := authValues[0]
	if len(authValues) > 1 {
		return Result{}, newError(CodeIncompleteSignature,
			"Authorization header must appear only once. Authorization="+header)
	}

	// Which date header the signature uses: X-Amz-Date wins over Date.
	dateName, dateValue := "x-amz-date", r.Header.Get("X-Amz-Date")
	if dateValue == "" {
		dateName, dateValue = "date", r.Header.Get("Date")
	}

	auth, problems, perr := parseAuthorization(header)
	if perr != nil {
		return Result{}, perr
	}
	if dateValue == "" {
		problems = append(problems, msgDateRequired)
	}
	if len(problems) > 0 {
		return Result{}, incomplete(problems, header)
	}

	signingTime, ok := parseRequestDate(dateName, dateValue)
	if !ok {
		return Result{}, newError(CodeIncompleteSignature,
			"Date must be in ISO-8601 'basic format'. Got '"+dateValue+"'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	if !slices.Contains(auth.SignedHeaders, "host") {
		return Result{}, newError(CodeIncompleteSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !slices.Contains(auth.SignedHeaders, dateName) {
		display := "X-Amz-Date"
		if dateName == "date" {
			display = "Date"
		}
		return Result{}, newError(CodeIncompleteSignature, "'"+display+"' must be a 'SignedHeader' in the AWS Authorization.")
	}
	// X-Amz-Target names the operation of an AWS JSON call: left unsigned,
	// a captured request could be re-targeted (AdminGetUser replayed as
	// AdminDisableUser) with its signature still valid.
	if _, sent := r.Header["X-Amz-Target"]; sent && !slices.Contains(auth.SignedHeaders, "x-amz-target") {
		return Result{}, newError(CodeIncompleteSignature, msgTargetUnsigned)
	}

	if e := v.checkScope(auth, signingTime, dateName); e != nil {
		return Result{}, e
	}
	if e := v.checkSkew(signingTime, dateValue, dateName); e != nil {
		return Result{}, e
	}

	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" && !strings.EqualFold(claimed, payloadHash) {
		return Result{}, newError(CodeInvalidSignature,
			"The provided 'x-amz-content-sha256' header does not match what was computed.")
	}

	if v.Lookup == nil {
		return Result{}, errors.New("sigv4: Verifier.Lookup is nil")
	}
	secret, err := v.Lookup(ctx, auth.AccessKeyID)
	if err != nil {
		if errors.Is(err, ErrUnknownAccessKey) {
			return Result{}, newError(CodeUnrecognizedClient, msgUnrecognized)
		}
		return Result{}, fmt.Errorf("sigv4: looking up access key: %w", err)
	}

	canonical, cerr := canonicalRequest(r, auth.SignedHeaders, payloadHash)
	if cerr != nil {
		return Result{}, cerr
	}
	creq := sha256.Sum256([]byte(canonical))
	var sts strings.Builder
	sts.Grow(len(Algorithm) + 1 + 16 + 1 + len(auth.CredentialScope()) + 1 + 64)
	sts.WriteString(Algorithm)
	sts.WriteByte('\n')
	sts.WriteString(signingTime.Format(amzDateFormat))
	sts.WriteByte('\n')
	sts.WriteString(auth.CredentialScope())
	sts.WriteByte('\n')
	sts.WriteString(hex.EncodeToString(creq[:]))

	key := v.signingKey(secret, auth.Date, auth.Region, auth.Service)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(sts.String()))
	want := make([]byte, hex.EncodedLen(sha256.Size))
	hex.Encode(want, mac.Sum(nil))
	if !hmac.Equal(want, []byte(auth.Signature)) {
		return Result{}, newError(CodeInvalidSignature, msgSignatureMismatch)
	}

	return Result{
		AccessKeyID:   auth.AccessKeyID,
		Region:        auth.Region,
		Service:       auth.Service,
		SigningTime:   signingTime,
		SignedHeaders: auth.SignedHeaders,
		SessionToken:  slices.Contains(auth.SignedHeaders, "x-amz-security-token"),
	}, nil
}

// parseRequestDate parses X-Amz-Date (ISO 8601 basic, UTC) or Date (HTTP date).
func parseRequestDate(name, value string) (time.Time, bool) {
	if name == "x-amz-date" {
		t, err := time.Parse(amzDateFormat, value)
		return t.UTC(), err == nil
	}
	t, err := http.ParseTime(value)
	if err != nil {
		// Some clients send an ISO basic date in Date.
		t, err = time.Parse(amzDateFormat, value)
	}
	return t.UTC(), err == nil
}

func (v *Verifier) checkScope(a Authorization, signingTime time.Time, dateName string) *Error {
	if a.Service != v.service() {
		return newError(CodeInvalidSignature, "Credential should be scoped to correct service: '"+v.service()+"'. ")
	}
	if !v.regionOK(a.Region) {
		return newError(CodeInvalidSignature, "Credential should be scoped to a valid region, not '"+a.Region+"'. ")
	}
	if a.Terminator != Terminator {
		return newError(CodeInvalidSignature,
			"Credential should be scoped with a valid terminator: '"+Terminator+"', not '"+a.Terminator+"'. ")
	}
	if day := signingTime.Format("20060102"); a.Date != day {
		from := "X-Amz-Date"
		if dateName == "date" {
			from = "Date"
		}
		return newError(CodeInvalidSignature,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
				a.Date+"' != '"+day+"', from '"+from+"'.")
	}
	return nil
}

func (v *Verifier) regionOK(region string) bool {
	if len(v.Regions) > 0 {
		return slices.Contains(v.Regions, region)
	}
	if region == "" || len(region) > 64 {
		return false
	}
	for i := 0; i < len(region); i++ {
		c := region[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func (v *Verifier) checkSkew(t time.Time, dateValue, dateName string) *Error {
	now := v.now().UTC()
	skew := v.maxSkew()
	mins := strconv.Itoa(int(skew / time.Minute))
	shown := dateValue
	if dateName == "date" {
		shown = t.Format(amzDateFormat)
	}
	if earliest := now.Add(-skew); t.Before(earliest) {
		return newError(CodeInvalidSignature, "Signature expired: "+shown+" is now earlier than "+
			earliest.Format(amzDateFormat)+" ("+now.Format(amzDateFormat)+" - "+mins+" min.)")
	}
	if latest := now.Add(skew); t.After(latest) {
		return newError(CodeInvalidSignature, "Signature not yet current: "+shown+" is still later than "+
			latest.Format(amzDateFormat)+" ("+now.Format(amzDateFormat)+" + "+mins+" min.)")
	}
	return nil
}

// canonicalRequest builds the SigV4 canonical request from exactly the
// client's signed headers.
func canonicalRequest(r *http.Request, signed []string, payloadHash string) (string, *Error) {
	query, err := canonicalQuery(r.URL.RawQuery)
	if err != nil {
		return "", newError(CodeInvalidSignature, msgSignatureMismatch)
	}
	var b strings.Builder
	b.Grow(512)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	b.WriteString(query)
	b.WriteByte('\n')
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		writeHeaderValue(&b, r, name)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String(), nil
}

// writeHeaderValue writes the canonical value of one signed header: each
// value trimmed with runs of spaces collapsed, multiple values joined by ','.
// A signed header absent from the request contributes an empty value (the
// signature then fails unless the client signed it empty too).
func writeHeaderValue(b *strings.Builder, r *http.Request, name string) {
	switch name {
	case "host":
		host := r.Host
		if host == "" && r.URL != nil {
			host = r.URL.Host
		}
		b.WriteString(collapseSpaces(host))
		return
	case "content-length":
		if vs := r.Header.Values("Content-Length"); len(vs) > 0 {
			writeValues(b, vs)
		} else if r.ContentLength >= 0 {
			b.WriteString(strconv.FormatInt(r.ContentLength, 10))
		}
		return
	case "transfer-encoding":
		if vs := r.Header.Values("Transfer-Encoding"); len(vs) > 0 {
			writeValues(b, vs)
		} else {
			writeValues(b, r.TransferEncoding)
		}
		return
	}
	vs := r.Header[textproto.CanonicalMIMEHeaderKey(name)]
	if vs == nil {
		vs = r.Header[name] // a non-canonical key set directly on the map
	}
	writeValues(b, vs)
}

func writeValues(b *strings.Builder, vs []string) {
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strings.TrimSpace(collapseSpaces(v)))
	}
}

// collapseSpaces trims leading and trailing spaces and replaces every run of
// spaces with one space.
func collapseSpaces(s string) string {
	s = strings.Trim(s, " ")
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if prevSpace {
				continue
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// canonicalURI: the escaped path as sent, URI-encoded once more (SigV4 for
// every service but S3 double-encodes), "/" when empty.
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// canonicalQuery: every name and value URI-encoded, sorted by name then value.
func canonicalQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return "", err
	}
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range values {
		ek := uriEncode(k, true)
		for _, v := range vs {
			pairs = append(pairs, pair{ek, uriEncode(v, true)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String(), nil
}

// uriEncode percent-encodes (upper-case hex) every byte outside the RFC 3986
// unreserved set; '/' is kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// deriveSigningKey is SigV4's key derivation.
func deriveSigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, Terminator)
}

func (v *Verifier) signingKey(secret, date, region, service string) []byte {
	v.once.Do(func() { v.cache = newKeyCache(signingKeyCacheSize) })
	return v.cache.get(secret, date, region, service)
}
