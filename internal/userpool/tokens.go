package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"userpool/internal/cognitorules"
	"userpool/internal/store"
	"userpool/internal/token"
)

// Tokens: the access-token check every user-side operation runs
// (AuthenticateAccessToken), token issuance after a successful sign-in,
// refresh tokens (REFRESH_TOKEN_AUTH), revocation (GlobalSignOut,
// AdminUserGlobalSignOut, RevokeToken) and GetUser.
//
// Revocation model (Cognito §4.7): GlobalSignOut sets the user's
// TokensValidAfter and revokes every refresh token of the user; RevokeToken
// revokes one refresh token. An access token is revoked when its origin_jti
// belongs to a revoked refresh token, or when it was issued in a second
// strictly before TokensValidAfter. (iat has second precision, so a token
// minted in the same second as the sign-out is caught through its
// origin_jti instead — every token this server issues has one — and a new
// sign-in right after a sign-out is not refused.)

// AccessContext is an authenticated access token: its pool, its user (as
// now stored) and its verified claims.
type AccessContext struct {
	Pool   *Pool
	User   User
	Claims token.Claims
}

// accessCtx is AccessContext inside the domain, with the user's record.
type accessCtx struct {
	Pool   *Pool
	User   store.User
	Claims token.Claims
}

func errInvalidAccessToken() *Error { return Errorf(KindNotAuthorized, "Invalid Access Token") }

// tokenPoolID reads the pool id from an unverified token's iss (its last
// path segment). It only routes the token to its pool's keys: Verify then
// checks the signature and that iss is exactly that pool's issuer.
func tokenPoolID(raw string) (string, bool) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(parts[1]) > 16<<10 {
		return "", false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(payload, &c) != nil || c.Iss == "" {
		return "", false
	}
	id := c.Iss[strings.LastIndexByte(c.Iss, '/')+1:]
	if !cognitorules.ModelPoolID(id) {
		return "", false
	}
	return id, true
}

// AuthenticateAccessToken checks an access token presented to a user-side
// operation (GetUser, GlobalSignOut, ChangePassword, the Admin Queries API,
// ...) and returns its pool, user and claims. Every failure is a
// NotAuthorizedException with Cognito's message: "Invalid Access Token"
// (malformed, bad signature, unknown pool or key, wrong issuer, an ID
// token, an app client deleted since), "Access Token has expired", "Access
// Token has been revoked" (GlobalSignOut, RevokeToken, disabled since),
// "Access Token does not have required scopes", "User does not exist." and
// "User is disabled.".
func (s *Service) AuthenticateAccessToken(ctx context.Context, raw string) (*AccessContext, error) {
	ac, err := s.authenticate(ctx, raw)
	if err != nil {
		return nil, err
	}
	u, err := userView(ac.User)
	if err != nil {
		return nil, err
	}
	return &AccessContext{Pool: ac.Pool, User: u, Claims: ac.Claims}, nil
}

// authenticate is AuthenticateAccessToken for the domain's own operations.
func (s *Service) authenticate(ctx context.Context, raw string) (*accessCtx, error) {
	if s.tokens == nil {
		return nil, Internal(ErrNoTokenIssuer)
	}
	poolID, ok := s.tokens.CachedPool(raw) // a token accepted before
	if !ok {
		poolID, ok = tokenPoolID(raw)
	}
	if !ok {
		return nil, errInvalidAccessToken()
	}
	// The pool comes from the pool cache; the client, the user and the
	// revocation state below are read from the store on every call.
	p, err := s.GetPool(ctx, poolID)
	if KindOf(err) == KindResourceNotFound {
		return nil, errInvalidAccessToken()
	}
	if err != nil {
		return nil, err
	}
	claims, err := s.tokens.Verify(ctx, p.ID, raw, token.UseAccess)
	switch {
	case err == nil:
	case errors.Is(err, token.ErrExpired):
		return nil, Errorf(KindNotAuthorized, "Access Token has expired")
	case errors.Is(err, token.ErrInvalid):
		return nil, errInvalidAccessToken()
	default:
		return nil, Internal(err)
	}
	if !claims.HasScope(token.DefaultScope) {
		return nil, Errorf(KindNotAuthorized, "Access Token does not have required scopes")
	}
	u, err := s.tokenHolder(ctx, p, claims, errInvalidAccessToken(), Errorf(KindNotAuthorized, "Access Token has been revoked"))
	if err != nil {
		return nil, err
	}
	return &accessCtx{Pool: p, User: u, Claims: claims}, nil
}

