package userpool

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"userpool/internal/store"
)

// DefaultPoolCacheTTL is how long a pool read from the store is reused
// before it is read again (Options.PoolCacheTTL).
const DefaultPoolCacheTTL = time.Second

// poolCache keeps recently read pools (their row and decoded settings),
// keyed by pool id.
//
// A cached pool is reused for at most ttl after it was read: a change made
// through this Service (UpdateUserPool, SetUserPoolMfaConfig, DeleteUserPool,
// declared configuration) drops the entry at once, so this instance never
// serves its own stale settings; a change made by another instance or process
// sharing the store is seen within ttl. Profiling showed reading and decoding
// the pool row to be about a quarter of a simple admin call's CPU. With ttl
// <= 0 every call reads the row, and the decoded settings are reused only
// while the stored bytes are unchanged.
type poolCache struct {
	ttl   time.Duration
	clock func() time.Time

	mu      sync.RWMutex
	entries map[string]poolCacheEntry
	// gen counts invalidations: a read that started before one may not
	// store what it read (it could be older than the write that invalidated).
	gen uint64
}

type poolCacheEntry struct {
	row      store.Pool // Settings holds a private copy of the stored bytes
	settings PoolSettings
	readAt   time.Time
}

// maxCachedPools bounds the cache; past it the cache starts over.
const maxCachedPools = 4096

// fresh returns the cached pool when it was read less than ttl ago.
func (c *poolCache) fresh(id string) (*Pool, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if !ok || c.clock().Sub(e.readAt) >= c.ttl {
		return nil, false
	}
	return e.pool(), true
}

// generation is read before the store is, and passed to decode.
func (c *poolCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// decode turns a stored pool into a Pool, reusing the decoded settings when
// the stored bytes are those already cached, and caches the result unless an
// invalidation happened since gen was taken.
func (c *poolCache) decode(sp store.Pool, gen uint64) (*Pool, error) {
	now := c.clock()
	c.mu.RLock()
	e, ok := c.entries[sp.ID]
	c.mu.RUnlock()
	if ok && bytes.Equal(e.row.Settings, sp.Settings) {
		e.row = store.Pool{ID: sp.ID, Name: sp.Name, Settings: e.row.Settings, CreatedAt: sp.CreatedAt, UpdatedAt: sp.UpdatedAt}
	} else {
		var st PoolSettings
		if len(sp.Settings) > 0 {
			if err := json.Unmarshal(sp.Settings, &st); err != nil {
				return nil, err
			}
		}
		e = poolCacheEntry{row: sp, settings: st}
		e.row.Settings = bytes.Clone(sp.Settings)
	}
	e.readAt = now
	c.mu.Lock()
	if c.gen == gen {
		if c.entries == nil || len(c.entries) >= maxCachedPools {
			c.entries = map[string]poolCacheEntry{}
		}
		c.entries[sp.ID] = e
	}
	c.mu.Unlock()
	return e.pool(), nil
}

// invalidate drops a pool after this Service changed or deleted it.
func (c *poolCache) invalidate(id string) {
	c.mu.Lock()
	c.gen++
	delete(c.entries, id)
	c.mu.Unlock()
}

func (e poolCacheEntry) pool() *Pool {
	return &Pool{ID: e.row.ID, Name: e.row.Name, Settings: cloneSettings(e.settings), CreatedAt: e.row.CreatedAt, UpdatedAt: e.row.UpdatedAt}
}

// cloneSettings copies everything a caller could mutate in place, so the
// cached value is never shared.
func cloneSettings(st PoolSettings) PoolSettings {
	out := st
	out.SignInPolicy = bytes.Clone(st.SignInPolicy)
	// The schema's constraint pointers (MinLength, ...) are shared: code
	// replaces them, never writes through them, and copying them was a third
	// of an admin call's allocations.
	out.Schema = slices.Clone(st.Schema)
	out.UsernameAttributes = slices.Clone(st.UsernameAttributes)
	out.AliasAttributes = slices.Clone(st.AliasAttributes)
	out.AutoVerifiedAttributes = slices.Clone(st.AutoVerifiedAttributes)
	if st.DeviceConfiguration != nil {
		dc := *st.DeviceConfiguration
		out.DeviceConfiguration = &dc
	}
	out.AdminCreateUserConfig.InviteMessageTemplate = bytes.Clone(st.AdminCreateUserConfig.InviteMessageTemplate)
	if st.Extra != nil {
		out.Extra = make(map[string]json.RawMessage, len(st.Extra))
		for k, v := range st.Extra {
			out.Extra[k] = bytes.Clone(v)
		}
	}
	return out
}
