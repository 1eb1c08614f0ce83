package userpool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"userpool/internal/store"
)

// Cognito identity pools (the cognito-identity API): identity pools, their
// identities, role selection and temporary credentials. The face is
// internal/identity; the rules live here.
//
// Chosen where AWS is not documented (docs/identity.md lists them):
//   - an unknown identity pool or identity is ResourceNotFoundException
//     "IdentityPool '<id>' not found." / "Identity '<id>' not found.";
//   - logins of providers userpool cannot verify (Facebook, Google, OIDC,
//     SAML) are refused with "Token is not from a supported provider of
//     this identity pool.";
//   - GetOpenIdToken tokens are signed with a key of the identity pool
//     (generated at creation, sealed in its record) and published at
//     /identity/<IdentityPoolId>/.well-known/jwks.json.

// Kinds of the cognito-identity API not shared with user pools.
const (
	KindInvalidIdentityPoolConfig Kind = "InvalidIdentityPoolConfigurationException"
	KindResourceConflict          Kind = "ResourceConflictException"
	KindDeveloperUserRegistered   Kind = "DeveloperUserAlreadyRegisteredException"
)

// DeveloperLoginsKey is the Logins key of tokens issued by
// GetOpenIdTokenForDeveloperIdentity.
const DeveloperLoginsKey = "cognito-identity.amazonaws.com"

// IdentityTokenIssuer is the iss of the tokens GetOpenIdToken issues (AWS's).
const IdentityTokenIssuer = "https://cognito-identity.amazonaws.com"

// DefaultCredentialsDuration is the lifetime of temporary credentials
// (GetCredentialsForIdentity: 1 hour in AWS's enhanced flow).
const DefaultCredentialsDuration = time.Hour

// IdentityPool is an identity pool as the API shows it.
type IdentityPool struct {
	IdentityPoolId                 string                    `json:"IdentityPoolId"`
	IdentityPoolName               string                    `json:"IdentityPoolName"`
	AllowUnauthenticatedIdentities bool                      `json:"AllowUnauthenticatedIdentities"`
	AllowClassicFlow               *bool                     `json:"AllowClassicFlow,omitempty"`
	SupportedLoginProviders        map[string]string         `json:"SupportedLoginProviders,omitempty"`
	DeveloperProviderName          string                    `json:"DeveloperProviderName,omitempty"`
	OpenIdConnectProviderARNs      []string                  `json:"OpenIdConnectProviderARNs,omitempty"`
	CognitoIdentityProviders       []CognitoIdentityProvider `json:"CognitoIdentityProviders,omitempty"`
	SamlProviderARNs               []string                  `json:"SamlProviderARNs,omitempty"`
	IdentityPoolTags               map[string]string         `json:"IdentityPoolTags,omitempty"`
}

// CognitoIdentityProvider is a user pool app client an identity pool accepts.
type CognitoIdentityProvider struct {
	ProviderName         string `json:"ProviderName,omitempty"`
	ClientId             string `json:"ClientId,omitempty"`
	ServerSideTokenCheck *bool  `json:"ServerSideTokenCheck,omitempty"`
}

// RoleMapping selects the role of an authenticated identity of a provider.
type RoleMapping struct {
	Type                    string              `json:"Type"`
	AmbiguousRoleResolution string              `json:"AmbiguousRoleResolution,omitempty"`
	RulesConfiguration      *RulesConfiguration `json:"RulesConfiguration,omitempty"`
}

// RulesConfiguration is the rules of a Rules role mapping.
type RulesConfiguration struct {
	Rules []MappingRule `json:"Rules"`
}

// MappingRule maps a claim to a role.
type MappingRule struct {
	Claim     string `json:"Claim"`
	MatchType string `json:"MatchType"`
	Value     string `json:"Value"`
	RoleARN   string `json:"RoleARN"`
}

// IdentityPoolRoles is GetIdentityPoolRoles' answer.
type IdentityPoolRoles struct {
	IdentityPoolId string                 `json:"IdentityPoolId"`
	Roles          map[string]string      `json:"Roles,omitempty"`
	RoleMappings   map[string]RoleMapping `json:"RoleMappings,omitempty"`
}

// IdentityDescription describes an identity.
type IdentityDescription struct {
	IdentityId       string
	Logins           []string
	CreationDate     time.Time
	LastModifiedDate time.Time
}

// TemporaryCredentials are what GetCredentialsForIdentity returns.
type TemporaryCredentials struct {
	AccessKeyId  string
	SecretKey    string
	SessionToken string
	Expiration   time.Time
}

