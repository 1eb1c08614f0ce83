package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

// clock is a manual clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)} }
func allowN(l *Limiter, req Request, n int) (ok int, last Limit) {
	for range n {
		if a, by := l.Allow(req); a {
			ok++
		} else {
			last = by
		}
	}
	return ok, last
}

func TestCategoryTableCoversCognitoQuotas(t *testing.T) {
	for op, c := range categoryOf {
		if _, ok := cognitoRPS[c]; !ok {
			t.Errorf("%s: category %q has no Cognito default quota", op, c)
		}
	}
	// Spot checks against Cognito's quota table.
	for op, want := range map[string]Category{
		"InitiateAuth":           UserAuthentication,
		"SignUp":                 UserCreation,
		"ForgotPassword":         UserAccountRecovery,
		"AdminGetUser":           UserRead,
		"AdminDisableUser":       UserUpdate,
		"RevokeToken":            UserToken,
		"ResendConfirmationCode": UserResourceRead,
		"SetUserSettings":        UserResourceUpdate,
		"ListUsers":              UserList,
		"ListUserPools":          UserPoolRead,
		"CreateUserPool":         UserPoolUpdate,
		"GetGroup":               UserPoolResourceRead,
		"CreateGroup":            UserPoolResourceUpdate,
		"ListUserPoolClients":    UserPoolClientRead,
		"CreateUserPoolClient":   UserPoolClientUpdate,
		"GetClientToken":         ClientAuthentication,
	} {
		if got, _ := CategoryOf(op); got != want {
			t.Errorf("CategoryOf(%s) = %q, want %q", op, got, want)
		}
	}
	if c, _ := CategoryFor("RespondToAuthChallenge", "NEW_PASSWORD_REQUIRED"); c != UserAccountRecovery {
		t.Errorf("NEW_PASSWORD_REQUIRED response counts toward %q, want UserAccountRecovery", c)
	}
	if c, _ := CategoryFor("RespondToAuthChallenge", "SOFTWARE_TOKEN_MFA"); c != UserAuthentication {
		t.Errorf("MFA response counts toward %q, want UserAuthentication", c)
	}
	if _, ok := CategoryOf("NoSuchOperation"); ok {
		t.Error("an unknown operation has a category")
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		req     Request
		n       int
		wantOK  int
		wantBy  Limit
		refill  time.Duration // after the n calls, wait and expect refillOK more
		refillN int
	}{
		{
			name: "category shared by every caller",
			cfg:  Config{Categories: map[Category]Rate{UserCreation: {PerSecond: 5, Burst: 5}}, Source: Disabled, User: Disabled},
			req:  Request{Operation: "AdminCreateUser", Source: "10.0.0.1:1234", Signed: true},
			n:    8, wantOK: 5, wantBy: ByCategory,
			refill: time.Second, refillN: 5,
		},
		{
			// Unsigned: below half the bucket a source is served only if it
			// has had no more than its share (fair.go); alone, it has had
			// all of it, and the rest is kept for other sources.
			name: "category, unsigned: a lone source leaves the lower half to others",
			cfg:  Config{Categories: map[Category]Rate{UserCreation: {PerSecond: 5, Burst: 5}}, Source: Disabled, User: Disabled},
			req:  Request{Operation: "SignUp", Source: "10.0.0.1:1234"},
			n:    8, wantOK: 3, wantBy: ByCategory,
		},
		{
			name: "per source for unsigned calls",
			cfg:  Config{Source: Rate{PerSecond: 2, Burst: 3}, User: Disabled},
			req:  Request{Operation: "InitiateAuth", Source: "192.0.2.7:5555"},
			n:    10, wantOK: 3, wantBy: BySource,
			refill: time.Second, refillN: 2,
		},
		{
			name: "signed calls are not limited per source",
			cfg:  Config{Source: Rate{PerSecond: 1, Burst: 1}, User: Disabled},
			req:  Request{Operation: "AdminGetUser", Source: "192.0.2.7:5555", Signed: true},
			n:    10, wantOK: 10,
		},
		{
			name: "per user for sign-in",
			cfg:  Config{User: Rate{PerSecond: 1, Burst: 4}, Source: Disabled},
			req:  Request{Operation: "InitiateAuth", Source: "192.0.2.7:1", User: UserKey("client-a", "Alice")},
			n:    6, wantOK: 4, wantBy: ByUser,
			refill: 2 * time.Second, refillN: 2,
		},
		{
			name: "IPv6 counted by /64",
			cfg:  Config{Source: Rate{PerSecond: 1, Burst: 2}, User: Disabled},
			req:  Request{Operation: "SignUp", Source: "[2001:db8:1:2::1]:443"},
			n:    5, wantOK: 2, wantBy: BySource,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			l := New(tc.cfg, c.now)
			ok, by := allowN(l, tc.req, tc.n)
			if ok != tc.wantOK || (tc.wantBy != "" && by != tc.wantBy) {
				t.Fatalf("allowed %d of %d (last refusal by %q), want %d (by %q)", ok, tc.n, by, tc.wantOK, tc.wantBy)
			}
			if tc.refill > 0 {
				c.advance(tc.refill)
				if ok, _ := allowN(l, tc.req, tc.refillN+3); ok != tc.refillN {
					t.Fatalf("after %v: allowed %d, want %d", tc.refill, ok, tc.refillN)
				}
			}
		})
	}
}

