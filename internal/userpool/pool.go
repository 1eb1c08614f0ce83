package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"userpool/internal/cognitorules"
	"userpool/internal/store"
)

// PasswordPolicy is a pool's password policy (Policies.PasswordPolicy).
type PasswordPolicy struct {
	MinimumLength                 int  `json:"MinimumLength"`
	RequireUppercase              bool `json:"RequireUppercase"`
	RequireLowercase              bool `json:"RequireLowercase"`
	RequireNumbers                bool `json:"RequireNumbers"`
	RequireSymbols                bool `json:"RequireSymbols"`
	PasswordHistorySize           int  `json:"PasswordHistorySize,omitempty"`
	TemporaryPasswordValidityDays int  `json:"TemporaryPasswordValidityDays"`
}

// DefaultPasswordPolicy is what CreateUserPool gives a pool without Policies.
var DefaultPasswordPolicy = PasswordPolicy{
	MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
	RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7,
}

// SchemaAttribute is one attribute of the pool schema (standard or custom).
// Name is stored without the "custom:" prefix for custom attributes, as
// Cognito's SchemaAttributeType does; Custom marks them.
type SchemaAttribute struct {
	Name                   string `json:"Name"`
	AttributeDataType      string `json:"AttributeDataType"` // String | Number | DateTime | Boolean
	DeveloperOnlyAttribute bool   `json:"DeveloperOnlyAttribute"`
	Mutable                bool   `json:"Mutable"`
	Required               bool   `json:"Required"`
	Custom                 bool   `json:"Custom,omitempty"`
	MinLength              *int64 `json:"MinLength,omitempty"`
	MaxLength              *int64 `json:"MaxLength,omitempty"`
	MinValue               *int64 `json:"MinValue,omitempty"`
	MaxValue               *int64 `json:"MaxValue,omitempty"`
}

// AttributeName is the name used in user attributes: "custom:x" for custom
// attributes, "dev:custom:x" for developer-only ones, the bare name otherwise.
func (a SchemaAttribute) AttributeName() string {
	switch {
	case a.Custom && a.DeveloperOnlyAttribute:
		return "dev:custom:" + a.Name
	case a.Custom:
		return "custom:" + a.Name
	}
	return a.Name
}

// DeviceConfiguration is the pool's device tracking setting.
type DeviceConfiguration struct {
	ChallengeRequiredOnNewDevice     bool `json:"ChallengeRequiredOnNewDevice"`
	DeviceOnlyRememberedOnUserPrompt bool `json:"DeviceOnlyRememberedOnUserPrompt"`
}

