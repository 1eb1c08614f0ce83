package token

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"userpool/internal/store"
	"userpool/internal/store/postgres"
	"userpool/internal/store/postgres/pgtest"
	"userpool/internal/store/sqlite"
)

// gatedStore holds the first n ListSigningKeys calls until all n have read,
// so that racing instances all see the pool without keys.
type gatedStore struct {
	store.Store
	arrived atomic.Int32
	n       int32
	gate    *sync.WaitGroup
}

func (g *gatedStore) ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	recs, err := g.Store.ListSigningKeys(ctx, poolID)
	if g.arrived.Add(1) <= g.n {
		g.gate.Done()
		g.gate.Wait()
	}
	return recs, err
}

// Issue 13, finding 9, on the real stores: instances racing to create a
// pool's first signing keys end up with one key per use, and a token of
// either verifies on the other at once (the clock does not move, so no
// reload for an unknown kid could hide a second key).
func TestEnsureKeysRaceOnStores(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) store.Store{
		"sqlite": func(t *testing.T) store.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		},
		"postgres": func(t *testing.T) store.Store {
			st, err := postgres.Open(t.Context(), pgtest.FreshSchema(t, "userpool_keyrace_"), postgres.Options{MaxConns: 8})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := open(t)
			if err := st.CreatePool(ctx, store.Pool{ID: testPool, Name: "p", Settings: []byte("{}"), CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			const n = 3
			var gate sync.WaitGroup
			gate.Add(n)
			gs := &gatedStore{Store: st, n: n, gate: &gate}
			clock := &fakeClock{t: t0}
			issuers := make([]*Issuer, n)
			for i := range issuers {
				is, err := NewIssuer(gs, Options{Now: clock.Now, Rand: rand.Reader, KeyBits: 1024})
				if err != nil {
					t.Fatal(err)
				}
				issuers[i] = is
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i, is := range issuers {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = is.EnsureKeys(ctx, testPool) }()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			recs, err := st.ListSigningKeys(ctx, testPool)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 {
				t.Fatalf("%d signing keys after the race, want 2 (one per use)", len(recs))
			}
			for i, a := range issuers {
				id, access := issue(t, a)
				for j, b := range issuers {
					if i != j {
						mustVerify(t, b, id, access)
					}
				}
			}
		})
	}
}
