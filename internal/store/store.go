// Package store defines the persistence contract of userpool: record types, the
// Store interface every backend implements, sentinel errors and paging.
//
// It is a leaf package: it imports nothing internal. Backends live in
// store/sqlite (embedded default) and store/postgres; store/storetest is the
// conformance suite both must pass.
//
// Conventions:
//   - ctx first; values in and values out; all times are UTC.
//   - Create* returns ErrAlreadyExists on a duplicate key; Get*/Delete* return
//     ErrNotFound when the record is missing.
//   - Update* runs the updater inside one transaction with the current record;
//     the updater may be called more than once (retries) and must be pure apart
//     from mutating its argument. Returning an error aborts without writing.
//   - List* are keyset-paged: Page.Token is the opaque token returned by the
//     previous call ("" for the first page); the returned token is "" on the
//     last page. A token that does not decode returns ErrInvalidToken.
//   - Opaque []byte "Settings"/"State" fields are owned by the domain (JSON);
//     the store round-trips them unchanged.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Backends wrap them (errors.Is must hold).
var (
	ErrNotFound      = errors.New("store: not found")
	ErrAlreadyExists = errors.New("store: already exists")
	// ErrAliasExists: an alias value (e.g. an email used for sign-in) already
	// belongs to another user of the pool.
	ErrAliasExists = errors.New("store: alias already exists")
	// ErrLimitExceeded: a count limit passed to the call would be exceeded.
	ErrLimitExceeded = errors.New("store: limit exceeded")
	// ErrInvalidToken: a page token that this store did not issue.
	ErrInvalidToken = errors.New("store: invalid pagination token")
	// ErrTokenReplaced: RotateRefreshToken found the token already rotated
	// out (beyond its grace) or revoked.
	ErrTokenReplaced = errors.New("store: refresh token already replaced")
)

// Page selects one page of a list. Limit <= 0 means the backend default (60).
type Page struct {
	Limit int
	Token string
	// Summary asks ListUsers and ListUsersInGroup for what a listing shows:
	// the users come without Aliases, Password, FailedLogins, LockedUntil and
	// TokensValidAfter (zero values). Everything else is as GetUser returns
	// it. Other lists ignore it.
	Summary bool
}

// MaxPageSize is the largest page any list returns.
const MaxPageSize = 60

// ---------------------------------------------------------------- pools

