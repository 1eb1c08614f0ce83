package token

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"

	"userpool/internal/store"
)

// key is a parsed signing key.
type key struct {
	kid       string
	use       string
	priv      *rsa.PrivateKey
	createdAt time.Time
	notAfter  time.Time // zero: signs without end
	expiresAt time.Time // zero: published forever
	// stored is the store's PrivateKey bytes, to notice a changed record.
	stored []byte
}

func (k *key) signs(now time.Time) bool {
	return (k.notAfter.IsZero() || now.Before(k.notAfter)) && k.published(now)
}

func (k *key) published(now time.Time) bool {
	return k.expiresAt.IsZero() || now.Before(k.expiresAt)
}

// poolKeys is the cached key set of one pool.
type poolKeys struct {
	loadedAt time.Time
	keys     []*key // unexpired at load, ordered newest first (CreatedAt desc, kid asc)
	byKID    map[string]*key
	jwks     []byte
}

// signer is the key that signs new tokens of use: the newest key of that use
// still signing. Every instance sharing a store picks the same key once it
// has read the same records, which makes racing EnsureKeys harmless.
func (pk *poolKeys) signer(use string, now time.Time) *key {
	for _, k := range pk.keys {
		if k.use == use && k.signs(now) {
			return k
		}
	}
	return nil
}

func (pk *poolKeys) fresh(now time.Time, ttl time.Duration) bool {
	age := now.Sub(pk.loadedAt)
	return age >= 0 && age < ttl
}

// keySet returns the pool's cached keys, reading the store when the cache is
// missing or older than CacheTTL.
func (is *Issuer) keySet(ctx context.Context, poolID string) (*poolKeys, error) {
	now := is.now()
	is.mu.Lock()
	pk := is.cache[poolID]
	is.mu.Unlock()
	if pk != nil && pk.fresh(now, is.opts.CacheTTL) {
		return pk, nil
	}
	return is.reload(ctx, poolID, pk)
}

// reload reads the pool's keys from the store. seen is the cache entry the
// caller found stale or insufficient; if another goroutine replaced it with a
// fresh one while we waited for the lock, that one is returned instead.
func (is *Issuer) reload(ctx context.Context, poolID string, seen *poolKeys) (*poolKeys, error) {
	l := is.stripe(poolID)
	l.Lock()
	defer l.Unlock()
	now := is.now()
	is.mu.Lock()
	cur := is.cache[poolID]
	is.mu.Unlock()
	if cur != nil && cur != seen && cur.fresh(now, is.opts.CacheTTL) {
		return cur, nil // loaded by someone else while we waited
	}
	return is.loadLocked(ctx, poolID, cur)
}

// minReload is the shortest interval between two store reads of one pool
// forced by unknown kids.
const minReload = time.Second

// refreshForKID reloads the pool's keys after a kid was not found, unless
// they were read less than minReload ago (bounds the store reads that
// tokens with made-up kids can cause).
func (is *Issuer) refreshForKID(ctx context.Context, poolID string, seen *poolKeys) (*poolKeys, error) {
	now := is.now()
	age := now.Sub(seen.loadedAt)
	if age >= 0 && age < min(minReload, is.opts.CacheTTL) {
		return seen, nil
	}
	return is.reload(ctx, poolID, seen)
}

// loadLocked reads the pool's keys from the store and caches them. prev lets
// already-parsed keys be reused. The pool's stripe must be held.
func (is *Issuer) loadLocked(ctx context.Context, poolID string, prev *poolKeys) (*poolKeys, error) {
	recs, err := is.ks.ListSigningKeys(ctx, poolID)
	if err != nil {
		return nil, fmt.Errorf("token: list signing keys: %w", err)
	}
	return is.cacheRecords(poolID, recs, prev)
}

// cacheRecords parses the pool's key records and caches them. The pool's
// stripe must be held.
func (is *Issuer) cacheRecords(poolID string, recs []store.SigningKey, prev *poolKeys) (*poolKeys, error) {
	var err error
	now := is.now()
	pk := &poolKeys{loadedAt: now, byKID: make(map[string]*key, len(recs))}
	for _, r := range recs {
		if r.PoolID != "" && r.PoolID != poolID {
			continue
		}
		if r.Use != UseID && r.Use != UseAccess {
			continue
		}
		if !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt) {
			continue // expired: no longer published; pruned by Rotate/EnsureKeys/Prune
		}
		var k *key
		if prev != nil {
			if old := prev.byKID[r.KID]; old != nil && old.use == r.Use && bytes.Equal(old.stored, r.PrivateKey) {
				c := *old
				k = &c
			}
		}
		if k == nil {
			priv, err := is.parsePrivate(r.PrivateKey)
			if err != nil {
				return nil, fmt.Errorf("token: signing key %q of pool %q: %w", r.KID, poolID, err)
			}
			k = &key{kid: r.KID, use: r.Use, priv: priv, stored: r.PrivateKey}
		}
		k.createdAt, k.notAfter, k.expiresAt = r.CreatedAt.UTC(), r.NotAfter.UTC(), r.ExpiresAt.UTC()
		if _, dup := pk.byKID[k.kid]; dup {
			continue
		}
		pk.keys = append(pk.keys, k)
		pk.byKID[k.kid] = k
	}
	sort.SliceStable(pk.keys, func(i, j int) bool {
		a, b := pk.keys[i], pk.keys[j]
		if !a.createdAt.Equal(b.createdAt) {
			return a.createdAt.After(b.createdAt)
		}
		return a.kid < b.kid
	})
	if pk.jwks, err = marshalJWKS(pk.keys); err != nil {
		return nil, err
	}
	is.mu.Lock()
	if len(is.cache) >= maxCachedPools {
		for id, e := range is.cache {
			if !e.fresh(now, is.opts.CacheTTL) || len(is.cache) >= maxCachedPools {
				delete(is.cache, id)
			}
			if len(is.cache) < maxCachedPools/2 {
				break
			}
		}
	}
	is.cache[poolID] = pk
	is.mu.Unlock()
	return pk, nil
}