// AdminCreateUserConfig is the pool's AdminCreateUserConfig.
type AdminCreateUserConfig struct {
	AllowAdminCreateUserOnly  bool            `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int             `json:"UnusedAccountValidityDays,omitempty"`
	InviteMessageTemplate     json.RawMessage `json:"InviteMessageTemplate,omitempty"`
}

// PoolSettings is the configuration of a pool, stored as the pool's Settings
// JSON. Fields carry Cognito's member names; Extra keeps accepted members
// that userpool stores and echoes back but does not act on (messages,
// Lambda config, email/SMS configuration, tags, ...).
type PoolSettings struct {
	PasswordPolicy         PasswordPolicy             `json:"PasswordPolicy"`
	SignInPolicy           json.RawMessage            `json:"SignInPolicy,omitempty"`
	Schema                 []SchemaAttribute          `json:"Schema"`
	UsernameAttributes     []string                   `json:"UsernameAttributes,omitempty"`
	AliasAttributes        []string                   `json:"AliasAttributes,omitempty"`
	AutoVerifiedAttributes []string                   `json:"AutoVerifiedAttributes,omitempty"`
	CaseSensitive          bool                       `json:"CaseSensitive"`
	MfaConfiguration       string                     `json:"MfaConfiguration"` // OFF | ON | OPTIONAL
	SoftwareTokenMfa       bool                       `json:"SoftwareTokenMfaEnabled,omitempty"`
	DeviceConfiguration    *DeviceConfiguration       `json:"DeviceConfiguration,omitempty"`
	AdminCreateUserConfig  AdminCreateUserConfig      `json:"AdminCreateUserConfig"`
	DeletionProtection     string                     `json:"DeletionProtection,omitempty"`
	UserPoolTier           string                     `json:"UserPoolTier,omitempty"`
	Extra                  map[string]json.RawMessage `json:"Extra,omitempty"`
}

// Pool is a pool with its decoded settings.
type Pool struct {
	ID        string
	Name      string
	Settings  PoolSettings
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PoolName is the part of the pool id after the first "_" (used by SRP).
func (p *Pool) PoolName() string {
	_, after, _ := strings.Cut(p.ID, "_")
	return after
}

// UsesUsernameAttributes reports whether email/phone_number replace the
// username (the internal username is then the sub).
func (p *Pool) UsesUsernameAttributes() bool { return len(p.Settings.UsernameAttributes) > 0 }

// UsernameKey is the lookup key of a username in this pool: lower-cased
// unless the pool is case-sensitive.
func (p *Pool) UsernameKey(username string) string {
	if p.Settings.CaseSensitive {
		return username
	}
	return strings.ToLower(username)
}

// directKey is the username key name has if it is a username, and false
// when it cannot be one: in a pool with UsernameAttributes every internal
// username is a generated sub (a UUID), so an email or a phone number names
// a user only as an alias. Calls that try the username first (and resolve
// aliases only when the store finds nothing) use it to skip a try that
// cannot succeed.
func (p *Pool) directKey(name string) (string, bool) {
	if p.UsesUsernameAttributes() && (len(name) != 36 || uuid.Validate(name) != nil) {
		return "", false
	}
	return p.UsernameKey(name), true
}

// SchemaAttribute returns the schema entry for an attribute name as used in
// user attributes ("email", "custom:tier", ...).
func (p *Pool) SchemaAttribute(name string) (SchemaAttribute, bool) {
	for _, a := range p.Settings.Schema {
		if a.AttributeName() == name {
			return a, true
		}
	}
	return SchemaAttribute{}, false
}

func decodePool(sp store.Pool) (*Pool, error) {
	p := &Pool{ID: sp.ID, Name: sp.Name, CreatedAt: sp.CreatedAt, UpdatedAt: sp.UpdatedAt}
	if len(sp.Settings) > 0 {
		if err := json.Unmarshal(sp.Settings, &p.Settings); err != nil {
			return nil, Internal(err)
		}
	}
	return p, nil
}

// GetPool loads a pool; ResourceNotFoundException "User pool <id> does not exist." when missing.
func (s *Service) GetPool(ctx context.Context, poolID string) (*Pool, error) {
	if p, ok := s.pools.fresh(poolID); ok {
		return p, nil
	}
	return s.loadPool(ctx, poolID)
}

// loadPool reads a pool from the store (never from the cache) and caches it.
func (s *Service) loadPool(ctx context.Context, poolID string) (*Pool, error) {
	gen := s.pools.generation()
	sp, err := s.store.GetPool(ctx, poolID)
	if err != nil {
		return nil, storeError(err, on(store.ErrNotFound, func() *Error { return Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID) }))
	}
	p, err := s.pools.decode(sp, gen)
	if err != nil {
		return nil, Internal(err)
	}
	return p, nil
}

// ErrUserNotFound is the error Admin* operations answer for an unknown user.
func errUserNotFound() *Error { return Errorf(KindUserNotFound, "User does not exist.") }

// ResolveUser finds the user a client-supplied username names (see resolveUser).
func (s *Service) ResolveUser(ctx context.Context, p *Pool, username string) (User, error) {
	u, err := s.resolveUser(ctx, p, username)
	if err != nil {
		return User{}, err
	}
	return userView(u)
}

// resolveUser finds the user a client-supplied username names: the internal
// username (respecting case sensitivity), or, when the pool uses
// UsernameAttributes or AliasAttributes, an email / phone_number /
// preferred_username alias, or the sub. UserNotFoundException when none matches.
func (s *Service) resolveUser(ctx context.Context, p *Pool, username string) (store.User, error) {
	if strings.IndexByte(username, 0) >= 0 {
		// No user can have it (UsernameType refuses NUL), and no store is
		// asked (PostgreSQL cannot take it as text): refused as the
		// member's pattern refuses it, whatever path the username came by
		// (InitiateAuth's AUTH_PARAMETERS, a challenge's USERNAME, ...).
		return store.User{}, Errorf(KindInvalidParameter, "%s", cognitorules.Message(cognitorules.Violation("username", nil, cognitorules.Name.Constraint())))
	}
	u, err := s.store.GetUser(ctx, p.ID, p.UsernameKey(username))
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, Internal(err)
	}
	for _, kind := range p.aliasKinds() {
		u, err := s.store.GetUserByAlias(ctx, p.ID, kind, p.AliasValue(kind, username))
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.User{}, Internal(err)
		}
	}
	if p.UsesUsernameAttributes() {
		u, err := s.store.GetUserBySub(ctx, p.ID, strings.ToLower(username))
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.User{}, Internal(err)
		}
	}
	return store.User{}, errUserNotFound()
}

// aliasKinds are the alias kinds that can name a user in this pool.
func (p *Pool) aliasKinds() []string {
	if p.UsesUsernameAttributes() {
		return p.Settings.UsernameAttributes
	}
	return p.Settings.AliasAttributes
}

// AliasValue normalises an alias value for storage and lookup: emails and
// preferred usernames are lower-cased unless the pool is case-sensitive;
// phone numbers are kept as given (E.164).
func (p *Pool) AliasValue(kind, value string) string {
	if kind == "phone_number" {
		return value
	}
	if p.Settings.CaseSensitive && kind == "preferred_username" {
		return value
	}
	// Cognito treats email addresses case-insensitively for sign-in.
	return strings.ToLower(value)
}

// Aliases computes the alias set a user should have from its attributes.
// With UsernameAttributes, the email/phone_number attribute is always an
// alias (it is how the user signs in). With AliasAttributes, email and
// phone_number count only once verified, preferred_username always.
func (p *Pool) Aliases(attrs map[string]string) map[string]string {
	out := map[string]string{}
	if p.UsesUsernameAttributes() {
		for _, k := range p.Settings.UsernameAttributes {
			if v := attrs[k]; v != "" {
				out[k] = p.AliasValue(k, v)
			}
		}
		return out
	}
	for _, k := range p.Settings.AliasAttributes {
		v := attrs[k]
		if v == "" {
			continue
		}
		switch k {
		case "email", "phone_number":
			if attrs[k+"_verified"] != "true" {
				continue
			}
		}
		out[k] = p.AliasValue(k, v)
	}
	return out
}
