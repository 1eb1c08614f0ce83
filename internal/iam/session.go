package iam

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"userpool/internal/sigv4"
	"userpool/internal/store"
)

// Temporary credentials (Cognito identity pools' GetCredentialsForIdentity):
// an "ASIA…" access key id, a secret and a session token, issued for a role
// to an identity and valid until an expiration. The secret is sealed like an
// access key's (bound to its id); the store keeps only a SHA-256 digest of
// the session token. The Keyring resolves them beside access keys, and the
// caller checks the token and the expiration (CheckSessionToken).

// SessionAccessKeyIDPrefix is AWS's prefix for temporary (STS) credentials.
const SessionAccessKeyIDPrefix = "ASIA"

// SessionName is the role-session name AWS gives credentials of Cognito
// identity pools ("…:assumed-role/<role>/CognitoIdentityCredentials").
const SessionName = "CognitoIdentityCredentials"

// SessionStore is what the Keyring needs to resolve temporary credentials;
// a store.Store is one. A Keyring over a store without it knows no
// temporary credentials.
type SessionStore interface {
	GetSessionCredential(ctx context.Context, accessKeyID string) (store.SessionCredential, error)
	GetRole(ctx context.Context, name string) (store.Role, error)
}

// Session describes the temporary credential a Credential is.
type Session struct {
	Role           string
	IdentityPoolID string
	IdentityID     string
	UserPoolID     string
	Username       string
	ExpiresAt      time.Time
	// RoleDeclared is false when the role names no declared role: the
	// credential then allows nothing.
	RoleDeclared bool
	tokenHash    []byte
}

// NewSessionCredential returns an "ASIA…" access key id, a 40-character
// secret and a session token (64 random bytes, base64). r nil means
// crypto/rand; it panics if r fails.
func NewSessionCredential(r io.Reader) (id, secret, token string) {
	if r == nil {
		r = rand.Reader
	}
	id, secret = NewAccessKey(r)
	id = SessionAccessKeyIDPrefix + id[len(AccessKeyIDPrefix):]
	buf := make([]byte, 64)
	if _, err := io.ReadFull(r, buf); err != nil {
		panic(fmt.Sprintf("iam: reading randomness for a session token: %v", err))
	}
	return id, secret, base64.StdEncoding.EncodeToString(buf)
}

// IsSessionAccessKeyID reports whether id is a temporary credential's id.
func IsSessionAccessKeyID(id string) bool { return strings.HasPrefix(id, SessionAccessKeyIDPrefix) }

// SessionTokenHash is the digest of a session token the store keeps.
func SessionTokenHash(token string) []byte {
	h := sha256.Sum256([]byte("userpool/iam/session-token/v1\x00" + token))
	return h[:]
}

func sessionSecretAD(accessKeyID string) []byte {
	return []byte("userpool/iam/session-secret/v1/" + accessKeyID)
}

// SealSessionSecret encrypts a temporary credential's secret.
func (s *Sealer) SealSessionSecret(accessKeyID, secret string) ([]byte, error) {
	return s.Seal([]byte(secret), sessionSecretAD(accessKeyID))
}

// OpenSessionSecret decrypts what SealSessionSecret produced.
func (s *Sealer) OpenSessionSecret(accessKeyID string, ciphertext []byte) (string, error) {
	pt, err := s.Open(ciphertext, sessionSecretAD(accessKeyID))
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// AssumedRoleARN is arn:aws:sts::<account>:assumed-role/<role>/<session>.
func AssumedRoleARN(account, role, session string) string {
	if account == "" {
		account = DefaultAccount
	}
	return "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session
}

// RoleARN is arn:aws:iam::<account>:role/<name>.
func RoleARN(account, name string) string {
	if account == "" {
		account = DefaultAccount
	}
	return "arn:aws:iam::" + account + ":role/" + name
}

// Messages of AWS's answers to bad session tokens.
const (
	msgTokenExpired = "The security token included in the request is expired"
	msgTokenInvalid = "The security token included in the request is invalid."
	// CodeExpiredToken is AWS's error code for an expired session token.
	CodeExpiredToken = "ExpiredTokenException"
)

// CheckSessionToken checks what a request presented with a temporary
// credential: the session token (X-Amz-Security-Token) must be the one
// issued, compared in constant time, and the credential unexpired at now.
// It returns nil for long-term keys; otherwise a *sigv4.Error
// (UnrecognizedClientException or ExpiredTokenException, AWS's messages).
func (c *Credential) CheckSessionToken(token string, now time.Time) error {
	if c == nil || c.Session == nil {
		return nil
	}
	if token == "" || subtle.ConstantTimeCompare(SessionTokenHash(token), c.Session.tokenHash) != 1 {
		return &sigv4.Error{Code: sigv4.CodeUnrecognizedClient, Message: msgTokenInvalid}
	}
	if !now.Before(c.Session.ExpiresAt) {
		return &sigv4.Error{Code: CodeExpiredToken, Message: msgTokenExpired}
	}
	return nil
}

// loadSession resolves a temporary credential (see Keyring.load).
func (k *Keyring) loadSession(ctx context.Context, id string) (cred *Credential, err error, cacheable bool) {
	ss, ok := k.store.(SessionStore)
	if !ok {
		return nil, unknownKey(id, "does not exist"), true
	}
	sc, err := ss.GetSessionCredential(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unknownKey(id, "does not exist"), true
	}
	if err != nil {
		return nil, fmt.Errorf("iam: reading temporary credential: %w", err), false
	}
	secret, err := k.sealer.OpenSessionSecret(sc.AccessKeyID, sc.SecretCiphertext)
	if err != nil {
		return nil, fmt.Errorf("iam: opening secret of temporary credential %q (wrong master key?): %w", id, err), false
	}
	sess := &Session{Role: sc.RoleName, IdentityPoolID: sc.IdentityPoolID, IdentityID: sc.IdentityID,
		UserPoolID: sc.UserPoolID, Username: sc.Username, ExpiresAt: sc.ExpiresAt, tokenHash: sc.TokenHash}
	p := store.Principal{Name: sc.RoleName}
	r, err := ss.GetRole(ctx, sc.RoleName)
	switch {
	case err == nil:
		p.Grants = r.Grants
		sess.RoleDeclared = true
	case errors.Is(err, store.ErrNotFound):
		// A role ARN that names no declared role gives no permissions.
	default:
		return nil, fmt.Errorf("iam: reading role: %w", err), false
	}
	return &Credential{AccessKeyID: sc.AccessKeyID, Secret: secret, Principal: p, Policy: compileLenient(p), Session: sess}, nil, true
}

// AllowsAll reports whether the policy has cognito-idp:* on every pool (an
// administrator). The identity-pool management operations require it.
func (pol *Policy) AllowsAll() bool {
	if pol == nil {
		return false
	}
	for _, g := range pol.grants {
		if g.all && g.pool == "*" {
			return true
		}
	}
	return false
}