// tokenHolder is the user a verified token names, checked as every user
// token is: its app client still exists (deleting an app client ends its
// tokens; its refresh tokens already cannot be used, REFRESH_TOKEN_AUTH
// names the client), the user exists with the token's sub (not deleted,
// nor re-created under the same name), the token is not revoked and the
// user is enabled. invalid and revoked are the caller's answers for a
// token of a deleted client and for a revoked token.
func (s *Service) tokenHolder(ctx context.Context, p *Pool, claims token.Claims, invalid, revoked *Error) (store.User, error) {
	switch _, err := s.store.GetClient(ctx, p.ID, claims.ClientID); {
	case errors.Is(err, store.ErrNotFound):
		return store.User{}, invalid
	case err != nil:
		return store.User{}, Internal(err)
	}
	u, err := s.store.GetUser(ctx, p.ID, p.UsernameKey(claims.Username))
	if errors.Is(err, store.ErrNotFound) || err == nil && u.Sub != claims.Sub {
		return store.User{}, Errorf(KindNotAuthorized, "User does not exist.")
	}
	if err != nil {
		return store.User{}, Internal(err)
	}
	isRevoked, err := s.accessRevoked(ctx, p, u, claims)
	if err != nil {
		return store.User{}, err
	}
	if isRevoked {
		return store.User{}, revoked
	}
	if !u.Enabled {
		return store.User{}, Errorf(KindNotAuthorized, "User is disabled.")
	}
	return u, nil
}

// accessRevoked applies the revocation model described at the top of this file.
func (s *Service) accessRevoked(ctx context.Context, p *Pool, u store.User, c token.Claims) (bool, error) {
	if !u.TokensValidAfter.IsZero() && c.IssuedAt.Before(u.TokensValidAfter.Truncate(time.Second)) {
		return true, nil
	}
	if c.OriginJTI == "" {
		return false, nil
	}
	revoked, err := s.store.IsOriginRevoked(ctx, p.ID, c.OriginJTI)
	if err != nil {
		return false, Internal(err)
	}
	return revoked, nil
}

// ---------------------------------------------------------------- issuing

// AuthenticationResult is what a successful sign-in returns
// (AuthenticationResultType). RefreshToken is "" on REFRESH_TOKEN_AUTH;
// NewDevice is set when the pool tracks devices and this sign-in did not use
// a remembered one.
type AuthenticationResult struct {
	AccessToken  string
	IDToken      string
	RefreshToken string
	ExpiresIn    int64 // seconds, the access token's lifetime
	TokenType    string
	NewDevice    *NewDeviceMetadata
}

// NewDeviceMetadata is a device key handed out for ConfirmDevice.
type NewDeviceMetadata struct {
	DeviceKey      string
	DeviceGroupKey string
}

// refreshTokenBytes is the entropy of a refresh token.
const refreshTokenBytes = 48

