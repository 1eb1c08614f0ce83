package token

import (
	"crypto/sha256"
	"slices"
	"sync"
	"time"
)

// verifiedCache remembers tokens whose signature and claims Verify has
// checked, keyed by the SHA-256 of the whole token, so that a token
// presented again (a client calling GetUser, the Admin Queries API, ... with
// the same access token) skips parsing, RS256 verification and claim
// decoding — about a third of such a call's CPU.
//
// What a hit still checks, on every call: that the token is presented for
// the same pool and use, that the key that signed it is still published for
// that use (a retired or pruned key ends its tokens as before), and expiry.
// Only tokens that verified and had not expired are stored, so the cache
// cannot be filled with forgeries; changing any byte of a token changes its
// key. Revocation is the caller's (and is never cached).
type verifiedCache struct {
	mu sync.RWMutex
	m  map[[sha256.Size]byte]*verifiedToken
}

type verifiedToken struct {
	poolID, use, kid string
	claims           Claims
}

// maxVerified bounds the cache (a few KiB a token); past it the cache starts
// over, and entries are dropped once their token has expired.
const maxVerified = 4096

func tokenKey(raw string) [sha256.Size]byte { return sha256.Sum256([]byte(raw)) }

func (c *verifiedCache) get(k [sha256.Size]byte) *verifiedToken {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[k]
}

func (c *verifiedCache) put(k [sha256.Size]byte, v *verifiedToken, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerified {
		old := c.m
		c.m = make(map[[sha256.Size]byte]*verifiedToken, len(old)/2+1)
		for ok, ov := range old { // keep what has not expired, up to half
			if len(c.m) >= maxVerified/2 {
				break
			}
			if now.Before(ov.claims.Expiry) {
				c.m[ok] = ov
			}
		}
	}
	c.m[k] = v
}

func (c *verifiedCache) drop(k [sha256.Size]byte) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// claimsCopy returns the cached claims with a private Groups slice (Raw is
// shared and read-only).
func (v *verifiedToken) claimsCopy() Claims {
	c := v.claims
	c.Groups = slices.Clone(c.Groups)
	return c
}

// CachedPool returns the pool of a token Verify has already accepted, so
// that callers need not decode the token to learn which pool to verify it
// for. ok is false for any other token.
func (is *Issuer) CachedPool(raw string) (poolID string, ok bool) {
	if v := is.verified.get(tokenKey(raw)); v != nil {
		return v.poolID, true
	}
	return "", false
}
