package userpool

import (
	"context"
	"slices"
	"testing"
	"time"

	"userpool/internal/store"
)

// The token endpoint's custom scopes and the domain → pool lookup are
// cached per pool for the pool cache's TTL: this Service's own changes are
// seen at once, another writer's (a second instance on the same store)
// within the TTL, and with the cache off at once.
func TestOAuthCacheScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_oacache01", PoolSettings{CaseSensitive: true})
	clock := cacheClock(e.svc)
	scopes := func(want ...string) {
		t.Helper()
		got, err := e.svc.cachedCustomScopes(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("custom scopes %q, want %q", got, want)
		}
	}
	in := ResourceServerInput{PoolID: p.ID, Identifier: "https://api", Name: "api", Scopes: []ResourceServerScope{{ScopeName: "read", ScopeDescription: "r"}}}
	if _, err := e.svc.CreateResourceServer(ctx, in); err != nil {
		t.Fatal(err)
	}
	scopes("https://api/read")
	// Own changes: at once.
	in.Scopes = append(in.Scopes, ResourceServerScope{ScopeName: "write", ScopeDescription: "w"})
	if _, err := e.svc.UpdateResourceServer(ctx, in); err != nil {
		t.Fatal(err)
	}
	scopes("https://api/read", "https://api/write")
	if err := e.svc.DeleteResourceServer(ctx, p.ID, "https://api"); err != nil {
		t.Fatal(err)
	}
	scopes()

	// Another writer: not before the TTL has passed (no store read per
	// grant), then seen.
	body, err := encodeBody(ResourceServer{PoolID: p.ID, Identifier: "https://other", Name: "o", Scopes: []ResourceServerScope{{ScopeName: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.CreateResource(ctx, store.Resource{PoolID: p.ID, Kind: kindResourceServer, Name: "https://other", Body: body, CreatedAt: utStart, UpdatedAt: utStart}, 0); err != nil {
		t.Fatal(err)
	}
	clock.Add(int64(DefaultPoolCacheTTL / 2))
	scopes()
	clock.Add(int64(DefaultPoolCacheTTL / 2))
	scopes("https://other/x")
}

func TestOAuthCacheDomains(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_oacache02", PoolSettings{CaseSensitive: true})
	clock := cacheClock(e.svc)
	resolves := func(domain string, want bool) {
		t.Helper()
		got, _, err := e.svc.DomainPool(ctx, domain)
		switch {
		case want && (err != nil || got.ID != p.ID):
			t.Fatalf("DomainPool(%q) = %v, %v; want pool %s", domain, got, err, p.ID)
		case !want && KindOf(err) != KindResourceNotFound:
			t.Fatalf("DomainPool(%q) = %v, %v; want ResourceNotFound", domain, got, err)
		}
	}
	resolves("cached-auth", false) // unknown: not cached
	if _, err := e.svc.CreateDomain(ctx, DomainInput{PoolID: p.ID, Domain: "cached-auth"}); err != nil {
		t.Fatal(err)
	}
	resolves("cached-auth", true)
	resolves("Cached-Auth", true)
	if err := e.svc.DeleteDomain(ctx, p.ID, "cached-auth"); err != nil {
		t.Fatal(err)
	}
	resolves("cached-auth", false) // own delete: at once

	if _, err := e.svc.CreateDomain(ctx, DomainInput{PoolID: p.ID, Domain: "cached-auth"}); err != nil {
		t.Fatal(err)
	}
	resolves("cached-auth", true)
	r, err := e.st.GetResourceByKey(ctx, kindDomain, "cached-auth")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteResource(ctx, p.ID, kindDomain, r.Name); err != nil { // another instance
		t.Fatal(err)
	}
	clock.Add(int64(DefaultPoolCacheTTL / 2))
	resolves("cached-auth", true)
	clock.Add(int64(DefaultPoolCacheTTL / 2))
	resolves("cached-auth", false)
}

// With the pool cache off (server.pool_cache_ttl < 0) every call reads the store.
func TestOAuthCacheOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newUTEnv(t, Limits{})
	e.svc.pools.ttl = -time.Second
	p := e.pool(t, "us-east-1_oacache03", PoolSettings{CaseSensitive: true})
	if got, err := e.svc.cachedCustomScopes(ctx, p.ID); err != nil || len(got) != 0 {
		t.Fatalf("%q %v", got, err)
	}
	body, err := encodeBody(ResourceServer{PoolID: p.ID, Identifier: "https://other", Name: "o", Scopes: []ResourceServerScope{{ScopeName: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.CreateResource(ctx, store.Resource{PoolID: p.ID, Kind: kindResourceServer, Name: "https://other", Body: body, CreatedAt: utStart, UpdatedAt: utStart}, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.cachedCustomScopes(ctx, p.ID); err != nil || !slices.Equal(got, []string{"https://other/x"}) {
		t.Fatalf("%q %v", got, err)
	}
}
