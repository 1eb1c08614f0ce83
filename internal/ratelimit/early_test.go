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
