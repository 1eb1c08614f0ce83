package userpool

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"

	"userpool/internal/store"
	"userpool/internal/token"
)

// verifiedLogin is one login of a Logins map, verified.
type verifiedLogin struct {
	provider string // the key identities store (canonical for user pools)
	subject  string
	// For user-pool logins: the ID token's claims and the user.
	claims     *token.Claims
	userPoolID string
	user       store.User
	mappingKey string // key of RoleMappings: "<provider>:<client id>"
}

// VerifyIDToken verifies a user pool's ID token (signature, issuer, use,
// expiry) and that its user still exists, is enabled and was not signed
// out since. It is the ID-token counterpart of AuthenticateAccessToken.
func (s *Service) VerifyIDToken(ctx context.Context, poolID, raw string) (token.Claims, store.User, error) {
	if s.tokens == nil {
		return token.Claims{}, store.User{}, Internal(ErrNoTokenIssuer)
	}
	p, err := s.GetPool(ctx, poolID)
	if KindOf(err) == KindResourceNotFound {
		return token.Claims{}, store.User{}, errUnsupportedProvider()
	}
	if err != nil {
		return token.Claims{}, store.User{}, err
	}
	c, err := s.tokens.Verify(ctx, p.ID, raw, token.UseID)
	switch {
	case err == nil:
	case errors.Is(err, token.ErrExpired):
		return c, store.User{}, Errorf(KindNotAuthorized, "Invalid login token. Token expired: %d >= %d", s.now().Unix(), c.Expiry.Unix())
	case errors.Is(err, token.ErrInvalid):
		return c, store.User{}, Errorf(KindNotAuthorized, "Invalid login token. Not a valid OpenId Connect identity token.")
	default:
		return c, store.User{}, Internal(err)
	}
	u, err := s.store.GetUser(ctx, p.ID, p.UsernameKey(c.Username))
	if errors.Is(err, store.ErrNotFound) || err == nil && u.Sub != c.Sub {
		return c, u, Errorf(KindNotAuthorized, "Invalid login token. User does not exist.")
	}
	if err != nil {
		return c, u, Internal(err)
	}
	if !u.Enabled {
		return c, u, Errorf(KindNotAuthorized, "Invalid login token. User is disabled.")
	}
	if !u.TokensValidAfter.IsZero() && c.IssuedAt.Before(u.TokensValidAfter.Truncate(time.Second)) {
		return c, u, Errorf(KindNotAuthorized, "Invalid login token. Token has been revoked.")
	}
	return c, u, nil
}

// verifyLogins checks every login of a Logins map against the pool.
func (s *Service) verifyLogins(ctx context.Context, b identityPoolBody, logins map[string]string) ([]verifiedLogin, error) {
	out := make([]verifiedLogin, 0, len(logins))
	for key, tok := range logins {
		if key == DeveloperLoginsKey {
			sub, err := s.verifyOwnToken(ctx, b, tok)
			if err != nil {
				return nil, err
			}
			out = append(out, verifiedLogin{provider: DeveloperLoginsKey, subject: sub})
			continue
		}
		userPoolID, ok := userPoolOfProvider(key)
		if !ok {
			return nil, errUnsupportedProvider()
		}
		var matching []CognitoIdentityProvider
		for _, c := range b.Pool.CognitoIdentityProviders {
			if id, _ := userPoolOfProvider(c.ProviderName); id == userPoolID {
				matching = append(matching, c)
			}
		}
		if len(matching) == 0 || !s.providerKeyOK(key, userPoolID) {
			return nil, errUnsupportedProvider()
		}
		c, u, err := s.VerifyIDToken(ctx, userPoolID, tok)
		if err != nil {
			return nil, err
		}
		clientOK := false
		for _, m := range matching {
			clientOK = clientOK || m.ClientId == c.Aud
		}
		if !clientOK {
			return nil, errUnsupportedProvider()
		}
		out = append(out, verifiedLogin{provider: canonicalProvider(userPoolID), subject: c.Sub, claims: &c,
			userPoolID: userPoolID, user: u, mappingKey: key + ":" + c.Aud})
	}
	return out, nil
}

