package ratelimit

import (
	"context"
	"hash/maphash"
	"math"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a token bucket: PerSecond calls on average, at most Burst at once.
// A zero PerSecond is no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// burst is the bucket size: Burst, or twice the rate (at least 1).
func (r Rate) burst() int {
	if r.Burst > 0 {
		return r.Burst
	}
	return max(1, int(math.Ceil(2*r.PerSecond)))
}

// Limit names the bucket that refused a call.
type Limit string

const (
	// ByUser: the per-user sign-in bucket (pool or app client + username).
	ByUser Limit = "user"
	// BySource: the per-source-address bucket of unsigned calls.
	BySource Limit = "source"
	// ByCategory: the operation's quota category, shared by every caller.
	ByCategory Limit = "category"
)

// Defaults. The category quotas default to Cognito's own, times
// DefaultCategoryFactor: a generous ceiling for one instance that still
// bounds what a flood can make it do.
const (
	DefaultCategoryFactor = 10
	DefaultSourceRPS      = 50
	DefaultSourceBurst    = 100
	// DefaultUserRPS is Cognito's per-user quota for sign-in operations.
	DefaultUserRPS     = 10
	DefaultUserBurst   = 20
	DefaultMaxKeys     = 100_000
	DefaultIdleTimeout = 10 * time.Minute
)

// Config sets the limits. The zero value of a field takes its default;
// use Disabled (a negative PerSecond) to switch one limit off.
type Config struct {
	// Categories overrides a category's quota; others are Cognito's default
	// times CategoryFactor.
	Categories map[Category]Rate
	// CategoryFactor multiplies Cognito's default quotas (default 10).
	CategoryFactor float64
	// Source limits the unsigned calls of one source address (an IPv6
	// address counts by its /64).
	Source Rate
	// User limits the sign-in calls naming one user.
	User Rate
	// MaxKeys bounds the source and user buckets held in memory (each).
	MaxKeys int
	// IdleTimeout is how long an unused source or user bucket is kept.
	IdleTimeout time.Duration
	// OnThrottle, if set, is told of each refused call (metrics).
	OnThrottle func(operation string, by Limit)
}

// Disabled is the Rate that switches a limit off.
var Disabled = Rate{PerSecond: -1}

// Request is what a call is limited by.
type Request struct {
	Operation string
	// ChallengeName of a challenge response (NEW_PASSWORD_REQUIRED counts
	// toward UserAccountRecovery).
	ChallengeName string
	// Signed calls (SigV4) are not limited per source.
	Signed bool
	// Source is the client's address (host or host:port), "" when unknown.
	// It keys the per-source bucket and the fair share of a category.
	Source string
	// SourceCharged: the server already took this call's token from the
	// per-source bucket (AllowSource); Source still keys the fair share.
	SourceCharged bool
	// User is the sign-in key (see UserKey), "" for calls that name no user.
	User string
}

// UserKey is the per-user key of a sign-in: the pool (or, when the call
// names only an app client, the client) and the username, case-folded.
func UserKey(scope, username string) string {
	if username == "" {
		return ""
	}
	return scope + "\x00" + strings.ToLower(username)
}

// Limiter decides whether calls may proceed. It is safe for concurrent use.
type Limiter struct {
	now        func() time.Time
	categories map[Category]*fairBucket
	source     *table
	user       *table
	onThrottle func(string, Limit)
}

// New builds a Limiter; now nil means time.Now.
func New(cfg Config, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	factor := cfg.CategoryFactor
	if factor <= 0 {
		factor = DefaultCategoryFactor
	}
	maxKeys := cfg.MaxKeys
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	l := &Limiter{now: now, categories: map[Category]*fairBucket{}, onThrottle: cfg.OnThrottle}
	for _, c := range Categories() {
		r, ok := cfg.Categories[c]
		if !ok {
			r = Rate{PerSecond: cognitoRPS[c] * factor}
		}
		if r.PerSecond > 0 {
			l.categories[c] = newFairBucket(r, maxKeys)
		}
	}
	idle := cfg.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	src := cfg.Source
	if src == (Rate{}) {
		src = Rate{PerSecond: DefaultSourceRPS, Burst: DefaultSourceBurst}
	}
	usr := cfg.User
	if usr == (Rate{}) {
		usr = Rate{PerSecond: DefaultUserRPS, Burst: DefaultUserBurst}
	}
	if src.PerSecond > 0 {
		l.source = newTable(src, maxKeys, idle)
	}
	if usr.PerSecond > 0 {
		l.user = newTable(usr, maxKeys, idle)
	}
	return l
}

// Allow reports whether the call may proceed, and if not which limit
// refused it. A refused call takes no token from the buckets that did let
// it through.
func (l *Limiter) Allow(req Request) (bool, Limit) {
	now := l.now()
	var taken []*rate.Reservation
	refuse := func(by Limit) (bool, Limit) {
		for _, r := range taken {
			r.CancelAt(now)
		}
		if l.onThrottle != nil {
			l.onThrottle(req.Operation, by)
		}
		return false, by
	}
	if l.user != nil && req.User != "" {
		r := l.user.reserve(req.User, now)
		if r == nil {
			return refuse(ByUser)
		}
		taken = append(taken, r)
	}
	if l.source != nil && !req.Signed && !req.SourceCharged {
		if key := SourceKey(req.Source); key != "" {
			r := l.source.reserve(key, now)
			if r == nil {
				return refuse(BySource)
			}
			taken = append(taken, r)
		}
	}
	if c, ok := CategoryFor(req.Operation, req.ChallengeName); ok {
		if f := l.categories[c]; f != nil {
			var key string
			if !req.Signed {
				key = fastSourceKey(req.Source)
			}
			if !f.take(key, !req.Signed, now) {
				return refuse(ByCategory)
			}
		}
	}
	return true, ""
}

// Keys reports how many source and user buckets are held (tests, metrics).
func (l *Limiter) Keys() (source, user int) {
	return l.source.len(), l.user.len()
}

// take reserves one token now, or returns nil (reserving nothing) when the
// bucket is empty.
func take(lim *rate.Limiter, now time.Time) *rate.Reservation {
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return nil
	}
	if r.DelayFrom(now) > 0 {
		r.CancelAt(now)
		return nil
	}
	return r
}

