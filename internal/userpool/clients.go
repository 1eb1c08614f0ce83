package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"

	"userpool/internal/cognitorules"
	"userpool/internal/store"
)

// App clients: CreateUserPoolClient, DescribeUserPoolClient,
// ListUserPoolClients, UpdateUserPoolClient, DeleteUserPoolClient, and the
// lookups the unsigned operations need (GetClientByID).
//
// Like UpdateUserPool, UpdateUserPoolClient resets every omitted member to its
// default (Cognito documents: "If you don't provide a value for an attribute,
// Amazon Cognito sets it to its default value"); the client name is kept when
// omitted and the secret never changes.

const (
	clientIDAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	clientIDLength   = 26
	clientSecretLen  = 51
)

// Token validity units (TimeUnitsType).
const (
	UnitSeconds = "seconds"
	UnitMinutes = "minutes"
	UnitHours   = "hours"
	UnitDays    = "days"
)

// Explicit auth flow values (ExplicitAuthFlowsType); the values and the
// legacy / ALLOW_ sets are cognitorules'.
const (
	FlowAdminNoSRP                 = cognitorules.FlowAdminNoSRP         // legacy
	FlowCustomAuthFlowOnly         = cognitorules.FlowCustomAuthFlowOnly // legacy
	FlowUserPasswordLegacy         = cognitorules.FlowUserPasswordLegacy // legacy
	FlowAllowAdminUserPasswordAuth = cognitorules.FlowAllowAdminUserPasswordAuth
	FlowAllowCustomAuth            = cognitorules.FlowAllowCustomAuth
	FlowAllowUserPasswordAuth      = cognitorules.FlowAllowUserPasswordAuth
	FlowAllowUserSRPAuth           = cognitorules.FlowAllowUserSRPAuth
	FlowAllowRefreshTokenAuth      = cognitorules.FlowAllowRefreshTokenAuth
	FlowAllowUserAuth              = cognitorules.FlowAllowUserAuth
)

// DefaultExplicitAuthFlows is what a client created without ExplicitAuthFlows gets.
var DefaultExplicitAuthFlows = []string{FlowAllowRefreshTokenAuth, FlowAllowUserSRPAuth, FlowAllowCustomAuth}

// Token validity ranges and defaults (TokenValidityUnitsType docs).
const (
	minAccessValidity     = 5 * time.Minute
	maxAccessValidity     = 24 * time.Hour
	minRefreshValidity    = 60 * time.Minute
	maxRefreshValidity    = 3650 * 24 * time.Hour
	defaultAccessValidity = time.Hour
	defaultRefreshDays    = 30
)

// TokenValidityUnits is TokenValidityUnitsType: one unit per token.
type TokenValidityUnits struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	IdToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

// ClientSettings is an app client's configuration, stored as the client's
// Settings JSON with Cognito's member names and omission rules: the Cognito
// protocol layer embeds it as the settings members of UserPoolClientType.
// Validities are stored as the client sees them (value + unit). An empty
// ExplicitAuthFlows list (a client with no flows) is kept apart from an
// absent one.
type ClientSettings struct {
	RefreshTokenValidity                     int64              `json:"RefreshTokenValidity"`
	AccessTokenValidity                      int64              `json:"AccessTokenValidity"`
	IdTokenValidity                          int64              `json:"IdTokenValidity"`
	TokenValidityUnits                       TokenValidityUnits `json:"TokenValidityUnits"`
	ReadAttributes                           []string           `json:"ReadAttributes,omitempty"`
	WriteAttributes                          []string           `json:"WriteAttributes,omitempty"`
	ExplicitAuthFlows                        []string           `json:"ExplicitAuthFlows,omitzero"`
	SupportedIdentityProviders               []string           `json:"SupportedIdentityProviders,omitempty"`
	CallbackURLs                             []string           `json:"CallbackURLs,omitempty"`
	LogoutURLs                               []string           `json:"LogoutURLs,omitempty"`
	DefaultRedirectURI                       string             `json:"DefaultRedirectURI,omitempty"`
	AllowedOAuthFlows                        []string           `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes                       []string           `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient          bool               `json:"AllowedOAuthFlowsUserPoolClient"`
	AnalyticsConfiguration                   json.RawMessage    `json:"AnalyticsConfiguration,omitempty"`
	PreventUserExistenceErrors               string             `json:"PreventUserExistenceErrors,omitempty"`
	EnableTokenRevocation                    bool               `json:"EnableTokenRevocation"`
	EnablePropagateAdditionalUserContextData bool               `json:"EnablePropagateAdditionalUserContextData"`
	AuthSessionValidity                      int                `json:"AuthSessionValidity,omitempty"`
	RefreshTokenRotation                     json.RawMessage    `json:"RefreshTokenRotation,omitempty"`
}

