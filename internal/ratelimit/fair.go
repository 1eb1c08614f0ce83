package ratelimit

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Fair share of a category quota under pressure (issue 13, finding 4).
//
// A category's bucket is shared by every caller, so a flood from many
// addresses, each under its own per-source rate, can spend it alone and
// leave nothing for a quiet caller (the legitimate user). While the bucket
// holds at least half its burst, any call takes a token as before. Below
// that, an unsigned call is served only if its source has recently been
// served less than the others: each source's admissions are counted in a
// decaying sum (usage, time constant fairTau, about "calls in the last
// second"), and a call passes when its source's usage is at most the
// average usage of the calls served recently (the call-weighted mean, kept
// as two decaying sums, so no count of active sources is needed) scaled by
// how full the bucket still is. The emptier the bucket, the quieter a
// source must be: the last tokens go to sources that have taken little or
// nothing, and a source that has taken many waits until its usage decays.
// A source never seen before (usage 0) is served while any token is left.
//
// Memory is bounded: at most maxKeys sources per category; those unused
// for fairIdle are swept, and when still full, arbitrary entries are
// dropped (a dropped source counts as quiet again).

const (
	fairTau  = time.Second
	fairIdle = 20 * fairTau // usage below e^-20 of a call: forgotten
)

// fairBucket is a category's bucket with its per-source usage.
type fairBucket struct {
	lim     *rate.Limiter
	low     float64 // below this many tokens, sources are served in turn
	maxKeys int

	// pressed is set when the last call left the bucket below low: until
	// then wouldServe need not lock (a stale false only defers the
	// decision to take, which always locks).
	pressed atomic.Bool

	mu        sync.Mutex
	use       map[string]*usage
	sumUse    usage // decaying sum of the usage of each served call's source
	served    usage // decaying count of served calls
	lastSweep time.Time
}

// usage is a sum decaying with time constant fairTau.
type usage struct {
	v  float64
	at time.Time
}

// at returns the sum decayed to now.
func (u *usage) valueAt(now time.Time) float64 {
	if u.v == 0 {
		return 0
	}
	d := now.Sub(u.at)
	if d <= 0 {
		return u.v
	}
	return u.v * math.Exp(-float64(d)/float64(fairTau))
}

func (u *usage) add(now time.Time, x float64) {
	v := u.valueAt(now)
	if now.After(u.at) {
		u.at = now
	}
	u.v = v + x
}

func newFairBucket(r Rate, maxKeys int) *fairBucket {
	b := r.burst()
	return &fairBucket{
		lim:     rate.NewLimiter(rate.Limit(r.PerSecond), b),
		low:     float64(b) / 2,
		maxKeys: maxKeys,
		use:     map[string]*usage{},
	}
}

// take takes one token for a call from source (a SourceKey, "" when
// unknown: all such calls count as one source); fair false (signed calls)
// takes any token left, as a plain bucket does.
func (f *fairBucket) take(source string, fair bool, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() { f.pressed.Store(f.lim.TokensAt(now) < f.low) }()
	if !fair {
		return take(f.lim, now) != nil
	}
	u, mine := f.usageOf(source, now)
	if !f.admits(mine, now) || take(f.lim, now) == nil {
		return false
	}
	f.sumUse.add(now, mine)
	f.served.add(now, 1)
	if u == nil {
		u = f.insert(source, now)
	}
	u.add(now, 1)
	return true
}

// wouldServe reports whether take(source, true, now) would serve the call
// now, taking nothing (the server's early check, before the body is read).
func (f *fairBucket) wouldServe(source string, now time.Time) bool {
	if !f.pressed.Load() {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_, mine := f.usageOf(source, now)
	return f.admits(mine, now)
}

// usageOf is source's usage entry (nil if none) and its value now (f.mu held).
func (f *fairBucket) usageOf(source string, now time.Time) (*usage, float64) {
	u := f.use[source]
	if u == nil {
		return nil, 0
	}
	return u, u.valueAt(now)
}

// admits reports whether a source whose usage is mine may take a token now
// (f.mu held): any call while the bucket is at least at its low mark,
// below it only a source at most as busy as the mean scaled by the
// bucket's level.
func (f *fairBucket) admits(mine float64, now time.Time) bool {
	tokens := f.lim.TokensAt(now)
	if tokens >= f.low {
		return true
	}
	if tokens < 1 {
		return false
	}
	n := f.served.valueAt(now)
	if n <= 0 || mine <= 0 {
		return true
	}
	return mine <= f.sumUse.valueAt(now)/n*(tokens/f.low)
}

// insert adds source's usage (f.mu held), making room if the map is full.
func (f *fairBucket) insert(source string, now time.Time) *usage {
	if now.Sub(f.lastSweep) >= fairIdle || len(f.use) >= f.maxKeys {
		for k, u := range f.use {
			if now.Sub(u.at) >= fairIdle {
				delete(f.use, k)
			}
		}
		f.lastSweep = now
		for k := range f.use {
			if len(f.use) < f.maxKeys-f.maxKeys/16 {
				break
			}
			delete(f.use, k)
		}
	}
	u := &usage{at: now}
	f.use[source] = u
	return u
}

// fairKeys reports how many sources a category tracks (tests).
func (f *fairBucket) keys() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.use)
}
