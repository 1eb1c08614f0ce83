package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"userpool/internal/config"
	"userpool/internal/store"
	"userpool/internal/store/postgres/pgtest"
	"userpool/internal/token"
)

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// backends opens a store of each backend: SQLite in a temp dir, PostgreSQL
// on a fresh schema (skipped without a test server, except in CI). open
// returns another handle on the same database (another instance).
func backends(t *testing.T) map[string]func(t *testing.T) (first store.Store, open func() store.Store) {
	openDSN := func(t *testing.T, dsn string) func() store.Store {
		return func() store.Store {
			cfg := config.Defaults()
			cfg.Server.Data = t.TempDir()
			cfg.Store.DSN = dsn
			st, err := openStore(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
	}
	return map[string]func(t *testing.T) (store.Store, func() store.Store){
		"sqlite": func(t *testing.T) (store.Store, func() store.Store) {
			open := openDSN(t, "sqlite:"+filepath.Join(t.TempDir(), "m.db"))
			return open(), open
		},
		"postgres": func(t *testing.T) (store.Store, func() store.Store) {
			open := openDSN(t, pgtest.FreshSchema(t, "userpool_cmd_"))
			return open(), open
		},
	}
}

// expiredFixture stores expired and live sessions, refresh tokens and
// signing keys relative to now, and returns how many of each are expired.
type expiredFixture struct {
	pool                                    string
	liveSessions, liveTokens, liveKeys      []string
	deadSessions, deadTokens, deadKeys      []string
	expiredSessions, expiredTokens, expKeys int64
}

func mkExpired(t *testing.T, st store.Store, now time.Time, n int) expiredFixture {
	t.Helper()
	ctx := t.Context()
	f := expiredFixture{pool: "us-east-1_" + fmt.Sprint(now.UnixNano())[:9]}
	if err := st.CreatePool(ctx, store.Pool{ID: f.pool, Name: "m", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		live := store.Session{ID: fmt.Sprintf("live-%d", i), PoolID: f.pool, Challenge: "X", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
		dead := store.Session{ID: fmt.Sprintf("dead-%d", i), PoolID: f.pool, Challenge: "X", CreatedAt: now, ExpiresAt: now.Add(-time.Second)}
		rtLive := store.RefreshToken{Hash: fmt.Sprintf("rt-live-%d", i), PoolID: f.pool, UsernameKey: "u", OriginJTI: "j", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		// Expired, but recently: kept for the revocation check of access
		// tokens refreshed from it.
		rtRecent := store.RefreshToken{Hash: fmt.Sprintf("rt-recent-%d", i), PoolID: f.pool, UsernameKey: "u", OriginJTI: "j", CreatedAt: now, ExpiresAt: now.Add(-time.Hour)}
		rtDead := store.RefreshToken{Hash: fmt.Sprintf("rt-dead-%d", i), PoolID: f.pool, UsernameKey: "u", OriginJTI: "j", CreatedAt: now, ExpiresAt: now.Add(-refreshRetention - time.Second)}
		for _, s := range []store.Session{live, dead} {
			if err := st.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		for _, rt := range []store.RefreshToken{rtLive, rtRecent, rtDead} {
			if err := st.CreateRefreshToken(ctx, rt); err != nil {
				t.Fatal(err)
			}
		}
		f.liveSessions = append(f.liveSessions, live.ID)
		f.deadSessions = append(f.deadSessions, dead.ID)
		f.liveTokens = append(f.liveTokens, rtLive.Hash, rtRecent.Hash)
		f.deadTokens = append(f.deadTokens, rtDead.Hash)
	}
	keys := []store.SigningKey{
		{PoolID: f.pool, KID: "k-live", Use: "id", PrivateKey: []byte{1}, CreatedAt: now},
		{PoolID: f.pool, KID: "k-retiring", Use: "id", PrivateKey: []byte{2}, CreatedAt: now.Add(-time.Hour), NotAfter: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)},
		{PoolID: f.pool, KID: "k-dead", Use: "access", PrivateKey: []byte{3}, CreatedAt: now.Add(-48 * time.Hour), NotAfter: now.Add(-30 * time.Hour), ExpiresAt: now.Add(-time.Minute)},
	}
	for _, k := range keys {
		if err := st.CreateSigningKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	f.liveKeys, f.deadKeys = []string{"k-live", "k-retiring"}, []string{"k-dead"}
	f.expiredSessions, f.expiredTokens, f.expKeys = int64(n), int64(n), 1
	return f
}

// check asserts that the live records remain and the dead ones are gone.
func (f expiredFixture) check(t *testing.T, st store.Store) {
	t.Helper()
	ctx := t.Context()
	for _, id := range f.liveSessions {
		if _, err := st.GetSession(ctx, id); err != nil {
			t.Errorf("live session %s: %v", id, err)
		}
	}
	for _, id := range f.deadSessions {
		if _, err := st.GetSession(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session %s: %v, want gone", id, err)
		}
	}
	for _, h := range f.liveTokens {
		if _, err := st.GetRefreshToken(ctx, h); err != nil {
			t.Errorf("kept refresh token %s: %v", h, err)
		}
	}
	for _, h := range f.deadTokens {
		if _, err := st.GetRefreshToken(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired refresh token %s: %v, want gone", h, err)
		}
	}
	keys, err := st.ListSigningKeys(ctx, f.pool)
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range keys {
		kids = append(kids, k.KID)
	}
	if fmt.Sprint(kids) != fmt.Sprint(f.liveKeys) {
		t.Errorf("signing keys %v, want %v", kids, f.liveKeys)
	}
}

func issuerPrune(t *testing.T, st store.Store, now time.Time) func(context.Context, string) (int, error) {
	is, err := token.NewIssuer(st, token.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return is.Prune
}

// TestMaintenanceDeletesExpired: one run deletes expired sessions, refresh
// tokens past their retention and expired signing keys, and nothing else.
func TestMaintenanceDeletesExpired(t *testing.T) {
	t.Parallel()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			st, _ := open(t)
			now := time.Now().UTC().Truncate(time.Millisecond)
			f := mkExpired(t, st, now, 5)
			m := newMaintenance(st, issuerPrune(t, st, now), discardLog)
			m.now = func() time.Time { return now }
			res, err := m.runOnce(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := maintenanceResult{Sessions: f.expiredSessions, RefreshTokens: f.expiredTokens, SigningKeys: f.expKeys, PrunedKeys: true}
			if res != want {
				t.Errorf("first run %+v, want %+v", res, want)
			}
			f.check(t, st)
			res, err = m.runOnce(t.Context())
			if err != nil || res != (maintenanceResult{}) {
				t.Errorf("second run: %+v, %v; want nothing deleted (keys pruned only every %d runs)", res, err, keyPruneEvery)
			}
		})
	}
}

// TestMaintenanceConcurrentInstances: several instances (separate store
// handles on one database) running maintenance at once all succeed, and
// together delete each expired record exactly once.
func TestMaintenanceConcurrentInstances(t *testing.T) {
	t.Parallel()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			st, another := open(t)
			now := time.Now().UTC().Truncate(time.Millisecond)
			f := mkExpired(t, st, now, 40)
			const instances = 4
			results := make([]maintenanceResult, instances)
			errs := make([]error, instances)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range instances {
				inst := another()
				m := newMaintenance(inst, issuerPrune(t, inst, now), discardLog)
				m.now = func() time.Time { return now }
				wg.Go(func() {
					<-start
					results[i], errs[i] = m.runOnce(t.Context())
				})
			}
			close(start)
			wg.Wait()
			var total maintenanceResult
			for i := range instances {
				if errs[i] != nil {
					t.Errorf("instance %d: %v", i, errs[i])
				}
				total.Sessions += results[i].Sessions
				total.RefreshTokens += results[i].RefreshTokens
				total.SigningKeys += results[i].SigningKeys
			}
			if total.Sessions != f.expiredSessions || total.RefreshTokens != f.expiredTokens || total.SigningKeys != f.expKeys {
				t.Errorf("deleted together %+v, want %d sessions, %d tokens, %d keys", total, f.expiredSessions, f.expiredTokens, f.expKeys)
			}
			f.check(t, st)
		})
	}
}

// fakeMaintStore counts calls and fails on demand.
type fakeMaintStore struct {
	mu                      sync.Mutex
	sessions, tokens, lists int
	sessionsBefore          time.Time
	tokensBefore            time.Time
	failSessions            error
	pools                   []store.Pool
}

func (f *fakeMaintStore) DeleteExpiredSessions(_ context.Context, before time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions++
	f.sessionsBefore = before
	return 2, f.failSessions
}

func (f *fakeMaintStore) DeleteExpiredRefreshTokens(_ context.Context, before time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens++
	f.tokensBefore = before
	return 3, nil
}

func (f *fakeMaintStore) ListPools(_ context.Context, page store.Page) ([]store.Pool, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	// Two pages: the first two pools, then the rest.
	if page.Token == "" && len(f.pools) > 2 {
		return f.pools[:2], "next", nil
	}
	if page.Token == "next" {
		return f.pools[2:], "", nil
	}
	return f.pools, "", nil
}

func TestMaintenanceSteps(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	fs := &fakeMaintStore{pools: []store.Pool{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	var pruned []string
	m := newMaintenance(fs, func(_ context.Context, id string) (int, error) { pruned = append(pruned, id); return 1, nil }, discardLog)
	m.now = func() time.Time { return now }
	m.pruneEvery = 3

	var prunedRuns []int
	for i := range 7 {
		res, err := m.runOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if res.PrunedKeys {
			prunedRuns = append(prunedRuns, i)
			if res.SigningKeys != 3 {
				t.Errorf("run %d pruned %d keys, want 3 (one per pool, over two pages)", i, res.SigningKeys)
			}
		}
	}
	if fmt.Sprint(prunedRuns) != "[0 3 6]" {
		t.Errorf("keys pruned on runs %v, want [0 3 6]", prunedRuns)
	}
	if fmt.Sprint(pruned[:3]) != "[a b c]" || len(pruned) != 9 {
		t.Errorf("pruned pools %v", pruned)
	}
	if !fs.sessionsBefore.Equal(now) || !fs.tokensBefore.Equal(now.Add(-refreshRetention)) {
		t.Errorf("cut-offs: sessions %v, refresh tokens %v", fs.sessionsBefore, fs.tokensBefore)
	}

	// A failing step does not stop the others; the error is reported.
	boom := errors.New("boom")
	fs.failSessions = boom
	before := fs.tokens
	_, err := m.runOnce(t.Context())
	if !errors.Is(err, boom) || fs.tokens != before+1 {
		t.Errorf("failing step: err %v, token step ran %d times", err, fs.tokens-before)
	}

	// Without a prune function keys are never pruned.
	m2 := newMaintenance(fs, nil, discardLog)
	if res, _ := m2.runOnce(t.Context()); res.PrunedKeys {
		t.Error("pruned without a prune function")
	}
}

// TestMaintenanceLoop drives the loop with a fake timer: the first wait is
// within one interval, later ones within ±20% of it, each tick runs once,
// and cancelling the context ends the loop.
func TestMaintenanceLoop(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{0, 0.5, 0.999} {
		t.Run(fmt.Sprint(r), func(t *testing.T) {
			fs := &fakeMaintStore{}
			m := newMaintenance(fs, nil, discardLog)
			m.randFloat = func() float64 { return r }
			waits := make(chan time.Duration)
			ticks := make(chan time.Time)
			after := func(d time.Duration) <-chan time.Time { waits <- d; return ticks }
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { m.run(ctx, after); close(done) }()

			first := <-waits
			if want := time.Duration(float64(time.Minute) * r); first != want {
				t.Errorf("first wait %v, want %v", first, want)
			}
			for i := 1; i <= 3; i++ {
				ticks <- time.Now()
				d := <-waits // the next wait is asked for once the run is over
				lo, hi := 48*time.Second, 72*time.Second
				if d < lo || d > hi {
					t.Errorf("wait %v outside [%v, %v]", d, lo, hi)
				}
				fs.mu.Lock()
				runs := fs.sessions
				fs.mu.Unlock()
				if runs != i {
					t.Errorf("after %d ticks: %d runs", i, runs)
				}
			}
			cancel()
			<-done
		})
	}
}
