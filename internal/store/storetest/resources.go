package storetest

import (
	"fmt"
	"testing"
	"time"

	"userpool/internal/store"
)

// testResources is the conformance of ResourceStore: the pool-scoped
// documents (domains, resource servers, identity providers, ...) kept in one
// generic table.
func testResources(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("CRUD", func(t *testing.T) {
		pool := mkPool(t, s)
		r := store.Resource{PoolID: pool, Kind: "resource-server", Name: "https://api.example.com",
			Body: []byte(`{"Name":"api","Scopes":[{"ScopeName":"read"}]}`), CreatedAt: base, UpdatedAt: at(time.Second)}
		must(t, s.CreateResource(ctx, r, 25))
		got, err := s.GetResource(ctx, pool, r.Kind, r.Name)
		must(t, err)
		wantEqual(t, r, got, "GetResource")

		wantErr(t, s.CreateResource(ctx, r, 25), store.ErrAlreadyExists, "duplicate name")
		// The same name under another kind, or in another pool, is another resource.
		must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "identity-provider", Name: r.Name, CreatedAt: base}, 25))
		other := mkPool(t, s)
		must(t, s.CreateResource(ctx, store.Resource{PoolID: other, Kind: r.Kind, Name: r.Name, CreatedAt: base}, 25))
		_, err = s.GetResource(ctx, pool, r.Kind, "HTTPS://API.EXAMPLE.COM")
		wantErr(t, err, store.ErrNotFound, "names are case-sensitive")
		_, err = s.GetResource(ctx, pool, "terms", r.Name)
		wantErr(t, err, store.ErrNotFound, "another kind")

		upd, err := s.UpdateResource(ctx, pool, r.Kind, r.Name, func(x *store.Resource) error {
			if string(x.Body) != string(r.Body) {
				t.Errorf("updater got body %s", x.Body)
			}
			x.Body = []byte(`{"Name":"renamed"}`)
			x.UpdatedAt = at(time.Hour)
			x.Name = "ignored: names are immutable"
			return nil
		})
		must(t, err)
		want := r
		want.Body = []byte(`{"Name":"renamed"}`)
		want.UpdatedAt = at(time.Hour)
		wantEqual(t, want, upd, "updated resource")
		got, err = s.GetResource(ctx, pool, r.Kind, r.Name)
		must(t, err)
		wantEqual(t, want, got, "stored updated resource")

		_, err = s.UpdateResource(ctx, pool, r.Kind, r.Name, func(x *store.Resource) error { x.Body = []byte(`{}`); return errUpdater })
		wantErr(t, err, errUpdater, "updater error")
		got, _ = s.GetResource(ctx, pool, r.Kind, r.Name)
		wantEqual(t, want, got, "failed update not written")
		_, err = s.UpdateResource(ctx, pool, r.Kind, "nope", func(*store.Resource) error { t.Error("updater called"); return nil })
		wantErr(t, err, store.ErrNotFound, "update missing")

		must(t, s.DeleteResource(ctx, pool, r.Kind, r.Name))
		_, err = s.GetResource(ctx, pool, r.Kind, r.Name)
		wantErr(t, err, store.ErrNotFound, "after delete")
		wantErr(t, s.DeleteResource(ctx, pool, r.Kind, r.Name), store.ErrNotFound, "second delete")
		_, err = s.GetResource(ctx, other, r.Kind, r.Name)
		must(t, err)
	})

	t.Run("EmptyBody", func(t *testing.T) {
		pool := mkPool(t, s)
		r := store.Resource{PoolID: pool, Kind: "k", Name: "n", CreatedAt: base, UpdatedAt: base}
		must(t, s.CreateResource(ctx, r, 0))
		got, err := s.GetResource(ctx, pool, "k", "n")
		must(t, err)
		wantEqual(t, r, got, "resource without body or key")
	})

	t.Run("MissingPool", func(t *testing.T) {
		err := s.CreateResource(ctx, store.Resource{PoolID: newPoolID(), Kind: "k", Name: "n", CreatedAt: base}, 0)
		wantErr(t, err, store.ErrNotFound, "create in a missing pool")
	})

	t.Run("Key", func(t *testing.T) {
		p1, p2 := mkPool(t, s), mkPool(t, s)
		domain := uniq("auth-")
		r := store.Resource{PoolID: p1, Kind: "domain", Name: "prefix", Key: domain, Body: []byte(`{"v":1}`), CreatedAt: base, UpdatedAt: base}
		must(t, s.CreateResource(ctx, r, 0))
		got, err := s.GetResourceByKey(ctx, "domain", domain)
		must(t, err)
		wantEqual(t, r, got, "GetResourceByKey")
		_, err = s.GetResourceByKey(ctx, "other-kind", domain)
		wantErr(t, err, store.ErrNotFound, "key under another kind")
		_, err = s.GetResourceByKey(ctx, "domain", "")
		wantErr(t, err, store.ErrNotFound, "empty key")

		// A key is unique per kind across every pool, and only per kind.
		wantErr(t, s.CreateResource(ctx, store.Resource{PoolID: p2, Kind: "domain", Name: "prefix", Key: domain, CreatedAt: base}, 0),
			store.ErrAlreadyExists, "key taken in another pool")
		must(t, s.CreateResource(ctx, store.Resource{PoolID: p2, Kind: "branding", Name: "b", Key: domain, CreatedAt: base}, 0))
		// Resources without a key never collide.
		must(t, s.CreateResource(ctx, store.Resource{PoolID: p2, Kind: "domain", Name: "a", CreatedAt: base}, 0))
		must(t, s.CreateResource(ctx, store.Resource{PoolID: p2, Kind: "domain", Name: "b", CreatedAt: base}, 0))

		// Update may move the key, never onto a taken one.
		second := uniq("login-")
		must(t, s.CreateResource(ctx, store.Resource{PoolID: p2, Kind: "domain", Name: "custom", Key: second, CreatedAt: base}, 0))
		_, err = s.UpdateResource(ctx, p1, "domain", "prefix", func(x *store.Resource) error { x.Key = second; return nil })
		wantErr(t, err, store.ErrAlreadyExists, "update onto a taken key")
		got, _ = s.GetResource(ctx, p1, "domain", "prefix")
		if got.Key != domain {
			t.Fatalf("failed key change written: %q", got.Key)
		}
		moved := uniq("moved-")
		_, err = s.UpdateResource(ctx, p1, "domain", "prefix", func(x *store.Resource) error { x.Key = moved; return nil })
		must(t, err)
		_, err = s.GetResourceByKey(ctx, "domain", domain)
		wantErr(t, err, store.ErrNotFound, "old key after the move")
		got, err = s.GetResourceByKey(ctx, "domain", moved)
		must(t, err)
		if got.PoolID != p1 || got.Name != "prefix" {
			t.Fatalf("moved key finds %s/%s", got.PoolID, got.Name)
		}
		// The freed key can be taken again; a deleted resource frees its key.
		must(t, s.CreateResource(ctx, store.Resource{PoolID: p2, Kind: "domain", Name: "c", Key: domain, CreatedAt: base}, 0))
		must(t, s.DeleteResource(ctx, p1, "domain", "prefix"))
		must(t, s.CreateResource(ctx, store.Resource{PoolID: p2, Kind: "domain", Name: "d", Key: moved, CreatedAt: base}, 0))
	})

	t.Run("LimitAndCount", func(t *testing.T) {
		pool := mkPool(t, s)
		for i := range 3 {
			must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "rs", Name: fmt.Sprintf("r%d", i), CreatedAt: base}, 3))
		}
		wantErr(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "rs", Name: "r3", CreatedAt: base}, 3),
			store.ErrLimitExceeded, "fourth of three")
		// A duplicate is reported as such even at the limit.
		wantErr(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "rs", Name: "r0", CreatedAt: base}, 3),
			store.ErrAlreadyExists, "duplicate at the limit")
		// The limit counts one kind of one pool.
		must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "idp", Name: "x", CreatedAt: base}, 3))
		must(t, s.CreateResource(ctx, store.Resource{PoolID: mkPool(t, s), Kind: "rs", Name: "r3", CreatedAt: base}, 3))
		n, err := s.CountResources(ctx, pool, "rs")
		must(t, err)
		if n != 3 {
			t.Fatalf("CountResources = %d, want 3", n)
		}
		n, err = s.CountResources(ctx, pool, "none")
		must(t, err)
		if n != 0 {
			t.Fatalf("CountResources of an empty kind = %d", n)
		}
		must(t, s.DeleteResource(ctx, pool, "rs", "r1"))
		must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "rs", Name: "r3", CreatedAt: base}, 3))
	})

	t.Run("List", func(t *testing.T) {
		pool := mkPool(t, s)
		var names []string
		for i := range 23 {
			n := fmt.Sprintf("https://api%02d.example.com/%c", i, 'z'-i)
			names = append(names, n)
			must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "rs", Name: n, Body: []byte(`{}`), CreatedAt: base}, 0))
		}
		// Other kinds and pools stay out of the list.
		must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "idp", Name: "Google", CreatedAt: base}, 0))
		must(t, s.CreateResource(ctx, store.Resource{PoolID: mkPool(t, s), Kind: "rs", Name: "https://other", CreatedAt: base}, 0))
		checkPaging(t, sortedCopy(names), func(r store.Resource) string { return r.Name }, func(p store.Page) ([]store.Resource, string, error) {
			return s.ListResources(ctx, pool, "rs", p)
		})
		// A token continues only the list of its kind.
		_, tok, err := s.ListResources(ctx, pool, "rs", store.Page{Limit: 2})
		must(t, err)
		_, _, err = s.ListResources(ctx, pool, "idp", store.Page{Limit: 2, Token: tok})
		wantErr(t, err, store.ErrInvalidToken, "token of another kind")
		items, next, err := s.ListResources(ctx, mkPool(t, s), "rs", store.Page{})
		must(t, err)
		if len(items) != 0 || next != "" {
			t.Fatalf("empty pool lists %d items, token %q", len(items), next)
		}
	})

	t.Run("PoolDeleteCascades", func(t *testing.T) {
		pool, keep := mkPool(t, s), mkPool(t, s)
		key := uniq("gone-")
		must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "domain", Name: "prefix", Key: key, CreatedAt: base}, 0))
		must(t, s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "rs", Name: "a", CreatedAt: base}, 0))
		must(t, s.CreateResource(ctx, store.Resource{PoolID: keep, Kind: "rs", Name: "a", CreatedAt: base}, 0))
		must(t, s.DeletePool(ctx, pool))
		_, err := s.GetResource(ctx, pool, "rs", "a")
		wantErr(t, err, store.ErrNotFound, "resource of a deleted pool")
		_, err = s.GetResourceByKey(ctx, "domain", key)
		wantErr(t, err, store.ErrNotFound, "key of a deleted pool")
		n, err := s.CountResources(ctx, pool, "rs")
		must(t, err)
		if n != 0 {
			t.Fatalf("%d resources left", n)
		}
		_, err = s.GetResource(ctx, keep, "rs", "a")
		must(t, err)
		// The key is free again.
		must(t, s.CreateResource(ctx, store.Resource{PoolID: keep, Kind: "domain", Name: "prefix", Key: key, CreatedAt: base}, 0))
	})

	t.Run("ConcurrentSameKey", func(t *testing.T) {
		const n = 16
		pools := make([]string, n)
		for i := range pools {
			pools[i] = mkPool(t, s)
		}
		key := uniq("race-")
		errs := parallel(n, func(i int) error {
			return s.CreateResource(ctx, store.Resource{PoolID: pools[i], Kind: "domain", Name: "prefix", Key: key, CreatedAt: base}, 0)
		})
		ok, dup := tally(t, errs, store.ErrAlreadyExists)
		if ok != 1 || dup != n-1 {
			t.Fatalf("%d created, %d ErrAlreadyExists; want 1 and %d", ok, dup, n-1)
		}
	})

	t.Run("ConcurrentLimit", func(t *testing.T) {
		pool := mkPool(t, s)
		const n, limit = 20, 5
		errs := parallel(n, func(i int) error {
			return s.CreateResource(ctx, store.Resource{PoolID: pool, Kind: "rs", Name: fmt.Sprintf("r%02d", i), CreatedAt: base}, limit)
		})
		ok, over := tally(t, errs, store.ErrLimitExceeded)
		if ok != limit || over != n-limit {
			t.Fatalf("%d created, %d ErrLimitExceeded; want %d and %d", ok, over, limit, n-limit)
		}
		c, err := s.CountResources(ctx, pool, "rs")
		must(t, err)
		if c != limit {
			t.Fatalf("CountResources = %d, want %d", c, limit)
		}
	})
}
