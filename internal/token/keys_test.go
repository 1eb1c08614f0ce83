package token

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func jwksKIDs(t *testing.T, is *Issuer, pool string) []string {
	t.Helper()
	b, err := is.JWKS(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []struct {
			KID string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range doc.Keys {
		kids = append(kids, k.KID)
	}
	sort.Strings(kids)
	return kids
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	h, _ := parts(t, tok)
	var m map[string]string
	if err := json.Unmarshal([]byte(h), &m); err != nil {
		t.Fatal(err)
	}
	return m["kid"]
}

func issue(t *testing.T, is *Issuer) (id, access string) {
	t.Helper()
	id, access, err := is.IssuePair(context.Background(), basicInput())
	if err != nil {
		t.Fatal(err)
	}
	return id, access
}

func mustVerify(t *testing.T, is *Issuer, id, access string) {
	t.Helper()
	ctx := context.Background()
	if _, err := is.Verify(ctx, testPool, id, UseID); err != nil {
		t.Errorf("id token: %v", err)
	}
	if _, err := is.Verify(ctx, testPool, access, UseAccess); err != nil {
		t.Errorf("access token: %v", err)
	}
}

func TestEnsureKeysIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	for range 3 {
		if err := e.is.EnsureKeys(ctx, testPool); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.ks.count(testPool); n != 2 {
		t.Fatalf("%d keys after EnsureKeys, want 2", n)
	}
	uses := map[string]int{}
	for _, r := range e.ks.keys[testPool] {
		uses[r.Use]++
		if !r.CreatedAt.Equal(t0) || !r.NotAfter.IsZero() || !r.ExpiresAt.IsZero() {
			t.Errorf("new key times: %+v", r)
		}
	}
	if uses[UseID] != 1 || uses[UseAccess] != 1 {
		t.Errorf("uses %v", uses)
	}
	if err := e.is.EnsureKeys(ctx, ""); err == nil {
		t.Error("empty pool id accepted")
	}
}

func TestConcurrentIssueCreatesOnePair(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.Rand = rand.Reader })
	var wg sync.WaitGroup
	toks := make([][2]string, 8)
	errs := make([]error, 8)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i][0], toks[i][1], errs[i] = e.is.IssuePair(context.Background(), basicInput())
		}()
	}
	wg.Wait()
	for i := range toks {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		mustVerify(t, e.is, toks[i][0], toks[i][1])
	}
	if n := e.ks.count(testPool); n != 2 {
		t.Errorf("%d keys, want 2", n)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	id1, access1 := issue(t, e.is)
	old := []string{kidOf(t, id1), kidOf(t, access1)}

	e.clock.Advance(10 * time.Minute)
	rotatedAt := e.clock.Now()
	if err := e.is.Rotate(ctx, testPool); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, e.is, id1, access1) // old tokens still verify

	id2, access2 := issue(t, e.is)
	mustVerify(t, e.is, id2, access2)
	newKIDs := []string{kidOf(t, id2), kidOf(t, access2)}
	if newKIDs[0] == newKIDs[1] {
		t.Error("new id and access kids equal")
	}
	for _, n := range newKIDs {
		for _, o := range old {
			if n == o {
				t.Errorf("new token signed with old kid %q", n)
			}
		}
	}
	if got := jwksKIDs(t, e.is, testPool); len(got) != 4 {
		t.Errorf("JWKS after rotation has %d keys, want 4", len(got))
	}
	wantExpiry := rotatedAt.Add(DefaultMaxTokenValidity + DefaultCacheTTL)
	for _, kid := range old {
		r := e.ks.keys[testPool][kid]
		if !r.NotAfter.Equal(rotatedAt) || !r.ExpiresAt.Equal(wantExpiry) {
			t.Errorf("retired key %s: NotAfter %v ExpiresAt %v, want %v and %v", kid, r.NotAfter, r.ExpiresAt, rotatedAt, wantExpiry)
		}
	}

	// The old tokens expire normally; their keys stay published until ExpiresAt.
	e.clock.Advance(time.Hour)
	if _, err := e.is.Verify(ctx, testPool, access1, UseAccess); !errors.Is(err, ErrExpired) {
		t.Errorf("old access token after exp: %v", err)
	}
	e.clock.Advance(wantExpiry.Sub(e.clock.Now()) - time.Second)
	if got := jwksKIDs(t, e.is, testPool); len(got) != 4 {
		t.Errorf("JWKS just before ExpiresAt has %d keys, want 4", len(got))
	}
	e.clock.Advance(DefaultCacheTTL) // past ExpiresAt and the cache TTL
	if got := jwksKIDs(t, e.is, testPool); len(got) != 2 {
		t.Errorf("JWKS after ExpiresAt has %d keys, want 2", len(got))
	}
	if _, err := e.is.Verify(ctx, testPool, access1, UseAccess); !errors.Is(err, ErrInvalid) {
		t.Errorf("token of a pruned key: %v", err)
	}
	if n, err := e.is.Prune(ctx, testPool); err != nil || n != 2 {
		t.Errorf("Prune: %d, %v; want 2", n, err)
	}
	if n := e.ks.count(testPool); n != 2 {
		t.Errorf("%d keys stored after prune, want 2", n)
	}
	// Keys of the rotation sign until the next one.
	id3, _ := issue(t, e.is)
	if kidOf(t, id3) != newKIDs[0] {
		t.Error("signing key changed without rotation")
	}
}

