package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"userpool/internal/console"
	"userpool/internal/ratelimit"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// clock is a settable time for the console's Now.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// tryKey posts the operator sign-in form from a fresh browser and returns
// the status, the body and the Retry-After header.
func (e *env) tryKey(id, secret string) (int, string, string) {
	e.t.Helper()
	b := e.browser()
	_, body := b.get("/console/login")
	code, body, resp := b.post("/console/login/key", url.Values{"_csrf": {csrfOf(e.t, body)}, "access_key_id": {id}, "secret_access_key": {secret}, "next": {"/console/"}})
	return code, body, resp.Header.Get("Retry-After")
}

func TestSignInSourceLimit(t *testing.T) {
	clk := newClock()
	e := newEnvB(t, func(o *console.Options) {
		o.Now = clk.now
		// 3 at once, then one per 1000 s; no lockout, so only the source limit acts.
		o.SignIn = console.SignInLimits{Source: ratelimit.Rate{PerSecond: 0.001, Burst: 3}, MaxFailures: -1}
	})
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	for i := range 3 {
		if code, body, _ := e.tryKey(id, "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i+1, code, body)
		}
	}
	// The bucket is empty: even the right secret is refused, visibly.
	code, body, retry := e.tryKey(id, secret)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many sign-in attempts from your address") || retry == "" {
		t.Fatalf("4th attempt: %d (Retry-After %q) %s", code, retry, body)
	}
	// The pool administrators' form shares the address's bucket.
	b := e.browser()
	_, page := b.get("/console/login")
	code, body, _ = b.post("/console/login/pool", url.Values{"_csrf": {csrfOf(t, page)}, "pool": {e.pool.ID}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many sign-in attempts") {
		t.Errorf("pool form when limited: %d %s", code, body)
	}
	clk.advance(1001 * time.Second) // one token back
	if code, body, _ := e.tryKey(id, secret); code != http.StatusSeeOther {
		t.Errorf("after the bucket refilled: %d %s", code, body)
	}
}

func TestSignInLockout(t *testing.T) {
	clk := newClock()
	e := newEnvB(t, func(o *console.Options) {
		o.Now = clk.now
		o.SignIn = console.SignInLimits{Source: ratelimit.Disabled, MaxFailures: 3, FailureWindow: 10 * time.Minute, Lockout: 15 * time.Minute}
	})
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	id2, secret2 := e.principal("other", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})

	wrong := func(key string, want int) string {
		t.Helper()
		code, body, _ := e.tryKey(key, "wrong")
		if code != want {
			t.Fatalf("wrong secret for %s: %d, want %d\n%s", key, code, want, body)
		}
		return body
	}
	// Failures spread wider than the window do not add up.
	wrong(id, 401)
	wrong(id, 401)
	clk.advance(11 * time.Minute)
	wrong(id, 401)
	wrong(id, 401)
	// A success forgets the failures.
	if code, body, _ := e.tryKey(id, secret); code != http.StatusSeeOther {
		t.Fatalf("right secret: %d %s", code, body)
	}
	wrong(id, 401)
	wrong(id, 401)
	// The third failure within the window locks the key id.
	if body := wrong(id, 429); !strings.Contains(body, "Too many failed sign-ins with this access key id") {
		t.Errorf("locking answer: %s", body)
	}
	code, body, retry := e.tryKey(id, secret)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "may not sign in to the console until 12:26 UTC") || retry != "900" {
		t.Errorf("right secret while locked: %d (Retry-After %q) %s", code, retry, body)
	}
	// Another key is not affected; an unknown id is locked the same way.
	if code, body, _ := e.tryKey(id2, secret2); code != http.StatusSeeOther {
		t.Errorf("another key: %d %s", code, body)
	}
	unknown := "AKIA" + strings.Repeat("Z", 16)
	wrong(unknown, 401)
	wrong(unknown, 401)
	wrong(unknown, 429)

	clk.advance(15 * time.Minute)
	if code, body, _ := e.tryKey(id, secret); code != http.StatusSeeOther {
		t.Errorf("after the lockout: %d %s", code, body)
	}
	// The refusals are audited as denied with Detail "locked" (the
	// recorder may fold repeated anonymous denials into one row).
	var locked int
	for deadline := time.Now().Add(5 * time.Second); locked < 1 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		evs, _, err := e.svc.ListAudit(context.Background(), userpool.AuditFilter{Action: "console:SignIn", Actor: id, Outcome: "denied"}, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		locked = 0
		for _, ev := range evs {
			if strings.HasPrefix(ev.Detail, "locked") {
				locked++
			}
		}
	}
	if locked < 1 {
		t.Errorf("no audited lockout refusal of %s", id)
	}
}