// identityPoolBody is the stored document of an identity pool.
type identityPoolBody struct {
	Pool         IdentityPool           `json:"Pool"`
	Roles        map[string]string      `json:"Roles,omitempty"`
	RoleMappings map[string]RoleMapping `json:"RoleMappings,omitempty"`
	// Key is the pool's RSA signing key (PKCS#8, sealed when a sealer is
	// configured), base64; Kid its key id.
	Key    string `json:"Key"`
	Sealed bool   `json:"Sealed,omitempty"`
	Kid    string `json:"Kid"`
}

// IdentityOptions configures the identity-pool area (Options.Identity).
type IdentityOptions struct {
	// CredentialsDuration is the lifetime of temporary credentials
	// (default DefaultCredentialsDuration).
	CredentialsDuration time.Duration
	// SealSessionSecret seals a temporary credential's secret for the
	// keyring (iam.Sealer.SealSessionSecret). Required to issue credentials.
	SealSessionSecret func(accessKeyID, secret string) ([]byte, error)
	// NewSessionCredential makes an ASIA id, a secret and a session token
	// and TokenHash digests a token (iam.NewSessionCredential,
	// iam.SessionTokenHash).
	NewSessionCredential func() (id, secret, token string)
	TokenHash            func(token string) []byte
	// RevokedCredentials, when set, is told of the access key ids of
	// temporary credentials revoked (sign-out), e.g. Keyring.Invalidate.
	RevokedCredentials func(ids []string)
}

// identityState is the Service's identity-pool state.
type identityState struct {
	opts IdentityOptions
	// keys caches parsed signing keys by identity pool id.
	keys sync.Map // string -> *rsa.PrivateKey
	// warned remembers role names already logged as undeclared.
	warned sync.Map
}

// SetIdentityOptions configures the identity-pool area (call before serving).
func (s *Service) SetIdentityOptions(o IdentityOptions) {
	if o.CredentialsDuration <= 0 {
		o.CredentialsDuration = DefaultCredentialsDuration
	}
	s.identity.opts = o
}

var (
	identityPoolNameRE = regexp.MustCompile(`^[\w\s+=,.@-]+$`)
	identityIDRE       = regexp.MustCompile(`^[\w-]+:[0-9a-f-]+$`)
	devProviderRE      = regexp.MustCompile(`^[\w._-]+$`)
)

func errIdentityPoolNotFound(id string) error {
	return Errorf(KindResourceNotFound, "IdentityPool '%s' not found.", id)
}

func errIdentityNotFound(id string) error {
	return Errorf(KindResourceNotFound, "Identity '%s' not found.", id)
}

func errUnsupportedProvider() error {
	return Errorf(KindNotAuthorized, "Token is not from a supported provider of this identity pool.")
}

func errInvalidPoolConfig() error {
	return Errorf(KindInvalidIdentityPoolConfig, "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
}

// checkIdentityPool validates the members of Create/UpdateIdentityPool.
func checkIdentityPool(p *IdentityPool) error {
	if n := len(p.IdentityPoolName); n < 1 || n > 128 || !identityPoolNameRE.MatchString(p.IdentityPoolName) {
		return invalidParam("1 validation error detected: Value '%s' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+", p.IdentityPoolName)
	}
	if p.DeveloperProviderName != "" && (len(p.DeveloperProviderName) > 128 || !devProviderRE.MatchString(p.DeveloperProviderName)) {
		return invalidParam("Invalid DeveloperProviderName.")
	}
	if p.DeveloperProviderName == DeveloperLoginsKey || strings.HasPrefix(p.DeveloperProviderName, "cognito-idp.") {
		return invalidParam("DeveloperProviderName is reserved.")
	}
	if len(p.SupportedLoginProviders) > 10 || len(p.CognitoIdentityProviders) > 10 {
		return Errorf(KindLimitExceeded, "Too many identity providers.")
	}
	for _, c := range p.CognitoIdentityProviders {
		if c.ProviderName == "" || c.ClientId == "" {
			return invalidParam("CognitoIdentityProviders need a ProviderName and a ClientId.")
		}
		if _, ok := userPoolOfProvider(c.ProviderName); !ok {
			return invalidParam("Invalid Cognito Identity Provider %s.", c.ProviderName)
		}
	}
	return nil
}

// userPoolOfProvider returns the user pool a provider name names: the last
// path segment of "cognito-idp.<region>.amazonaws.com/<poolId>" or of the
// server's own issuer without its scheme ("host:port/<poolId>").
func userPoolOfProvider(name string) (string, bool) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 || i == len(name)-1 {
		return "", false
	}
	id := name[i+1:]
	if RegionOf(id) == "" {
		return "", false
	}
	return id, true
}