// SourceKey is the bucket key of a client address: the IP without port; an
// IPv6 address by its /64 (one host usually holds a whole /64). "" when the
// address cannot be parsed.
func SourceKey(addr string) string {
	if addr == "" {
		return ""
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.WithZone("").Prefix(64)
		return p.String()
	}
	return ip.String()
}

// ---------------------------------------------------------------- keyed buckets

const shards = 16

// table holds one bucket per key, in shards, each bounded by maxPerShard;
// idle buckets are swept, and a shard still full after a sweep drops
// arbitrary entries (a dropped key starts again with a full bucket).
type table struct {
	rate        Rate
	maxPerShard int
	idle        time.Duration
	seed        maphash.Seed
	shards      [shards]shard
}

type shard struct {
	mu        sync.Mutex
	m         map[string]*entry
	lastSweep time.Time
}

type entry struct {
	lim  *rate.Limiter
	last time.Time
}

func newTable(r Rate, maxKeys int, idle time.Duration) *table {
	t := &table{rate: r, maxPerShard: max(1, maxKeys/shards), idle: idle, seed: maphash.MakeSeed()}
	for i := range t.shards {
		t.shards[i].m = map[string]*entry{}
	}
	return t
}

func (t *table) reserve(key string, now time.Time) *rate.Reservation {
	s := &t.shards[maphash.String(t.seed, key)%shards]
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	if e == nil {
		e = t.insert(s, key, now)
	}
	e.last = now
	return take(e.lim, now)
}