// Client is an app client with its decoded settings.
type Client struct {
	PoolID    string
	ID        string
	Name      string
	Secret    string         // the secret DescribeUserPoolClient reports; "" for none
	secrets   []ClientSecret // every current secret (clientsecrets.go)
	Settings  ClientSettings
	CreatedAt time.Time
	UpdatedAt time.Time
}

func unitDuration(unit string) time.Duration {
	switch unit {
	case UnitSeconds:
		return time.Second
	case UnitMinutes:
		return time.Minute
	case UnitHours:
		return time.Hour
	case UnitDays:
		return 24 * time.Hour
	}
	return 0
}

// AccessTokenValidity is how long the client's access tokens live.
func (c *Client) AccessTokenValidity() time.Duration {
	return validity(c.Settings.AccessTokenValidity, c.Settings.TokenValidityUnits.AccessToken, UnitHours, defaultAccessValidity)
}

// IDTokenValidity is how long the client's ID tokens live.
func (c *Client) IDTokenValidity() time.Duration {
	return validity(c.Settings.IdTokenValidity, c.Settings.TokenValidityUnits.IdToken, UnitHours, defaultAccessValidity)
}

// RefreshTokenValidity is how long the client's refresh tokens live.
func (c *Client) RefreshTokenValidity() time.Duration {
	return validity(c.Settings.RefreshTokenValidity, c.Settings.TokenValidityUnits.RefreshToken, UnitDays, defaultRefreshDays*24*time.Hour)
}

// AuthSessionValidity is how long a challenge session lives (3..15 minutes).
func (c *Client) AuthSessionValidity() time.Duration {
	if c.Settings.AuthSessionValidity == 0 {
		return 3 * time.Minute
	}
	return time.Duration(c.Settings.AuthSessionValidity) * time.Minute
}

func validity(v int64, unit, defUnit string, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	if unit == "" {
		unit = defUnit
	}
	return time.Duration(v) * unitDuration(unit)
}

// HasSecret reports whether the client has a secret (and so requires SECRET_HASH).
func (c *Client) HasSecret() bool { return c.Secret != "" || len(c.secrets) > 0 }

// VerifySecretHash checks a SECRET_HASH (Base64(HMAC-SHA256(secret, username+clientId)))
// in constant time against every secret of the client. It is false for a
// client without a secret.
func (c *Client) VerifySecretHash(username, secretHash string) bool {
	return c.verifySecretHash(username, secretHash)
}

