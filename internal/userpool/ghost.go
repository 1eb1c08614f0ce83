package userpool

import (
	"container/list"
	"sync"
	"time"
)

// Counters for usernames that name nobody ("ghosts"), so that an app client
// with PreventUserExistenceErrors ENABLED answers an unknown username exactly
// as it answers a user who exists:
//
//   - sign-in: wrong passwords (every attempt of an unknown username is
//     wrong) lock the username out with the lockout arithmetic of real users
//     (countAttempt: "Password attempts exceeded" after the fifth failure,
//     growing, forgotten LockoutReset after the last failure);
//   - ForgotPassword and ResendConfirmationCode: MaxCodeSends simulated
//     sends per CodeSendWindow, then LimitExceededException, as for a user;
//   - ConfirmSignUp and ConfirmForgotPassword: a wrong code counts as for a
//     user's code (LimitExceededException after MaxCodeAttempts wrong
//     codes, until a new code is "sent"), and a simulated code expires
//     after the TTL a real one has.
//
// The counters live in memory, per instance, in a least-recently-used table
// of at most ghostCapacity usernames; an entry whose last deadline has passed
// counts as absent. Memory is therefore bounded whatever an attacker sends,
// and nothing is written to the store for names that do not exist. Limits of
// this choice (docs/differences.md): behind a load balancer spreading one
// username over n instances, an unknown username gets up to n times the
// attempts of a real one before it locks (a real user's counters are in the
// shared store); and an attacker who makes more than ghostCapacity distinct
// unknown usernames fail between two probes of one name evicts its counters.

// ghostCapacity bounds the number of unknown usernames remembered (about
// 200 bytes each).
const ghostCapacity = 65536

type ghostKey struct{ pool, user string }

type ghostCode struct {
	attempts int
	expires  time.Time
}

type ghost struct {
	key         ghostKey
	failed      int
	lockedUntil time.Time
	sends       int
	sendsUntil  time.Time
	codes       map[string]ghostCode // by code purpose
}

// deadline is when the entry stops mattering.
func (g *ghost) deadline() time.Time {
	d := g.lockedUntil.Add(LockoutReset)
	if g.sendsUntil.After(d) {
		d = g.sendsUntil
	}
	for _, c := range g.codes {
		if c.expires.After(d) {
			d = c.expires
		}
	}
	return d
}

// ghostCounters is the table; its zero value is ready to use.
type ghostCounters struct {
	mu  sync.Mutex
	cap int // 0: ghostCapacity
	m   map[ghostKey]*list.Element
	lru list.List // front: most recently used; values *ghost
}

// with runs fn on the entry of (pool, user key), creating it, under the lock.
func (t *ghostCounters) with(k ghostKey, now time.Time, fn func(*ghost) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[ghostKey]*list.Element{}
	}
	capacity := t.cap
	if capacity <= 0 {
		capacity = ghostCapacity
	}
	el, ok := t.m[k]
	if ok && !now.Before(el.Value.(*ghost).deadline()) {
		el.Value = &ghost{key: k} // expired: as if absent
	}
	if !ok {
		// Drop expired entries from the cold end, then the coldest while full.
		for back := t.lru.Back(); back != nil && !now.Before(back.Value.(*ghost).deadline()); back = t.lru.Back() {
			t.remove(back)
		}
		for t.lru.Len() >= capacity {
			t.remove(t.lru.Back())
		}
		el = t.lru.PushFront(&ghost{key: k})
		t.m[k] = el
	} else {
		t.lru.MoveToFront(el)
	}
	return fn(el.Value.(*ghost))
}

func (t *ghostCounters) remove(el *list.Element) {
	delete(t.m, el.Value.(*ghost).key)
	t.lru.Remove(el)
}

// len is the number of entries held (tests).
func (t *ghostCounters) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lru.Len()
}

func (s *Service) ghostKey(p *Pool, username string) ghostKey {
	return ghostKey{pool: p.ID, user: p.UsernameKey(username)}
}

// ghostAttempt counts a sign-in attempt of an unknown username: nil (then
// the caller answers "Incorrect username or password.") or "Password
// attempts exceeded" while the name is locked.
func (s *Service) ghostAttempt(p *Pool, username string) error {
	now := s.nowUTC()
	return s.ghosts.with(s.ghostKey(p, username), now, func(g *ghost) error {
		return countAttempt(&g.failed, &g.lockedUntil, now)
	})
}

// ghostSend counts a simulated code send (ForgotPassword,
// ResendConfirmationCode) and, when it is within the limit, "issues" a
// simulated code of purpose valid for ttl (fresh attempts).
func (s *Service) ghostSend(p *Pool, username, purpose string, ttl time.Duration) error {
	now := s.nowUTC()
	return s.ghosts.with(s.ghostKey(p, username), now, func(g *ghost) error {
		if g.sends == 0 || !now.Before(g.sendsUntil) {
			g.sends, g.sendsUntil = 0, now.Add(CodeSendWindow)
		}
		g.sends++
		if g.sends > MaxCodeSends {
			return errVerifyCodeLimit()
		}
		if g.codes == nil {
			g.codes = map[string]ghostCode{}
		}
		g.codes[purpose] = ghostCode{expires: now.Add(ttl)}
		return nil
	})
}

// ghostCode answers a code presented for an unknown username as a user's
// wrong code is answered. assumeSent says whether a user in this pool would
// hold a code without a send counted here (a sign-up code, when the pool
// auto-verifies: it is then assumed sent at the first presentation, valid
// for ttl); otherwise only a simulated send makes a code exist and without
// one the answer is ExpiredCodeException.
func (s *Service) ghostCode(p *Pool, username, purpose string, assumeSent bool, ttl time.Duration) error {
	now := s.nowUTC()
	return s.ghosts.with(s.ghostKey(p, username), now, func(g *ghost) error {
		c, sent := g.codes[purpose]
		switch {
		case !sent && !assumeSent:
			return errVerifyCodeExpired()
		case !sent:
			c.expires = now.Add(ttl)
		case !now.Before(c.expires):
			delete(g.codes, purpose)
			return errVerifyCodeExpired()
		}
		c.attempts++
		if g.codes == nil {
			g.codes = map[string]ghostCode{}
		}
		g.codes[purpose] = c
		if c.attempts > MaxCodeAttempts {
			return errVerifyCodeLimit()
		}
		return errVerifyCodeMismatch()
	})
}