// canonicalProvider is the Logins key identities store for a user pool.
func canonicalProvider(poolID string) string {
	return "cognito-idp." + RegionOf(poolID) + ".amazonaws.com/" + poolID
}

func (s *Service) loadIdentityPool(ctx context.Context, id string) (store.IdentityPool, identityPoolBody, error) {
	var b identityPoolBody
	if !identityIDRE.MatchString(id) || len(id) > 55 {
		return store.IdentityPool{}, b, errIdentityPoolNotFound(id)
	}
	rec, err := s.store.GetIdentityPool(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return rec, b, errIdentityPoolNotFound(id)
	}
	if err != nil {
		return rec, b, Internal(err)
	}
	if err := json.Unmarshal(rec.Body, &b); err != nil {
		return rec, b, Internal(err)
	}
	b.Pool.IdentityPoolId = rec.ID
	return rec, b, nil
}

func identityKeyAD(poolID string) []byte { return []byte("userpool identity pool key\x00" + poolID) }

// CreateIdentityPool creates an identity pool (with its token signing key).
func (s *Service) CreateIdentityPool(ctx context.Context, p IdentityPool) (IdentityPool, error) {
	if err := checkIdentityPool(&p); err != nil {
		return IdentityPool{}, err
	}
	u, err := uuid.NewRandomFromReader(s.rand)
	if err != nil {
		return IdentityPool{}, Internal(err)
	}
	p.IdentityPoolId = s.region + ":" + u.String()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return IdentityPool{}, Internal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return IdentityPool{}, Internal(err)
	}
	b := identityPoolBody{Pool: p, Kid: "ip-" + u.String()[:8]}
	if sealer := s.secrets.sealer; sealer != nil {
		if der, err = sealer.Seal(der, identityKeyAD(p.IdentityPoolId)); err != nil {
			return IdentityPool{}, Internal(err)
		}
		b.Sealed = true
	}
	b.Key = base64.StdEncoding.EncodeToString(der)
	body, err := json.Marshal(b)
	if err != nil {
		return IdentityPool{}, Internal(err)
	}
	now := s.nowUTC()
	if err := s.store.CreateIdentityPool(ctx, store.IdentityPool{ID: p.IdentityPoolId, Name: p.IdentityPoolName, Body: body, CreatedAt: now, UpdatedAt: now}); err != nil {
		return IdentityPool{}, Internal(err)
	}
	s.identity.keys.Store(p.IdentityPoolId, priv)
	return p, nil
}

// DescribeIdentityPool returns an identity pool.
func (s *Service) DescribeIdentityPool(ctx context.Context, id string) (IdentityPool, error) {
	_, b, err := s.loadIdentityPool(ctx, id)
	return b.Pool, err
}

// UpdateIdentityPool replaces an identity pool's settings (omitted members
// take their defaults, as in AWS); the developer provider cannot change
// once set. Tags are kept when omitted.
func (s *Service) UpdateIdentityPool(ctx context.Context, p IdentityPool) (IdentityPool, error) {
	if err := checkIdentityPool(&p); err != nil {
		return IdentityPool{}, err
	}
	if _, _, err := s.loadIdentityPool(ctx, p.IdentityPoolId); err != nil {
		return IdentityPool{}, err
	}
	var out IdentityPool
	_, err := s.store.UpdateIdentityPool(ctx, p.IdentityPoolId, func(rec *store.IdentityPool) error {
		var b identityPoolBody
		if err := json.Unmarshal(rec.Body, &b); err != nil {
			return Internal(err)
		}
		if old := b.Pool.DeveloperProviderName; old != "" && p.DeveloperProviderName != old {
			return invalidParam("DeveloperProviderName cannot be changed once set.")
		}
		if p.IdentityPoolTags == nil {
			p.IdentityPoolTags = b.Pool.IdentityPoolTags
		}
		b.Pool = p
		body, err := json.Marshal(b)
		if err != nil {
			return Internal(err)
		}
		rec.Name, rec.Body, rec.UpdatedAt = p.IdentityPoolName, body, s.nowUTC()
		out = p
		return nil
	})
	if err != nil {
		return IdentityPool{}, identityStoreErr(err, p.IdentityPoolId)
	}
	return out, nil
}

