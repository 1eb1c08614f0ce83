package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"userpool/internal/cognitorules"
	"userpool/internal/store"
)

// Token refresh: GetTokensFromRefreshToken and refresh-token rotation.
//
// A refresh token names its app client; it refreshes only through that
// client. Without rotation (RefreshTokenRotation absent or DISABLED) a
// refresh returns a new ID/access pair and no refresh token, exactly as
// REFRESH_TOKEN_AUTH does. With rotation ENABLED:
//
//   - every GetTokensFromRefreshToken returns a new refresh token: a member
//     of the submitted token's family, which shares its origin_jti (so every
//     access token of the family keeps one origin_jti), its auth_time and
//     the absolute expiry of the sign-in that began the family;
//   - the submitted token is rotated out (store.RefreshToken.ReplacedAt); it
//     still refreshes for RetryGracePeriodSeconds after its first rotation
//     (each such retry mints another member), then answers
//     RefreshTokenReuseException;
//   - the rotation is a compare-and-swap in the store, so of two concurrent
//     uses of one token outside its grace exactly one gets a successor;
//   - REFRESH_TOKEN_AUTH / REFRESH_TOKEN in (Admin)InitiateAuth is refused
//     (InvalidParameterException "Auth flow not enabled for this client",
//     the answer for a flow the client does not allow);
//   - RevokeToken of any member revokes the family (and so every access
//     token carrying its origin_jti); GlobalSignOut and
//     AdminUserGlobalSignOut revoke every token of the user.

// KindRefreshTokenReuse is RefreshTokenReuseException: a refresh token that
// rotation invalidated was presented after its grace period.
const KindRefreshTokenReuse Kind = "RefreshTokenReuseException"

// Rotation feature values (FeatureType).
const (
	RotationEnabled  = "ENABLED"
	RotationDisabled = "DISABLED"
)

// maxRetryGracePeriod bounds RetryGracePeriodSeconds (0..60).
const maxRetryGracePeriod = 60

// RefreshTokenRotation is an app client's RefreshTokenRotationType, as kept
// in ClientSettings.RefreshTokenRotation.
type RefreshTokenRotation struct {
	Feature                 string `json:"Feature"`
	RetryGracePeriodSeconds *int   `json:"RetryGracePeriodSeconds,omitempty"`
}

func errRefreshInvalid() *Error { return Errorf(KindNotAuthorized, "Invalid Refresh Token") }
func errRefreshRevoked() *Error { return Errorf(KindNotAuthorized, "Refresh Token has been revoked") }
func errRefreshExpired() *Error { return Errorf(KindNotAuthorized, "Refresh Token has expired") }
func errRefreshReused() *Error  { return Errorf(KindRefreshTokenReuse, "Refresh Token has been reused") }
func errRotationRefusal() *Error {
	return Errorf(KindInvalidParameter, "Auth flow not enabled for this client")
}

// parseRefreshRotation decodes and validates a RefreshTokenRotation member
// with the model's constraints (Feature required, ENABLED|DISABLED;
// RetryGracePeriodSeconds 0..60), in Coral's words. nil is "not set".
func parseRefreshRotation(raw json.RawMessage) (*RefreshTokenRotation, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var r RefreshTokenRotation
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, invalidParam("Invalid RefreshTokenRotation.")
	}
	var v []string
	switch r.Feature {
	case "":
		v = append(v, cognitorules.NullViolation("refreshTokenRotation.feature"))
	case RotationEnabled, RotationDisabled:
	default:
		v = append(v, cognitorules.Violation("refreshTokenRotation.feature", &r.Feature,
			cognitorules.Enum([]string{RotationEnabled, RotationDisabled})))
	}
	if g := r.RetryGracePeriodSeconds; g != nil && (*g < 0 || *g > maxRetryGracePeriod) {
		s := strconv.Itoa(*g)
		c := cognitorules.MinValue(0)
		if *g > maxRetryGracePeriod {
			c = cognitorules.MaxValue(maxRetryGracePeriod)
		}
		v = append(v, cognitorules.Violation("refreshTokenRotation.retryGracePeriodSeconds", &s, c))
	}
	if len(v) > 0 {
		return nil, invalidParam("%s", cognitorules.Message(v...))
	}
	return &r, nil
}