// AllowsAuthFlow reports whether the client's ExplicitAuthFlows permit an
// AuthFlow of InitiateAuth/AdminInitiateAuth (USER_SRP_AUTH,
// USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH,
// CUSTOM_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, USER_AUTH).
//
// Clients with ALLOW_* values allow exactly the listed flows. Clients with
// the legacy values (or an empty list) keep the legacy rules: SRP and refresh
// are always allowed unless CUSTOM_AUTH_FLOW_ONLY restricts the client to
// custom authentication (plus refresh).
func (c *Client) AllowsAuthFlow(flow string) bool {
	flows := c.Settings.ExplicitAuthFlows
	has := func(f string) bool {
		for _, x := range flows {
			if x == f {
				return true
			}
		}
		return false
	}
	legacy := true
	for _, f := range flows {
		if cognitorules.IsAllowFlow(f) {
			legacy = false
		}
	}
	if !legacy {
		switch flow {
		case "USER_SRP_AUTH":
			return has(FlowAllowUserSRPAuth)
		case "USER_PASSWORD_AUTH":
			return has(FlowAllowUserPasswordAuth)
		case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
			return has(FlowAllowAdminUserPasswordAuth)
		case "CUSTOM_AUTH":
			return has(FlowAllowCustomAuth)
		case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
			return has(FlowAllowRefreshTokenAuth)
		case "USER_AUTH":
			return has(FlowAllowUserAuth)
		}
		return false
	}
	customOnly := has(FlowCustomAuthFlowOnly)
	switch flow {
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		return true
	case "CUSTOM_AUTH":
		return true
	case "USER_SRP_AUTH":
		return !customOnly
	case "USER_PASSWORD_AUTH":
		return !customOnly && has(FlowUserPasswordLegacy)
	case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
		return !customOnly && has(FlowAdminNoSRP)
	}
	return false
}

// ClientInput is the configuration carried by CreateUserPoolClient and
// UpdateUserPoolClient. UpdateClient ignores GenerateSecret and Secret, and
// keeps the name when Name is "".
type ClientInput struct {
	Name           string
	GenerateSecret bool
	Secret         string // an explicit ClientSecret

	RefreshTokenValidity *int64
	AccessTokenValidity  *int64
	IdTokenValidity      *int64
	TokenValidityUnits   *TokenValidityUnits

	ReadAttributes    []string // nil: not given
	WriteAttributes   []string // nil: not given
	ExplicitAuthFlows []string // nil: the default flows

	SupportedIdentityProviders      []string
	CallbackURLs                    []string
	LogoutURLs                      []string
	DefaultRedirectURI              string
	AllowedOAuthFlows               []string
	AllowedOAuthScopes              []string
	AllowedOAuthFlowsUserPoolClient bool
	AnalyticsConfiguration          json.RawMessage

	PreventUserExistenceErrors               string // LEGACY (default) | ENABLED
	EnableTokenRevocation                    *bool  // default true
	EnablePropagateAdditionalUserContextData *bool  // default false
	AuthSessionValidity                      *int   // minutes, 3..15, default 3
	RefreshTokenRotation                     json.RawMessage
}

func errInvalidValidity() *Error { return invalidParam("Invalid range for token validity.") }

// resolveValidity turns an optional value and unit into what is stored.
// An omitted value (or a refresh value of 0) takes the default duration,
// expressed in the requested unit when it divides evenly, else in the
// default's own unit.
func resolveValidity(v *int64, unit, valueDefUnit string, def time.Duration, defUnit string, lo, hi time.Duration) (int64, string, error) {
	if unit != "" && unitDuration(unit) == 0 {
		return 0, "", invalidParam("Invalid token validity unit %s.", unit)
	}
	if v == nil || *v == 0 {
		if unit != "" && def%unitDuration(unit) == 0 {
			return int64(def / unitDuration(unit)), unit, nil
		}
		return int64(def / unitDuration(defUnit)), defUnit, nil
	}
	if unit == "" {
		unit = valueDefUnit
	}
	n := *v
	u := unitDuration(unit)
	// Guard the multiplication: anything over the maximum is out of range.
	if n < 0 || n > int64(hi/u) {
		return 0, "", errInvalidValidity()
	}
	if d := time.Duration(n) * u; d < lo || d > hi {
		return 0, "", errInvalidValidity()
	}
	return n, unit, nil
}

func checkAuthFlows(flows []string) error {
	var legacy, allow bool
	for _, f := range flows {
		switch {
		case cognitorules.IsLegacyFlow(f):
			legacy = true
		case cognitorules.IsAllowFlow(f):
			allow = true
		default:
			return invalidParam("Invalid ExplicitAuthFlows value %s.", f)
		}
	}
	if legacy && allow {
		return invalidParam("ExplicitAuthFlows can not have both legacy values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH) and ALLOW_ values.")
	}
	return nil
}