func identityStoreErr(err error, id string) error {
	var de *Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.Is(err, store.ErrNotFound):
		return errIdentityPoolNotFound(id)
	}
	return Internal(err)
}

// DeleteIdentityPool deletes an identity pool with its identities and
// their temporary credentials.
func (s *Service) DeleteIdentityPool(ctx context.Context, id string) error {
	if _, _, err := s.loadIdentityPool(ctx, id); err != nil {
		return err
	}
	if err := s.store.DeleteIdentityPool(ctx, id); err != nil {
		return identityStoreErr(err, id)
	}
	s.identity.keys.Delete(id)
	return nil
}

// ListIdentityPools lists identity pools (id and name), keyset-paged.
func (s *Service) ListIdentityPools(ctx context.Context, max int, next string) ([]IdentityPool, string, error) {
	recs, tok, err := s.store.ListIdentityPools(ctx, store.Page{Limit: max, Token: next})
	if errors.Is(err, store.ErrInvalidToken) {
		return nil, "", invalidParam("Invalid pagination token.")
	}
	if err != nil {
		return nil, "", Internal(err)
	}
	out := make([]IdentityPool, len(recs))
	for i, r := range recs {
		out[i] = IdentityPool{IdentityPoolId: r.ID, IdentityPoolName: r.Name}
	}
	return out, tok, nil
}

// SetIdentityPoolRoles sets the pool's authenticated/unauthenticated roles
// and role mappings.
func (s *Service) SetIdentityPoolRoles(ctx context.Context, id string, roles map[string]string, mappings map[string]RoleMapping) error {
	for k, arn := range roles {
		if k != "authenticated" && k != "unauthenticated" {
			return invalidParam("Invalid role key %s.", k)
		}
		if len(arn) < 20 || len(arn) > 2048 {
			return invalidParam("Invalid role ARN %s.", arn)
		}
	}
	if len(mappings) > 10 {
		return Errorf(KindLimitExceeded, "Too many role mappings.")
	}
	for k, m := range mappings {
		switch m.Type {
		case "Token", "Rules":
		default:
			return invalidParam("Invalid role mapping type %s for %s.", m.Type, k)
		}
		switch m.AmbiguousRoleResolution {
		case "AuthenticatedRole", "Deny":
		default:
			return invalidParam("AmbiguousRoleResolution must be specified when Type is Token or Rules.")
		}
		if m.Type == "Rules" {
			if m.RulesConfiguration == nil || len(m.RulesConfiguration.Rules) == 0 {
				return invalidParam("RulesConfiguration is required when Type is Rules.")
			}
			if len(m.RulesConfiguration.Rules) > 25 {
				return Errorf(KindLimitExceeded, "Too many rules for %s (at most 25).", k)
			}
			for _, r := range m.RulesConfiguration.Rules {
				switch r.MatchType {
				case "Equals", "Contains", "StartsWith", "NotEqual":
				default:
					return invalidParam("Invalid MatchType %s.", r.MatchType)
				}
				if r.Claim == "" || r.Value == "" || r.RoleARN == "" {
					return invalidParam("A mapping rule needs Claim, MatchType, Value and RoleARN.")
				}
			}
		}
	}
	if _, _, err := s.loadIdentityPool(ctx, id); err != nil {
		return err
	}
	_, err := s.store.UpdateIdentityPool(ctx, id, func(rec *store.IdentityPool) error {
		var b identityPoolBody
		if err := json.Unmarshal(rec.Body, &b); err != nil {
			return Internal(err)
		}
		b.Roles, b.RoleMappings = roles, mappings
		body, err := json.Marshal(b)
		if err != nil {
			return Internal(err)
		}
		rec.Body, rec.UpdatedAt = body, s.nowUTC()
		return nil
	})
	if err != nil {
		return identityStoreErr(err, id)
	}
	return nil
}

// GetIdentityPoolRoles returns the pool's roles and role mappings.
func (s *Service) GetIdentityPoolRoles(ctx context.Context, id string) (IdentityPoolRoles, error) {
	_, b, err := s.loadIdentityPool(ctx, id)
	if err != nil {
		return IdentityPoolRoles{}, err
	}
	return IdentityPoolRoles{IdentityPoolId: id, Roles: b.Roles, RoleMappings: b.RoleMappings}, nil
}

// IdentityPoolARN is arn:aws:cognito-identity:<region>:<account>:identitypool/<id>.
func (s *Service) IdentityPoolARN(id string) string {
	region, _, _ := strings.Cut(id, ":")
	return "arn:aws:cognito-identity:" + region + ":" + s.acct + ":identitypool/" + id
}