// RefreshRotation reports whether the client rotates refresh tokens, and
// for how long a rotated-out token still refreshes.
func (c *Client) RefreshRotation() (enabled bool, grace time.Duration) {
	r, err := parseRefreshRotation(c.Settings.RefreshTokenRotation)
	if err != nil || r == nil || r.Feature != RotationEnabled {
		return false, 0
	}
	if r.RetryGracePeriodSeconds != nil {
		grace = time.Duration(*r.RetryGracePeriodSeconds) * time.Second
	}
	return true, grace
}

// GetTokensFromRefreshTokenInput is GetTokensFromRefreshToken's request.
// ClientMetadata is for Lambda triggers (none run on refresh here).
type GetTokensFromRefreshTokenInput struct {
	ClientID       string
	RefreshToken   string
	ClientSecret   string
	DeviceKey      string
	ClientMetadata map[string]string
}

// GetTokensFromRefreshToken issues new tokens from a refresh token of the
// client (see the top of this file). Errors: ResourceNotFoundException for
// an unknown client; NotAuthorizedException for a missing or wrong
// ClientSecret, and for a refresh token that is unknown, of another client
// or pool ("Invalid Refresh Token"), revoked ("Refresh Token has been
// revoked"), expired ("Refresh Token has expired"), or whose user is gone
// or disabled; RefreshTokenReuseException for a token rotation invalidated.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, in GetTokensFromRefreshTokenInput) (*AuthenticationResult, error) {
	if s.tokens == nil {
		return nil, Internal(ErrNoTokenIssuer)
	}
	c, err := s.GetClientByID(ctx, in.ClientID)
	if err != nil {
		return nil, err
	}
	p, err := s.GetPool(ctx, c.PoolID)
	if err != nil {
		return nil, err
	}
	if c.HasSecret() {
		if in.ClientSecret == "" {
			return nil, Errorf(KindNotAuthorized, "Client %s is configured with secret but ClientSecret was not received", c.ID)
		}
		if !c.MatchesSecret(in.ClientSecret) {
			return nil, Errorf(KindNotAuthorized, "Unable to verify secret for client %s", c.ID)
		}
	}
	rotate, grace := c.RefreshRotation()
	now := s.nowUTC()
	rt, u, err := s.redeemRefreshToken(ctx, p, c, in.RefreshToken, now, grace, nil)
	if err != nil {
		return nil, err
	}
	deviceKey, newDevice, err := s.refreshDevice(ctx, p, c, u, rt, in.DeviceKey)
	if err != nil {
		return nil, err
	}
	var next string
	if rotate {
		if next, err = s.rotateRefreshToken(ctx, rt, deviceKey, now, grace); err != nil {
			return nil, err
		}
	}
	res, err := s.refreshedPair(ctx, p, c, u, rt, deviceKey)
	if err != nil {
		return nil, err
	}
	res.RefreshToken = next
	res.NewDevice = newDevice
	return res, nil
}

// redeemRefreshToken loads a refresh token presented to client c and checks
// that it may refresh now: it is the client's, not revoked (nor its family,
// nor by a global sign-out), not expired, not rotated out beyond grace, and
// its user exists and is enabled. checkUser (may be nil) runs once the
// user is known and before the user's state is checked (SECRET_HASH).
func (s *Service) redeemRefreshToken(ctx context.Context, p *Pool, c *Client, raw string, now time.Time, grace time.Duration, checkUser func(store.User) error) (store.RefreshToken, store.User, error) {
	rt, err := s.store.GetRefreshToken(ctx, authTokenHash(raw))
	if err != nil {
		return rt, store.User{}, storeError(err, on(store.ErrNotFound, errRefreshInvalid))
	}
	if rt.PoolID != p.ID || rt.ClientID != c.ID {
		return rt, store.User{}, errRefreshInvalid()
	}
	if !rt.RevokedAt.IsZero() {
		return rt, store.User{}, errRefreshRevoked()
	}
	if !now.Before(rt.ExpiresAt) {
		return rt, store.User{}, errRefreshExpired()
	}
	if !rt.ReplacedAt.IsZero() && !now.Before(rt.ReplacedAt.Add(grace)) {
		return rt, store.User{}, errRefreshReused()
	}
	u, err := s.store.GetUser(ctx, p.ID, rt.UsernameKey)
	if err != nil {
		return rt, u, storeError(err, on(store.ErrNotFound, errRefreshInvalid))
	}
	if checkUser != nil {
		if err := checkUser(u); err != nil {
			return rt, u, err
		}
	}
	if !u.Enabled {
		return rt, u, Errorf(KindNotAuthorized, "User is disabled.")
	}
	if !u.TokensValidAfter.IsZero() && rt.CreatedAt.Before(u.TokensValidAfter) {
		return rt, u, errRefreshRevoked()
	}
	// A member of a revoked family (RevokeToken of a sibling, or a
	// revocation that raced this token's creation).
	revoked, err := s.store.IsOriginRevoked(ctx, p.ID, rt.OriginJTI)
	if err != nil {
		return rt, u, Internal(err)
	}
	if revoked {
		return rt, u, errRefreshRevoked()
	}
	return rt, u, nil
}

