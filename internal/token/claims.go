package token

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"userpool/internal/store"
)

// GroupClaims computes cognito:groups, cognito:roles and
// cognito:preferred_role from the user's groups.
//
//   - names: every group, ordered by precedence ascending (groups without a
//     precedence last), then by name. Cognito does not document the order;
//     this one makes cognito:groups[0] the highest-priority group, which some
//     applications assume.
//   - roles: the distinct non-empty RoleArns, in the same order.
//   - preferredRole: among groups with a RoleArn, those with the lowest
//     precedence (0 is the highest priority; any number beats no precedence);
//     if they all carry the same ARN it is the preferred role, otherwise
//     (a tie between different roles) there is none. When no group with a
//     role has a precedence, the groups without one form the best class and
//     the same rule applies: exactly one distinct ARN is preferred, several
//     are a tie (Cognito leaves this case undocumented).
//
// Empty results are nil / "": callers omit the claims.
func GroupClaims(groups []store.Group) (names []string, roles []string, preferredRole string) {
	if len(groups) == 0 {
		return nil, nil, ""
	}
	gs := append([]store.Group(nil), groups...)
	sort.SliceStable(gs, func(i, j int) bool {
		if c := comparePrecedence(gs[i].Precedence, gs[j].Precedence); c != 0 {
			return c < 0
		}
		return gs[i].Name < gs[j].Name
	})
	seenRole := map[string]bool{}
	var best *store.Group // first group with a role in that order: the best class
	ambiguous := false
	for i := range gs {
		g := &gs[i]
		names = append(names, g.Name)
		if g.RoleArn == "" {
			continue
		}
		if !seenRole[g.RoleArn] {
			seenRole[g.RoleArn] = true
			roles = append(roles, g.RoleArn)
		}
		switch {
		case best == nil:
			best = g
		case comparePrecedence(best.Precedence, g.Precedence) == 0 && best.RoleArn != g.RoleArn:
			ambiguous = true
		}
	}
	if best != nil && !ambiguous {
		preferredRole = best.RoleArn
	}
	return names, roles, preferredRole
}

// comparePrecedence orders precedences ascending with nil last.
func comparePrecedence(a, b *int64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	case *a < *b:
		return -1
	case *a > *b:
		return 1
	}
	return 0
}

// IssueInput describes one authentication's token pair.
type IssueInput struct {
	PoolID   string
	ClientID string
	Sub      string
	// Username is the internal username (cognito:username / username).
	Username string
	// Attributes are the user attributes the client may read; they go into
	// the ID token. email_verified and phone_number_verified become JSON
	// booleans, everything else a string. "sub", dev:custom:* and names of
	// reserved claims are never copied. "identities" is emitted as JSON when
	// it holds a JSON array.
	Attributes map[string]string
	Groups     []store.Group
	// AuthTime is when the user authenticated (kept across refreshes);
	// zero means now.
	AuthTime time.Time
	// OriginJTI is the jti of the refresh token the pair belongs to; the
	// claim is omitted when empty.
	OriginJTI string
	// EventID identifies the authentication event; a new UUID when empty.
	EventID string
	// DeviceKey goes into the access token when set.
	DeviceKey string
	// Scope of the access token; DefaultScope when empty.
	Scope string
	// Token lifetimes; DefaultValidity (1h) when zero.
	IDValidity     time.Duration
	AccessValidity time.Duration
	// Nonce, when set, is copied into the ID token's nonce claim (the
	// nonce of an OAuth authorization request).
	Nonce string
	// AtHash adds at_hash (the left half of SHA-256 of the access token,
	// base64url) to the ID token, as Cognito does for tokens issued by its
	// OAuth endpoints (not for API sign-ins).
	AtHash bool
	// IDClaims and AccessClaims customize the tokens (a PreTokenGeneration
	// trigger); GroupOverride replaces the group claims (customize.go).
	IDClaims      *ClaimOverrides
	AccessClaims  *ClaimOverrides
	GroupOverride *GroupOverride
}

// reservedClaims are never overwritten by attributes.
var reservedClaims = map[string]bool{
	"sub": true, "aud": true, "iss": true, "exp": true, "iat": true, "nbf": true,
	"jti": true, "auth_time": true, "token_use": true, "origin_jti": true,
	"event_id": true, "nonce": true, "at_hash": true, "client_id": true,
	"scope": true, "username": true, "device_key": true, "version": true,
}

