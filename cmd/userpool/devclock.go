package main

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"
)

// devClockPath is the development clock's endpoint. With
// --dev-accept-any-credentials (auth.dev_accept_any_credentials) the server
// runs on a clock that is the real time plus an offset, and
//
//	GET  /_userpool/clock                        -> {"now": RFC 3339, "offsetSeconds": n}
//	POST /_userpool/clock {"advanceSeconds": n}  -> the same, after moving the clock n >= 0 seconds
//
// so end-to-end tests can let tokens and sessions expire without sleeping.
// The clock only moves forward and only for this process: tokens, refresh
// tokens, codes and challenge sessions are judged by it; SigV4 date checks
// are not (development mode does not check signatures). Without development
// mode the endpoint always answers 403.
const devClockPath = "/_userpool/clock"

// devClock is real time plus an offset. A nil *devClock is the real clock.
type devClock struct{ offset atomic.Int64 }

func (c *devClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// nowFunc is the clock to hand to the domain and the token issuer (nil: their default).
func (c *devClock) nowFunc() func() time.Time {
	if c == nil {
		return nil
	}
	return c.now
}

// devClockHandler serves devClockPath in front of next.
func devClockHandler(c *devClock, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != devClockPath {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		answer := func(status int, v any) {
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(v)
		}
		if c == nil {
			answer(http.StatusForbidden, map[string]string{"message": "The development clock requires --dev-accept-any-credentials."})
			return
		}
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var in struct {
				AdvanceSeconds *int64 `json:"advanceSeconds"`
			}
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil || in.AdvanceSeconds == nil || *in.AdvanceSeconds < 0 || *in.AdvanceSeconds > 100*365*24*3600 {
				answer(http.StatusBadRequest, map[string]string{"message": `Expected {"advanceSeconds": n} with 0 <= n.`})
				return
			}
			c.offset.Add(int64(time.Duration(*in.AdvanceSeconds) * time.Second))
		default:
			w.Header().Set("Allow", "GET, POST")
			answer(http.StatusMethodNotAllowed, map[string]string{"message": "Use GET or POST."})
			return
		}
		answer(http.StatusOK, map[string]any{
			"now":           c.now().UTC().Format(time.RFC3339Nano),
			"offsetSeconds": time.Duration(c.offset.Load()).Seconds(),
		})
	})
}
