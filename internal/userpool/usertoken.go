package userpool

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"userpool/internal/token"
)

// AuthenticateUserToken checks a token presented as a user-pool bearer by
// services that accept either of Cognito's user tokens — AppSync's
// AMAZON_COGNITO_USER_POOLS authorization takes the ID token or the access
// token in the Authorization header. The token's token_use selects the
// check: an access token is verified like AuthenticateAccessToken except
// that no scope is required (AppSync does not ask for
// aws.cognito.signin.user.admin); an ID token is verified with the pool's
// ID-token keys, its aud must still be an app client of the pool, and the
// same user, revocation (origin_jti, TokensValidAfter) and enabled checks
// apply. Every failure is a NotAuthorizedException; callers that speak
// another protocol answer it in their own words.
func (s *Service) AuthenticateUserToken(ctx context.Context, raw string) (*AccessContext, error) {
	if s.tokens == nil {
		return nil, Internal(ErrNoTokenIssuer)
	}
	use := tokenUse(raw)
	if use != token.UseID && use != token.UseAccess {
		return nil, Errorf(KindNotAuthorized, "Invalid token")
	}
	poolID, ok := s.tokens.CachedPool(raw)
	if !ok {
		poolID, ok = tokenPoolID(raw)
	}
	if !ok {
		return nil, Errorf(KindNotAuthorized, "Invalid token")
	}
	p, err := s.GetPool(ctx, poolID)
	if KindOf(err) == KindResourceNotFound {
		return nil, Errorf(KindNotAuthorized, "Invalid token")
	}
	if err != nil {
		return nil, err
	}
	claims, err := s.tokens.Verify(ctx, p.ID, raw, use)
	switch {
	case err == nil:
	case errors.Is(err, token.ErrExpired):
		return nil, Errorf(KindNotAuthorized, "Token has expired.")
	case errors.Is(err, token.ErrInvalid):
		return nil, Errorf(KindNotAuthorized, "Invalid token")
	default:
		return nil, Internal(err)
	}
	u, err := s.tokenHolder(ctx, p, claims, Errorf(KindNotAuthorized, "Invalid token"), Errorf(KindNotAuthorized, "Token has been revoked."))
	if err != nil {
		return nil, err
	}
	view, err := userView(u)
	if err != nil {
		return nil, err
	}
	return &AccessContext{Pool: p, User: view, Claims: claims}, nil
}

// tokenUse reads token_use from an unverified token; it only picks which
// keys verify it (Verify checks the claim again).
func tokenUse(raw string) string {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(parts[1]) > 16<<10 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Use string `json:"token_use"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return ""
	}
	return c.Use
}
