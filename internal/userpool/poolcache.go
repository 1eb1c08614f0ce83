package userpool

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"

	"userpool/internal/store"
)

// poolCache keeps the decoded settings of recently read pools, keyed by pool
// id and validated against the stored JSON bytes. GetPool still reads the
// pool row on every call (so an update made by another instance is seen at
// once); the cache only saves decoding an unchanged settings document, which
// profiling showed to be the largest cost of a simple admin call.
type poolCache struct {
	mu      sync.RWMutex
	entries map[string]poolCacheEntry
}

type poolCacheEntry struct {
	raw      []byte
	settings PoolSettings
}

// maxCachedPools bounds the cache; past it the cache starts over.
const maxCachedPools = 4096

func (c *poolCache) settings(sp store.Pool) (PoolSettings, error) {
	c.mu.RLock()
	e, ok := c.entries[sp.ID]
	c.mu.RUnlock()
	if ok && bytes.Equal(e.raw, sp.Settings) {
		return cloneSettings(e.settings), nil
	}
	var st PoolSettings
	if len(sp.Settings) > 0 {
		if err := json.Unmarshal(sp.Settings, &st); err != nil {
			return PoolSettings{}, err
		}
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxCachedPools {
		c.entries = map[string]poolCacheEntry{}
	}
	c.entries[sp.ID] = poolCacheEntry{raw: bytes.Clone(sp.Settings), settings: cloneSettings(st)}
	c.mu.Unlock()
	return st, nil
}

// cloneSettings copies everything a caller could mutate in place, so the
// cached value is never shared.
func cloneSettings(st PoolSettings) PoolSettings {
	out := st
	out.SignInPolicy = bytes.Clone(st.SignInPolicy)
	out.Schema = slices.Clone(st.Schema)
	for i := range out.Schema {
		a := &out.Schema[i]
		a.MinLength, a.MaxLength = cloneInt(a.MinLength), cloneInt(a.MaxLength)
		a.MinValue, a.MaxValue = cloneInt(a.MinValue), cloneInt(a.MaxValue)
	}
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

func cloneInt(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
