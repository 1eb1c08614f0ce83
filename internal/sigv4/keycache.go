package sigv4

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// signingKeyCacheSize bounds the derived-key cache: one entry per
// (secret, date, region, service) in use, so a few hundred covers many
// active keys across a date change.
const signingKeyCacheSize = 256

// keyCache is a small LRU of derived signing keys. Entries are keyed by a
// SHA-256 of the secret so the map never holds the plaintext secret.
type keyCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[cacheKey]*list.Element
}

type cacheKey struct {
	secret                [sha256.Size]byte
	date, region, service string
}

type cacheEntry struct {
	key    cacheKey
	signer []byte
}

func newKeyCache(max int) *keyCache {
	return &keyCache{max: max, ll: list.New(), items: make(map[cacheKey]*list.Element, max)}
}

func (c *keyCache) get(secret, date, region, service string) []byte {
	k := cacheKey{secret: sha256.Sum256([]byte(secret)), date: date, region: region, service: service}
	c.mu.Lock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		key := e.Value.(*cacheEntry).signer
		c.mu.Unlock()
		return key
	}
	c.mu.Unlock()

	key := deriveSigningKey(secret, date, region, service)

	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok { // derived concurrently
		c.ll.MoveToFront(e)
		return e.Value.(*cacheEntry).signer
	}
	c.items[k] = c.ll.PushFront(&cacheEntry{key: k, signer: key})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).key)
	}
	return key
}

func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
