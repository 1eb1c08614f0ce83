package userpool

import (
	"context"
	"errors"
	"strings"
	"time"

	"userpool/internal/store"
)

// Resource servers (CreateResourceServer, DescribeResourceServer,
// UpdateResourceServer, DeleteResourceServer, ListResourceServers): an API
// identified by Identifier with its custom OAuth scopes. A scope is requested
// as "<Identifier>/<ScopeName>" (AllowedOAuthScopes of an app client, the
// scope parameter of the token endpoint); CustomScopes lists a pool's.

// Cognito's quotas (Amazon Cognito quotas, "Resource servers per user pool"
// and "Custom scopes per resource server").
const (
	MaxResourceServersPerPool = 25
	MaxScopesPerServer        = 100
)

// ResourceServerScope is ResourceServerScopeType.
type ResourceServerScope struct {
	ScopeName        string `json:"ScopeName"`
	ScopeDescription string `json:"ScopeDescription"`
}

// ResourceServer is ResourceServerType.
type ResourceServer struct {
	PoolID     string                `json:"UserPoolId"`
	Identifier string                `json:"Identifier"`
	Name       string                `json:"Name"`
	Scopes     []ResourceServerScope `json:"Scopes"`
	CreatedAt  time.Time             `json:"CreatedAt"`
	UpdatedAt  time.Time             `json:"UpdatedAt"`
}

// ResourceServerInput is the input of CreateResourceServer and
// UpdateResourceServer (Update replaces the name and every scope).
type ResourceServerInput struct {
	PoolID     string
	Identifier string
	Name       string
	Scopes     []ResourceServerScope
}

func errResourceServerNotFound(id string) *Error {
	return Errorf(KindResourceNotFound, "Resource server %s does not exist.", id)
}

func checkScopes(scopes []ResourceServerScope) error {
	if len(scopes) > MaxScopesPerServer {
		return Errorf(KindLimitExceeded, "A resource server can have at most %d scopes.", MaxScopesPerServer)
	}
	seen := map[string]bool{}
	for _, sc := range scopes {
		if seen[sc.ScopeName] {
			return invalidParam("Duplicate scope name %s.", sc.ScopeName)
		}
		seen[sc.ScopeName] = true
	}
	return nil
}

// CreateResourceServer creates a resource server.
func (s *Service) CreateResourceServer(ctx context.Context, in ResourceServerInput) (ResourceServer, error) {
	if err := checkScopes(in.Scopes); err != nil {
		return ResourceServer{}, err
	}
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return ResourceServer{}, err
	}
	defer s.oauthc.dropScopes(p.ID) // after the write
	now := s.nowUTC()
	rs := ResourceServer{PoolID: p.ID, Identifier: in.Identifier, Name: in.Name, Scopes: in.Scopes, CreatedAt: now, UpdatedAt: now}
	if rs.Scopes == nil {
		rs.Scopes = []ResourceServerScope{}
	}
	body, err := encodeBody(rs)
	if err != nil {
		return ResourceServer{}, err
	}
	err = s.store.CreateResource(ctx, store.Resource{PoolID: p.ID, Kind: kindResourceServer, Name: in.Identifier, Body: body, CreatedAt: now, UpdatedAt: now}, MaxResourceServersPerPool)
	switch {
	case err == nil:
		return rs, nil
	case errors.Is(err, store.ErrAlreadyExists):
		return ResourceServer{}, invalidParam("%s already exists in user pool %s.", in.Identifier, p.ID)
	case errors.Is(err, store.ErrLimitExceeded):
		return ResourceServer{}, Errorf(KindLimitExceeded, "The user pool has reached its limit of %d resource servers.", MaxResourceServersPerPool)
	case errors.Is(err, store.ErrNotFound):
		return ResourceServer{}, errPoolNotFound(p.ID)
	default:
		return ResourceServer{}, Internal(err)
	}
}

// DescribeResourceServer returns a resource server.
func (s *Service) DescribeResourceServer(ctx context.Context, poolID, identifier string) (ResourceServer, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return ResourceServer{}, err
	}
	r, err := s.getResource(ctx, p.ID, kindResourceServer, identifier, func() *Error { return errResourceServerNotFound(identifier) })
	if err != nil {
		return ResourceServer{}, err
	}
	var rs ResourceServer
	return rs, decodeBody(r, &rs)
}

