package userpool

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"userpool/internal/store"
)

// Identity providers (CreateIdentityProvider, DescribeIdentityProvider,
// UpdateIdentityProvider, DeleteIdentityProvider, ListIdentityProviders,
// GetIdentityProviderByIdentifier): the SAML, OIDC and social providers a
// pool federates with. They are stored and echoed; app clients may name them
// in SupportedIdentityProviders.

// Provider types (IdentityProviderTypeType).
const (
	ProviderSAML            = "SAML"
	ProviderFacebook        = "Facebook"
	ProviderGoogle          = "Google"
	ProviderLoginWithAmazon = "LoginWithAmazon"
	ProviderSignInWithApple = "SignInWithApple"
	ProviderOIDC            = "OIDC"
)

// MaxIdentityProvidersPerPool is Cognito's quota "Identity providers per user pool".
const MaxIdentityProvidersPerPool = 300

// IdentityProvider is IdentityProviderType.
type IdentityProvider struct {
	PoolID           string            `json:"UserPoolId"`
	ProviderName     string            `json:"ProviderName"`
	ProviderType     string            `json:"ProviderType"`
	ProviderDetails  map[string]string `json:"ProviderDetails"`
	AttributeMapping map[string]string `json:"AttributeMapping,omitempty"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers,omitempty"`
	CreatedAt        time.Time         `json:"CreatedAt"`
	UpdatedAt        time.Time         `json:"UpdatedAt"`
}

// IdentityProviderInput is the input of CreateIdentityProvider and
// UpdateIdentityProvider; for Update a nil member keeps the current value
// and ProviderType is not given.
type IdentityProviderInput struct {
	PoolID           string
	ProviderName     string
	ProviderType     string
	ProviderDetails  map[string]string
	AttributeMapping map[string]string
	IdpIdentifiers   []string
}

// requiredDetails are the ProviderDetails keys each type needs (Cognito's
// IdentityProviderType documentation).
var requiredDetails = map[string][]string{
	ProviderGoogle:          {"client_id", "client_secret", "authorize_scopes"},
	ProviderFacebook:        {"client_id", "client_secret", "authorize_scopes"},
	ProviderLoginWithAmazon: {"client_id", "client_secret", "authorize_scopes"},
	ProviderSignInWithApple: {"client_id", "team_id", "key_id", "private_key", "authorize_scopes"},
	ProviderOIDC:            {"client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"},
}

// socialTypes must be named after their type.
var socialTypes = []string{ProviderFacebook, ProviderGoogle, ProviderLoginWithAmazon, ProviderSignInWithApple}

func checkProviderDetails(typ string, d map[string]string) error {
	if typ == ProviderSAML {
		if d["MetadataURL"] == "" && d["MetadataFile"] == "" {
			return invalidParam("Either MetadataURL or MetadataFile must be provided for a SAML identity provider.")
		}
		return nil
	}
	var missing []string
	for _, k := range requiredDetails[typ] {
		if d[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return invalidParam("The following ProviderDetails keys are required for %s: %s.", typ, strings.Join(missing, ", "))
	}
	if typ == ProviderOIDC {
		if m := d["attributes_request_method"]; m != "GET" && m != "POST" {
			return invalidParam("attributes_request_method must be GET or POST.")
		}
		if !strings.HasPrefix(d["oidc_issuer"], "https://") {
			return invalidParam("oidc_issuer must be an https URL.")
		}
	}
	return nil
}

func errProviderNotFound(name string) *Error {
	return Errorf(KindResourceNotFound, "Identity provider %s does not exist.", name)
}

// checkIdpIdentifiers refuses identifiers repeated in the list or used by
// another provider of the pool (except the provider named self).
func (s *Service) checkIdpIdentifiers(ctx context.Context, poolID, self string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return invalidParam("Duplicate identifier %s.", id)
		}
		seen[id] = true
	}
	all, err := s.allIdentityProviders(ctx, poolID)
	if err != nil {
		return err
	}
	for _, p := range all {
		if p.ProviderName == self {
			continue
		}
		for _, id := range p.IdpIdentifiers {
			if seen[id] {
				return invalidParam("The identifier %s is already used by identity provider %s.", id, p.ProviderName)
			}
		}
	}
	return nil
}