// member is one claim of an ordered JSON object.
type member struct {
	k string
	v any
}

// IssuePair signs an ID token and an access token with exactly the claims
// Cognito puts in them (see doc.go). The pool's keys are created if missing.
func (is *Issuer) IssuePair(ctx context.Context, in IssueInput) (idToken, accessToken string, err error) {
	if in.PoolID == "" || in.ClientID == "" || in.Sub == "" || in.Username == "" {
		return "", "", errors.New("token: IssuePair needs PoolID, ClientID, Sub and Username")
	}
	idValidity, err := validity(in.IDValidity)
	if err != nil {
		return "", "", err
	}
	accessValidity, err := validity(in.AccessValidity)
	if err != nil {
		return "", "", err
	}
	idKey, accessKey, err := is.signingKeys(ctx, in.PoolID)
	if err != nil {
		return "", "", err
	}
	ids, err := is.uuids(3)
	if err != nil {
		return "", "", err
	}
	eventID := in.EventID
	if eventID == "" {
		eventID = ids[2]
	}

	now := is.now()
	iat := now.Unix()
	authTime := iat
	if !in.AuthTime.IsZero() {
		authTime = in.AuthTime.Unix()
	}
	iss := is.opts.IssuerURL(in.PoolID)
	groups, roles, preferred := groupClaims(in)

	// ID token, claims in the order of Cognito's documented example.
	idc := make([]member, 0, 16+len(in.Attributes))
	idc = append(idc, member{"sub", in.Sub})
	if len(groups) > 0 {
		idc = append(idc, member{"cognito:groups", groups})
	}
	if preferred != "" {
		idc = append(idc, member{"cognito:preferred_role", preferred})
	}
	if len(roles) > 0 {
		idc = append(idc, member{"cognito:roles", roles})
	}
	idc = append(idc, member{"iss", iss}, member{"cognito:username", in.Username})
	if in.OriginJTI != "" {
		idc = append(idc, member{"origin_jti", in.OriginJTI})
	}
	idc = append(idc,
		member{"aud", in.ClientID},
		member{"event_id", eventID},
		member{"token_use", UseID},
		member{"auth_time", authTime},
		member{"exp", iat + int64(idValidity/time.Second)},
		member{"iat", iat},
		member{"jti", ids[0]},
	)
	idc = appendAttributes(idc, in.Attributes)
	if in.Nonce != "" {
		idc = append(idc, member{"nonce", in.Nonce})
	}

	// Access token, claims in the order of Cognito's documented example.
	scope := in.Scope
	if scope == "" {
		scope = DefaultScope
	}
	ac := make([]member, 0, 16)
	ac = append(ac, member{"sub", in.Sub})
	if in.DeviceKey != "" {
		ac = append(ac, member{"device_key", in.DeviceKey})
	}
	if len(groups) > 0 {
		ac = append(ac, member{"cognito:groups", groups})
	}
	ac = append(ac, member{"iss", iss}, member{"version", 2}, member{"client_id", in.ClientID})
	if in.OriginJTI != "" {
		ac = append(ac, member{"origin_jti", in.OriginJTI})
	}
	ac = append(ac,
		member{"event_id", eventID},
		member{"token_use", UseAccess},
		member{"scope", scope},
		member{"auth_time", authTime},
		member{"exp", iat + int64(accessValidity/time.Second)},
		member{"iat", iat},
		member{"jti", ids[1]},
		member{"username", in.Username},
	)

	ac = applyOverrides(ac, in.AccessClaims, true)
	accessPayload, err := encodeObject(ac)
	if err != nil {
		return "", "", err
	}
	if accessToken, err = sign(accessKey, accessPayload); err != nil {
		return "", "", err
	}
	if in.AtHash {
		sum := sha256.Sum256([]byte(accessToken))
		idc = append(idc, member{"at_hash", base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])})
	}
	idc = applyOverrides(idc, in.IDClaims, false)
	idPayload, err := encodeObject(idc)
	if err != nil {
		return "", "", err
	}
	if idToken, err = sign(idKey, idPayload); err != nil {
		return "", "", err
	}
	return idToken, accessToken, nil
}

