package store

import (
	"context"
	"time"
)

// ---------------------------------------------------------------- identity pools

// IdentityPool is a Cognito identity pool. Body is the domain's JSON
// document of its settings (providers, roles, role mappings, tags); the
// store round-trips it unchanged.
type IdentityPool struct {
	ID        string
	Name      string
	Body      []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Identity is an identity of an identity pool. Logins are its linked logins,
// provider name -> subject (for a user pool: the user's sub; for a developer
// provider: the developer user identifier). A (pool, provider, subject)
// belongs to at most one identity.
type Identity struct {
	ID        string
	PoolID    string
	Logins    map[string]string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Role is a named set of grants that temporary credentials act with (the
// role of a user-pool group or of an identity pool).
type Role struct {
	Name      string
	Grants    []Grant
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SessionCredential is a temporary credential (an "ASIA…" access key id with
// a session token) issued for a role to an identity. SecretCiphertext is the
// sealed secret; TokenHash a digest of the session token: the store never
// sees plaintext. UserPoolID and UsernameKey name the signed-in user (empty
// for an unauthenticated identity) so the user's credentials can be revoked.
type SessionCredential struct {
	AccessKeyID      string
	SecretCiphertext []byte
	TokenHash        []byte
	RoleName         string
	IdentityPoolID   string
	IdentityID       string
	UserPoolID       string
	UsernameKey      string
	Username         string
	CreatedAt        time.Time
	ExpiresAt        time.Time
}

// IdentityStore persists identity pools, their identities, roles and
// temporary credentials.
type IdentityStore interface {
	// CreateIdentityPool: ErrAlreadyExists on a duplicate id.
	CreateIdentityPool(ctx context.Context, p IdentityPool) error
	GetIdentityPool(ctx context.Context, id string) (IdentityPool, error)
	// ListIdentityPools orders by ID.
	ListIdentityPools(ctx context.Context, page Page) ([]IdentityPool, string, error)
	// UpdateIdentityPool: ID is immutable.
	UpdateIdentityPool(ctx context.Context, id string, fn func(*IdentityPool) error) (IdentityPool, error)
	// DeleteIdentityPool removes the pool, its identities and their
	// temporary credentials.
	DeleteIdentityPool(ctx context.Context, id string) error

	// CreateIdentity inserts the identity with its logins. ErrNotFound when
	// the pool is missing; ErrAlreadyExists when the id or one of the
	// logins is taken (of concurrent creates for one login exactly one wins).
	CreateIdentity(ctx context.Context, i Identity) error
	GetIdentity(ctx context.Context, id string) (Identity, error)
	// GetIdentityByLogin finds the identity a login is linked to.
	GetIdentityByLogin(ctx context.Context, poolID, provider, subject string) (Identity, error)
	// UpdateIdentity rewrites the identity's logins from what fn leaves;
	// ID and PoolID are immutable. ErrAlreadyExists when a login belongs to
	// another identity.
	UpdateIdentity(ctx context.Context, id string, fn func(*Identity) error) (Identity, error)
	// DeleteIdentity removes the identity, its logins and its temporary
	// credentials.
	DeleteIdentity(ctx context.Context, id string) error
	// ListIdentities orders by ID.
	ListIdentities(ctx context.Context, poolID string, page Page) ([]Identity, string, error)

	// PutRole creates or replaces a role.
	PutRole(ctx context.Context, r Role) error
	GetRole(ctx context.Context, name string) (Role, error)
	// ListRoles returns every role, by name.
	ListRoles(ctx context.Context) ([]Role, error)
	// DeleteRole removes the role and the temporary credentials issued for it.
	DeleteRole(ctx context.Context, name string) error

	// CreateSessionCredential: ErrAlreadyExists on a duplicate id.
	CreateSessionCredential(ctx context.Context, c SessionCredential) error
	GetSessionCredential(ctx context.Context, accessKeyID string) (SessionCredential, error)
	// RevokeUserSessionCredentials deletes the temporary credentials of a
	// user-pool user and returns their access key ids.
	RevokeUserSessionCredentials(ctx context.Context, userPoolID, usernameKey string) ([]string, error)
	// DeleteExpiredSessionCredentials removes credentials that expired
	// before t and returns the count.
	DeleteExpiredSessionCredentials(ctx context.Context, before time.Time) (int64, error)
}