func TestIPv6SameSlash64SharesBucket(t *testing.T) {
	l := New(Config{Source: Rate{PerSecond: 1, Burst: 1}, User: Disabled}, newClock().now)
	if ok, _ := l.Allow(Request{Operation: "SignUp", Source: "[2001:db8:1:2::1]:1"}); !ok {
		t.Fatal("first call refused")
	}
	if ok, _ := l.Allow(Request{Operation: "SignUp", Source: "[2001:db8:1:2:ffff::9]:1"}); ok {
		t.Fatal("another address of the same /64 got its own bucket")
	}
	if ok, _ := l.Allow(Request{Operation: "SignUp", Source: "[2001:db8:1:3::1]:1"}); !ok {
		t.Fatal("another /64 was refused")
	}
}

// A refusal by a later bucket gives back the tokens the earlier ones took.
func TestRefusalTakesNothing(t *testing.T) {
	c := newClock()
	l := New(Config{
		Categories: map[Category]Rate{UserAuthentication: {PerSecond: 1, Burst: 1}},
		Source:     Rate{PerSecond: 1, Burst: 2},
		User:       Disabled,
	}, c.now)
	req := Request{Operation: "InitiateAuth", Source: "10.0.0.1:1"}
	if ok, _ := l.Allow(req); !ok {
		t.Fatal("first call refused")
	}
	if ok, by := l.Allow(req); ok || by != ByCategory {
		t.Fatalf("second call: %v %q, want refused by category", ok, by)
	}
	// The source bucket (burst 2) still holds its second token: a call of a
	// category with room passes.
	if ok, by := l.Allow(Request{Operation: "SignUp", Source: "10.0.0.1:1"}); !ok {
		t.Fatalf("source token was consumed by the refused call (refused by %q)", by)
	}
}

func TestOneUserDoesNotThrottleAnother(t *testing.T) {
	l := New(Config{User: Rate{PerSecond: 1, Burst: 1}, Source: Disabled}, newClock().now)
	a := Request{Operation: "InitiateAuth", User: UserKey("pool", "alice")}
	b := Request{Operation: "InitiateAuth", User: UserKey("pool", "bob")}
	l.Allow(a)
	if ok, _ := l.Allow(a); ok {
		t.Fatal("alice's second call passed")
	}
	if ok, _ := l.Allow(b); !ok {
		t.Fatal("bob was throttled by alice's bucket")
	}
	if ok, _ := l.Allow(Request{Operation: "InitiateAuth", User: UserKey("pool", "ALICE")}); ok {
		t.Fatal("ALICE got a bucket apart from alice")
	}
}

// A flood of distinct addresses keeps memory bounded: never more than
// MaxKeys buckets, and idle ones are swept.
func TestAddressFloodIsBounded(t *testing.T) {
	c := newClock()
	const maxKeys = 1024
	l := New(Config{Source: Rate{PerSecond: 1, Burst: 1}, User: Disabled, MaxKeys: maxKeys, IdleTimeout: time.Minute}, c.now)
	for i := range 50_000 {
		l.Allow(Request{Operation: "InitiateAuth", Source: fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255)})
		if i%1000 == 0 {
			c.advance(time.Millisecond)
		}
	}
	if src, _ := l.Keys(); src > maxKeys || src == 0 {
		t.Fatalf("%d source buckets held, want 1..%d", src, maxKeys)
	}
	c.advance(2 * time.Minute)
	l.Allow(Request{Operation: "InitiateAuth", Source: "192.0.2.1:1"})
	// The sweep runs per shard when the shard is touched; touch all.
	for i := range 256 {
		l.Allow(Request{Operation: "InitiateAuth", Source: fmt.Sprintf("198.51.100.%d:1", i)})
	}
	if src, _ := l.Keys(); src > 257 {
		t.Fatalf("%d source buckets after the idle timeout, want only the fresh ones (≤ 257)", src)
	}
}

func TestSourceKey(t *testing.T) {
	for in, want := range map[string]string{
		"10.1.2.3:4567":        "10.1.2.3",
		"10.1.2.3":             "10.1.2.3",
		"[::ffff:10.1.2.3]:80": "10.1.2.3",
		"[2001:db8::1]:80":     "2001:db8::/64",
		"[fe80::1%eth0]:80":    "fe80::/64",
		"":                     "",
		"not an address":       "",
	} {
		if got := SourceKey(in); got != want {
			t.Errorf("SourceKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOnThrottle(t *testing.T) {
	var got []string
	l := New(Config{Source: Rate{PerSecond: 1, Burst: 1}, User: Disabled,
		OnThrottle: func(op string, by Limit) { got = append(got, op+"/"+string(by)) }}, newClock().now)
	req := Request{Operation: "SignUp", Source: "10.0.0.1:1"}
	l.Allow(req)
	l.Allow(req)
	if len(got) != 1 || got[0] != "SignUp/source" {
		t.Fatalf("OnThrottle calls %v, want [SignUp/source]", got)
	}
}
