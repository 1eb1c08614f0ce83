package config

import (
	"strings"
	"testing"
	"time"
)

func TestLimitsAndAccessLogConfig(t *testing.T) {
	cfg, err := Parse(strings.NewReader(`
server:
  metrics_listen: 127.0.0.1:9230
log:
  access: {level: debug, sample: 0.01}
limits:
  category_factor: 2
  categories:
    UserAuthentication: {rps: 300, burst: 600}
  source: {rps: 5}
  user: {rps: -1}
  idle_timeout: 5m
  refusal_delay: 100ms
  max_held_refusals: 50
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Server.MetricsListen != "127.0.0.1:9230" || cfg.Log.Access.Level != "debug" || cfg.Log.Access.Sample != 0.01 {
		t.Fatalf("parsed %+v %+v", cfg.Server, cfg.Log)
	}
	l := cfg.Limits
	if !l.LimitsEnabled() || l.CategoryFactor != 2 || l.Categories["UserAuthentication"] != (RateLimit{RPS: 300, Burst: 600}) ||
		l.Source.RPS != 5 || l.User.RPS != -1 || l.IdleTimeout != 5*time.Minute {
		t.Fatalf("limits %+v", l)
	}
	if d, m := l.Hold(); d != 100*time.Millisecond || m != 50 {
		t.Fatalf("hold %v %d, want 100ms 50", d, m)
	}
	if d := Defaults(); !d.Limits.LimitsEnabled() {
		t.Fatal("limits are off by default")
	}
	if d, m := Defaults().Limits.Hold(); d != DefaultRefusalDelay || m != DefaultMaxHeldRefusals {
		t.Fatalf("default hold %v %d", d, m)
	}
	off, err := Parse(strings.NewReader("limits: {refusal_delay: 0s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := off.Limits.Hold(); d != 0 {
		t.Fatalf("refusal_delay: 0s gave %v", d)
	}

	bad, err := Parse(strings.NewReader(`
server: {metrics_listen: "9230"}
log: {access: {level: loud, sample: 2}}
limits:
  enabled: false
  categories: {UserAuth: {rps: 1}}
  source: {rps: -3, burst: -1}
  refusal_delay: -1s
  max_held_refusals: -2
`))
	if err != nil {
		t.Fatal(err)
	}
	if bad.Limits.LimitsEnabled() {
		t.Fatal("enabled: false ignored")
	}
	verr := bad.Validate()
	if verr == nil {
		t.Fatal("no problems found")
	}
	for _, want := range []string{"server.metrics_listen", "log.access.level", "log.access.sample", `"UserAuth" is not a Cognito quota category`, "limits.source.rps", "limits.source.burst", "limits.refusal_delay", "limits.max_held_refusals"} {
		if !strings.Contains(verr.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, verr)
		}
	}
}
