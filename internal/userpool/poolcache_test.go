package userpool

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"userpool/internal/store"
)

// cacheClock replaces the pool cache's clock with one the test moves.
func cacheClock(svc *Service) *atomic.Int64 {
	var off atomic.Int64
	base := time.Now()
	svc.pools.clock = func() time.Time { return base.Add(time.Duration(off.Load())) }
	return &off
}

func TestPoolCacheNeverSharesSettings(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	ctx := context.Background()
	e.pool(t, "us-east-1_cache0001", PoolSettings{CaseSensitive: true, AliasAttributes: []string{"email"}})

	a, err := e.svc.GetPool(ctx, "us-east-1_cache0001")
	if err != nil {
		t.Fatal(err)
	}
	// Mutating a returned pool must not leak into the next read.
	a.Settings.AliasAttributes[0] = "phone_number"
	a.Settings.Schema = append(a.Settings.Schema, SchemaAttribute{Name: "x"})
	b, err := e.svc.GetPool(ctx, "us-east-1_cache0001")
	if err != nil {
		t.Fatal(err)
	}
	if b.Settings.AliasAttributes[0] != "email" || len(b.Settings.Schema) != len(a.Settings.Schema)-1 {
		t.Fatalf("cached settings were shared: %+v", b.Settings.AliasAttributes)
	}
}

// Another instance's write is seen once the TTL has passed, not before
// (that is what the cache saves); with the cache off, at once.
func TestPoolCacheOtherWriterSeenWithinTTL(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	ctx := context.Background()
	id := "us-east-1_cache0002"
	e.pool(t, id, PoolSettings{CaseSensitive: true, AliasAttributes: []string{"email"}})
	clock := cacheClock(e.svc)
	if _, err := e.svc.GetPool(ctx, id); err != nil {
		t.Fatal(err)
	}
	other := func(settings string) {
		t.Helper()
		if _, err := e.st.UpdatePool(ctx, id, func(p *store.Pool) error {
			p.Settings = []byte(settings)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	other(`{"CaseSensitive":false,"MfaConfiguration":"OPTIONAL"}`)

	clock.Add(int64(DefaultPoolCacheTTL / 2))
	c, err := e.svc.GetPool(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Settings.CaseSensitive || c.Settings.MfaConfiguration == "OPTIONAL" {
		t.Fatalf("within the TTL the cached pool should be used, got %+v", c.Settings)
	}
	clock.Add(int64(DefaultPoolCacheTTL / 2))
	c, err = e.svc.GetPool(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.CaseSensitive || c.Settings.MfaConfiguration != "OPTIONAL" || len(c.Settings.AliasAttributes) != 0 {
		t.Fatalf("stale settings after the TTL: %+v", c.Settings)
	}

	// Deleted by another instance: not found once the TTL has passed.
	if err := e.st.DeletePool(ctx, id); err != nil {
		t.Fatal(err)
	}
	clock.Add(int64(DefaultPoolCacheTTL))
	if _, err := e.svc.GetPool(ctx, id); KindOf(err) != KindResourceNotFound {
		t.Fatalf("deleted pool: %v", err)
	}

	// PoolCacheTTL < 0: every call reads the store.
	off := New(e.st, Options{PoolCacheTTL: -1})
	e.pool(t, "us-east-1_cache0003", PoolSettings{CaseSensitive: true})
	if _, err := off.GetPool(ctx, "us-east-1_cache0003"); err != nil {
		t.Fatal(err)
	}
	id = "us-east-1_cache0003"
	other(`{"CaseSensitive":false}`)
	if c, err := off.GetPool(ctx, id); err != nil || c.Settings.CaseSensitive {
		t.Fatalf("uncached read: %+v %v", c, err)
	}
}

// Changes made through the Service are seen by the next call, even while
// other goroutines keep reading (and caching) the pool.
func TestPoolCacheOwnWritesSeenAtOnce(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	ctx := context.Background()
	id := "us-east-1_cache0004"
	e.pool(t, id, PoolSettings{CaseSensitive: true})
	cacheClock(e.svc) // frozen: nothing expires by time in this test

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := e.svc.GetPool(ctx, id); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 50 {
		name := "pool" + strconv.Itoa(i)
		if _, err := e.svc.UpdatePool(ctx, id, PoolInput{Name: name}); err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.GetPool(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != name {
			t.Fatalf("update %d: read %q after writing %q", i, p.Name, name)
		}
	}
	if _, err := e.svc.SetUserPoolMfaConfig(ctx, id, PoolMfaConfigInput{MfaConfiguration: "OPTIONAL"}); err != nil {
		t.Fatal(err)
	}
	if p, err := e.svc.GetPool(ctx, id); err != nil || p.Settings.MfaConfiguration != "OPTIONAL" {
		t.Fatalf("after SetUserPoolMfaConfig: %+v %v", p, err)
	}
	close(stop)
	wg.Wait()
	if err := e.svc.DeletePool(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.GetPool(ctx, id); KindOf(err) != KindResourceNotFound {
		t.Fatalf("after DeletePool: %v", err)
	}
}

// Deletion protection is checked against the store, not a cached pool.
func TestDeletePoolReadsProtectionFromStore(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	ctx := context.Background()
	id := "us-east-1_cache0005"
	e.pool(t, id, PoolSettings{CaseSensitive: true})
	cacheClock(e.svc)
	if _, err := e.svc.GetPool(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.UpdatePool(ctx, id, func(p *store.Pool) error {
		p.Settings = []byte(`{"CaseSensitive":true,"DeletionProtection":"ACTIVE"}`)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	err := e.svc.DeletePool(ctx, id)
	var pe *Error
	if !errors.As(err, &pe) || pe.Kind != KindInvalidParameter {
		t.Fatalf("delete of a protected pool: %v", err)
	}
	if _, err := e.st.GetPool(ctx, id); err != nil {
		t.Fatalf("protected pool was deleted: %v", err)
	}
}

// An access token stops working when its pool is deleted, whether through
// this Service or by another instance while this one still caches the pool
// (the client and user reads that follow are never cached).
func TestAccessTokenAfterPoolDeleted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, other := range []bool{false, true} {
		e := newLCEnv(t)
		cacheClock(e.svc)
		p := e.pool(t, "us-east-1_tokdel001", PoolSettings{CaseSensitive: true})
		c := e.client(t, p.ID, ClientInput{})
		u := e.confirmedUser(t, p.ID, "una")
		at := e.accessToken(t, c, u)
		if _, err := e.svc.GetUser(ctx, at); err != nil {
			t.Fatalf("before delete: %v", err)
		}
		if other {
			if err := e.st.DeletePool(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		} else if err := e.svc.DeletePool(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.GetUser(ctx, at)
		utWantErr(t, err, KindNotAuthorized, "")
	}
}