// providerKeyOK: a user pool's Logins key is Cognito's form or the
// server's own issuer of that pool without its scheme.
func (s *Service) providerKeyOK(key, userPoolID string) bool {
	if key == canonicalProvider(userPoolID) {
		return true
	}
	if s.tokens == nil {
		return false
	}
	iss := s.tokens.IssuerURL(userPoolID)
	if i := strings.Index(iss, "://"); i >= 0 {
		iss = iss[i+3:]
	}
	return key == iss
}

// GetId returns the identity of the logins (creating it), or a new
// unauthenticated identity when there are none.
func (s *Service) GetId(ctx context.Context, poolID string, logins map[string]string) (string, error) {
	_, b, err := s.loadIdentityPool(ctx, poolID)
	if err != nil {
		return "", err
	}
	if len(logins) == 0 && !b.Pool.AllowUnauthenticatedIdentities {
		return "", Errorf(KindNotAuthorized, "Unauthenticated access is not supported for this identity pool.")
	}
	vl, err := s.verifyLogins(ctx, b, logins)
	if err != nil {
		return "", err
	}
	i, err := s.identityFor(ctx, poolID, vl)
	if err != nil {
		return "", err
	}
	return i.ID, nil
}

// identityFor finds the identity linked to one of the logins, linking the
// others to it, or creates one.
func (s *Service) identityFor(ctx context.Context, poolID string, vl []verifiedLogin) (store.Identity, error) {
	for attempt := 0; attempt < 3; attempt++ {
		var found *store.Identity
		for _, l := range vl {
			i, err := s.store.GetIdentityByLogin(ctx, poolID, l.provider, l.subject)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return store.Identity{}, Internal(err)
			}
			if found != nil && found.ID != i.ID {
				return store.Identity{}, Errorf(KindResourceConflict, "Logins belong to different identities.")
			}
			found = &i
		}
		now := s.nowUTC()
		if found != nil {
			missing := false
			for _, l := range vl {
				missing = missing || found.Logins[l.provider] != l.subject
			}
			if !missing {
				return *found, nil
			}
			i, err := s.store.UpdateIdentity(ctx, found.ID, func(x *store.Identity) error {
				for _, l := range vl {
					if cur, ok := x.Logins[l.provider]; ok && cur != l.subject {
						return Errorf(KindResourceConflict, "A login of this provider is already linked to the identity.")
					}
					x.Logins[l.provider] = l.subject
				}
				x.UpdatedAt = now
				return nil
			})
			if errors.Is(err, store.ErrAlreadyExists) {
				continue // raced: look again
			}
			if err != nil {
				return store.Identity{}, identityErr(err, found.ID)
			}
			return i, nil
		}
		u, err := uuid.NewRandomFromReader(s.rand)
		if err != nil {
			return store.Identity{}, Internal(err)
		}
		region, _, _ := strings.Cut(poolID, ":")
		i := store.Identity{ID: region + ":" + u.String(), PoolID: poolID, Logins: map[string]string{}, CreatedAt: now, UpdatedAt: now}
		for _, l := range vl {
			i.Logins[l.provider] = l.subject
		}
		err = s.store.CreateIdentity(ctx, i)
		if errors.Is(err, store.ErrAlreadyExists) {
			continue // another call created it for the same login
		}
		if errors.Is(err, store.ErrNotFound) {
			return store.Identity{}, errIdentityPoolNotFound(poolID)
		}
		if err != nil {
			return store.Identity{}, Internal(err)
		}
		return i, nil
	}
	return store.Identity{}, Errorf(KindResourceConflict, "The identity changed during the call; retry.")
}

func identityErr(err error, id string) error {
	if err == nil {
		return nil
	}
	var de *Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.Is(err, store.ErrNotFound):
		return errIdentityNotFound(id)
	}
	return Internal(err)
}