func (s *Service) identityPoolOfARN(arn string) (string, error) {
	_, id, ok := strings.Cut(arn, ":identitypool/")
	if !ok || !strings.HasPrefix(arn, "arn:aws:cognito-identity:") {
		return "", invalidParam("Invalid ResourceArn %s.", arn)
	}
	return id, nil
}

// TagIdentityPool adds tags to the identity pool an ARN names.
func (s *Service) TagIdentityPool(ctx context.Context, arn string, tags map[string]string, remove []string) error {
	id, err := s.identityPoolOfARN(arn)
	if err != nil {
		return err
	}
	if _, _, err := s.loadIdentityPool(ctx, id); err != nil {
		return err
	}
	_, err = s.store.UpdateIdentityPool(ctx, id, func(rec *store.IdentityPool) error {
		var b identityPoolBody
		if err := json.Unmarshal(rec.Body, &b); err != nil {
			return Internal(err)
		}
		if b.Pool.IdentityPoolTags == nil {
			b.Pool.IdentityPoolTags = map[string]string{}
		}
		for k, v := range tags {
			b.Pool.IdentityPoolTags[k] = v
		}
		for _, k := range remove {
			delete(b.Pool.IdentityPoolTags, k)
		}
		if len(b.Pool.IdentityPoolTags) > 50 {
			return Errorf(KindLimitExceeded, "An identity pool has at most 50 tags.")
		}
		body, err := json.Marshal(b)
		if err != nil {
			return Internal(err)
		}
		rec.Body = body
		return nil
	})
	if err != nil {
		return identityStoreErr(err, id)
	}
	return nil
}

// IdentityPoolTags returns the tags of the identity pool an ARN names.
func (s *Service) IdentityPoolTags(ctx context.Context, arn string) (map[string]string, error) {
	id, err := s.identityPoolOfARN(arn)
	if err != nil {
		return nil, err
	}
	_, b, err := s.loadIdentityPool(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Pool.IdentityPoolTags == nil {
		return map[string]string{}, nil
	}
	return b.Pool.IdentityPoolTags, nil
}

// ---------------------------------------------------------------- identities

func describeIdentity(i store.Identity) IdentityDescription {
	logins := make([]string, 0, len(i.Logins))
	for k := range i.Logins {
		logins = append(logins, k)
	}
	sort.Strings(logins)
	return IdentityDescription{IdentityId: i.ID, Logins: logins, CreationDate: i.CreatedAt, LastModifiedDate: i.UpdatedAt}
}

func (s *Service) getIdentity(ctx context.Context, id string) (store.Identity, error) {
	if !identityIDRE.MatchString(id) || len(id) > 55 {
		return store.Identity{}, errIdentityNotFound(id)
	}
	i, err := s.store.GetIdentity(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return i, errIdentityNotFound(id)
	}
	if err != nil {
		return i, Internal(err)
	}
	return i, nil
}

// DescribeIdentity describes an identity.
func (s *Service) DescribeIdentity(ctx context.Context, id string) (IdentityDescription, error) {
	i, err := s.getIdentity(ctx, id)
	if err != nil {
		return IdentityDescription{}, err
	}
	return describeIdentity(i), nil
}

// ListIdentities lists the identities of a pool, keyset-paged.
func (s *Service) ListIdentities(ctx context.Context, poolID string, max int, next string) ([]IdentityDescription, string, error) {
	if _, _, err := s.loadIdentityPool(ctx, poolID); err != nil {
		return nil, "", err
	}
	recs, tok, err := s.store.ListIdentities(ctx, poolID, store.Page{Limit: max, Token: next})
	if errors.Is(err, store.ErrInvalidToken) {
		return nil, "", invalidParam("Invalid pagination token.")
	}
	if err != nil {
		return nil, "", Internal(err)
	}
	out := make([]IdentityDescription, len(recs))
	for i, r := range recs {
		out[i] = describeIdentity(r)
	}
	return out, tok, nil
}

// DeleteIdentities deletes identities; it returns the ids it could not
// delete with their error code (AWS's UnprocessedIdentityIds).
func (s *Service) DeleteIdentities(ctx context.Context, ids []string) (map[string]string, error) {
	failed := map[string]string{}
	for _, id := range ids {
		err := s.store.DeleteIdentity(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Error("deleting identity", "identity_id", id, "err", err)
			failed[id] = "InternalServerError"
		}
	}
	return failed, nil
}
