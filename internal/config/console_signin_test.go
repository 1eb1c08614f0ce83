package config

import (
	"strings"
	"testing"
	"time"
)

func TestConsoleSignInConfig(t *testing.T) {
	cfg, err := Parse(strings.NewReader(`
console:
  sign_in:
    source: {rps: 2, burst: 4}
    max_failures: 3
    failure_window: 5m
    lockout: 1h
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if si := cfg.Console.SignIn; si.Source != (RateLimit{RPS: 2, Burst: 4}) || si.MaxFailures != 3 || si.FailureWindow != 5*time.Minute || si.Lockout != time.Hour {
		t.Fatalf("console.sign_in = %+v", si)
	}
	bad, err := Parse(strings.NewReader(`
console:
  sign_in:
    source: {rps: -2}
    max_failures: -3
    failure_window: -1m
    lockout: -1s
`))
	if err != nil {
		t.Fatal(err)
	}
	verr := bad.Validate()
	if verr == nil {
		t.Fatal("no problems found")
	}
	for _, want := range []string{"console.sign_in.source.rps", "console.sign_in.max_failures", "console.sign_in.failure_window", "console.sign_in.lockout"} {
		if !strings.Contains(verr.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, verr)
		}
	}
}
