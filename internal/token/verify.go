package token

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Claims are the verified claims of an ID or access token.
type Claims struct {
	Issuer   string
	Sub      string
	TokenUse string // "id" or "access"
	// Username: cognito:username of an ID token, username of an access token.
	Username string
	// ClientID: client_id of an access token, aud of an ID token.
	ClientID string
	// Aud: the aud claim (ID tokens only).
	Aud       string
	Scope     string // access tokens only
	JTI       string
	OriginJTI string
	EventID   string
	DeviceKey string
	AuthTime  time.Time
	IssuedAt  time.Time
	Expiry    time.Time
	Groups    []string
	// Raw is every claim as decoded JSON (numbers are json.Number).
	Raw map[string]any
}

// HasScope reports whether the space-separated scope claim contains s.
func (c Claims) HasScope(s string) bool {
	for _, f := range strings.Fields(c.Scope) {
		if f == s {
			return true
		}
	}
	return false
}

// maxTokenLen bounds the input Verify looks at.
const maxTokenLen = 64 << 10

var allowedAlgs = []jose.SignatureAlgorithm{jose.RS256}

// Verify checks a token of the pool: JWS compact form, alg RS256 only, a kid
// of this pool's keys for that use, a valid signature, iss equal to the
// pool's issuer, token_use equal to use ("id" or "access"), and exp not past
// (with Options.Leeway). It returns ErrExpired when only exp fails and
// ErrInvalid (wrapped with a reason) for anything else wrong with the token;
// other errors come from the store. With ErrExpired the decoded claims are
// returned as well. Revocation is not checked here. A token already
// accepted is not parsed and verified again (see verifiedCache); the
// returned Claims' Raw map is shared and must not be modified.
func (is *Issuer) Verify(ctx context.Context, poolID, raw string, use string) (Claims, error) {
	if use != UseID && use != UseAccess {
		return Claims{}, fmt.Errorf("%w: unknown token use %q", ErrInvalid, use)
	}
	if raw == "" || len(raw) > maxTokenLen {
		return Claims{}, fmt.Errorf("%w: empty or oversized token", ErrInvalid)
	}
	tk := tokenKey(raw)
	if v := is.verified.get(tk); v != nil && v.poolID == poolID && v.use == use {
		pk, err := is.keySet(ctx, poolID)
		if err != nil {
			return Claims{}, err
		}
		now := is.now()
		if k := pk.byKID[v.kid]; k != nil && k.published(now) && k.use == use {
			c := v.claimsCopy()
			if !now.Before(c.Expiry.Add(is.opts.Leeway)) {
				is.verified.drop(tk)
				return c, ErrExpired
			}
			return c, nil
		}
		is.verified.drop(tk) // its key is gone: verify from scratch (and fail)
	}
	is.parsed.Add(1)
	jws, err := jose.ParseSignedCompact(raw, allowedAlgs)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(jws.Signatures) != 1 {
		return Claims{}, fmt.Errorf("%w: expected one signature", ErrInvalid)
	}
	kid := jws.Signatures[0].Header.KeyID
	if kid == "" {
		return Claims{}, fmt.Errorf("%w: no kid", ErrInvalid)
	}

	pk, err := is.keySet(ctx, poolID)
	if err != nil {
		return Claims{}, err
	}
	k := pk.byKID[kid]
	if k == nil {
		// Possibly a key another instance just created.
		if pk, err = is.refreshForKID(ctx, poolID, pk); err != nil {
			return Claims{}, err
		}
		k = pk.byKID[kid]
	}
	now := is.now()
	if k == nil || !k.published(now) {
		return Claims{}, fmt.Errorf("%w: unknown kid", ErrInvalid)
	}
	if k.use != use {
		return Claims{}, fmt.Errorf("%w: kid is not a %s-token key", ErrInvalid, use)
	}
	payload, err := jws.Verify(&k.priv.PublicKey)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}

	c, err := decodeClaims(payload)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if !is.types.accepts(poolID, c.Issuer) {
		return Claims{}, fmt.Errorf("%w: wrong issuer", ErrInvalid)
	}
	if c.TokenUse != use {
		return Claims{}, fmt.Errorf("%w: token_use %q, want %q", ErrInvalid, c.TokenUse, use)
	}
	if c.Sub == "" || c.Username == "" || c.ClientID == "" {
		return Claims{}, fmt.Errorf("%w: missing sub, username or client", ErrInvalid)
	}
	if !now.Before(c.Expiry.Add(is.opts.Leeway)) {
		return c, ErrExpired
	}
	is.verified.put(tk, &verifiedToken{poolID: poolID, use: use, kid: kid, claims: c}, now)
	return (&verifiedToken{claims: c}).claimsCopy(), nil
}

func decodeClaims(payload []byte) (Claims, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return Claims{}, fmt.Errorf("payload: %v", err)
	}
	if dec.More() {
		return Claims{}, fmt.Errorf("payload: trailing data")
	}
	if m == nil {
		return Claims{}, fmt.Errorf("payload is not an object")
	}
	c := Claims{Raw: m}
	var err error
	str := func(name string) string {
		v, ok := m[name]
		if !ok {
			return ""
		}
		s, isStr := v.(string)
		if !isStr && err == nil {
			err = fmt.Errorf("claim %s is not a string", name)
		}
		return s
	}
	num := func(name string, required bool) time.Time {
		v, ok := m[name]
		if !ok {
			if required && err == nil {
				err = fmt.Errorf("claim %s missing", name)
			}
			return time.Time{}
		}
		n, isNum := v.(json.Number)
		var i int64
		if isNum {
			var perr error
			i, perr = n.Int64()
			isNum = perr == nil
		}
		if !isNum {
			if err == nil {
				err = fmt.Errorf("claim %s is not an integer", name)
			}
			return time.Time{}
		}
		return time.Unix(i, 0).UTC()
	}
	c.Issuer = str("iss")
	c.Sub = str("sub")
	c.TokenUse = str("token_use")
	c.JTI = str("jti")
	c.OriginJTI = str("origin_jti")
	c.EventID = str("event_id")
	c.DeviceKey = str("device_key")
	c.Scope = str("scope")
	switch c.TokenUse {
	case UseID:
		c.Username = str("cognito:username")
		c.Aud = str("aud")
		c.ClientID = c.Aud
	case UseAccess:
		c.Username = str("username")
		c.ClientID = str("client_id")
	}
	c.Expiry = num("exp", true)
	c.IssuedAt = num("iat", true)
	c.AuthTime = num("auth_time", false)
	if v, ok := m["cognito:groups"]; ok {
		arr, isArr := v.([]any)
		if !isArr && err == nil {
			err = fmt.Errorf("claim cognito:groups is not an array")
		}
		for _, g := range arr {
			s, isStr := g.(string)
			if !isStr && err == nil {
				err = fmt.Errorf("claim cognito:groups has a non-string")
			}
			c.Groups = append(c.Groups, s)
		}
	}
	return c, err
}