// rotateRefreshToken mints rt's successor and swaps it in (store CAS); it
// returns the new opaque token. A lost race answers by the token's state.
func (s *Service) rotateRefreshToken(ctx context.Context, rt store.RefreshToken, deviceKey string, now time.Time, grace time.Duration) (string, error) {
	raw, err := s.authRandomToken(refreshTokenBytes)
	if err != nil {
		return "", err
	}
	next := store.RefreshToken{
		Hash:        authTokenHash(raw),
		PoolID:      rt.PoolID,
		ClientID:    rt.ClientID,
		UsernameKey: rt.UsernameKey,
		OriginJTI:   rt.OriginJTI,
		DeviceKey:   deviceKey,
		AuthTime:    rt.AuthTime,
		CreatedAt:   now,
		ExpiresAt:   rt.ExpiresAt,
	}
	var graceFrom time.Time
	if grace > 0 {
		graceFrom = now.Add(-grace)
	}
	err = s.store.RotateRefreshToken(ctx, rt.Hash, graceFrom, next)
	switch {
	case err == nil:
		return raw, nil
	case errors.Is(err, store.ErrNotFound):
		return "", errRefreshInvalid()
	case errors.Is(err, store.ErrTokenReplaced):
		if cur, gerr := s.store.GetRefreshToken(ctx, rt.Hash); gerr == nil && !cur.RevokedAt.IsZero() {
			return "", errRefreshRevoked()
		}
		return "", errRefreshReused()
	}
	return "", Internal(err)
}

// refreshDevice decides the device a refresh is bound to. Without device
// tracking it is the refresh token's own (normally none). With it, a
// DeviceKey naming a device of the user binds the tokens to that device;
// otherwise (no key, or not a registered device of the user) Cognito
// "issues a new one": NewDeviceMetadata, as after a sign-in.
func (s *Service) refreshDevice(ctx context.Context, p *Pool, c *Client, u store.User, rt store.RefreshToken, key string) (string, *NewDeviceMetadata, error) {
	if p.Settings.DeviceConfiguration == nil {
		return rt.DeviceKey, nil, nil
	}
	if key != "" {
		_, err := s.store.GetDevice(ctx, p.ID, u.UsernameKey, key)
		if err == nil {
			return key, nil, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", nil, Internal(err)
		}
	}
	nd, err := s.signIn(p, c).proposeDevice(ctx, u)
	if err != nil {
		return "", nil, err
	}
	return nd.DeviceKey, nd, nil
}

// refreshedPair mints the ID/access pair of a refresh: the family's
// origin_jti and the original auth_time (and the scopes of its OAuth grant,
// if any), no refresh token.
func (s *Service) refreshedPair(ctx context.Context, p *Pool, c *Client, u store.User, rt store.RefreshToken, deviceKey string) (*AuthenticationResult, error) {
	in, err := s.issueInput(ctx, p, c, u, rt.AuthTime, rt.OriginJTI, deviceKey)
	if err != nil {
		return nil, err
	}
	// A family from the OAuth code grant keeps its scopes (oauth.go).
	if _, err := s.applyGrant(ctx, p, rt.OriginJTI, &in); err != nil {
		return nil, err
	}
	idTok, accessTok, err := s.mintPair(ctx, p, c, u, in, srcTokenRefresh)
	if err != nil {
		return nil, err
	}
	return &AuthenticationResult{
		AccessToken: accessTok,
		IDToken:     idTok,
		ExpiresIn:   int64(c.AccessTokenValidity() / time.Second),
		TokenType:   "Bearer",
	}, nil
}
