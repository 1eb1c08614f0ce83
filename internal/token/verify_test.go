package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var b64 = base64.RawURLEncoding

// compact assembles header.payload.signature, the signature computed by
// sig over the signing input.
func compact(header, payload string, sig func(input []byte) []byte) string {
	in := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	return in + "." + b64.EncodeToString(sig([]byte(in)))
}

func rs256(priv *rsa.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte {
		h := sha256.Sum256(in)
		s, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, h[:])
		if err != nil {
			panic(err)
		}
		return s
	}
}

// fixture is an issued pair plus what tests need to forge variants of it.
type fixture struct {
	e                        *env
	id, access               string
	idKey, accessKey         *key
	idPayload, accessPayload map[string]any
}

func newFixture(t *testing.T, mod func(*Options)) *fixture {
	t.Helper()
	e := newEnv(t, mod)
	in := basicInput()
	in.Groups = nil
	in.DeviceKey = "dev-1"
	in.Attributes = map[string]string{"email": "a@example.com", "email_verified": "true"}
	id, access, err := e.is.IssuePair(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := e.is.keySet(context.Background(), testPool)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{e: e, id: id, access: access, idKey: pk.signer(UseID, t0), accessKey: pk.signer(UseAccess, t0)}
	for tok, dst := range map[string]*map[string]any{id: &f.idPayload, access: &f.accessPayload} {
		_, p := parts(t, tok)
		if err := json.Unmarshal([]byte(p), dst); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// forge re-signs the access payload, modified by mod, with priv under kid.
func (f *fixture) forge(t *testing.T, kid string, priv *rsa.PrivateKey, mod func(map[string]any)) string {
	t.Helper()
	m := map[string]any{}
	for k, v := range f.accessPayload {
		m[k] = v
	}
	if mod != nil {
		mod(m)
	}
	p, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return compact(`{"kid":"`+kid+`","alg":"RS256"}`, string(p), rs256(priv))
}

func TestVerifyAcceptsIssuedTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	c, err := f.e.is.Verify(ctx, testPool, f.access, UseAccess)
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{
		Issuer: "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_example", Sub: testSub,
		TokenUse: "access", Username: testUser, ClientID: testClient, Scope: DefaultScope,
		OriginJTI: "origin-1", DeviceKey: "dev-1",
		AuthTime: t0, IssuedAt: t0, Expiry: t0.Add(time.Hour),
	}
	got := c
	got.Raw, got.JTI, got.EventID = nil, "", ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("access claims\n got %+v\nwant %+v", got, want)
	}
	if c.JTI == "" || c.EventID == "" || c.Raw["version"] != json.Number("2") || !c.HasScope(DefaultScope) || c.HasScope("openid") {
		t.Errorf("access extras: %+v", c)
	}

	c, err = f.e.is.Verify(ctx, testPool, f.id, UseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.TokenUse != "id" || c.Username != testUser || c.Aud != testClient || c.ClientID != testClient || c.Sub != testSub {
		t.Errorf("id claims %+v", c)
	}
	if c.Raw["email"] != "a@example.com" || c.Raw["email_verified"] != true {
		t.Errorf("id attributes %v", c.Raw)
	}

	// The forging helper produces accepted tokens when nothing is changed,
	// so the rejections below are caused by the change alone.
	if _, err := f.e.is.Verify(ctx, testPool, f.forge(t, f.accessKey.kid, f.accessKey.priv, nil), UseAccess); err != nil {
		t.Fatalf("unmodified forge rejected: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	kid := f.accessKey.kid
	priv := f.accessKey.priv
	pub := &priv.PublicKey
	_, accessPayload := parts(t, f.access)
	accessParts := strings.Split(f.access, ".")

	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	jwks, err := f.e.is.JWKS(ctx, testPool)
	if err != nil {
		t.Fatal(err)
	}
	hs256 := func(secret []byte) func([]byte) []byte {
		return func(in []byte) []byte {
			m := hmac.New(sha256.New, secret)
			m.Write(in)
			return m.Sum(nil)
		}
	}
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	header := func(alg string) string { return `{"kid":"` + kid + `","alg":"` + alg + `"}` }

	flipSig := func(tok string) string {
		p := strings.Split(tok, ".")
		s, _ := b64.DecodeString(p[2])
		s[len(s)/2] ^= 1
		return p[0] + "." + p[1] + "." + b64.EncodeToString(s)
	}
	// Its own random kids (the fixture's seqReader would repeat ours).
	otherPool := newEnv(t, func(o *Options) { o.Rand = rand.Reader })
	otherAccess := func() string {
		in := basicInput()
		in.PoolID = "us-west-2_other"
		_, a, err := otherPool.is.IssuePair(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}()
	jwkHeader := func() string {
		b, _ := json.Marshal(map[string]any{"kid": kid, "alg": "RS256", "jwk": map[string]string{
			"kty": "RSA", "n": b64.EncodeToString(other.N.Bytes()), "e": "AQAB"}})
		return string(b)
	}()

	cases := map[string]struct {
		tok string
		use string
	}{
		"alg none":                  {compact(header("none"), accessPayload, func([]byte) []byte { return nil }), UseAccess},
		"alg none, no kid":          {compact(`{"alg":"none"}`, accessPayload, func([]byte) []byte { return nil }), UseAccess},
		"HS256 secret = public PEM": {compact(header("HS256"), accessPayload, hs256(pubPEM)), UseAccess},
		"HS256 secret = public DER": {compact(header("HS256"), accessPayload, hs256(pubDER)), UseAccess},
		"HS256 secret = JWKS":       {compact(header("HS256"), accessPayload, hs256(jwks)), UseAccess},
		"HS256 secret = modulus":    {compact(header("HS256"), accessPayload, hs256(pub.N.Bytes())), UseAccess},
		"RS512 with our key": {compact(header("RS512"), accessPayload, func(in []byte) []byte {
			h := sha512.Sum512(in)
			s, _ := rsa.SignPKCS1v15(nil, priv, crypto.SHA512, h[:])
			return s
		}), UseAccess},
		"PS256 with our key": {compact(header("PS256"), accessPayload, func(in []byte) []byte {
			h := sha256.Sum256(in)
			s, _ := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, h[:], nil)
			return s
		}), UseAccess},
		"ES256": {compact(header("ES256"), accessPayload, func(in []byte) []byte {
			h := sha256.Sum256(in)
			s, _ := ecdsa.SignASN1(rand.Reader, ec, h[:])
			return s
		}), UseAccess},
		"RS256 lowercase alg":       {compact(header("rs256"), accessPayload, rs256(priv)), UseAccess},
		"unknown kid":               {compact(header("RS256")[:8]+"AAAA"+header("RS256")[12:], accessPayload, rs256(priv)), UseAccess},
		"no kid":                    {compact(`{"alg":"RS256"}`, accessPayload, rs256(priv)), UseAccess},
		"our kid, foreign key":      {compact(header("RS256"), accessPayload, rs256(other)), UseAccess},
		"embedded jwk, foreign key": {compact(jwkHeader, accessPayload, rs256(other)), UseAccess},
		"bad signature":             {flipSig(f.access), UseAccess},
		"empty signature":           {accessParts[0] + "." + accessParts[1] + ".", UseAccess},
		"tampered payload": {accessParts[0] + "." + b64.EncodeToString([]byte(strings.Replace(accessPayload,
			testUser, "admin-user", 1))) + "." + accessParts[2], UseAccess},
		"tampered header": {b64.EncodeToString([]byte(`{"alg":"RS256","kid":"`+kid+`"}`)) + "." +
			accessParts[1] + "." + accessParts[2], UseAccess},
		"wrong issuer": {f.forge(t, kid, priv, func(m map[string]any) {
			m["iss"] = "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_other"
		}), UseAccess},
		"no issuer":             {f.forge(t, kid, priv, func(m map[string]any) { delete(m, "iss") }), UseAccess},
		"another pool's token":  {otherAccess, UseAccess},
		"ID token as access":    {f.id, UseAccess},
		"access token as ID":    {f.access, UseID},
		"unknown use":           {f.access, "refresh"},
		"access claims, ID key": {f.forge(t, f.idKey.kid, f.idKey.priv, nil), UseAccess},
		"token_use mismatch in payload": {f.forge(t, kid, priv, func(m map[string]any) {
			m["token_use"] = "id"
		}), UseAccess},
		"no exp":          {f.forge(t, kid, priv, func(m map[string]any) { delete(m, "exp") }), UseAccess},
		"exp as string":   {f.forge(t, kid, priv, func(m map[string]any) { m["exp"] = "9999999999" }), UseAccess},
		"exp fractional":  {f.forge(t, kid, priv, func(m map[string]any) { m["exp"] = 9999999999.5 }), UseAccess},
		"no sub":          {f.forge(t, kid, priv, func(m map[string]any) { delete(m, "sub") }), UseAccess},
		"no client_id":    {f.forge(t, kid, priv, func(m map[string]any) { delete(m, "client_id") }), UseAccess},
		"groups not list": {f.forge(t, kid, priv, func(m map[string]any) { m["cognito:groups"] = "admin" }), UseAccess},
		"expired and tampered": {f.forge(t, kid, other, func(m map[string]any) {
			m["exp"] = json.Number("1000")
		}), UseAccess},
		"payload not JSON":   {compact(header("RS256"), "not json", rs256(priv)), UseAccess},
		"payload JSON array": {compact(header("RS256"), "[1,2]", rs256(priv)), UseAccess},
		"payload two values": {compact(header("RS256"), accessPayload+"{}", rs256(priv)), UseAccess},
		"empty":              {"", UseAccess},
		"one part":           {"abc", UseAccess},
		"two parts":          {accessParts[0] + "." + accessParts[1], UseAccess},
		"four parts":         {f.access + ".x", UseAccess},
		"bad base64 header":  {"!!!." + accessParts[1] + "." + accessParts[2], UseAccess},
		"bad base64 sig":     {accessParts[0] + "." + accessParts[1] + ".***", UseAccess},
		"padded base64":      {accessParts[0] + "=." + accessParts[1] + "." + accessParts[2], UseAccess},
		"JSON serialization": {`{"payload":"` + accessParts[1] + `","protected":"` + accessParts[0] +
			`","signature":"` + accessParts[2] + `"}`, UseAccess},
		"leading space": {" " + f.access, UseAccess},
		"oversized":     {f.access + strings.Repeat("A", maxTokenLen), UseAccess},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := f.e.is.Verify(ctx, testPool, tc.tok, tc.use)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
			if errors.Is(err, ErrExpired) {
				t.Error("also ErrExpired")
			}
		})
	}
}

func TestVerifyExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		leeway  time.Duration
		advance time.Duration
		want    error
	}{
		{"just issued", 0, 0, nil},
		{"one second before exp", 0, time.Hour - time.Second, nil},
		{"at exp", 0, time.Hour, ErrExpired},
		{"long after", 0, 48 * time.Hour, ErrExpired},
		{"within leeway", 5 * time.Minute, time.Hour + 4*time.Minute, nil},
		{"past leeway", 5 * time.Minute, time.Hour + 5*time.Minute, ErrExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.Leeway = tc.leeway })
			f.e.clock.Advance(tc.advance)
			for _, use := range []string{UseID, UseAccess} {
				tok := f.access
				if use == UseID {
					tok = f.id
				}
				c, err := f.e.is.Verify(context.Background(), testPool, tok, use)
				if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
					t.Errorf("%s: got %v, want %v", use, err, tc.want)
				}
				if errors.Is(err, ErrInvalid) {
					t.Errorf("%s: expired token reported invalid", use)
				}
				if c.Sub != testSub {
					t.Errorf("%s: claims not returned with the result: %+v", use, c)
				}
			}
		})
	}
}