// Pool is a user pool. Settings is the domain's JSON document of the pool's
// configuration (policies, schema, username attributes, ...).
type Pool struct {
	ID        string
	Name      string
	Settings  []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Client is an app client of a pool.
type Client struct {
	PoolID    string
	ID        string
	Name      string
	Secret    string // "" when the client has no secret
	Settings  []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ---------------------------------------------------------------- users

// User is a user of a pool.
//
// UsernameKey is the lookup key of the internal username, computed by the
// domain (lower-cased when the pool is case-insensitive); it is unique per
// pool. Aliases maps an alias kind ("email", "phone_number",
// "preferred_username") to its normalised value; each (pool, kind, value) is
// unique across the pool's users (ErrAliasExists).
//
// Searchable attributes: the backend indexes username, sub, status
// (UserStatus), enabled, and the attributes email, phone_number, name,
// given_name, family_name, preferred_username, so that ListUsers filters are
// index range scans.
type User struct {
	PoolID      string
	Username    string // internal username as created (case preserved)
	UsernameKey string
	Sub         string
	Status      string // UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, ...
	Enabled     bool
	Attributes  map[string]string // every attribute except sub
	Aliases     map[string]string

	Password Password
	// MFA is the domain's JSON document of MFA settings (preferences, TOTP secret).
	MFA []byte

	// Lockout state.
	FailedLogins int
	LockedUntil  time.Time
	// TokensValidAfter: access and refresh tokens issued before it are revoked
	// (GlobalSignOut / AdminUserGlobalSignOut).
	TokensValidAfter time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Password is the stored credential of a user.
type Password struct {
	Hash        string // PHC string; "" when the user has no password
	SRPSalt     []byte
	SRPVerifier []byte
	SetAt       time.Time
	Temporary   bool
	ExpiresAt   time.Time // zero: no expiry (permanent)
}

// UserFilter selects users by one searchable attribute. Attr is one of
// "username", "email", "phone_number", "name", "given_name", "family_name",
// "preferred_username", "cognito:user_status", "status", "sub". "username" and
// "status" compare case-sensitively, the rest case-insensitively. Results are
// ordered by that attribute's value, then by UsernameKey. "status" values are
// "Enabled" / "Disabled".
type UserFilter struct {
	Attr   string
	Prefix bool
	Value  string
}

// ---------------------------------------------------------------- groups

// Group of a pool. Precedence nil means "no precedence".
type Group struct {
	PoolID      string
	Name        string
	Description string
	RoleArn     string
	Precedence  *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ---------------------------------------------------------------- devices

// Device remembered for a user.
type Device struct {
	PoolID      string
	UsernameKey string
	Key         string
	GroupKey    string
	Attributes  map[string]string
	// Remembered is "remembered", "not_remembered" or "" (never set).
	Remembered  string
	SRPSalt     []byte
	SRPVerifier []byte
	CreatedAt   time.Time
	UpdatedAt   time.Time
	LastAuthAt  time.Time
}

// ---------------------------------------------------------------- tokens

// SigningKey is an RSA key that signs a pool's tokens. PrivateKey is PKCS#8 DER.
// A key signs new tokens while now < NotAfter (zero: no end) and stays in the
// JWKS until ExpiresAt (zero: forever).
type SigningKey struct {
	PoolID     string
	KID        string
	Use        string // "id" or "access"
	PrivateKey []byte
	CreatedAt  time.Time
	NotAfter   time.Time
	ExpiresAt  time.Time
}

// Signs reports whether k signs new tokens at t.
func (k SigningKey) Signs(t time.Time) bool {
	return (k.NotAfter.IsZero() || t.Before(k.NotAfter)) && (k.ExpiresAt.IsZero() || t.Before(k.ExpiresAt))
}

// RefreshToken is stored by the SHA-256 hash of the opaque token.
//
// A token and the tokens that refresh-token rotation minted from it form a
// family: they share PoolID, OriginJTI (the family id), AuthTime and the
// absolute ExpiresAt of the sign-in that began the family. ReplacedAt is set
// when rotation hands out the token's successor (RotateRefreshToken).
type RefreshToken struct {
	Hash        string
	PoolID      string
	ClientID    string
	UsernameKey string
	OriginJTI   string
	DeviceKey   string
	AuthTime    time.Time
	CreatedAt   time.Time
	ExpiresAt   time.Time
	RevokedAt   time.Time // zero: not revoked
	ReplacedAt  time.Time // zero: not rotated out
}

// Code is a one-time code (sign-up confirmation, password reset, attribute
// verification). One per (pool, user, purpose); Put replaces.
type Code struct {
	PoolID      string
	UsernameKey string
	Purpose     string
	CodeHash    string
	Attempts    int
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// Session is a challenge session (auth flow state between InitiateAuth and
// RespondToAuthChallenge). ID is a hash of the token handed to the client.
type Session struct {
	ID          string
	PoolID      string
	ClientID    string
	UsernameKey string
	Challenge   string
	State       []byte
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// ---------------------------------------------------------------- access control

// Principal is a server-side caller (what Amplify calls a function).
type Principal struct {
	Name      string
	Grants    []Grant
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Grant allows Actions (Amplify action names, "cognito-idp:<Op>" or
// "cognito-idp:*") on Pool (a pool id, a pool name, or "*").
type Grant struct {
	Pool    string
	Actions []string
}

// AccessKey is an access key pair of a principal. The secret is stored
// encrypted by the caller (SecretCiphertext); the store never sees plaintext.
type AccessKey struct {
	ID               string
	PrincipalName    string
	SecretCiphertext []byte
	CreatedAt        time.Time
	Disabled         bool
}

// AuditEvent is one audit log entry. ID is assigned by the store (increasing).
type AuditEvent struct {
	ID        int64
	Time      time.Time
	ActorType string // "principal", "access-key" or "user" (constants of package audit)
	Actor     string
	Action    string // e.g. "cognito-idp:AdminAddUserToGroup" or "adminqueries:addUserToGroup"
	PoolID    string
	Target    string // user or group the action touched
	Outcome   string // "allowed", "denied" or "error:<Kind>" (no space; see package audit)
	RequestID string
	Detail    string
}

// AuditFilter narrows ListAudit; empty fields match everything.
type AuditFilter struct {
	Actor   string
	Action  string
	PoolID  string
	Outcome string
	Since   time.Time
	Until   time.Time
	// Newest lists by ID descending (newest first) instead of ascending.
	Newest bool
}

// ---------------------------------------------------------------- interfaces

// PoolStore persists pools and app clients.
type PoolStore interface {
	CreatePool(ctx context.Context, p Pool) error
	GetPool(ctx context.Context, id string) (Pool, error)
	// ListPools orders by ID.
	ListPools(ctx context.Context, page Page) ([]Pool, string, error)
	UpdatePool(ctx context.Context, id string, fn func(*Pool) error) (Pool, error)
	// DeletePool removes the pool and everything in it.
	DeletePool(ctx context.Context, id string) error
	// CountUsers is the number of users in the pool (EstimatedNumberOfUsers).
	CountUsers(ctx context.Context, poolID string) (int64, error)

	CreateClient(ctx context.Context, c Client) error
	GetClient(ctx context.Context, poolID, clientID string) (Client, error)
	// GetClientByID finds a client by id alone (unsigned operations name only the client).
	GetClientByID(ctx context.Context, clientID string) (Client, error)
	// ListClients orders by client ID.
	ListClients(ctx context.Context, poolID string, page Page) ([]Client, string, error)
	UpdateClient(ctx context.Context, poolID, clientID string, fn func(*Client) error) (Client, error)
	DeleteClient(ctx context.Context, poolID, clientID string) error
}

// UserStore persists users.
type UserStore interface {
	// CreateUser: ErrAlreadyExists for a taken UsernameKey (or Sub), ErrAliasExists
	// for a taken alias.
	CreateUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, poolID, usernameKey string) (User, error)
	GetUserBySub(ctx context.Context, poolID, sub string) (User, error)
	// GetUserByAlias looks a user up by alias kind and normalised value.
	GetUserByAlias(ctx context.Context, poolID, kind, value string) (User, error)
	// UpdateUser rewrites the user (attributes, aliases, search index) from
	// what fn leaves in *User. Username, UsernameKey, Sub and PoolID are immutable.
	UpdateUser(ctx context.Context, poolID, usernameKey string, fn func(*User) error) (User, error)
	// DeleteUser removes the user with its memberships, devices, refresh
	// tokens, codes and sessions.
	DeleteUser(ctx context.Context, poolID, usernameKey string) error
	// ListUsers orders by UsernameKey, or by the filter attribute then UsernameKey.
	ListUsers(ctx context.Context, poolID string, filter *UserFilter, page Page) ([]User, string, error)
}

// GroupStore persists groups and memberships.
type GroupStore interface {
	// CreateGroup fails with ErrLimitExceeded when the pool already has
	// maxGroups groups (checked atomically), ErrAlreadyExists on a duplicate.
	CreateGroup(ctx context.Context, g Group, maxGroups int) error
	GetGroup(ctx context.Context, poolID, name string) (Group, error)
	// ListGroups orders by name.
	ListGroups(ctx context.Context, poolID string, page Page) ([]Group, string, error)
	UpdateGroup(ctx context.Context, poolID, name string, fn func(*Group) error) (Group, error)
	// DeleteGroup removes the group and its memberships.
	DeleteGroup(ctx context.Context, poolID, name string) error

	// AddUserToGroup is idempotent. ErrNotFound when the user or group is
	// missing; ErrLimitExceeded when the user is already in maxGroupsPerUser
	// groups (checked atomically; re-adding an existing membership never fails).
	AddUserToGroup(ctx context.Context, poolID, usernameKey, group string, maxGroupsPerUser int) error
	// RemoveUserFromGroup deletes a membership. ErrNotFound when none was
	// removed (not a member, or no such user or group): callers that want
	// Cognito's idempotence ignore it, and learn without another read that a
	// removal proved the user and the group exist.
	RemoveUserFromGroup(ctx context.Context, poolID, usernameKey, group string) error
	// ListGroupsForUser orders by group name.
	ListGroupsForUser(ctx context.Context, poolID, usernameKey string, page Page) ([]Group, string, error)
	// AllGroupsForUser returns every group of the user (at most the per-user limit), by name.
	AllGroupsForUser(ctx context.Context, poolID, usernameKey string) ([]Group, error)
	// ListUsersInGroup orders by UsernameKey.
	ListUsersInGroup(ctx context.Context, poolID, group string, page Page) ([]User, string, error)
}

// DeviceStore persists remembered devices.
type DeviceStore interface {
	CreateDevice(ctx context.Context, d Device) error
	GetDevice(ctx context.Context, poolID, usernameKey, deviceKey string) (Device, error)
	// ListDevices orders by device key.
	ListDevices(ctx context.Context, poolID, usernameKey string, page Page) ([]Device, string, error)
	UpdateDevice(ctx context.Context, poolID, usernameKey, deviceKey string, fn func(*Device) error) (Device, error)
	DeleteDevice(ctx context.Context, poolID, usernameKey, deviceKey string) error
}

// TokenStore persists signing keys, refresh tokens, codes and challenge sessions.
type TokenStore interface {
	CreateSigningKey(ctx context.Context, k SigningKey) error
	// CreateFirstSigningKey creates k unless the pool already has a key of
	// k.Use that signs at k.CreatedAt (NotAfter zero or after it, and
	// ExpiresAt zero or after it). The check and the insert are one
	// transaction serialized per pool, so of instances racing to give a
	// pool a signing key exactly one creates it and the others find it. It
	// reports whether k was created.
	CreateFirstSigningKey(ctx context.Context, k SigningKey) (bool, error)
	// ListSigningKeys returns the pool's keys, newest first.
	ListSigningKeys(ctx context.Context, poolID string) ([]SigningKey, error)
	UpdateSigningKey(ctx context.Context, poolID, kid string, fn func(*SigningKey) error) (SigningKey, error)
	DeleteSigningKey(ctx context.Context, poolID, kid string) error

	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	GetRefreshToken(ctx context.Context, hash string) (RefreshToken, error)
	// RotateRefreshToken is refresh-token rotation as one compare-and-swap:
	// in one transaction it marks the token `hash` replaced (ReplacedAt =
	// next.CreatedAt, unless it was replaced before: the first time stays)
	// and creates next. It succeeds only when the token exists, is not
	// revoked, and was not replaced yet or was replaced strictly after
	// graceFrom (a zero graceFrom lets no replaced token rotate again), so of
	// two concurrent rotations of a token outside its grace exactly one
	// wins. ErrNotFound: no such token; ErrTokenReplaced: the swap failed
	// (replaced outside the grace, or revoked).
	RotateRefreshToken(ctx context.Context, hash string, graceFrom time.Time, next RefreshToken) error
	// RevokeRefreshToken marks the token and every token of its family (same
	// pool and origin_jti) revoked; tokens already revoked keep their time
	// (idempotent). ErrNotFound when the token is missing.
	RevokeRefreshToken(ctx context.Context, hash string, at time.Time) error
	// RevokeUserRefreshTokens marks every unrevoked token of the user revoked.
	RevokeUserRefreshTokens(ctx context.Context, poolID, usernameKey string, at time.Time) error
	// IsOriginRevoked reports whether the refresh token with that origin_jti is revoked.
	IsOriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error)
	// DeleteExpiredRefreshTokens removes tokens that expired before t; returns the count.
	DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (int64, error)

	// PutCode creates or replaces the code for (pool, user, purpose).
	PutCode(ctx context.Context, c Code) error
	GetCode(ctx context.Context, poolID, usernameKey, purpose string) (Code, error)
	// IncrementCodeAttempts adds one failed attempt and returns the new count.
	IncrementCodeAttempts(ctx context.Context, poolID, usernameKey, purpose string) (int, error)
	// DeleteCode returns ErrNotFound when it is already gone: exactly one
	// caller wins, which makes codes single-use.
	DeleteCode(ctx context.Context, poolID, usernameKey, purpose string) error

	CreateSession(ctx context.Context, s Session) error
	// TakeSession returns and deletes the session atomically (single use).
	TakeSession(ctx context.Context, id string) (Session, error)
	GetSession(ctx context.Context, id string) (Session, error)
	DeleteExpiredSessions(ctx context.Context, before time.Time) (int64, error)
}

// IAMStore persists principals, access keys and the audit log.
type IAMStore interface {
	// PutPrincipal creates or replaces a principal (grants included).
	PutPrincipal(ctx context.Context, p Principal) error
	GetPrincipal(ctx context.Context, name string) (Principal, error)
	ListPrincipals(ctx context.Context) ([]Principal, error)
	// DeletePrincipal removes the principal and its access keys.
	DeletePrincipal(ctx context.Context, name string) error

	// CreateAccessKey: ErrNotFound when the principal is missing.
	CreateAccessKey(ctx context.Context, k AccessKey) error
	GetAccessKey(ctx context.Context, id string) (AccessKey, error)
	ListAccessKeys(ctx context.Context, principal string) ([]AccessKey, error)
	DeleteAccessKey(ctx context.Context, id string) error

	AppendAudit(ctx context.Context, e AuditEvent) (int64, error)
	// AppendAuditBatch stores the events in one transaction, in order (their
	// ids increase in slice order); all or none are stored.
	AppendAuditBatch(ctx context.Context, es []AuditEvent) error
	// ListAudit orders by ID ascending (descending with AuditFilter.Newest).
	ListAudit(ctx context.Context, f AuditFilter, page Page) ([]AuditEvent, string, error)
}

// AuditRetentionStore prunes the audit log (the audit.retention setting).
type AuditRetentionStore interface {
	// DeleteAuditBefore deletes at most limit events whose Time is before
	// before, oldest first, in one short transaction, and returns how many
	// it deleted: callers repeat until fewer than limit are deleted, so a
	// large backlog never holds the writer for long.
	DeleteAuditBefore(ctx context.Context, before time.Time, limit int) (int, error)
}

// Store is everything a backend provides.
type Store interface {
	PoolStore
	UserStore
	GroupStore
	DeviceStore
	TokenStore
	IAMStore
	ResourceStore
	ImportJobStore
	AuditRetentionStore
	IdentityStore
	WebAuthnStore
	// Ping checks the connection (health checks).
	Ping(ctx context.Context) error
	Close() error
}