// identityWithLogins loads an identity and checks the logins presented for
// it: an identity with logins needs at least one of them, all verified and
// linked (new ones are linked); an unauthenticated identity presents none.
func (s *Service) identityWithLogins(ctx context.Context, identityID string, logins map[string]string) (store.Identity, identityPoolBody, []verifiedLogin, error) {
	i, err := s.getIdentity(ctx, identityID)
	if err != nil {
		return i, identityPoolBody{}, nil, err
	}
	_, b, err := s.loadIdentityPool(ctx, i.PoolID)
	if err != nil {
		return i, b, nil, err
	}
	if len(logins) == 0 {
		if len(i.Logins) > 0 {
			return i, b, nil, Errorf(KindNotAuthorized, "Logins don't match. Please include at least one valid login for this identity or identity pool.")
		}
		if !b.Pool.AllowUnauthenticatedIdentities {
			return i, b, nil, Errorf(KindNotAuthorized, "Unauthenticated access is not supported for this identity pool.")
		}
		return i, b, nil, nil
	}
	vl, err := s.verifyLogins(ctx, b, logins)
	if err != nil {
		return i, b, nil, err
	}
	linked := false
	for _, l := range vl {
		linked = linked || i.Logins[l.provider] == l.subject
	}
	if !linked && len(i.Logins) > 0 {
		return i, b, nil, Errorf(KindNotAuthorized, "Logins don't match. Please include at least one valid login for this identity or identity pool.")
	}
	got, err := s.identityFor(ctx, i.PoolID, vl)
	if err != nil {
		return i, b, nil, err
	}
	if got.ID != i.ID {
		// The logins belong to another identity (AWS would merge them).
		return i, b, nil, Errorf(KindResourceConflict, "The logins are linked to another identity.")
	}
	return got, b, vl, nil
}

// ---------------------------------------------------------------- roles

// resolveRole picks the role ARN of a GetCredentialsForIdentity call.
func resolveRole(b identityPoolBody, vl []verifiedLogin, customRoleArn string) (string, error) {
	if len(vl) == 0 {
		if arn := b.Roles["unauthenticated"]; arn != "" {
			return arn, nil
		}
		return "", errInvalidPoolConfig()
	}
	authenticated := func() (string, error) {
		if arn := b.Roles["authenticated"]; arn != "" {
			return arn, nil
		}
		return "", errInvalidPoolConfig()
	}
	for _, l := range vl {
		if l.claims == nil {
			continue
		}
		m, ok := b.RoleMappings[l.mappingKey]
		if !ok {
			m, ok = b.RoleMappings[canonicalProvider(l.userPoolID)+":"+l.claims.Aud]
		}
		if !ok {
			continue
		}
		ambiguous := func() (string, error) {
			if m.AmbiguousRoleResolution == "AuthenticatedRole" {
				return authenticated()
			}
			return "", errInvalidPoolConfig()
		}
		switch m.Type {
		case "Token":
			roles := claimStrings(l.claims.Raw["cognito:roles"])
			if customRoleArn != "" {
				for _, r := range roles {
					if r == customRoleArn {
						return r, nil
					}
				}
				return "", errInvalidPoolConfig()
			}
			if p, _ := l.claims.Raw["cognito:preferred_role"].(string); p != "" {
				return p, nil
			}
			if len(roles) == 1 {
				return roles[0], nil
			}
			return ambiguous()
		case "Rules":
			if m.RulesConfiguration != nil {
				for _, r := range m.RulesConfiguration.Rules {
					if ruleMatches(r, l.claims.Raw[r.Claim]) {
						return r.RoleARN, nil
					}
				}
			}
			return ambiguous()
		}
	}
	return authenticated()
}

