package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"userpool/internal/store"
)

// Pool resources are the documents of a pool that the Cognito API stores and
// echoes (domains, resource servers, identity providers, UI customizations,
// managed-login brandings, terms, risk and log-delivery configurations). Each
// is one store.Resource of its kind whose Body is the JSON of the domain type
// below, with Cognito's member names; the rules that make them valid live in
// the file of each kind.

// Resource kinds (store.Resource.Kind).
const (
	kindDomain         = "domain"
	kindResourceServer = "resource-server"
	kindIdP            = "identity-provider"
	kindUICustom       = "ui-customization"
	kindBranding       = "managed-login-branding"
	kindTerms          = "terms"
	kindRisk           = "risk-configuration"
	kindLogDelivery    = "log-delivery"
)

// ResourceKinds lists every kind of pool resource, for tools that copy a
// whole store (each kind is listed with ListResources).
var ResourceKinds = []string{kindDomain, kindResourceServer, kindIdP, kindUICustom, kindBranding, kindTerms, kindRisk, kindLogDelivery}

// Kinds of the exceptions these operations answer beyond errors.go's.
const (
	KindDuplicateProvider           Kind = "DuplicateProviderException"
	KindUnsupportedIdentityProvider Kind = "UnsupportedIdentityProviderException"
	KindManagedLoginBrandingExists  Kind = "ManagedLoginBrandingExistsException"
	KindTermsExists                 Kind = "TermsExistsException"
)

// allClients is the name of a resource that applies to every app client of a
// pool (UI customization, risk configuration); Cognito shows it as ClientId
// "ALL".
const allClients = "ALL"

// decodeBody reads a resource's document into v.
func decodeBody(r store.Resource, v any) error {
	if len(r.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return Internal(err)
	}
	return nil
}

func encodeBody(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, Internal(err)
	}
	return b, nil
}

// getResource reads one resource; missing() answers a missing one.
func (s *Service) getResource(ctx context.Context, poolID, kind, name string, missing func() *Error) (store.Resource, error) {
	r, err := s.store.GetResource(ctx, poolID, kind, name)
	if errors.Is(err, store.ErrNotFound) {
		return r, missing()
	}
	if err != nil {
		return r, Internal(err)
	}
	return r, nil
}

// allResources reads every resource of a kind of the pool, by name.
func (s *Service) allResources(ctx context.Context, poolID, kind string) ([]store.Resource, error) {
	var out []store.Resource
	page := store.Page{Limit: store.MaxPageSize}
	for {
		rs, next, err := s.store.ListResources(ctx, poolID, kind, page)
		if err != nil {
			return nil, Internal(err)
		}
		out = append(out, rs...)
		if next == "" {
			return out, nil
		}
		page.Token = next
	}
}

// putResource creates the resource (pool, kind, name) or, when it exists,
// rewrites its body and key: the "Set" operations. build makes the body
// given the creation time the resource has (kept from the existing one).
func (s *Service) putResource(ctx context.Context, poolID, kind, name, key string, now time.Time, build func(created time.Time) ([]byte, error)) error {
	for attempt := 0; attempt < 3; attempt++ {
		_, err := s.store.UpdateResource(ctx, poolID, kind, name, func(r *store.Resource) error {
			body, err := build(r.CreatedAt)
			if err != nil {
				return err
			}
			r.Body, r.Key, r.UpdatedAt = body, key, now
			return nil
		})
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return AsError(err)
		}
		body, err := build(now)
		if err != nil {
			return err
		}
		err = s.store.CreateResource(ctx, store.Resource{PoolID: poolID, Kind: kind, Name: name, Key: key, Body: body, CreatedAt: now, UpdatedAt: now}, 0)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrAlreadyExists): // created meanwhile: update it
		case errors.Is(err, store.ErrNotFound):
			return errPoolNotFound(poolID)
		default:
			return Internal(err)
		}
	}
	return Errorf(KindConcurrentModification, "The resource was modified concurrently.")
}

func errPoolNotFound(poolID string) *Error {
	return Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID)
}

// requireClient checks that clientID is an app client of the pool.
func (s *Service) requireClient(ctx context.Context, poolID, clientID string) error {
	_, err := s.GetClient(ctx, poolID, clientID)
	return err
}

// deleteClientResources removes what belongs to one app client (its UI
// customization, risk configuration, branding and terms) when the client is
// deleted.
func (s *Service) deleteClientResources(ctx context.Context, poolID, clientID string) error {
	for _, kind := range []string{kindUICustom, kindRisk} {
		if err := s.store.DeleteResource(ctx, poolID, kind, clientID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return Internal(err)
		}
	}
	if r, err := s.store.GetResourceByKey(ctx, kindBranding, clientID); err == nil {
		if err := s.store.DeleteResource(ctx, r.PoolID, kindBranding, r.Name); err != nil && !errors.Is(err, store.ErrNotFound) {
			return Internal(err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return Internal(err)
	}
	terms, err := s.allResources(ctx, poolID, kindTerms)
	if err != nil {
		return err
	}
	for _, r := range terms {
		var t Terms
		if decodeBody(r, &t) == nil && t.ClientID == clientID {
			if err := s.store.DeleteResource(ctx, poolID, kindTerms, r.Name); err != nil && !errors.Is(err, store.ErrNotFound) {
				return Internal(err)
			}
		}
	}
	return nil
}
