// Package token issues and verifies the JWTs of a user pool exactly as Amazon
// Cognito does, and serves the pool's key documents.
//
// # Keys
//
// Every pool has two RSA key pairs (2048 bits by default), one signing ID
// tokens and one signing access tokens, so the two tokens of a pair carry
// different kids — as in Cognito. A kid is the standard base64 of 32 random
// bytes (44 characters), Cognito's shape. Keys are persisted through KeyStore
// (the signing-key part of store.TokenStore) as PKCS#8 DER, optionally
// encrypted with Options.Seal/Open.
//
// EnsureKeys creates missing keys (call it when a pool is created; IssuePair
// also calls it when it finds none). Rotate adds new keys, makes the old ones
// stop signing (NotAfter = now) and keeps them in the JWKS until
// ExpiresAt = now + MaxTokenValidity + CacheTTL + Leeway, after which they
// are pruned (by Rotate, EnsureKeys or Prune).
//
// The signing key for a use is always the newest key of that use that still
// signs (CreatedAt descending, then kid). Instances sharing a store therefore
// agree on it once they have read the same records. EnsureKeys creates a
// missing key through the store's CreateFirstSigningKey, which checks and
// inserts in one transaction: when instances race there, exactly one key
// per use is created and every instance loads and signs with it, so their
// tokens verify on each other at once.
//
// # Multi-instance caching
//
// Parsed keys are cached per pool for Options.CacheTTL (default 30s).
// Another instance's rotation or newly created keys are therefore picked up
// within CacheTTL; until then this instance may keep signing with its cached
// (now retired) key, which is why retired keys stay published CacheTTL
// longer than the longest token validity. Verify reloads a pool's keys early
// when it meets an unknown kid (at most once a second per pool), so tokens
// signed by another instance's brand-new key verify within a second rather
// than CacheTTL; the JWKS document this instance serves may lag by up to
// CacheTTL.
//
// # Tokens
//
// Both tokens are JWS compact with the header {"kid":"…","alg":"RS256"} (kid
// first, no typ), RSASSA-PKCS1-v1_5 over SHA-256. Claims, in Cognito's
// documented order:
//
//	ID:     sub, cognito:groups*, cognito:preferred_role*, cognito:roles*, iss,
//	        cognito:username, origin_jti*, aud, event_id, token_use "id",
//	        auth_time, exp, iat, jti, then the readable attributes by name
//	        (email_verified/phone_number_verified as booleans, the rest strings).
//	Access: sub, device_key*, cognito:groups*, iss, version 2, client_id,
//	        origin_jti*, event_id, token_use "access", scope, auth_time, exp,
//	        iat, jti, username.
//
// (* only when non-empty.) jti values are random UUIDs; event_id is shared
// by the pair. GroupClaims documents the group ordering and the
// preferred-role rule, including the undocumented cases decided here.
//
// # Documents
//
// JWKS is {"keys":[{"alg","e","kid","kty","n","use":"sig"},…]} listing
// every unexpired key; Discovery is the openid-configuration document of a
// pool without a hosted domain. The issuer is configurable: Cognito's AWS
// form (default, CognitoIssuerURL) or "<base>/<poolId>" (BaseIssuerURL).
// With Options.UpdatedIssuerURL (UpdatedCognitoIssuerURL) the pools that
// SetPoolIssuerType reports UPDATED (a pool's IssuerConfiguration) use
// Cognito's https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>;
// Verify accepts either form of a pool's issuer.
//
// # Verification
//
// Verify accepts only RS256 JWS compact tokens signed by one of the pool's
// published keys of the requested use, with the pool's issuer and the
// requested token_use. It returns ErrExpired for an otherwise valid token past
// exp (so callers can answer "Access Token has expired") and ErrInvalid for
// everything else. Revocation (GlobalSignOut, RevokeToken) is the domain's
// job, with the store; Verify does not consult it.
package token