// checkClientAttributes validates ReadAttributes / WriteAttributes against the
// pool schema. op is "creating" or "updating" (it appears in Cognito's message).
func checkClientAttributes(p *Pool, read, write []string, op string) error {
	for _, name := range read {
		if _, ok := p.SchemaAttribute(name); !ok {
			return invalidParam("Invalid read attributes specified while %s a client", op)
		}
	}
	if write == nil {
		return nil
	}
	writable := map[string]bool{}
	for _, name := range write {
		a, ok := p.SchemaAttribute(name)
		if !ok || name == "sub" || name == "email_verified" || name == "phone_number_verified" || a.DeveloperOnlyAttribute {
			return invalidParam("Invalid write attributes specified while %s a client", op)
		}
		writable[name] = true
	}
	// Every app client can write the pool's required attributes, so an
	// explicit list must include them all.
	for _, a := range p.Settings.Schema {
		if a.Required && a.Name != "sub" && !writable[a.AttributeName()] {
			return invalidParam("Invalid write attributes specified while %s a client", op)
		}
	}
	return nil
}

// buildClientSettings validates a client request against its pool and fills
// in the defaults.
func buildClientSettings(p *Pool, in ClientInput, op string) (ClientSettings, error) {
	var st ClientSettings
	units := TokenValidityUnits{}
	if in.TokenValidityUnits != nil {
		units = *in.TokenValidityUnits
	}
	var err error
	if st.AccessTokenValidity, st.TokenValidityUnits.AccessToken, err = resolveValidity(in.AccessTokenValidity, units.AccessToken, UnitHours, defaultAccessValidity, UnitMinutes, minAccessValidity, maxAccessValidity); err != nil {
		return st, err
	}
	if st.IdTokenValidity, st.TokenValidityUnits.IdToken, err = resolveValidity(in.IdTokenValidity, units.IdToken, UnitHours, defaultAccessValidity, UnitMinutes, minAccessValidity, maxAccessValidity); err != nil {
		return st, err
	}
	if st.RefreshTokenValidity, st.TokenValidityUnits.RefreshToken, err = resolveValidity(in.RefreshTokenValidity, units.RefreshToken, UnitDays, defaultRefreshDays*24*time.Hour, UnitDays, minRefreshValidity, maxRefreshValidity); err != nil {
		return st, err
	}

	if in.ExplicitAuthFlows == nil {
		st.ExplicitAuthFlows = append([]string(nil), DefaultExplicitAuthFlows...)
	} else {
		if err := checkAuthFlows(in.ExplicitAuthFlows); err != nil {
			return st, err
		}
		st.ExplicitAuthFlows = dedupe(in.ExplicitAuthFlows)
	}

	if err := checkClientAttributes(p, in.ReadAttributes, in.WriteAttributes, op); err != nil {
		return st, err
	}
	st.ReadAttributes = in.ReadAttributes
	st.WriteAttributes = in.WriteAttributes

	var ok bool
	if st.PreventUserExistenceErrors, ok = oneOf(in.PreventUserExistenceErrors, "LEGACY", "LEGACY", "ENABLED"); !ok {
		return st, invalidParam("Invalid PreventUserExistenceErrors value %s.", in.PreventUserExistenceErrors)
	}
	st.EnableTokenRevocation = true
	if in.EnableTokenRevocation != nil {
		st.EnableTokenRevocation = *in.EnableTokenRevocation
	}
	if in.EnablePropagateAdditionalUserContextData != nil {
		st.EnablePropagateAdditionalUserContextData = *in.EnablePropagateAdditionalUserContextData
	}
	st.AuthSessionValidity = 3
	if in.AuthSessionValidity != nil {
		if v := *in.AuthSessionValidity; v < 3 || v > 15 {
			return st, invalidParam("AuthSessionValidity must be between 3 and 15 minutes.")
		}
		st.AuthSessionValidity = *in.AuthSessionValidity
	}
	if !checkAll(in.AllowedOAuthFlows, "code", "implicit", "client_credentials") {
		return st, invalidParam("AllowedOAuthFlows may only contain code, implicit and client_credentials.")
	}
	st.SupportedIdentityProviders = in.SupportedIdentityProviders
	st.CallbackURLs = in.CallbackURLs
	st.LogoutURLs = in.LogoutURLs
	st.DefaultRedirectURI = in.DefaultRedirectURI
	st.AllowedOAuthFlows = in.AllowedOAuthFlows
	st.AllowedOAuthScopes = in.AllowedOAuthScopes
	st.AllowedOAuthFlowsUserPoolClient = in.AllowedOAuthFlowsUserPoolClient
	st.AnalyticsConfiguration = nullToNil(in.AnalyticsConfiguration)
	st.RefreshTokenRotation = nullToNil(in.RefreshTokenRotation)
	if _, err := parseRefreshRotation(st.RefreshTokenRotation); err != nil {
		return st, err
	}
	return st, nil
}