// UpdateResourceServer replaces a resource server's name and scopes.
func (s *Service) UpdateResourceServer(ctx context.Context, in ResourceServerInput) (ResourceServer, error) {
	if err := checkScopes(in.Scopes); err != nil {
		return ResourceServer{}, err
	}
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return ResourceServer{}, err
	}
	defer s.oauthc.dropScopes(p.ID) // after the write
	now := s.nowUTC()
	var out ResourceServer
	_, err = s.store.UpdateResource(ctx, p.ID, kindResourceServer, in.Identifier, func(r *store.Resource) error {
		var rs ResourceServer
		if err := decodeBody(*r, &rs); err != nil {
			return err
		}
		rs.Name, rs.Scopes, rs.UpdatedAt = in.Name, in.Scopes, now
		if rs.Scopes == nil {
			rs.Scopes = []ResourceServerScope{}
		}
		body, err := encodeBody(rs)
		if err != nil {
			return err
		}
		r.Body, r.UpdatedAt = body, now
		out = rs
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return ResourceServer{}, errResourceServerNotFound(in.Identifier)
	}
	if err != nil {
		return ResourceServer{}, AsError(err)
	}
	return out, nil
}

// DeleteResourceServer deletes a resource server.
func (s *Service) DeleteResourceServer(ctx context.Context, poolID, identifier string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	defer s.oauthc.dropScopes(p.ID) // after the write
	err = s.store.DeleteResource(ctx, p.ID, kindResourceServer, identifier)
	if errors.Is(err, store.ErrNotFound) {
		return errResourceServerNotFound(identifier)
	}
	if err != nil {
		return Internal(err)
	}
	return nil
}

// ListResourceServers lists a pool's resource servers by identifier
// (ListResourceServers: MaxResults 1..50).
func (s *Service) ListResourceServers(ctx context.Context, poolID string, limit int, token string) ([]ResourceServer, string, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, "", err
	}
	const scope = "resource-servers"
	page, err := unwrapToken(p.ID, scope, min(max(limit, 0), 50), token)
	if err != nil {
		return nil, "", err
	}
	if limit <= 0 {
		page.Limit = 50
	}
	rs, next, err := s.store.ListResources(ctx, p.ID, kindResourceServer, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	out := make([]ResourceServer, 0, len(rs))
	for _, r := range rs {
		var v ResourceServer
		if err := decodeBody(r, &v); err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	return out, wrapToken(p.ID, scope, next), nil
}

// CustomScopes returns every custom scope of a pool's resource servers as
// "<Identifier>/<ScopeName>", in identifier then declaration order: what an
// app client's AllowedOAuthScopes and the token endpoint may name beyond the
// standard scopes.
func (s *Service) CustomScopes(ctx context.Context, poolID string) ([]string, error) {
	rs, err := s.allResources(ctx, poolID, kindResourceServer)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rs {
		var v ResourceServer
		if err := decodeBody(r, &v); err != nil {
			return nil, err
		}
		for _, sc := range v.Scopes {
			out = append(out, v.Identifier+"/"+sc.ScopeName)
		}
	}
	return out, nil
}

// StandardScopes are the OAuth scopes every pool has.
var StandardScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}

// checkOAuthScopes answers ScopeDoesNotExistException "Invalid scope
// requested: <scope>" for the first scope that is neither standard nor a
// custom scope of the pool's resource servers (CreateUserPoolClient,
// UpdateUserPoolClient).
func (s *Service) checkOAuthScopes(ctx context.Context, poolID string, scopes []string) error {
	var custom map[string]bool
	for _, sc := range scopes {
		if hasString(StandardScopes, sc) {
			continue
		}
		if custom == nil {
			list, err := s.CustomScopes(ctx, poolID)
			if err != nil {
				return err
			}
			custom = make(map[string]bool, len(list))
			for _, c := range list {
				custom[c] = true
			}
		}
		if !custom[sc] || !strings.Contains(sc, "/") {
			return Errorf(KindScopeDoesNotExist, "Invalid scope requested: %s", sc)
		}
	}
	return nil
}

// checkClientReferences checks what an app client's settings name in other
// resources of the pool: its AllowedOAuthScopes (ScopeDoesNotExistException)
// and its SupportedIdentityProviders (InvalidParameterException).
func (s *Service) checkClientReferences(ctx context.Context, poolID string, st ClientSettings) error {
	if err := s.checkOAuthScopes(ctx, poolID, st.AllowedOAuthScopes); err != nil {
		return err
	}
	return s.checkSupportedProviders(ctx, poolID, st.SupportedIdentityProviders)
}