// insert adds key's bucket to shard s (locked), making room if s is full.
func (t *table) insert(s *shard, key string, now time.Time) *entry {
	if now.Sub(s.lastSweep) >= t.idle {
		s.sweep(now.Add(-t.idle))
		s.lastSweep = now
	}
	if len(s.m) >= t.maxPerShard {
		s.sweep(now.Add(-t.idle))
		// Still full: drop about 1/16 of the shard, arbitrary entries
		// (map order), so that inserting stays cheap under a flood.
		for k := range s.m {
			if len(s.m) < t.maxPerShard-t.maxPerShard/16 {
				break
			}
			delete(s.m, k)
		}
	}
	e := &entry{lim: rate.NewLimiter(rate.Limit(t.rate.PerSecond), t.rate.burst())}
	s.m[key] = e
	return e
}

func (s *shard) sweep(before time.Time) {
	for k, e := range s.m {
		if e.last.Before(before) {
			delete(s.m, k)
		}
	}
}

func (t *table) len() int {
	if t == nil {
		return 0
	}
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// AllowSource takes one token from the per-source bucket of the client
// address addr (host or host:port) and reports whether it had one. It is
// the server's early check of unsigned calls, made before the request body
// is read: a flood from one address is refused for the price of a map
// lookup, without allocating. No source limit, or an address that cannot
// be parsed, is always allowed (the later Allow still applies the other
// limits). A refusal is not reported to OnThrottle: the caller counts it.
func (l *Limiter) AllowSource(addr string) bool {
	if l == nil || l.source == nil {
		return true
	}
	key := fastSourceKey(addr)
	if key == "" {
		return true
	}
	return l.source.allow(key, l.now())
}

// AllowEarly is the server's early check of an unsigned call, made before
// its body is read, by what is known then: the source address addr (host or
// host:port) and the operation. It refuses, taking nothing, when the
// operation's category would refuse the source now (its bucket is empty, or
// low and the source has had more than its share: see fair.go), and
// otherwise takes one token from the source's bucket (as AllowSource). It
// returns the limit that refused. The category token itself is taken later,
// by Allow (with Request.SourceCharged). A challenge response's category
// depends on its body (NEW_PASSWORD_REQUIRED), so it is not checked early.
// Refusals are not reported to OnThrottle: the caller counts them. It does
// not allocate.
func (l *Limiter) AllowEarly(addr, operation string) (bool, Limit) {
	if l == nil {
		return true, ""
	}
	key := fastSourceKey(addr)
	now := l.now()
	if operation != "RespondToAuthChallenge" && operation != "AdminRespondToAuthChallenge" {
		if c, ok := categoryOf[operation]; ok {
			if f := l.categories[c]; f != nil && !f.wouldServe(key, now) {
				return false, ByCategory
			}
		}
	}
	if l.source == nil || key == "" {
		return true, ""
	}
	if !l.source.allow(key, now) {
		return false, BySource
	}
	return true, ""
}

// fastSourceKey is SourceKey without allocating for the common case, a
// plain IPv4 host[:port] (its host part is already the key).
func fastSourceKey(addr string) string {
	host := addr
	if i := strings.LastIndexByte(addr, ':'); i >= 0 && strings.IndexByte(addr[:i], ':') < 0 {
		host = addr[:i]
	}
	// netip refuses IPv4 forms other than the dotted decimal one, so a
	// host that parses as IPv4 is already SourceKey's string.
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is4() {
		return host
	}
	return SourceKey(addr)
}

// allow takes one token of key's bucket, if it has one.
func (t *table) allow(key string, now time.Time) bool {
	s := &t.shards[maphash.String(t.seed, key)%shards]
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	if e == nil {
		e = t.insert(s, key, now)
	}
	e.last = now
	return e.lim.AllowN(now, 1)
}

// sourceCheckedKey marks, in a request's context, a call whose source
// bucket the server already charged (AllowSource).
type sourceCheckedKey struct{}

// WithSourceChecked marks ctx: the call's source token is already taken.
func WithSourceChecked(ctx context.Context) context.Context {
	return context.WithValue(ctx, sourceCheckedKey{}, true)
}

// SourceChecked reports whether the server already charged the call's
// source bucket (then Request.Source should be left empty).
func SourceChecked(ctx context.Context) bool {
	v, _ := ctx.Value(sourceCheckedKey{}).(bool)
	return v
}