func (is *Issuer) parsePrivate(stored []byte) (*rsa.PrivateKey, error) {
	der := stored
	if is.opts.Open != nil {
		var err error
		if der, err = is.opts.Open(stored); err != nil {
			return nil, fmt.Errorf("open private key: %w", err)
		}
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key is %T, not RSA", k)
	}
	// The CRT values (Dp, Dq, Qinv and the fips key behind them) make every
	// signature two half-size exponentiations, Go's fastest RSA path.
	// x509 already precomputes on parse (Go >= 1.24); this is a no-op then
	// and keeps the guarantee if the parse path changes. Done once per key
	// record: cacheRecords reuses the parsed key while the record is unchanged.
	rk.Precompute()
	return rk, nil
}

// newKID returns a Cognito-shaped kid: standard base64 of 32 random bytes
// (44 characters).
func (is *Issuer) newKID() (string, error) {
	var b [32]byte
	if err := is.readRand(b[:]); err != nil {
		return "", fmt.Errorf("token: random kid: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b[:]), nil
}

// createKey generates, stores and returns the record of a new key of use.
// With first set the key is only stored when the pool has no key of use
// signing at now (store CreateFirstSigningKey); when another instance's key
// is there, created is false and nothing is stored.
func (is *Issuer) createKey(ctx context.Context, poolID, use string, now time.Time, first bool) (rec store.SigningKey, created bool, err error) {
	priv, err := rsa.GenerateKey(lockedRand{is}, is.opts.KeyBits)
	if err != nil {
		return store.SigningKey{}, false, fmt.Errorf("token: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return store.SigningKey{}, false, fmt.Errorf("token: marshal key: %w", err)
	}
	if is.opts.Seal != nil {
		if der, err = is.opts.Seal(der); err != nil {
			return store.SigningKey{}, false, fmt.Errorf("token: seal key: %w", err)
		}
	}
	for range 3 { // a kid collision is astronomically unlikely; retry anyway
		kid, err := is.newKID()
		if err != nil {
			return store.SigningKey{}, false, err
		}
		rec := store.SigningKey{PoolID: poolID, KID: kid, Use: use, PrivateKey: der, CreatedAt: now}
		created := true
		if first {
			created, err = is.ks.CreateFirstSigningKey(ctx, rec)
		} else {
			err = is.ks.CreateSigningKey(ctx, rec)
		}
		if errors.Is(err, store.ErrAlreadyExists) {
			continue
		}
		if err != nil {
			return store.SigningKey{}, false, fmt.Errorf("token: store signing key: %w", err)
		}
		return rec, created, nil
	}
	return store.SigningKey{}, false, errors.New("token: could not pick an unused kid")
}

// EnsureKeys makes sure the pool has a signing key for ID tokens and one for
// access tokens, creating what is missing. Call it when a pool is created;
// IssuePair calls it itself when a key is missing. Creation is single-winner
// (store CreateFirstSigningKey checks and inserts in one transaction): of
// instances racing here exactly one creates each missing key and every one
// of them loads and signs with that key, so a token of one verifies at once
// on the others (issue 13 finding 9: each used to create its own key, and a
// token signed with one was refused by the other until its next reload).
// Expired keys are pruned.
func (is *Issuer) EnsureKeys(ctx context.Context, poolID string) error {
	if poolID == "" {
		return errors.New("token: empty pool id")
	}
	l := is.stripe(poolID)
	l.Lock()
	defer l.Unlock()
	is.mu.Lock()
	prev := is.cache[poolID]
	is.mu.Unlock()
	recs, err := is.ks.ListSigningKeys(ctx, poolID)
	if err != nil {
		return fmt.Errorf("token: list signing keys: %w", err)
	}
	now := is.now()
	if _, err := is.deleteExpired(ctx, poolID, recs, now); err != nil {
		return err
	}
	pk, err := is.cacheRecords(poolID, recs, prev)
	if err != nil {
		return err
	}
	created := false
	for _, use := range []string{UseID, UseAccess} {
		if pk.signer(use, now) != nil {
			continue
		}
		if _, _, err := is.createKey(ctx, poolID, use, now, true); err != nil {
			return err
		}
		created = true // by us or by the instance that won: read it
	}
	if created {
		_, err = is.loadLocked(ctx, poolID, pk)
	}
	return err
}

// Rotate creates new ID and access signing keys for the pool. Older keys stop
// signing now (NotAfter) and stay published in the JWKS until every token
// they signed has expired (ExpiresAt = now + MaxTokenValidity + CacheTTL +
// Leeway; CacheTTL covers instances still signing with a cached old key).
// Expired keys are pruned. Other instances switch to the new keys within
// CacheTTL.
func (is *Issuer) Rotate(ctx context.Context, poolID string) error {
	if poolID == "" {
		return errors.New("token: empty pool id")
	}
	l := is.stripe(poolID)
	l.Lock()
	defer l.Unlock()
	now := is.now()
	fresh := map[string]bool{}
	for _, use := range []string{UseID, UseAccess} {
		rec, _, err := is.createKey(ctx, poolID, use, now, false)
		if err != nil {
			return err
		}
		fresh[rec.KID] = true
	}
	recs, err := is.ks.ListSigningKeys(ctx, poolID)
	if err != nil {
		return fmt.Errorf("token: list signing keys: %w", err)
	}
	expires := now.Add(is.opts.MaxTokenValidity + is.opts.CacheTTL + is.opts.Leeway)
	for _, r := range recs {
		// Keys created after ours belong to a concurrent rotation: leave them.
		if fresh[r.KID] || r.CreatedAt.After(now) {
			continue
		}
		if !r.NotAfter.IsZero() && !r.NotAfter.After(now) && !r.ExpiresAt.IsZero() {
			continue // already retired
		}
		_, err := is.ks.UpdateSigningKey(ctx, poolID, r.KID, func(k *store.SigningKey) error {
			if k.NotAfter.IsZero() || k.NotAfter.After(now) {
				k.NotAfter = now
			}
			if k.ExpiresAt.IsZero() || k.ExpiresAt.After(expires) {
				k.ExpiresAt = expires
			}
			return nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("token: retire key %q: %w", r.KID, err)
		}
	}
	if err := is.pruneLocked(ctx, poolID, now); err != nil {
		return err
	}
	is.mu.Lock()
	prev := is.cache[poolID]
	is.mu.Unlock()
	_, err = is.loadLocked(ctx, poolID, prev)
	return err
}

// Prune deletes the pool's keys whose ExpiresAt has passed and returns how
// many it deleted.
func (is *Issuer) Prune(ctx context.Context, poolID string) (int, error) {
	l := is.stripe(poolID)
	l.Lock()
	defer l.Unlock()
	recs, err := is.ks.ListSigningKeys(ctx, poolID)
	if err != nil {
		return 0, fmt.Errorf("token: list signing keys: %w", err)
	}
	return is.deleteExpired(ctx, poolID, recs, is.now())
}

func (is *Issuer) pruneLocked(ctx context.Context, poolID string, now time.Time) error {
	recs, err := is.ks.ListSigningKeys(ctx, poolID)
	if err != nil {
		return fmt.Errorf("token: list signing keys: %w", err)
	}
	_, err = is.deleteExpired(ctx, poolID, recs, now)
	return err
}

func (is *Issuer) deleteExpired(ctx context.Context, poolID string, recs []store.SigningKey, now time.Time) (int, error) {
	n := 0
	for _, r := range recs {
		if r.ExpiresAt.IsZero() || now.Before(r.ExpiresAt) {
			continue
		}
		err := is.ks.DeleteSigningKey(ctx, poolID, r.KID)
		if errors.Is(err, store.ErrNotFound) {
			continue // pruned by another instance
		}
		if err != nil {
			return n, fmt.Errorf("token: prune key %q: %w", r.KID, err)
		}
		n++
	}
	return n, nil
}

// ---------------------------------------------------------------- JWKS

// jwk is one JWKS entry; fields in the order real Cognito serves them.
type jwk struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	KID string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

func marshalJWKS(keys []*key) ([]byte, error) {
	doc := struct {
		Keys []jwk `json:"keys"`
	}{Keys: make([]jwk, 0, len(keys))}
	// ID keys first, then access keys; newest first within a use.
	for _, use := range []string{UseID, UseAccess} {
		for _, k := range keys {
			if k.use != use {
				continue
			}
			pub := k.priv.PublicKey
			doc.Keys = append(doc.Keys, jwk{
				Alg: "RS256",
				E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
				KID: k.kid,
				Kty: "RSA",
				N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
				Use: "sig",
			})
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("token: marshal jwks: %w", err)
	}
	return b, nil
}