// claimStrings reads a claim that is a string or a list of strings.
func claimStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return strings.Split(x, ",")
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// ruleMatches evaluates a mapping rule on a claim. A missing claim matches
// nothing (NotEqual included); a list claim (cognito:groups) matches when
// one of its values does (NotEqual: when none equals).
func ruleMatches(r MappingRule, claim any) bool {
	if claim == nil {
		return false
	}
	var vals []string
	switch x := claim.(type) {
	case []any:
		vals = claimStrings(x)
	case string:
		vals = []string{x}
	case bool:
		vals = []string{map[bool]string{true: "true", false: "false"}[x]}
	case json.Number:
		vals = []string{x.String()}
	default:
		return false
	}
	if r.MatchType == "NotEqual" {
		for _, v := range vals {
			if v == r.Value {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		switch r.MatchType {
		case "Equals":
			if v == r.Value {
				return true
			}
		case "Contains":
			if strings.Contains(v, r.Value) {
				return true
			}
		case "StartsWith":
			if strings.HasPrefix(v, r.Value) {
				return true
			}
		}
	}
	return false
}

// GetCredentialsForIdentity issues temporary credentials of the role the
// identity's logins select.
func (s *Service) GetCredentialsForIdentity(ctx context.Context, identityID string, logins map[string]string, customRoleArn string) (TemporaryCredentials, error) {
	i, b, vl, err := s.identityWithLogins(ctx, identityID, logins)
	if err != nil {
		return TemporaryCredentials{}, err
	}
	arn, err := resolveRole(b, vl, customRoleArn)
	if err != nil {
		return TemporaryCredentials{}, err
	}
	o := s.identity.opts
	if o.SealSessionSecret == nil || o.NewSessionCredential == nil || o.TokenHash == nil {
		return TemporaryCredentials{}, Internal(errors.New("userpool: identity options not configured (SetIdentityOptions)"))
	}
	role := s.roleName(ctx, arn)
	id, secret, tok := o.NewSessionCredential()
	sealed, err := o.SealSessionSecret(id, secret)
	if err != nil {
		return TemporaryCredentials{}, Internal(err)
	}
	now := s.nowUTC()
	sc := store.SessionCredential{AccessKeyID: id, SecretCiphertext: sealed, TokenHash: o.TokenHash(tok), RoleName: role,
		IdentityPoolID: i.PoolID, IdentityID: i.ID, CreatedAt: now, ExpiresAt: now.Add(o.CredentialsDuration).Truncate(time.Second)}
	for _, l := range vl {
		if l.claims != nil {
			sc.UserPoolID, sc.UsernameKey, sc.Username = l.userPoolID, l.user.UsernameKey, l.user.Username
			break
		}
	}
	if err := s.store.CreateSessionCredential(ctx, sc); err != nil {
		return TemporaryCredentials{}, Internal(err)
	}
	return TemporaryCredentials{AccessKeyId: id, SecretKey: secret, SessionToken: tok, Expiration: sc.ExpiresAt}, nil
}

// roleName is the declared role an ARN names (logged once when it names
// none: its credentials then allow nothing).
func (s *Service) roleName(ctx context.Context, arn string) string {
	name := arn
	if rest, ok := strings.CutPrefix(arn, "arn:aws:iam::"+s.acct+":role/"); ok && rest != "" {
		name = rest[strings.LastIndexByte(rest, '/')+1:]
	}
	if _, err := s.store.GetRole(ctx, name); errors.Is(err, store.ErrNotFound) {
		if _, seen := s.identity.warned.LoadOrStore(arn, true); !seen {
			s.log.Warn("role ARN names no declared role: its credentials allow nothing", "role_arn", arn)
		}
	}
	return name
}

// RevokeUserCredentials deletes the temporary credentials of a user-pool
// user (global sign-out; deleting the user deletes them in the store).
func (s *Service) RevokeUserCredentials(ctx context.Context, poolID, usernameKey string) error {
	ids, err := s.store.RevokeUserSessionCredentials(ctx, poolID, usernameKey)
	if err != nil {
		return Internal(err)
	}
	if len(ids) > 0 && s.identity.opts.RevokedCredentials != nil {
		s.identity.opts.RevokedCredentials(ids)
	}
	return nil
}

// PruneSessionCredentials deletes temporary credentials expired for more
// than a day (until then an expired one answers ExpiredTokenException).
func (s *Service) PruneSessionCredentials(ctx context.Context) (int64, error) {
	n, err := s.store.DeleteExpiredSessionCredentials(ctx, s.now().Add(-24*time.Hour))
	if err != nil {
		return 0, Internal(err)
	}
	return n, nil
}

// ---------------------------------------------------------------- OpenID tokens

func (s *Service) identityKey(b identityPoolBody) (*rsa.PrivateKey, error) {
	if k, ok := s.identity.keys.Load(b.Pool.IdentityPoolId); ok {
		return k.(*rsa.PrivateKey), nil
	}
	der, err := base64.StdEncoding.DecodeString(b.Key)
	if err != nil {
		return nil, Internal(err)
	}
	if b.Sealed {
		if s.secrets.sealer == nil {
			return nil, Internal(errors.New("userpool: sealed identity pool key without a sealer"))
		}
		if der, err = s.secrets.sealer.Open(der, identityKeyAD(b.Pool.IdentityPoolId)); err != nil {
			return nil, Internal(err)
		}
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, Internal(err)
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, Internal(errors.New("userpool: identity pool key is not RSA"))
	}
	s.identity.keys.Store(b.Pool.IdentityPoolId, priv)
	return priv, nil
}

// signIdentityToken signs an OpenID token for an identity.
func (s *Service) signIdentityToken(b identityPoolBody, identityID string, amr []string, d time.Duration) (string, error) {
	priv, err := s.identityKey(b)
	if err != nil {
		return "", err
	}
	now := s.now().Unix()
	claims := map[string]any{
		"sub": identityID, "aud": b.Pool.IdentityPoolId, "amr": amr,
		"iss": IdentityTokenIssuer, "exp": now + int64(d/time.Second), "iat": now,
	}
	header, _ := json.Marshal(map[string]string{"kid": b.Kid, "typ": "JWS", "alg": "RS256"})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", Internal(err)
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:])
	if err != nil {
		return "", Internal(err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// verifyOwnToken verifies a token of GetOpenIdTokenForDeveloperIdentity
// (Logins key cognito-identity.amazonaws.com) and returns its subject.
func (s *Service) verifyOwnToken(_ context.Context, b identityPoolBody, raw string) (string, error) {
	bad := Errorf(KindNotAuthorized, "Invalid login token. Not a valid OpenId Connect identity token.")
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", bad
	}
	priv, err := s.identityKey(b)
	if err != nil {
		return "", err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", bad
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return "", bad
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", bad
	}
	var c struct {
		Sub string   `json:"sub"`
		Aud string   `json:"aud"`
		Exp int64    `json:"exp"`
		Amr []string `json:"amr"`
	}
	if json.Unmarshal(payload, &c) != nil || c.Aud != b.Pool.IdentityPoolId || c.Sub == "" {
		return "", bad
	}
	if now := s.now().Unix(); now >= c.Exp {
		return "", Errorf(KindNotAuthorized, "Invalid login token. Token expired: %d >= %d", now, c.Exp)
	}
	// The developer token proves its identity: the subject is the identity
	// id itself (linked under cognito-identity.amazonaws.com).
	return c.Sub, nil
}

// GetOpenIdToken returns an OpenID token for the identity (10 minutes).
func (s *Service) GetOpenIdToken(ctx context.Context, identityID string, logins map[string]string) (string, string, error) {
	i, b, vl, err := s.identityWithLogins(ctx, identityID, logins)
	if err != nil {
		return "", "", err
	}
	amr := []string{"unauthenticated"}
	if len(vl) > 0 {
		amr = []string{"authenticated"}
		for _, l := range vl {
			amr = append(amr, l.provider)
		}
	}
	tok, err := s.signIdentityToken(b, i.ID, amr, 10*time.Minute)
	return i.ID, tok, err
}

// IdentityJWKS is the JWKS of an identity pool's OpenID tokens.
func (s *Service) IdentityJWKS(ctx context.Context, poolID string) ([]byte, error) {
	_, b, err := s.loadIdentityPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	priv, err := s.identityKey(b)
	if err != nil {
		return nil, err
	}
	enc := base64.RawURLEncoding
	e := big.NewInt(int64(priv.PublicKey.E)).Bytes()
	return json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": b.Kid,
		"n": enc.EncodeToString(priv.PublicKey.N.Bytes()), "e": enc.EncodeToString(e),
	}}})
}

