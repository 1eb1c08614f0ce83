package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

// floodSim drives a Limiter with an injected clock: flooders sources each
// send perSource unsigned InitiateAuth calls a second (evenly spaced,
// staggered), while a legitimate user signs in from 127.0.0.1 every
// legitEvery. It returns the legitimate user's refusals and the calls
// served per flooding source.
func floodSim(t *testing.T, l *Limiter, c *clock, flooders int, perSource float64, legitEvery, d time.Duration, signedFlood bool) (legitRefused, legitCalls int, served []int) {
	t.Helper()
	served = make([]int, flooders)
	next := make([]time.Duration, flooders)
	gap := time.Duration(float64(time.Second) / perSource)
	for i := range next {
		next[i] = gap * time.Duration(i) / time.Duration(flooders)
	}
	addr := make([]string, flooders)
	for i := range addr {
		addr[i] = fmt.Sprintf("10.1.%d.%d:40000", i/250, i%250+1)
	}
	start := c.t
	var legitNext time.Duration = legitEvery / 2
	step := time.Millisecond
	for el := time.Duration(0); el < d; el += step {
		c.t = start.Add(el)
		for i := range next {
			for next[i] <= el {
				next[i] += gap
				if ok, _ := l.Allow(Request{Operation: "InitiateAuth", Source: addr[i], SourceCharged: true, Signed: signedFlood}); ok {
					served[i]++
				}
			}
		}
		if legitNext <= el {
			legitNext += legitEvery
			legitCalls++
			if ok, by := l.Allow(Request{Operation: "InitiateAuth", Source: "127.0.0.1:5555", SourceCharged: true}); !ok {
				if by != ByCategory {
					t.Fatalf("legitimate call refused by %q", by)
				}
				legitRefused++
			}
		}
	}
	return legitRefused, legitCalls, served
}

func floodLimiter(c *clock) *Limiter {
	return New(Config{Categories: map[Category]Rate{UserAuthentication: {PerSecond: 1200}}, Source: Disabled, User: Disabled}, c.now)
}

// Under a flood from many sources that together spend the shared
// UserAuthentication quota, a quiet source is still served, every time, and
// the flooding sources share what is left about evenly. The same flood
// through a plain shared bucket (signed calls are not shared out by source)
// refuses the legitimate user: the test can fail.
func TestFairShareUnderFlood(t *testing.T) {
	for _, tc := range []struct {
		name       string
		flooders   int
		perSource  float64
		legitEvery time.Duration
	}{
		{"100 sources at 48/s, legit every 100ms", 100, 48, 100 * time.Millisecond},
		{"100 sources at 48/s, legit every 200ms", 100, 48, 200 * time.Millisecond},
		{"1000 sources at 10/s, legit every 1s", 1000, 10, time.Second},
		{"1 source at 5000/s, legit every 100ms", 1, 5000, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			l := floodLimiter(c)
			refused, calls, served := floodSim(t, l, c, tc.flooders, tc.perSource, tc.legitEvery, 10*time.Second, false)
			if refused != 0 {
				t.Errorf("legitimate user refused %d of %d sign-ins", refused, calls)
			}
			total, lo, hi := 0, served[0], served[0]
			for _, n := range served {
				total += n
				lo, hi = min(lo, n), max(hi, n)
			}
			// The quota holds: 10 s at 1200/s plus the burst of 2400.
			if limit := 1200*10 + 2400; total+calls-refused > limit {
				t.Errorf("served %d calls, quota allows %d", total+calls-refused, limit)
			}
			if total < 1200*10*8/10 {
				t.Errorf("flood served only %d: the quota is left unused", total)
			}
			if tc.flooders > 1 && hi > 2*lo+10 {
				t.Errorf("uneven shares: %d..%d calls per source", lo, hi)
			}
			t.Logf("legit %d calls, flood served %d (%d..%d per source)", calls, total, lo, hi)

			// Control: the same flood, signed (no fair share), starves it.
			c2 := newClock()
			refused2, calls2, _ := floodSim(t, floodLimiter(c2), c2, tc.flooders, tc.perSource, tc.legitEvery, 10*time.Second, true)
			if tc.flooders*int(tc.perSource) > 2400 && refused2 < calls2/4 {
				t.Errorf("control: a plain shared bucket refused only %d of %d legitimate calls", refused2, calls2)
			}
		})
	}
}

// A source never seen is served while any token is left; one that took
// many is refused once the bucket runs low, and served again after its
// usage decays.
func TestFairShareQuietFirst(t *testing.T) {
	c := newClock()
	l := New(Config{Categories: map[Category]Rate{UserAuthentication: {PerSecond: 1, Burst: 10}}, Source: Disabled, User: Disabled}, c.now)
	req := func(src string) bool {
		ok, _ := l.Allow(Request{Operation: "InitiateAuth", Source: src})
		return ok
	}
	// Two sources spend 6 of the 10 tokens (the clock stands still).
	for range 5 {
		req("10.0.0.1:1")
	}
	req("10.0.0.2:1")
	// 4 tokens left, under half: pressure. Mean usage of the served calls
	// is (0+1+2+3+4+0)/6, scaled by 4/5: 1.33. The source with 5 is
	// refused, the one with 1 served.
	if req("10.0.0.1:1") {
		t.Fatal("heaviest source served under pressure")
	}
	if !req("10.0.0.2:1") {
		t.Fatal("lighter source refused")
	}
	// A new source is served down to the last token.
	for i := range 3 {
		if !req(fmt.Sprintf("10.0.1.%d:1", i+1)) {
			t.Fatalf("new source %d refused with tokens left", i)
		}
	}
	if req("10.0.2.1:1") {
		t.Fatal("served from an empty bucket")
	}
	// After a long quiet time the bucket is full and usage forgotten.
	c.advance(30 * time.Second)
	if !req("10.0.0.1:1") {
		t.Fatal("not served after the bucket refilled")
	}
	// Signed calls take any token, whatever their source took.
	l2 := New(Config{Categories: map[Category]Rate{UserAuthentication: {PerSecond: 1, Burst: 4}}, Source: Disabled, User: Disabled}, c.now)
	if ok, _ := allowN(l2, Request{Operation: "AdminInitiateAuth", Source: "10.0.0.1:1", Signed: true}, 4); ok != 4 {
		t.Fatalf("signed calls served %d of 4", ok)
	}
}

// The per-source usage of a category is bounded by MaxKeys.
func TestFairShareBounded(t *testing.T) {
	c := newClock()
	l := New(Config{Categories: map[Category]Rate{UserAuthentication: {PerSecond: 1e6}}, Source: Disabled, User: Disabled, MaxKeys: 64}, c.now)
	for i := range 5000 {
		l.Allow(Request{Operation: "InitiateAuth", Source: fmt.Sprintf("10.%d.%d.%d:1", i>>16, (i>>8)&255, i&255)})
		c.advance(time.Microsecond)
	}
	if n := l.categories[UserAuthentication].keys(); n > 64 {
		t.Fatalf("%d sources tracked, MaxKeys 64", n)
	}
	// The early-charged call does not charge the source bucket again.
	l2 := New(Config{Source: Rate{PerSecond: 1, Burst: 1}, User: Disabled}, c.now)
	if ok, _ := allowN(l2, Request{Operation: "InitiateAuth", Source: "10.0.0.1:1", SourceCharged: true}, 3); ok != 3 {
		t.Fatalf("source charged again: %d of 3 served", ok)
	}
}