func nullToNil(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return m
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(list))
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func checkClientName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > 128 {
		return invalidParam("The client name must be between 1 and 128 characters.")
	}
	return nil
}

func checkClientSecret(secret string) error {
	if n := len(secret); n < 24 || n > 64 {
		return invalidParam("The client secret must be between 24 and 64 characters.")
	}
	for _, r := range secret {
		if !(r == '_' || r == '+' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return invalidParam("The client secret may only contain letters, digits, '_' and '+'.")
		}
	}
	return nil
}

func (s *Service) decodeClient(sc store.Client) (*Client, error) {
	// The secret column is sealed at rest (sealing.go); a column stored
	// before sealing is read as it is.
	secret, err := s.openClientSecretColumn(sc.PoolID, sc.ID, sc.Secret)
	if err != nil {
		return nil, err
	}
	sc.Secret = secret
	c := &Client{PoolID: sc.PoolID, ID: sc.ID, Name: sc.Name, Secret: sc.Secret, CreatedAt: sc.CreatedAt, UpdatedAt: sc.UpdatedAt}
	// The column's plaintext may hold several secrets (clientsecrets.go);
	// sealing at rest opens sc.Secret before this.
	if err := c.loadSecrets(sc.Secret); err != nil {
		return nil, Internal(err)
	}
	if len(sc.Settings) > 0 {
		if err := json.Unmarshal(sc.Settings, &c.Settings); err != nil {
			return nil, Internal(err)
		}
	}
	return c, nil
}

func errClientNotFound(clientID string) *Error {
	return Errorf(KindResourceNotFound, "User pool client %s does not exist.", clientID)
}

// CreateClient creates an app client (CreateUserPoolClient) with a new
// random id.
func (s *Service) CreateClient(ctx context.Context, poolID string, in ClientInput) (*Client, error) {
	return s.createClient(ctx, poolID, "", in)
}

// createClient creates an app client with id, or with a new random id when
// id is "" (drawn again should it be taken). A given id that is taken is
// InvalidParameterException.
func (s *Service) createClient(ctx context.Context, poolID, id string, in ClientInput) (*Client, error) {
	if err := checkClientName(in.Name); err != nil {
		return nil, err
	}
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if in.GenerateSecret && in.Secret != "" {
		return nil, invalidParam("You cannot specify both GenerateSecret as true and a ClientSecret value.")
	}
	settings, err := buildClientSettings(p, in, "creating")
	if err != nil {
		return nil, err
	}
	if err := s.checkClientReferences(ctx, p.ID, settings); err != nil {
		return nil, err
	}
	secret := in.Secret
	if secret != "" {
		if err := checkClientSecret(secret); err != nil {
			return nil, err
		}
	} else if in.GenerateSecret {
		if secret, err = randomString(s.rand, clientSecretLen, clientIDAlphabet); err != nil {
			return nil, Internal(err)
		}
	}
	raw, err := encodeSettings(settings)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	for attempt := 0; attempt < 5; attempt++ {
		cid := id
		if cid == "" {
			if cid, err = randomString(s.rand, clientIDLength, clientIDAlphabet); err != nil {
				return nil, Internal(err)
			}
		}
		stored, err := s.sealClientSecretColumn(poolID, cid, secret)
		if err != nil {
			return nil, err
		}
		sc := store.Client{PoolID: poolID, ID: cid, Name: in.Name, Secret: stored, Settings: raw, CreatedAt: now, UpdatedAt: now}
		switch err := s.store.CreateClient(ctx, sc); {
		case errors.Is(err, store.ErrAlreadyExists) && id != "":
			return nil, invalidParam("User pool client %s already exists.", id)
		case errors.Is(err, store.ErrAlreadyExists):
			continue
		case errors.Is(err, store.ErrNotFound): // the pool went away meanwhile
			return nil, Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID)
		case err != nil:
			return nil, Internal(err)
		}
		return &Client{PoolID: poolID, ID: cid, Name: in.Name, Secret: secret, Settings: settings, CreatedAt: now, UpdatedAt: now}, nil
	}
	return nil, Internal(errors.New("could not mint a unique client id"))
}

