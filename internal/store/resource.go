package store

import (
	"context"
	"time"
)

// Resource is a pool-scoped document that the domain stores and echoes:
// domains, resource servers, identity providers, UI customizations,
// managed-login brandings, terms, risk and log-delivery configurations.
// Kind says which ("domain", "resource-server", ...); Name (never "") is
// unique per (PoolID, Kind). Key, when not "", is unique per Kind across every pool (a
// domain name, the app client a branding belongs to) and finds the resource
// without its pool (GetResourceByKey). Body is the domain's JSON document; the
// store round-trips it unchanged.
type Resource struct {
	PoolID    string
	Kind      string
	Name      string
	Key       string
	Body      []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ResourceStore persists pool resources (see Resource). They go with their
// pool (DeletePool).
type ResourceStore interface {
	// CreateResource inserts r. ErrAlreadyExists when (PoolID, Kind, Name) or
	// a non-empty (Kind, Key) is taken; ErrLimitExceeded when the pool
	// already has max resources of r.Kind (max <= 0: no limit; checked
	// atomically); ErrNotFound when the pool does not exist.
	CreateResource(ctx context.Context, r Resource, max int) error
	GetResource(ctx context.Context, poolID, kind, name string) (Resource, error)
	// GetResourceByKey finds a resource by its globally unique key.
	GetResourceByKey(ctx context.Context, kind, key string) (Resource, error)
	// UpdateResource runs fn on the current resource in one transaction and
	// writes what it leaves; PoolID, Kind and Name are immutable, Key may
	// change (ErrAlreadyExists when the new key is taken).
	UpdateResource(ctx context.Context, poolID, kind, name string, fn func(*Resource) error) (Resource, error)
	DeleteResource(ctx context.Context, poolID, kind, name string) error
	// ListResources orders the pool's resources of kind by Name.
	ListResources(ctx context.Context, poolID, kind string, page Page) ([]Resource, string, error)
	// CountResources counts the pool's resources of kind.
	CountResources(ctx context.Context, poolID, kind string) (int, error)
}
