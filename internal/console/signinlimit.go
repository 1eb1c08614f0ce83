package console

import (
	"sync"
	"time"

	"userpool/internal/ratelimit"
)

// SignInLimits protect the sign-in forms the way the API is protected: a
// token bucket per source address (internal/ratelimit, the API's per-source
// limiter) for both forms, and a lockout of an access key id after repeated
// failed operator sign-ins (any id, known or not, so a lockout tells nothing
// about which ids exist). The zero value takes the defaults.
type SignInLimits struct {
	// Source limits sign-in attempts per source address (an IPv6 address
	// counts by its /64). Default DefaultSignInSource; ratelimit.Disabled
	// switches it off.
	Source ratelimit.Rate
	// MaxFailures failed sign-ins with one access key id within
	// FailureWindow lock that id for Lockout: even its right secret is
	// refused until then. Defaults 5, 15 minutes, 15 minutes; a negative
	// MaxFailures switches the lockout off.
	MaxFailures   int
	FailureWindow time.Duration
	Lockout       time.Duration
}

// Sign-in limit defaults.
var DefaultSignInSource = ratelimit.Rate{PerSecond: 0.5, Burst: 10}

const (
	DefaultMaxFailures   = 5
	DefaultFailureWindow = 15 * time.Minute
	DefaultLockout       = 15 * time.Minute
	maxLockKeys          = 10000
)

// signInGuard applies SignInLimits.
type signInGuard struct {
	now    func() time.Time
	source *ratelimit.Limiter // nil: no source limit
	max    int                // <= 0: no lockout
	window time.Duration
	lock   time.Duration

	mu   sync.Mutex
	keys map[string]*keyFailures
}

type keyFailures struct {
	n      int
	first  time.Time
	locked time.Time // zero: not locked; else locked until
}

func newSignInGuard(l SignInLimits, now func() time.Time) *signInGuard {
	g := &signInGuard{now: now, max: l.MaxFailures, window: l.FailureWindow, lock: l.Lockout, keys: map[string]*keyFailures{}}
	if g.max == 0 {
		g.max = DefaultMaxFailures
	}
	if g.window <= 0 {
		g.window = DefaultFailureWindow
	}
	if g.lock <= 0 {
		g.lock = DefaultLockout
	}
	src := l.Source
	if src == (ratelimit.Rate{}) {
		src = DefaultSignInSource
	}
	if src.PerSecond > 0 {
		// Only the source bucket is used: no operation names a category
		// and no user key is given.
		g.source = ratelimit.New(ratelimit.Config{Source: src, User: ratelimit.Disabled, CategoryFactor: 1}, now)
	}
	return g
}

// allowSource takes a token of the source address's bucket.
func (g *signInGuard) allowSource(remoteAddr string) bool {
	return g.source == nil || g.source.AllowSource(remoteAddr)
}

// lockedUntil reports until when id is locked (zero when it is not).
func (g *signInGuard) lockedUntil(id string) time.Time {
	if g.max <= 0 {
		return time.Time{}
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.keys[id]
	if f == nil || f.locked.IsZero() {
		return time.Time{}
	}
	if !now.Before(f.locked) {
		delete(g.keys, id)
		return time.Time{}
	}
	return f.locked
}

// failed counts a failed sign-in with id and reports whether it locked id.
func (g *signInGuard) failed(id string) bool {
	if g.max <= 0 || id == "" {
		return false
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.keys[id]
	if f == nil || (f.locked.IsZero() && now.Sub(f.first) > g.window) {
		if f == nil && len(g.keys) >= maxLockKeys && !g.sweepLocked(now) {
			// Full of live lockouts: count no new ids rather than evict one
			// (the source limit bounds how fast ids can be tried anyway).
			return false
		}
		f = &keyFailures{first: now}
		g.keys[id] = f
	}
	f.n++
	if f.n >= g.max && f.locked.IsZero() {
		f.locked = now.Add(g.lock)
		return true
	}
	return false
}

// succeeded forgets id's failures.
func (g *signInGuard) succeeded(id string) {
	g.mu.Lock()
	delete(g.keys, id)
	g.mu.Unlock()
}

// sweepLocked drops expired counts and lockouts, then (if still full)
// counts that are not lockouts; it reports whether there is room.
func (g *signInGuard) sweepLocked(now time.Time) bool {
	for id, f := range g.keys {
		if (f.locked.IsZero() && now.Sub(f.first) > g.window) || (!f.locked.IsZero() && !now.Before(f.locked)) {
			delete(g.keys, id)
		}
	}
	for id, f := range g.keys {
		if len(g.keys) < maxLockKeys {
			break
		}
		if f.locked.IsZero() {
			delete(g.keys, id)
		}
	}
	return len(g.keys) < maxLockKeys
}
