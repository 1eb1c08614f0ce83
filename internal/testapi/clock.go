package testapi

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"
)

// Clock is the development clock: real time plus an offset that only moves
// forward, for this process only. With --dev-accept-any-credentials the
// domain and the token issuer run on it, so end-to-end tests can let tokens,
// refresh tokens, codes and sessions expire without sleeping; SigV4 date
// checks are not on it. A nil *Clock is the real clock.
type Clock struct{ offset atomic.Int64 }

// NewClock returns a clock at the real time.
func NewClock() *Clock { return &Clock{} }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// NowFunc is the clock to hand to the domain and the token issuer (nil for a
// nil Clock: their default).
func (c *Clock) NowFunc() func() time.Time {
	if c == nil {
		return nil
	}
	return c.Now
}

// Advance moves the clock d forward (d >= 0).
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// maxAdvance bounds one move (100 years).
const maxAdvanceSeconds = 100 * 365 * 24 * 3600

func (c *Clock) state() map[string]any {
	return map[string]any{
		"now":           c.Now().UTC().Format(time.RFC3339Nano),
		"offsetSeconds": time.Duration(c.offset.Load()).Seconds(),
	}
}

// clock serves GET and POST /_userpool/clock:
//
//	GET  -> {"now": RFC 3339, "offsetSeconds": n}
//	POST {"advanceSeconds": n} -> the same, after moving the clock n >= 0 seconds
//
// Without development mode (no Clock) it answers 403.
func (h *Handler) clock(c *call) (int, any, error) {
	if h.opts.Clock == nil {
		return http.StatusForbidden, message("The development clock requires --dev-accept-any-credentials."), nil
	}
	if c.r.Method == http.MethodPost {
		var in struct {
			AdvanceSeconds *int64 `json:"advanceSeconds"`
		}
		if err := c.decodeStrict(&in); err != nil || in.AdvanceSeconds == nil || *in.AdvanceSeconds < 0 || *in.AdvanceSeconds > maxAdvanceSeconds {
			return http.StatusBadRequest, message(`Expected {"advanceSeconds": n} with 0 <= n.`), nil
		}
		h.opts.Clock.Advance(time.Duration(*in.AdvanceSeconds) * time.Second)
	}
	return http.StatusOK, h.opts.Clock.state(), nil
}

func message(m string) map[string]string { return map[string]string{"message": m} }

// decodeStrict decodes the call's body into v, refusing unknown fields.
func (c *call) decodeStrict(v any) error {
	dec := json.NewDecoder(bytesReader(c.body))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
