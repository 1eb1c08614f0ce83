package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestDevClockEndpoint(t *testing.T) {
	t.Parallel()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	call := func(h http.Handler, method, path, body string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
		return rec.Code
	}

	// Without development mode the endpoint is always refused; other paths pass.
	off := devClockHandler(nil, next)
	if c := call(off, "POST", devClockPath, `{"advanceSeconds":60}`); c != http.StatusForbidden {
		t.Fatalf("POST without dev mode: %d", c)
	}
	if c := call(off, "GET", devClockPath, ""); c != http.StatusForbidden {
		t.Fatalf("GET without dev mode: %d", c)
	}
	if c := call(off, "POST", "/", ""); c != http.StatusTeapot {
		t.Fatalf("other path: %d", c)
	}
	var nilClock *devClock
	if nilClock.nowFunc() != nil {
		t.Fatal("a nil devClock must leave the default clock")
	}

	clock := &devClock{}
	on := devClockHandler(clock, next)
	before := clock.now()
	if c := call(on, "POST", devClockPath, `{"advanceSeconds":3600}`); c != http.StatusOK {
		t.Fatalf("advance: %d", c)
	}
	if d := clock.now().Sub(before); d < time.Hour || d > time.Hour+time.Minute {
		t.Fatalf("clock moved %v, want an hour", d)
	}
	for _, body := range []string{``, `{}`, `{"advanceSeconds":-1}`, `{"advanceSeconds":"60"}`, `{"advanceSeconds":1,"x":1}`} {
		if c := call(on, "POST", devClockPath, body); c != http.StatusBadRequest {
			t.Errorf("POST %q: %d, want 400", body, c)
		}
	}
	if c := call(on, "DELETE", devClockPath, ""); c != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", c)
	}
	if c := call(on, "GET", devClockPath, ""); c != http.StatusOK {
		t.Errorf("GET: %d", c)
	}
	if d := clock.now().Sub(before); d > time.Hour+time.Minute {
		t.Fatalf("refused calls moved the clock (%v)", d)
	}
}
