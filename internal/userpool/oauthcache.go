package userpool

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// oauthCache keeps what every request to a pool's domain endpoints reads
// and an administrator rarely changes: which pool a domain names (every
// hosted-login and /oauth2/* request) and the pool's custom scopes (every
// client_credentials grant resolves its scopes through the resource
// servers). Profiling the token endpoint under load showed the two store
// reads at ~7 % of a grant's server CPU (the rest beyond HTTP being the
// RS256 signature).
//
// Entries live for the pool cache's TTL (Options.PoolCacheTTL,
// server.pool_cache_ttl, 1 s by default), as pools do: a change made through
// this Service (Create/Update/DeleteResourceServer, Create/Update/
// DeleteUserPoolDomain) drops them at once, so this instance never serves
// its own stale values, and another instance's change is seen within the
// TTL. With a TTL <= 0 nothing is cached. Validation of a client's
// AllowedOAuthScopes (checkOAuthScopes) always reads the store.
type oauthCache struct {
	mu sync.Mutex
	// gen counts invalidations: a read that started before one may not
	// store what it read.
	gen     uint64
	domains map[string]cachedValue[Domain]   // lower-cased domain name
	scopes  map[string]cachedValue[[]string] // pool id
}

type cachedValue[T any] struct {
	v      T
	readAt time.Time
}

// maxOAuthCached bounds each map; past it the map starts over.
const maxOAuthCached = 4096

func (c *oauthCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// dropScopes forgets a pool's custom scopes (after its resource servers
// changed); dropDomains forgets every domain (after one changed).
func (c *oauthCache) dropScopes(poolID string) {
	c.mu.Lock()
	c.gen++
	delete(c.scopes, poolID)
	c.mu.Unlock()
}

func (c *oauthCache) dropDomains() {
	c.mu.Lock()
	c.gen++
	clear(c.domains)
	c.mu.Unlock()
}

func cacheGet[T any](c *oauthCache, m *map[string]cachedValue[T], key string, now time.Time, ttl time.Duration) (T, bool) {
	c.mu.Lock()
	e, ok := (*m)[key]
	c.mu.Unlock()
	if !ok || ttl <= 0 {
		var zero T
		return zero, false
	}
	if age := now.Sub(e.readAt); age < 0 || age >= ttl {
		var zero T
		return zero, false
	}
	return e.v, true
}

func cachePut[T any](c *oauthCache, m *map[string]cachedValue[T], key string, v T, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if *m == nil || len(*m) >= maxOAuthCached {
		*m = map[string]cachedValue[T]{}
	}
	(*m)[key] = cachedValue[T]{v: v, readAt: now}
}

// cachedCustomScopes is CustomScopes through the cache (the token
// endpoint's path). The slice is shared: callers must not modify it.
func (s *Service) cachedCustomScopes(ctx context.Context, poolID string) ([]string, error) {
	ttl, now := s.pools.ttl, s.pools.clock()
	if v, ok := cacheGet(&s.oauthc, &s.oauthc.scopes, poolID, now, ttl); ok {
		return v, nil
	}
	gen := s.oauthc.generation()
	v, err := s.CustomScopes(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if ttl > 0 {
		cachePut(&s.oauthc, &s.oauthc.scopes, poolID, slices.Clip(v), now, gen)
	}
	return v, nil
}

// cachedDomain is DescribeDomain through the cache, for DomainPool (the
// hosted login and OAuth endpoints). Unknown domains are not cached: they
// cost a store read each, as before, and cannot fill the cache.
func (s *Service) cachedDomain(ctx context.Context, domain string) (*Domain, error) {
	domain = strings.ToLower(domain)
	ttl, now := s.pools.ttl, s.pools.clock()
	if v, ok := cacheGet(&s.oauthc, &s.oauthc.domains, domain, now, ttl); ok {
		return &v, nil
	}
	gen := s.oauthc.generation()
	d, err := s.DescribeDomain(ctx, domain)
	if err != nil || d == nil {
		return d, err
	}
	if ttl > 0 {
		cachePut(&s.oauthc, &s.oauthc.domains, domain, *d, now, gen)
	}
	return d, nil
}