// ---------------------------------------------------------------- developer-authenticated identities

func (s *Service) developerPool(ctx context.Context, poolID string) (identityPoolBody, error) {
	_, b, err := s.loadIdentityPool(ctx, poolID)
	if err != nil {
		return b, err
	}
	if b.Pool.DeveloperProviderName == "" {
		return b, Errorf(KindNotAuthorized, "This identity pool has no developer provider.")
	}
	return b, nil
}

// GetOpenIdTokenForDeveloperIdentity registers (or finds) the identity of a
// developer user identifier and returns it with an OpenID token.
func (s *Service) GetOpenIdTokenForDeveloperIdentity(ctx context.Context, poolID, identityID string, logins map[string]string, d time.Duration) (string, string, error) {
	b, err := s.developerPool(ctx, poolID)
	if err != nil {
		return "", "", err
	}
	dev := b.Pool.DeveloperProviderName
	user, ok := logins[dev]
	if !ok || len(logins) != 1 {
		return "", "", Errorf(KindNotAuthorized, "The Logins map must hold exactly the developer provider %s.", dev)
	}
	if d <= 0 {
		d = 15 * time.Minute
	}
	if d > 24*time.Hour {
		return "", "", invalidParam("TokenDuration must be at most 86400 seconds.")
	}
	var i store.Identity
	existing, err := s.store.GetIdentityByLogin(ctx, poolID, dev, user)
	switch {
	case err == nil:
		if identityID != "" && existing.ID != identityID {
			return "", "", Errorf(KindDeveloperUserRegistered, "The developer user identifier is already registered with another identity.")
		}
		i = existing
	case errors.Is(err, store.ErrNotFound):
		if identityID != "" {
			cur, err := s.getIdentity(ctx, identityID)
			if err != nil {
				return "", "", err
			}
			if cur.PoolID != poolID {
				return "", "", errIdentityNotFound(identityID)
			}
			i, err = s.store.UpdateIdentity(ctx, identityID, func(x *store.Identity) error {
				if _, ok := x.Logins[dev]; ok {
					return Errorf(KindResourceConflict, "The identity already has a developer user identifier.")
				}
				x.Logins[dev], x.UpdatedAt = user, s.nowUTC()
				return nil
			})
			if errors.Is(err, store.ErrAlreadyExists) {
				return "", "", Errorf(KindDeveloperUserRegistered, "The developer user identifier is already registered with another identity.")
			}
			if err != nil {
				return "", "", identityErr(err, identityID)
			}
		} else if i, err = s.identityFor(ctx, poolID, []verifiedLogin{{provider: dev, subject: user}}); err != nil {
			return "", "", err
		}
	default:
		return "", "", Internal(err)
	}
	tok, err := s.signIdentityToken(b, i.ID, []string{"authenticated", dev}, d)
	return i.ID, tok, err
}