func (s *Service) allIdentityProviders(ctx context.Context, poolID string) ([]IdentityProvider, error) {
	rs, err := s.allResources(ctx, poolID, kindIdP)
	if err != nil {
		return nil, err
	}
	out := make([]IdentityProvider, 0, len(rs))
	for _, r := range rs {
		var p IdentityProvider
		if err := decodeBody(r, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// CreateIdentityProvider creates an identity provider; DuplicateProviderException
// when the pool has one of that name.
func (s *Service) CreateIdentityProvider(ctx context.Context, in IdentityProviderInput) (IdentityProvider, error) {
	if hasString(socialTypes, in.ProviderType) && in.ProviderName != in.ProviderType {
		return IdentityProvider{}, invalidParam("The provider name of a %s identity provider must be %s.", in.ProviderType, in.ProviderType)
	}
	if strings.EqualFold(in.ProviderName, "Cognito") {
		return IdentityProvider{}, invalidParam("The provider name %s is reserved.", in.ProviderName)
	}
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return IdentityProvider{}, err
	}
	if err := checkProviderDetails(in.ProviderType, in.ProviderDetails); err != nil {
		return IdentityProvider{}, err
	}
	if err := s.checkIdpIdentifiers(ctx, p.ID, in.ProviderName, in.IdpIdentifiers); err != nil {
		return IdentityProvider{}, err
	}
	now := s.nowUTC()
	idp := IdentityProvider{PoolID: p.ID, ProviderName: in.ProviderName, ProviderType: in.ProviderType,
		ProviderDetails: in.ProviderDetails, AttributeMapping: in.AttributeMapping, IdpIdentifiers: in.IdpIdentifiers,
		CreatedAt: now, UpdatedAt: now}
	body, err := encodeBody(idp)
	if err != nil {
		return IdentityProvider{}, err
	}
	err = s.store.CreateResource(ctx, store.Resource{PoolID: p.ID, Kind: kindIdP, Name: in.ProviderName, Body: body, CreatedAt: now, UpdatedAt: now}, MaxIdentityProvidersPerPool)
	switch {
	case err == nil:
		return idp, nil
	case errors.Is(err, store.ErrAlreadyExists):
		return IdentityProvider{}, Errorf(KindDuplicateProvider, "A provider with the name %s already exists in this user pool.", in.ProviderName)
	case errors.Is(err, store.ErrLimitExceeded):
		return IdentityProvider{}, Errorf(KindLimitExceeded, "The user pool has reached its limit of %d identity providers.", MaxIdentityProvidersPerPool)
	case errors.Is(err, store.ErrNotFound):
		return IdentityProvider{}, errPoolNotFound(p.ID)
	default:
		return IdentityProvider{}, Internal(err)
	}
}

// DescribeIdentityProvider returns an identity provider by name.
func (s *Service) DescribeIdentityProvider(ctx context.Context, poolID, name string) (IdentityProvider, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return IdentityProvider{}, err
	}
	r, err := s.getResource(ctx, p.ID, kindIdP, name, func() *Error { return errProviderNotFound(name) })
	if err != nil {
		return IdentityProvider{}, err
	}
	var idp IdentityProvider
	return idp, decodeBody(r, &idp)
}

// IdentityProviderByIdentifier returns the provider one of whose
// IdpIdentifiers is identifier (GetIdentityProviderByIdentifier).
func (s *Service) IdentityProviderByIdentifier(ctx context.Context, poolID, identifier string) (IdentityProvider, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return IdentityProvider{}, err
	}
	all, err := s.allIdentityProviders(ctx, p.ID)
	if err != nil {
		return IdentityProvider{}, err
	}
	for _, idp := range all {
		if hasString(idp.IdpIdentifiers, identifier) {
			return idp, nil
		}
	}
	return IdentityProvider{}, Errorf(KindResourceNotFound, "Identity provider with identifier %s does not exist.", identifier)
}

