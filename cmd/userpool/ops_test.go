package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"userpool/internal/config"
	"userpool/internal/console"
	"userpool/internal/ratelimit"
	"userpool/internal/store"
)

// The wiring: /readyz passes on a writable store, /metrics is served and
// moves, and a flood of unsigned sign-ins from one address is throttled
// with TooManyRequestsException while limits are on.
func TestOpsWiring(t *testing.T) {
	ta := newTestAppOn(t, mustStore(t), newTestSealer(t), nil, func(c *config.Config) {
		c.Limits.Source = config.RateLimit{RPS: 1, Burst: 3}
	})
	res, err := http.Get(ta.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("/readyz: %d %s", res.StatusCode, body)
	}

	throttled := 0
	for range 6 {
		req, _ := http.NewRequest("POST", ta.srv.URL+"/", strings.NewReader(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"nosuchclient1","AuthParameters":{"USERNAME":"u","PASSWORD":"p"}}`))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if e.Type == "TooManyRequestsException" {
			if e.Message != "Rate exceeded" {
				t.Fatalf("message %q", e.Message)
			}
			throttled++
		}
	}
	if throttled != 3 {
		t.Fatalf("%d of 6 calls throttled, want 3 (burst 3)", throttled)
	}

	res, err = http.Get(ta.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string, labels map[string]string) float64 {
		for _, m := range fams[name].GetMetric() {
			ok := true
			for _, l := range m.GetLabel() {
				if v, want := l.GetValue(), labels[l.GetName()]; want != "" && v != want {
					ok = false
				}
			}
			if ok {
				return m.GetCounter().GetValue()
			}
		}
		return -1
	}
	if got := get("userpool_throttled_requests_total", map[string]string{"operation": "InitiateAuth", "limit": "source"}); got != 3 {
		t.Errorf("throttled counter %v, want 3", got)
	}
	if got := get("userpool_requests_total", map[string]string{"operation": "InitiateAuth", "outcome": "TooManyRequestsException"}); got != 3 {
		t.Errorf("requests counter %v, want 3", got)
	}
	if fams["userpool_store_duration_seconds"] == nil || fams["userpool_audit_queue_depth"] == nil || fams["userpool_refusals_held"] == nil {
		t.Error("store latency, audit queue depth or held refusals missing")
	}
}

// TestStoreWritableProbe: /readyz's store-writable check probes the store
// it is handed, and fails once that store is closed.
func TestStoreWritableProbe(t *testing.T) {
	st := mustStore(t)
	check := readinessChecks(st, nil)[0]
	if check.Name != "store-writable" {
		t.Fatalf("first readiness check %q", check.Name)
	}
	if err := check.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := check.Check(context.Background()); err == nil {
		t.Fatal("a closed store passed the write probe")
	} else if errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// mustStore opens a SQLite store in a temporary directory.
func mustStore(t *testing.T) store.Store {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	st, err := openStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// limits.refusal_delay reaches the server: the default hold while limits
// are on, the configured one, and none when throttling is off.
func TestRefusalHoldWiring(t *testing.T) {
	cfg := config.Defaults()
	if h := refusalHold(cfg.Limits, nil); h.Delay != config.DefaultRefusalDelay || h.Max != config.DefaultMaxHeldRefusals {
		t.Fatalf("default hold %+v", h)
	}
	d := 40 * time.Millisecond
	cfg.Limits.RefusalDelay, cfg.Limits.MaxHeldRefusals = &d, 7
	if h := refusalHold(cfg.Limits, nil); h.Delay != d || h.Max != 7 {
		t.Fatalf("configured hold %+v", h)
	}
	off := false
	cfg.Limits.Enabled = &off
	if h := refusalHold(cfg.Limits, nil); h.Delay != 0 || h.Max != 0 {
		t.Fatalf("hold with limits off: %+v", h)
	}
}

// console.sign_in reaches the console's limits; what is left out keeps the
// console's defaults, and -1 switches a limit off.
func TestConsoleSignInWiring(t *testing.T) {
	if got := consoleSignIn(config.ConsoleSignIn{}); got.Source != console.DefaultSignInSource || got.MaxFailures != 0 {
		t.Fatalf("defaults: %+v", got)
	}
	got := consoleSignIn(config.ConsoleSignIn{Source: config.RateLimit{RPS: 2, Burst: 4}, MaxFailures: 3, FailureWindow: time.Minute, Lockout: time.Hour})
	if got.Source != (ratelimit.Rate{PerSecond: 2, Burst: 4}) || got.MaxFailures != 3 || got.FailureWindow != time.Minute || got.Lockout != time.Hour {
		t.Fatalf("configured: %+v", got)
	}
	if got := consoleSignIn(config.ConsoleSignIn{Source: config.RateLimit{Burst: 30}}); got.Source != (ratelimit.Rate{PerSecond: console.DefaultSignInSource.PerSecond, Burst: 30}) {
		t.Fatalf("burst only: %+v", got.Source)
	}
	if got := consoleSignIn(config.ConsoleSignIn{Source: config.RateLimit{RPS: -1}, MaxFailures: -1}); got.Source != ratelimit.Disabled || got.MaxFailures != -1 {
		t.Fatalf("off: %+v", got)
	}
}