// LookupDeveloperIdentity finds the identity of a developer user
// identifier, or the developer user identifiers of an identity.
func (s *Service) LookupDeveloperIdentity(ctx context.Context, poolID, identityID, user string) (string, []string, error) {
	b, err := s.developerPool(ctx, poolID)
	if err != nil {
		return "", nil, err
	}
	dev := b.Pool.DeveloperProviderName
	var i store.Identity
	switch {
	case user != "":
		i, err = s.store.GetIdentityByLogin(ctx, poolID, dev, user)
		if errors.Is(err, store.ErrNotFound) {
			return "", nil, Errorf(KindResourceNotFound, "Developer user identifier not found.")
		}
	case identityID != "":
		i, err = s.getIdentity(ctx, identityID)
	default:
		return "", nil, invalidParam("IdentityId or DeveloperUserIdentifier is required.")
	}
	if err != nil {
		return "", nil, identityErr(err, identityID)
	}
	if i.PoolID != poolID || (identityID != "" && i.ID != identityID) {
		return "", nil, errIdentityNotFound(identityID)
	}
	var users []string
	if u, ok := i.Logins[dev]; ok {
		users = append(users, u)
	}
	return i.ID, users, nil
}

// UnlinkDeveloperIdentity removes a developer user identifier from an identity.
func (s *Service) UnlinkDeveloperIdentity(ctx context.Context, poolID, identityID, provider, user string) error {
	b, err := s.developerPool(ctx, poolID)
	if err != nil {
		return err
	}
	if provider != b.Pool.DeveloperProviderName {
		return Errorf(KindNotAuthorized, "The developer provider name does not match this identity pool.")
	}
	_, err = s.store.UpdateIdentity(ctx, identityID, func(x *store.Identity) error {
		if x.PoolID != poolID || x.Logins[provider] != user {
			return Errorf(KindResourceNotFound, "Developer user identifier not found.")
		}
		delete(x.Logins, provider)
		x.UpdatedAt = s.nowUTC()
		return nil
	})
	return identityErr(err, identityID)
}

