package store

import (
	"context"
	"time"
)

// WebAuthnCredential is a passkey registered by a user
// (CompleteWebAuthnRegistration). CredentialID is unique per pool: a
// sign-in assertion names the credential, and the credential names its
// user.
type WebAuthnCredential struct {
	PoolID      string
	UsernameKey string
	// CredentialID is the credential's raw id, base64url without padding.
	CredentialID string
	// Body is the domain's document (public key, sign counter, relying
	// party, name, transports, flags); the store does not read it.
	Body      []byte
	CreatedAt time.Time
}

// WebAuthnStore persists passkeys. Credentials go with their user (foreign
// key, cascade on delete).
type WebAuthnStore interface {
	// CreateWebAuthnCredential: ErrAlreadyExists when the pool already has
	// the credential id (whoever holds it); ErrNotFound when the user does
	// not exist.
	CreateWebAuthnCredential(ctx context.Context, c WebAuthnCredential) error
	// GetWebAuthnCredential finds a credential by id in a pool.
	GetWebAuthnCredential(ctx context.Context, poolID, credentialID string) (WebAuthnCredential, error)
	// ListWebAuthnCredentials lists a user's credentials ordered by id.
	ListWebAuthnCredentials(ctx context.Context, poolID, usernameKey string, page Page) ([]WebAuthnCredential, string, error)
	// UpdateWebAuthnCredential runs fn on the credential inside one
	// transaction and stores Body (fn may be re-run).
	UpdateWebAuthnCredential(ctx context.Context, poolID, credentialID string, fn func(*WebAuthnCredential) error) (WebAuthnCredential, error)
	// DeleteWebAuthnCredential removes a credential of the user;
	// ErrNotFound when the user holds no such credential.
	DeleteWebAuthnCredential(ctx context.Context, poolID, usernameKey, credentialID string) error
}
