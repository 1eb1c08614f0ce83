package token

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"time"

	"userpool/internal/store"
)

// memKeyStore is an in-memory KeyStore for this package's unit tests.
type memKeyStore struct {
	mu    sync.Mutex
	keys  map[string]map[string]store.SigningKey // pool -> kid -> key
	lists int                                    // ListSigningKeys calls
	// afterList, when set, runs in every ListSigningKeys after the records
	// were read and before they are returned, to force interleavings.
	afterList func()
}

func newMemKeyStore() *memKeyStore {
	return &memKeyStore{keys: map[string]map[string]store.SigningKey{}}
}

func (s *memKeyStore) CreateSigningKey(_ context.Context, k store.SigningKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.keys[k.PoolID]
	if p == nil {
		p = map[string]store.SigningKey{}
		s.keys[k.PoolID] = p
	}
	if _, ok := p[k.KID]; ok {
		return store.ErrAlreadyExists
	}
	k.PrivateKey = bytes.Clone(k.PrivateKey)
	p[k.KID] = k
	return nil
}

func (s *memKeyStore) CreateFirstSigningKey(_ context.Context, k store.SigningKey) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, have := range s.keys[k.PoolID] {
		if have.Use == k.Use && have.Signs(k.CreatedAt) {
			return false, nil
		}
	}
	p := s.keys[k.PoolID]
	if p == nil {
		p = map[string]store.SigningKey{}
		s.keys[k.PoolID] = p
	}
	if _, ok := p[k.KID]; ok {
		return false, store.ErrAlreadyExists
	}
	k.PrivateKey = bytes.Clone(k.PrivateKey)
	p[k.KID] = k
	return true, nil
}

func (s *memKeyStore) ListSigningKeys(_ context.Context, poolID string) ([]store.SigningKey, error) {
	out := s.list(poolID)
	if s.afterList != nil {
		s.afterList()
	}
	return out, nil
}

func (s *memKeyStore) list(poolID string) []store.SigningKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists++
	var out []store.SigningKey
	for _, k := range s.keys[poolID] {
		k.PrivateKey = bytes.Clone(k.PrivateKey)
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].KID < out[j].KID
	})
	return out
}

func (s *memKeyStore) UpdateSigningKey(_ context.Context, poolID, kid string, fn func(*store.SigningKey) error) (store.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[poolID][kid]
	if !ok {
		return store.SigningKey{}, store.ErrNotFound
	}
	if err := fn(&k); err != nil {
		return store.SigningKey{}, err
	}
	s.keys[poolID][kid] = k
	return k, nil
}

func (s *memKeyStore) DeleteSigningKey(_ context.Context, poolID, kid string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[poolID][kid]; !ok {
		return store.ErrNotFound
	}
	delete(s.keys[poolID], kid)
	return nil
}

func (s *memKeyStore) count(poolID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys[poolID])
}

func (s *memKeyStore) listCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seqReader fills each Read with one byte value, 0, 1, 2, … per call, so
// kids and jtis drawn by an Issuer are predictable.
type seqReader struct {
	mu sync.Mutex
	n  byte
}

func (r *seqReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range p {
		p[i] = r.n
	}
	r.n++
	return len(p), nil
}