// authTokenHash is how refresh tokens and session tokens are stored: hex SHA-256.
func authTokenHash(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

func (s *Service) authRandomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", Internal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// authReadableAttributes filters a user's attributes to what the client may
// read (all when the client lists none).
func authReadableAttributes(c *Client, u store.User) map[string]string {
	if len(c.Settings.ReadAttributes) == 0 {
		out := make(map[string]string, len(u.Attributes))
		for k, v := range u.Attributes {
			out[k] = v
		}
		return out
	}
	out := map[string]string{}
	for _, n := range c.Settings.ReadAttributes {
		if v, ok := u.Attributes[n]; ok {
			out[n] = v
		}
	}
	return out
}

// issueInput builds the claims input of a token pair for u signed in
// through client c.
func (s *Service) issueInput(ctx context.Context, p *Pool, c *Client, u store.User, authTime time.Time, originJTI, deviceKey string) (token.IssueInput, error) {
	groups, err := s.store.AllGroupsForUser(ctx, p.ID, u.UsernameKey)
	if err != nil {
		return token.IssueInput{}, Internal(err)
	}
	eventID, err := s.newUUID()
	if err != nil {
		return token.IssueInput{}, err
	}
	return token.IssueInput{
		PoolID:         p.ID,
		ClientID:       c.ID,
		Sub:            u.Sub,
		Username:       u.Username,
		Attributes:     authReadableAttributes(c, u),
		Groups:         groups,
		AuthTime:       authTime,
		OriginJTI:      originJTI,
		EventID:        eventID,
		DeviceKey:      deviceKey,
		Scope:          token.DefaultScope,
		IDValidity:     c.IDTokenValidity(),
		AccessValidity: c.AccessTokenValidity(),
	}, nil
}

// issueTokens completes an authentication: a new refresh token (with a new
// origin_jti) and an ID/access pair bound to it.
func (s *Service) issueTokens(ctx context.Context, p *Pool, c *Client, u store.User, deviceKey string) (*AuthenticationResult, error) {
	if s.tokens == nil {
		return nil, Internal(ErrNoTokenIssuer)
	}
	now := s.nowUTC()
	originJTI, err := s.newUUID()
	if err != nil {
		return nil, err
	}
	in, err := s.issueInput(ctx, p, c, u, now, originJTI, deviceKey)
	if err != nil {
		return nil, err
	}
	idTok, accessTok, err := s.mintPair(ctx, p, c, u, in, tokenSourceOf(ctx))
	if err != nil {
		return nil, err
	}
	refresh, err := s.authRandomToken(refreshTokenBytes)
	if err != nil {
		return nil, err
	}
	rt := store.RefreshToken{
		Hash:        authTokenHash(refresh),
		PoolID:      p.ID,
		ClientID:    c.ID,
		UsernameKey: u.UsernameKey,
		OriginJTI:   originJTI,
		DeviceKey:   deviceKey,
		AuthTime:    now,
		CreatedAt:   now,
		ExpiresAt:   now.Add(c.RefreshTokenValidity()),
	}
	if err := s.store.CreateRefreshToken(ctx, rt); err != nil {
		return nil, Internal(err)
	}
	return &AuthenticationResult{
		AccessToken:  accessTok,
		IDToken:      idTok,
		RefreshToken: refresh,
		ExpiresIn:    int64(c.AccessTokenValidity() / time.Second),
		TokenType:    "Bearer",
	}, nil
}

// refreshAuth is REFRESH_TOKEN_AUTH: a new ID/access pair with the refresh
// token's origin_jti and auth_time, and no new refresh token. The checks and
// the minting are GetTokensFromRefreshToken's (refresh.go); a client with
// refresh-token rotation refuses this flow.
func (s *Service) refreshAuth(ctx context.Context, p *Pool, c *Client, params map[string]string) (*AuthenticationResult, error) {
	if rotate, _ := c.RefreshRotation(); rotate {
		return nil, errRotationRefusal()
	}
	raw := params["REFRESH_TOKEN"]
	if raw == "" {
		return nil, Errorf(KindInvalidParameter, "Missing required parameter REFRESH_TOKEN")
	}
	// SECRET_HASH on refresh is computed over the internal username.
	rt, u, err := s.redeemRefreshToken(ctx, p, c, raw, s.nowUTC(), 0, func(u store.User) error {
		return checkSecretHash(c, params["SECRET_HASH"], u.Username)
	})
	if KindOf(err) == KindRefreshTokenReuse { // rotated out while the client rotated
		return nil, errRefreshInvalid()
	}
	if err != nil {
		return nil, err
	}
	return s.refreshedPair(ctx, p, c, u, rt, rt.DeviceKey)
}

// ---------------------------------------------------------------- sign-out and revocation

// signOutUser revokes every token of the user issued so far and the
// user's identity-pool temporary credentials.
func (s *Service) signOutUser(ctx context.Context, p *Pool, key string) error {
	now := s.nowUTC()
	if _, err := s.updateUser(ctx, p, key, func(u *store.User) error {
		u.TokensValidAfter = now
		return nil
	}); err != nil {
		return err
	}
	if err := s.store.RevokeUserRefreshTokens(ctx, p.ID, key, now); err != nil {
		return Internal(err)
	}
	// Temporary credentials of identity pools go with the sign-in.
	return s.RevokeUserCredentials(ctx, p.ID, key)
}

// GlobalSignOut signs the access token's user out everywhere.
func (s *Service) GlobalSignOut(ctx context.Context, accessToken string) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	return s.signOutUser(ctx, ac.Pool, ac.User.UsernameKey)
}