// IssueClientAccess signs the access token of the client_credentials grant:
// no user, so sub is the client id, and no ID or refresh token. Claims in
// the order Cognito's machine-to-machine tokens carry them: sub, token_use,
// scope, auth_time, iss, exp, iat, version, jti, client_id.
func (is *Issuer) IssueClientAccess(ctx context.Context, poolID, clientID, scope string, d time.Duration) (string, error) {
	return is.IssueClientAccessCustom(ctx, poolID, clientID, scope, d, nil)
}

// IssueClientAccessCustom is IssueClientAccess with the claims a
// PreTokenGeneration V3_0 trigger adds or suppresses.
func (is *Issuer) IssueClientAccessCustom(ctx context.Context, poolID, clientID, scope string, d time.Duration, o *ClaimOverrides) (string, error) {
	if poolID == "" || clientID == "" {
		return "", errors.New("token: IssueClientAccess needs PoolID and ClientID")
	}
	v, err := validity(d)
	if err != nil {
		return "", err
	}
	_, accessKey, err := is.signingKeys(ctx, poolID)
	if err != nil {
		return "", err
	}
	ids, err := is.uuids(1)
	if err != nil {
		return "", err
	}
	iat := is.now().Unix()
	payload, err := encodeObject(applyOverrides([]member{
		{"sub", clientID},
		{"token_use", UseAccess},
		{"scope", scope},
		{"auth_time", iat},
		{"iss", is.opts.IssuerURL(poolID)},
		{"exp", iat + int64(v/time.Second)},
		{"iat", iat},
		{"version", 2},
		{"jti", ids[0]},
		{"client_id", clientID},
	}, o, true))
	if err != nil {
		return "", err
	}
	return sign(accessKey, payload)
}

func validity(d time.Duration) (time.Duration, error) {
	switch {
	case d == 0:
		return DefaultValidity, nil
	case d < time.Second:
		return 0, fmt.Errorf("token: validity %v shorter than a second", d)
	}
	return d, nil
}

// signingKeys returns the pool's current ID and access keys, creating them
// when missing.
func (is *Issuer) signingKeys(ctx context.Context, poolID string) (idKey, accessKey *key, err error) {
	for attempt := 0; ; attempt++ {
		pk, err := is.keySet(ctx, poolID)
		if err != nil {
			return nil, nil, err
		}
		now := is.now()
		idKey, accessKey = pk.signer(UseID, now), pk.signer(UseAccess, now)
		if idKey != nil && accessKey != nil {
			return idKey, accessKey, nil
		}
		if attempt > 0 {
			return nil, nil, fmt.Errorf("token: pool %q has no signing keys", poolID)
		}
		if err := is.EnsureKeys(ctx, poolID); err != nil {
			return nil, nil, err
		}
	}
}

func (is *Issuer) uuids(n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		u, err := uuid.NewRandomFromReader(lockedRand{is})
		if err != nil {
			return nil, fmt.Errorf("token: random jti: %w", err)
		}
		out[i] = u.String()
	}
	return out, nil
}

func appendAttributes(ms []member, attrs map[string]string) []member {
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		if reservedClaims[name] || strings.HasPrefix(name, "cognito:") || strings.HasPrefix(name, "dev:") {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := attrs[name]
		switch name {
		case "email_verified", "phone_number_verified":
			ms = append(ms, member{name, strings.EqualFold(v, "true")})
		case "identities":
			var arr []json.RawMessage
			if json.Unmarshal([]byte(v), &arr) == nil {
				ms = append(ms, member{name, json.RawMessage(v)})
			}
		default:
			ms = append(ms, member{name, v})
		}
	}
	return ms
}

// encodeObject writes members as a JSON object in their order, without
// HTML escaping.
func encodeObject(ms []member) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(m.k); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		if err := enc.Encode(m.v); err != nil {
			return nil, fmt.Errorf("token: encode claim %q: %w", m.k, err)
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// sign produces a JWS compact RS256 token with Cognito's exact header,
// {"kid":"…","alg":"RS256"} (kid first, no typ).
func sign(k *key, payload []byte) (string, error) {
	kid, err := json.Marshal(k.kid)
	if err != nil {
		return "", err
	}
	header := `{"kid":` + string(kid) + `,"alg":"RS256"}`
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, enc.EncodedLen(len(header))+1+enc.EncodedLen(len(payload))+1+enc.EncodedLen(k.priv.Size()))
	buf = enc.AppendEncode(buf, []byte(header))
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)
	sum := sha256.Sum256(buf)
	sig, err := rsa.SignPKCS1v15(nil, k.priv, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("token: sign: %w", err)
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}