// UpdateIdentityProvider replaces the members given (ProviderDetails are
// merged key by key, as Cognito does: keys not sent keep their values).
func (s *Service) UpdateIdentityProvider(ctx context.Context, in IdentityProviderInput) (IdentityProvider, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return IdentityProvider{}, err
	}
	if in.IdpIdentifiers != nil {
		if err := s.checkIdpIdentifiers(ctx, p.ID, in.ProviderName, in.IdpIdentifiers); err != nil {
			return IdentityProvider{}, err
		}
	}
	now := s.nowUTC()
	var out IdentityProvider
	_, err = s.store.UpdateResource(ctx, p.ID, kindIdP, in.ProviderName, func(r *store.Resource) error {
		var idp IdentityProvider
		if err := decodeBody(*r, &idp); err != nil {
			return err
		}
		if in.ProviderDetails != nil {
			merged := make(map[string]string, len(idp.ProviderDetails)+len(in.ProviderDetails))
			for k, v := range idp.ProviderDetails {
				merged[k] = v
			}
			for k, v := range in.ProviderDetails {
				merged[k] = v
			}
			if err := checkProviderDetails(idp.ProviderType, merged); err != nil {
				return err
			}
			idp.ProviderDetails = merged
		}
		if in.AttributeMapping != nil {
			idp.AttributeMapping = in.AttributeMapping
		}
		if in.IdpIdentifiers != nil {
			idp.IdpIdentifiers = in.IdpIdentifiers
		}
		idp.UpdatedAt = now
		body, err := encodeBody(idp)
		if err != nil {
			return err
		}
		r.Body, r.UpdatedAt = body, now
		out = idp
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return IdentityProvider{}, errProviderNotFound(in.ProviderName)
	}
	if err != nil {
		return IdentityProvider{}, AsError(err)
	}
	return out, nil
}

// DeleteIdentityProvider deletes an identity provider.
func (s *Service) DeleteIdentityProvider(ctx context.Context, poolID, name string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	err = s.store.DeleteResource(ctx, p.ID, kindIdP, name)
	if errors.Is(err, store.ErrNotFound) {
		return errProviderNotFound(name)
	}
	if err != nil {
		return Internal(err)
	}
	return nil
}

// ListIdentityProviders lists a pool's providers by name (MaxResults 0..60).
func (s *Service) ListIdentityProviders(ctx context.Context, poolID string, limit int, token string) ([]IdentityProvider, string, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, "", err
	}
	const scope = "identity-providers"
	page, err := unwrapToken(p.ID, scope, limit, token)
	if err != nil {
		return nil, "", err
	}
	rs, next, err := s.store.ListResources(ctx, p.ID, kindIdP, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	out := make([]IdentityProvider, 0, len(rs))
	for _, r := range rs {
		var v IdentityProvider
		if err := decodeBody(r, &v); err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	return out, wrapToken(p.ID, scope, next), nil
}

// checkSupportedProviders answers Cognito's InvalidParameterException "The
// provider <name> does not exist for User Pool <pool>" for the first name of
// an app client's SupportedIdentityProviders that is neither COGNITO nor an
// identity provider of the pool.
func (s *Service) checkSupportedProviders(ctx context.Context, poolID string, names []string) error {
	var known []string
	loaded := false
	for _, n := range names {
		if n == "COGNITO" {
			continue
		}
		if !loaded {
			all, err := s.allIdentityProviders(ctx, poolID)
			if err != nil {
				return err
			}
			for _, p := range all {
				known = append(known, p.ProviderName)
			}
			sort.Strings(known)
			loaded = true
		}
		if !hasString(known, n) {
			return invalidParam("The provider %s does not exist for User Pool %s", n, poolID)
		}
	}
	return nil
}