// MergeDeveloperIdentities moves the source user's logins to the
// destination user's identity and deletes the source identity.
func (s *Service) MergeDeveloperIdentities(ctx context.Context, poolID, provider, source, dest string) (string, error) {
	b, err := s.developerPool(ctx, poolID)
	if err != nil {
		return "", err
	}
	if provider != b.Pool.DeveloperProviderName {
		return "", Errorf(KindNotAuthorized, "The developer provider name does not match this identity pool.")
	}
	src, err := s.store.GetIdentityByLogin(ctx, poolID, provider, source)
	if err != nil {
		return "", Errorf(KindResourceNotFound, "Source user identifier not found.")
	}
	dst, err := s.store.GetIdentityByLogin(ctx, poolID, provider, dest)
	if err != nil {
		return "", Errorf(KindResourceNotFound, "Destination user identifier not found.")
	}
	if src.ID == dst.ID {
		return dst.ID, nil
	}
	if err := s.store.DeleteIdentity(ctx, src.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", Internal(err)
	}
	_, err = s.store.UpdateIdentity(ctx, dst.ID, func(x *store.Identity) error {
		for k, v := range src.Logins {
			if k == provider {
				continue // one developer user identifier per identity
			}
			if _, ok := x.Logins[k]; !ok {
				x.Logins[k] = v
			}
		}
		x.UpdatedAt = s.nowUTC()
		return nil
	})
	if err != nil {
		return "", identityErr(err, dst.ID)
	}
	return dst.ID, nil
}

// UnlinkIdentity removes logins from an identity; the caller proves the
// identity with logins (verified like GetCredentialsForIdentity's).
func (s *Service) UnlinkIdentity(ctx context.Context, identityID string, logins map[string]string, remove []string) error {
	if _, _, _, err := s.identityWithLogins(ctx, identityID, logins); err != nil {
		return err
	}
	_, err := s.store.UpdateIdentity(ctx, identityID, func(x *store.Identity) error {
		for _, k := range remove {
			if id, ok := userPoolOfProvider(k); ok && strings.HasPrefix(k, "cognito-idp.") || ok && s.providerKeyOK(k, id) {
				k = canonicalProvider(id)
			}
			delete(x.Logins, k)
		}
		x.UpdatedAt = s.nowUTC()
		return nil
	})
	return identityErr(err, identityID)
}
