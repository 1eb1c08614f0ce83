package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDefaultsValidate(t *testing.T) {
	c := Defaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
}

func TestUnknownFieldRejected(t *testing.T) {
	_, err := Parse(strings.NewReader("server:\n  listne: 1.2.3.4:5\n"))
	if err == nil || !strings.Contains(err.Error(), "listne") {
		t.Fatalf("want unknown field error naming listne, got %v", err)
	}
}

func TestParseOverridesDefaults(t *testing.T) {
	c, err := Parse(strings.NewReader("server:\n  region: eu-west-1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Region != "eu-west-1" || c.Server.Listen != "127.0.0.1:9229" {
		t.Fatalf("got %+v", c.Server)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	c := Defaults()
	c.Server.Listen = "nope"
	c.Server.Region = "Mars"
	c.Log.Level = "loud"
	c.Password.MemoryKiB = 8
	err := c.Validate()
	var p Problems
	if !errors.As(err, &p) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{"server.listen", "server.region", "log.level", "password.memory_kib"}
	if len(p) != len(want) {
		t.Fatalf("want %d problems, got %d: %v", len(want), len(p), p)
	}
	for i, w := range want {
		if !strings.HasPrefix(p[i], w+":") {
			t.Errorf("problem %d = %q, want prefix %q", i, p[i], w)
		}
	}
}

func TestPoolCacheTTLParses(t *testing.T) {
	c, err := Parse(strings.NewReader("server:\n  pool_cache_ttl: 250ms\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.PoolCacheTTL != 250*time.Millisecond {
		t.Fatalf("pool_cache_ttl: %v", c.Server.PoolCacheTTL)
	}
	if _, err := Parse(strings.NewReader("server:\n  pool_cache_ttl: soon\n")); err == nil {
		t.Fatal("a malformed duration was accepted")
	}
}
