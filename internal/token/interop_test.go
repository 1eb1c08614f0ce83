package token

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"userpool/internal/store"
)

// publicKeysFromJWKS decodes the JWKS document by hand (n and e are
// unpadded base64url big-endian integers, RFC 7518 §6.3.1), independently of
// the code that wrote it.
func publicKeysFromJWKS(t *testing.T, doc []byte) map[string]*rsa.PublicKey {
	t.Helper()
	var set struct {
		Keys []struct {
			Alg, E, KID, Kty, N, Use string
		} `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatal(err)
	}
	out := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" {
			t.Fatalf("unexpected key %+v", k)
		}
		n, err := base64.RawURLEncoding.DecodeString(k.N)
		if err != nil {
			t.Fatal(err)
		}
		e, err := base64.RawURLEncoding.DecodeString(k.E)
		if err != nil {
			t.Fatal(err)
		}
		out[k.KID] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return out
}

// Tokens verify with golang-jwt using only the keys published in our JWKS.
func TestInteropGolangJWT(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.KeyBits = 2048; o.Rand = rand.Reader })
	ctx := context.Background()
	in := basicInput()
	in.Groups = []store.Group{{Name: "admins", Precedence: prec(0), RoleArn: roleA}}
	in.Attributes = map[string]string{"email": "a@example.com", "email_verified": "true"}
	id, access, err := e.is.IssuePair(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := e.is.JWKS(ctx, testPool)
	if err != nil {
		t.Fatal(err)
	}
	keys := publicKeysFromJWKS(t, doc)
	if len(keys) != 2 {
		t.Fatalf("%d keys in JWKS", len(keys))
	}
	for _, k := range keys {
		if k.N.BitLen() != 2048 || k.E != 65537 {
			t.Errorf("key size %d, e %d", k.N.BitLen(), k.E)
		}
	}
	keyfunc := func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		if k, ok := keys[kid]; ok {
			return k, nil
		}
		return nil, errors.New("unknown kid")
	}
	iss := e.is.IssuerURL(testPool)
	opts := func(now time.Time) []jwt.ParserOption {
		return []jwt.ParserOption{
			jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(iss), jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(), jwt.WithStrictDecoding(), jwt.WithTimeFunc(func() time.Time { return now }),
		}
	}

	tok, err := jwt.Parse(id, keyfunc, append(opts(t0), jwt.WithAudience(testClient))...)
	if err != nil {
		t.Fatalf("golang-jwt rejects our ID token: %v", err)
	}
	c := tok.Claims.(jwt.MapClaims)
	if c["token_use"] != "id" || c["cognito:username"] != testUser || c["email_verified"] != true ||
		c["cognito:preferred_role"] != roleA || tok.Header["typ"] != nil || tok.Header["alg"] != "RS256" {
		t.Errorf("ID token as golang-jwt sees it: header %v claims %v", tok.Header, c)
	}
	tok, err = jwt.Parse(access, keyfunc, opts(t0)...)
	if err != nil {
		t.Fatalf("golang-jwt rejects our access token: %v", err)
	}
	c = tok.Claims.(jwt.MapClaims)
	if c["token_use"] != "access" || c["client_id"] != testClient || c["scope"] != DefaultScope || c["aud"] != nil {
		t.Errorf("access token as golang-jwt sees it: %v", c)
	}
	if exp, _ := c.GetExpirationTime(); exp == nil || !exp.Equal(t0.Add(time.Hour)) {
		t.Errorf("exp %v", exp)
	}
	// The same library agrees on expiry.
	if _, err := jwt.Parse(access, keyfunc, opts(t0.Add(time.Hour))...); !errors.Is(err, jwt.ErrTokenExpired) {
		t.Errorf("golang-jwt on an expired token: %v", err)
	}

	// go-jose reads the same document as a JSON Web Key Set.
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatal(err)
	}
	for kid, pub := range keys {
		ks := set.Key(kid)
		if len(ks) != 1 || !ks[0].Valid() || !ks[0].IsPublic() || ks[0].Use != "sig" || ks[0].Algorithm != "RS256" {
			t.Fatalf("go-jose key %q: %+v", kid, ks)
		}
		if !pub.Equal(ks[0].Key) {
			t.Errorf("go-jose and hand decoding disagree on %q", kid)
		}
	}

	// The other direction: a token golang-jwt signs with our access key
	// (its header has alg, kid and typ) passes our Verify.
	pk, err := e.is.keySet(ctx, testPool)
	if err != nil {
		t.Fatal(err)
	}
	k := pk.signer(UseAccess, t0)
	mc := jwt.MapClaims{"sub": testSub, "iss": iss, "client_id": testClient, "token_use": "access",
		"scope": DefaultScope, "username": testUser, "exp": t0.Add(time.Minute).Unix(), "iat": t0.Unix()}
	jt := jwt.NewWithClaims(jwt.SigningMethodRS256, mc)
	jt.Header["kid"] = k.kid
	s, err := jt.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.is.Verify(ctx, testPool, s, UseAccess); err != nil {
		t.Errorf("our Verify rejects a golang-jwt RS256 token: %v", err)
	}
	// ... while its HS256 token keyed with the published modulus does not.
	jt = jwt.NewWithClaims(jwt.SigningMethodHS256, mc)
	jt.Header["kid"] = k.kid
	s, err = jt.SignedString(k.priv.PublicKey.N.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.is.Verify(ctx, testPool, s, UseAccess); !errors.Is(err, ErrInvalid) {
		t.Errorf("HS256 token: %v", err)
	}
}