// GetClient loads an app client of a pool (DescribeUserPoolClient). An
// unknown pool is "User pool <id> does not exist.", an unknown client
// "User pool client <id> does not exist." (both ResourceNotFoundException).
func (s *Service) GetClient(ctx context.Context, poolID, clientID string) (*Client, error) {
	sc, err := s.store.GetClient(ctx, poolID, clientID)
	if errors.Is(err, store.ErrNotFound) {
		if _, perr := s.GetPool(ctx, poolID); perr != nil {
			return nil, perr
		}
		return nil, errClientNotFound(clientID)
	}
	if err != nil {
		return nil, Internal(err)
	}
	return s.decodeClient(sc)
}

// GetClientByID loads an app client by id alone, for the unsigned operations
// that name only the client. ResourceNotFoundException "User pool client <id>
// does not exist." when missing.
func (s *Service) GetClientByID(ctx context.Context, clientID string) (*Client, error) {
	sc, err := s.store.GetClientByID(ctx, clientID)
	if err != nil {
		return nil, storeError(err, on(store.ErrNotFound, func() *Error { return errClientNotFound(clientID) }))
	}
	return s.decodeClient(sc)
}

// ListClients lists a pool's app clients by id (ListUserPoolClients).
func (s *Service) ListClients(ctx context.Context, poolID string, limit int, token string) ([]*Client, string, error) {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return nil, "", err
	}
	scs, next, err := s.store.ListClients(ctx, poolID, store.Page{Limit: clampLimit(limit), Token: token})
	return decodePage(scs, next, err, s.decodeClient)
}

// UpdateClient replaces a client's settings (UpdateUserPoolClient); omitted
// members return to their defaults, the name is kept when in.Name is "".
func (s *Service) UpdateClient(ctx context.Context, poolID, clientID string, in ClientInput) (*Client, error) {
	if in.Name != "" {
		if err := checkClientName(in.Name); err != nil {
			return nil, err
		}
	}
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	settings, err := buildClientSettings(p, in, "updating")
	if err != nil {
		return nil, err
	}
	if err := s.checkClientReferences(ctx, p.ID, settings); err != nil {
		return nil, err
	}
	raw, err := encodeSettings(settings)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	sc, err := s.store.UpdateClient(ctx, poolID, clientID, func(c *store.Client) error {
		if in.Name != "" {
			c.Name = in.Name
		}
		c.Settings = raw
		c.UpdatedAt = now
		return nil
	})
	if err != nil {
		return nil, storeError(err, on(store.ErrNotFound, func() *Error { return errClientNotFound(clientID) }))
	}
	return s.decodeClient(sc)
}

// DeleteClient deletes an app client (DeleteUserPoolClient).
func (s *Service) DeleteClient(ctx context.Context, poolID, clientID string) error {
	err := s.store.DeleteClient(ctx, poolID, clientID)
	if errors.Is(err, store.ErrNotFound) {
		if _, perr := s.GetPool(ctx, poolID); perr != nil {
			return perr
		}
		return errClientNotFound(clientID)
	}
	if err != nil {
		return Internal(err)
	}
	return s.deleteClientResources(ctx, poolID, clientID)
}
