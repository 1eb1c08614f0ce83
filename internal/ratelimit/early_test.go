package ratelimit

import (
	"context"
	"testing"
)

// AllowSource charges the same per-source bucket as Allow, keys addresses
// as SourceKey does, and refuses without allocating.
func TestAllowSource(t *testing.T) {
	c := newClock()
	l := New(Config{Source: Rate{PerSecond: 1, Burst: 3}}, c.now)
	for i, want := range []bool{true, true, true, false} {
		if got := l.AllowSource("192.0.2.7:4000"); got != want {
			t.Fatalf("call %d: AllowSource = %v, want %v", i, got, want)
		}
	}
	// Same bucket as Allow's, whatever the port or the v4-in-v6 form.
	if ok, by := l.Allow(Request{Operation: "InitiateAuth", Source: "[::ffff:192.0.2.7]:9"}); ok || by != BySource {
		t.Fatalf("Allow after the bucket emptied: %v %q", ok, by)
	}
	if !l.AllowSource("192.0.2.8:4000") {
		t.Fatal("another address shares the bucket")
	}
	c.advance(1e9)
	if !l.AllowSource("192.0.2.7:1") {
		t.Fatal("bucket did not refill")
	}
	if !l.AllowSource("not an address") {
		t.Fatal("unparsable address refused")
	}
	if !New(Config{Source: Disabled}, c.now).AllowSource("192.0.2.7:1") {
		t.Fatal("refused with the source limit off")
	}
	if n := testing.AllocsPerRun(100, func() { l.AllowSource("192.0.2.7:4000") }); n != 0 {
		t.Errorf("AllowSource allocates %v times per refusal", n)
	}
}

func TestFastSourceKey(t *testing.T) {
	for _, addr := range []string{"192.0.2.7:4000", "192.0.2.7", "[2001:db8::1]:80", "[::ffff:10.0.0.1]:5", "::1", "x", ""} {
		if got, want := fastSourceKey(addr), SourceKey(addr); got != want {
			t.Errorf("fastSourceKey(%q) = %q, SourceKey %q", addr, got, want)
		}
	}
}

func TestSourceCheckedMark(t *testing.T) {
	ctx := context.Background()
	if SourceChecked(ctx) {
		t.Fatal("unmarked context reads as checked")
	}
	if !SourceChecked(WithSourceChecked(ctx)) {
		t.Fatal("mark lost")
	}
}

// AllowEarly refuses, before the body is read, a call its category would
// refuse by fair share, taking nothing; otherwise it charges the source.
func TestAllowEarly(t *testing.T) {
	c := newClock()
	l := New(Config{Categories: map[Category]Rate{UserAuthentication: {PerSecond: 1, Burst: 10}}, Source: Rate{PerSecond: 1, Burst: 100}, User: Disabled}, c.now)
	heavy, quiet := "10.0.0.1:1", "10.0.0.2:1"
	for range 6 {
		if ok, by := l.AllowEarly(heavy, "InitiateAuth"); !ok {
			t.Fatalf("early check refused by %q with the bucket full", by)
		}
		l.Allow(Request{Operation: "InitiateAuth", Source: heavy, SourceCharged: true})
	}
	// 4 tokens left: the heavy source is refused early by the category,
	// without a token taken from its source bucket or the category.
	for range 20 {
		if ok, by := l.AllowEarly(heavy, "InitiateAuth"); ok || by != ByCategory {
			t.Fatalf("heavy source early: %v %q, want refused by category", ok, by)
		}
	}
	if ok, by := l.AllowEarly(quiet, "InitiateAuth"); !ok {
		t.Fatalf("quiet source refused early by %q", by)
	}
	if ok, _ := l.Allow(Request{Operation: "InitiateAuth", Source: quiet, SourceCharged: true}); !ok {
		t.Fatal("quiet source refused by Allow")
	}
	// The category check took nothing: 3 tokens remain for new sources.
	for i := range 3 {
		if ok, _ := l.Allow(Request{Operation: "InitiateAuth", Source: "10.0.1." + string(rune('1'+i)) + ":1"}); !ok {
			t.Fatalf("token %d taken by an early refusal", i)
		}
	}
	// A challenge response's category depends on its body: not checked early.
	if ok, _ := l.AllowEarly(heavy, "RespondToAuthChallenge"); !ok {
		t.Fatal("challenge response refused early by category")
	}
	// The source bucket still applies.
	l2 := New(Config{Source: Rate{PerSecond: 1, Burst: 1}, User: Disabled}, c.now)
	if ok, _ := l2.AllowEarly(heavy, "SignUp"); !ok {
		t.Fatal("first call refused")
	}
	if ok, by := l2.AllowEarly(heavy, "SignUp"); ok || by != BySource {
		t.Fatalf("second call: %v %q, want refused by source", ok, by)
	}
	if n := testing.AllocsPerRun(100, func() { l.AllowEarly(heavy, "InitiateAuth") }); n != 0 {
		t.Errorf("AllowEarly allocates %v times per refusal", n)
	}
}

// The early check of a source over its own rate, while the category is
// not under pressure, costs what AllowSource does.
func BenchmarkEarlyRefusal(b *testing.B) {
	l := New(Config{Source: Rate{PerSecond: 1, Burst: 1}}, nil)
	b.Run("AllowSource", func(b *testing.B) {
		for b.Loop() {
			l.AllowSource("192.0.2.7:4000")
		}
	})
	b.Run("AllowEarly", func(b *testing.B) {
		for b.Loop() {
			l.AllowEarly("192.0.2.7:4000", "InitiateAuth")
		}
	})
}