// AdminUserGlobalSignOut signs a user out everywhere.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, poolID, username string) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	return s.signOutUser(ctx, p, u.UsernameKey)
}

// RevokeToken revokes a refresh token (and so every access/ID token sharing
// its origin_jti). clientSecret is required for a client with a secret. An
// ID or access token is UnsupportedTokenTypeException; a token of another
// client, or a wrong secret, is UnauthorizedException. Revoking an unknown
// or already revoked refresh token succeeds, as RFC 7009 asks.
func (s *Service) RevokeToken(ctx context.Context, clientID, clientSecret, raw string) error {
	c, err := s.GetClientByID(ctx, clientID)
	if err != nil {
		return err
	}
	if c.HasSecret() {
		if clientSecret == "" || !c.MatchesSecret(clientSecret) {
			return Errorf(KindUnauthorized, "Invalid client secret.")
		}
	} else if clientSecret != "" {
		return Errorf(KindUnauthorized, "Invalid client secret.")
	}
	if strings.Count(raw, ".") == 2 {
		if _, ok := tokenPoolID(raw); ok {
			return Errorf(KindUnsupportedTokenType, "Unsupported token type.")
		}
	}
	if !c.Settings.EnableTokenRevocation {
		return Errorf(KindUnsupportedOperation, "Token revocation is not enabled for this client.")
	}
	rt, err := s.store.GetRefreshToken(ctx, authTokenHash(raw))
	if errors.Is(err, store.ErrNotFound) {
		return nil // Cognito answers success for a token it does not know
	}
	if err != nil {
		return Internal(err)
	}
	if rt.ClientID != c.ID || rt.PoolID != c.PoolID {
		return Errorf(KindUnauthorized, "Client is not authorized to revoke this token.")
	}
	if err := s.store.RevokeRefreshToken(ctx, rt.Hash, s.nowUTC()); err != nil {
		return Internal(err)
	}
	return nil
}

// ---------------------------------------------------------------- GetUser

// GetUser returns the access token's user.
func (s *Service) GetUser(ctx context.Context, accessToken string) (User, error) {
	ac, err := s.AuthenticateAccessToken(ctx, accessToken)
	if err != nil {
		return User{}, err
	}
	return ac.User, nil
}

// ---------------------------------------------------------------- key documents

// ErrNoTokenIssuer: the Service was built without Options.Tokens.
var ErrNoTokenIssuer = errors.New("userpool: no token issuer configured")

// WellKnownDocument returns a pool's public document: doc "jwks.json" (the
// JWKS) or "openid-configuration" (discovery; endpoint URLs under baseURL
// when it is set, else under the issuer; for a pool with a domain the OAuth
// endpoints of its domain, oauthDomainURL). The pool's signing keys are
// created if it has none yet, so the JWKS is never empty for an existing
// pool. ResourceNotFoundException for an unknown pool or document.
func (s *Service) WellKnownDocument(ctx context.Context, poolID, doc, baseURL string) ([]byte, error) {
	if s.tokens == nil {
		return nil, ErrNoTokenIssuer
	}
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	switch doc {
	case "jwks.json":
		b, err := s.tokens.JWKS(ctx, p.ID)
		if err != nil {
			return nil, Internal(err)
		}
		var set struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if json.Unmarshal(b, &set) == nil && len(set.Keys) > 0 {
			return b, nil
		}
		if err := s.tokens.EnsureKeys(ctx, p.ID); err != nil {
			return nil, Internal(err)
		}
		if b, err = s.tokens.JWKS(ctx, p.ID); err != nil {
			return nil, Internal(err)
		}
		return b, nil
	case "openid-configuration":
		domainURL, err := s.oauthDomainURL(ctx, p, baseURL)
		if err != nil {
			return nil, err
		}
		b, err := s.tokens.DiscoveryWithDomain(p.ID, baseURL, domainURL)
		if err != nil {
			return nil, Internal(err)
		}
		return b, nil
	}
	return nil, Errorf(KindResourceNotFound, "Unknown document %s.", doc)
}