// A token accepted once is not parsed again; everything that must still
// hold is checked on each use.
func TestVerifiedTokenCache(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	is := f.e.is
	first, err := is.Verify(ctx, testPool, f.access, UseAccess)
	if err != nil {
		t.Fatal(err)
	}
	parsed := is.parsed.Load()
	if pool, ok := is.CachedPool(f.access); !ok || pool != testPool {
		t.Fatalf("CachedPool = %q, %v", pool, ok)
	}
	again, err := is.Verify(ctx, testPool, f.access, UseAccess)
	if err != nil {
		t.Fatal(err)
	}
	if is.parsed.Load() != parsed {
		t.Fatal("an accepted token was parsed again")
	}
	if !reflect.DeepEqual(first, again) {
		t.Fatalf("cached claims differ:\n%+v\n%+v", first, again)
	}
	again.Groups = append(again.Groups, "injected")
	if third, _ := is.Verify(ctx, testPool, f.access, UseAccess); slices.Contains(third.Groups, "injected") {
		t.Fatal("a caller's change reached the cache")
	}

	// Another pool, another use, a changed byte: verified in full, refused.
	if _, err := is.Verify(ctx, "us-east-1_other", f.access, UseAccess); !errors.Is(err, ErrInvalid) {
		t.Fatalf("other pool: %v", err)
	}
	if _, err := is.Verify(ctx, testPool, f.access, UseID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("as an ID token: %v", err)
	}
	i := len(f.access) - 5 // inside the signature
	c := byte('A')
	if f.access[i] == 'A' {
		c = 'B'
	}
	tampered := f.access[:i] + string(c) + f.access[i+1:]
	if tampered == f.access {
		t.Fatal("tampering did not change the token")
	}
	if _, err := is.Verify(ctx, testPool, tampered, UseAccess); !errors.Is(err, ErrInvalid) {
		t.Fatalf("tampered: %v", err)
	}
	if _, ok := is.CachedPool(tampered); ok {
		t.Fatal("a refused token reached the cache")
	}

	// Expiry is checked on every use.
	f.e.clock.Advance(2 * time.Hour)
	if _, err := is.Verify(ctx, testPool, f.access, UseAccess); !errors.Is(err, ErrExpired) {
		t.Fatalf("after expiry: %v", err)
	}
}