func TestRotateTwicePrunes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxTokenValidity = time.Hour; o.CacheTTL = time.Second })
	ctx := context.Background()
	if err := e.is.Rotate(ctx, testPool); err != nil { // works on a pool without keys
		t.Fatal(err)
	}
	if err := e.is.Rotate(ctx, testPool); err != nil {
		t.Fatal(err)
	}
	if n := e.ks.count(testPool); n != 4 {
		t.Fatalf("%d keys, want 4", n)
	}
	e.clock.Advance(time.Hour + time.Second)
	if err := e.is.Rotate(ctx, testPool); err != nil {
		t.Fatal(err)
	}
	if n := e.ks.count(testPool); n != 4 {
		t.Errorf("%d keys after third rotation, want 4 (the first pair pruned)", n)
	}
}

// Another instance notices a rotation within CacheTTL, and verifies tokens
// of keys it has not seen yet after its unknown-kid reload.
func TestRotationSeenByOtherInstance(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.Rand = rand.Reader })
	ctx := context.Background()
	a := e.is
	b := e.issuer(t, func(o *Options) { o.Rand = rand.Reader })
	idA, _ := issue(t, a)
	idB, _ := issue(t, b)
	if kidOf(t, idA) != kidOf(t, idB) {
		t.Fatal("instances sign with different keys")
	}
	oldKID := kidOf(t, idA)
	if err := a.Rotate(ctx, testPool); err != nil {
		t.Fatal(err)
	}
	idA2, accessA2 := issue(t, a)

	// Within the TTL b still uses its cached key (documented lag) ...
	idB2, _ := issue(t, b)
	if kidOf(t, idB2) != oldKID {
		t.Error("b switched keys before its cache expired or a forced reload")
	}
	// ... and after a second it reloads on the unknown kid.
	e.clock.Advance(time.Second)
	mustVerify(t, b, idA2, accessA2)
	idB3, _ := issue(t, b) // the reload also switched b's signer
	if kidOf(t, idB3) != kidOf(t, idA2) {
		t.Error("b does not sign with the rotated key after reloading")
	}
	mustVerify(t, a, idB2, accessA2)
}

func TestUnknownKIDReloadIsRateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	bogus := f.forge(t, "bogus-kid", f.accessKey.priv, nil)
	e := f.e
	e.clock.Advance(2 * time.Second)
	before := e.ks.listCalls()
	for range 100 {
		if _, err := e.is.Verify(ctx, testPool, bogus, UseAccess); !errors.Is(err, ErrInvalid) {
			t.Fatal(err)
		}
	}
	if n := e.ks.listCalls() - before; n != 1 {
		t.Errorf("%d store reads for 100 unknown kids, want 1", n)
	}
	// Valid tokens within the TTL are served from the cache.
	before = e.ks.listCalls()
	for range 10 {
		mustVerify(t, e.is, f.id, f.access)
		issue(t, e.is)
	}
	if n := e.ks.listCalls() - before; n != 0 {
		t.Errorf("%d store reads within the cache TTL, want 0", n)
	}
	e.clock.Advance(DefaultCacheTTL)
	mustVerify(t, e.is, f.id, f.access)
	if n := e.ks.listCalls() - before; n != 1 {
		t.Errorf("%d store reads after the TTL, want 1", n)
	}
}

// Two instances that race in EnsureKeys on one store: exactly one creates
// each key (store CreateFirstSigningKey), both load it, and each verifies the
// other's tokens at once, without waiting for a reload (issue 13 finding 9).
func TestConcurrentEnsureKeysTwoInstances(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.Rand = rand.Reader })
	a := e.is
	b := e.issuer(t, func(o *Options) { o.Rand = rand.Reader })

	// Hold the first two store reads until both have read, so that both
	// instances see an empty pool and go on to create keys.
	var arrived atomic.Int32
	var gate sync.WaitGroup
	gate.Add(2)
	e.ks.afterList = func() {
		if arrived.Add(1) <= 2 {
			gate.Done()
			gate.Wait()
		}
	}
	var wg sync.WaitGroup
	var errA, errB error
	wg.Add(2)
	go func() { defer wg.Done(); errA = a.EnsureKeys(context.Background(), testPool) }()
	go func() { defer wg.Done(); errB = b.EnsureKeys(context.Background(), testPool) }()
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if n := e.ks.count(testPool); n != 2 {
		t.Fatalf("%d keys after the race, want 2 (one winner per use)", n)
	}

	// No clock advance: a token of one instance verifies on the other at once.
	idA, accessA := issue(t, a)
	idB, accessB := issue(t, b)
	if kidOf(t, idA) != kidOf(t, idB) || kidOf(t, accessA) != kidOf(t, accessB) {
		t.Error("instances sign with different keys")
	}
	mustVerify(t, a, idB, accessB)
	mustVerify(t, b, idA, accessA)
}

func TestKIDCollisionRetried(t *testing.T) {
	t.Parallel()
	// Two instances with identical randomness draw the same kids: the second
	// one's CreateSigningKey collides and it draws again.
	e := newEnv(t, nil)
	ctx := context.Background()
	if err := e.is.EnsureKeys(ctx, testPool); err != nil { // kids of bytes 0x00, 0x01
		t.Fatal(err)
	}
	b := e.issuer(t, nil)
	if err := b.EnsureKeys(ctx, "us-east-1_other"); err != nil { // same kids, other pool: fine
		t.Fatal(err)
	}
	c := e.issuer(t, nil)
	if err := c.Rotate(ctx, testPool); err != nil { // 0x00, 0x01 taken: uses 0x02, 0x03
		t.Fatal(err)
	}
	if n := e.ks.count(testPool); n != 4 {
		t.Errorf("%d keys, want 4", n)
	}
	id, access := issue(t, c)
	e.clock.Advance(time.Second) // e.is reloads on the new kids
	mustVerify(t, e.is, id, access)
}
