package server

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"userpool/internal/awsjson"
	"userpool/internal/ratelimit"
)

// The early per-source refusal of unsigned Cognito calls (issue 13,
// finding 4). A flood of anonymous InitiateAuth calls is refused here,
// before anything else is done for it: no request id, no body read or
// decoded, no context, no log line, no latency observation — a map lookup
// in the source's token bucket and a pre-rendered answer, Cognito's
// TooManyRequestsException "Rate exceeded" (HTTP 400), without allocating
// beyond what net/http does for every request. Calls that pass are marked
// (ratelimit.WithSourceChecked) so the face's limiter does not charge the
// source twice; their other limits (per user, per category) are checked
// there as before.
//
// A refusal may be held back before it is answered (RefusalHold): a
// flooding client that waits for each answer before it sends again (every
// SDK, and most attack tools, run a fixed number of such loops) then sends
// a few calls a second per loop instead of thousands, and the CPU its
// refusals and its own loops took is left to the calls that pass. A held
// refusal costs a timer and no CPU: its goroutine and buffers are the
// connection's, which exist whether it waits here or for its next request.
// At most Max are held at once, past that a refusal is answered at once, so
// a client that does not wait (or opens ever more connections) gets what it
// got before.

// cognitoTarget is the X-Amz-Target prefix of the Cognito user pools API.
const cognitoTarget = "AWSCognitoIdentityProviderService."

var (
	throttledBody = []byte(`{"__type":"TooManyRequestsException","message":"Rate exceeded"}`)
	// Header values shared by every refusal (never modified).
	throttledContentType = []string{awsjson.ContentType}
	throttledTypeHdr     = []string{"TooManyRequestsException:"}
	throttledMessage     = []string{"Rate exceeded"}
	throttledLength      = []string{strconv.Itoa(len(throttledBody))}
	corsOrigin           = []string{"*"}
	corsExpose           = []string{"x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"}
)

// EarlySourceLimiter is implemented by a Cognito face that can refuse an
// unsigned call by its source address alone (cognitoidp.Handler, when its
// Limiter can): EarlySourceLimit returns the check, nil when there is none.
type EarlySourceLimiter interface {
	EarlySourceLimit() func(remoteAddr, operation string) bool
}

// RefusalHold holds an early refusal back before answering it.
type RefusalHold struct {
	// Delay is how long a refusal is held on average: each hold is drawn
	// uniformly from [Delay/2, 3·Delay/2), so that the flooding loops do not
	// come back together; 0 answers at once.
	Delay time.Duration
	// Max bounds the refusals held at once (0: none are held).
	Max int
	// Sleep waits d or until ctx ends; nil uses a timer (tests inject it).
	Sleep func(ctx context.Context, d time.Duration)
	// Rand returns a number in [0, n); nil uses math/rand/v2 (tests inject it).
	Rand func(n int64) int64
	// Held, if set, counts the refusals held now (a metrics gauge: at Max,
	// further refusals are answered at once).
	Held *atomic.Int64
}

// holder holds refusals back per a RefusalHold; a nil holder holds none.
type holder struct {
	delay time.Duration
	slots chan struct{}
	sleep func(ctx context.Context, d time.Duration)
	rand  func(n int64) int64
	held  *atomic.Int64
}

func newHolder(h RefusalHold) *holder {
	if h.Delay <= 0 || h.Max <= 0 {
		return nil
	}
	if h.Sleep == nil {
		h.Sleep = sleepCtx
	}
	if h.Rand == nil {
		h.Rand = rand.Int64N
	}
	if h.Held == nil {
		h.Held = new(atomic.Int64)
	}
	return &holder{delay: h.Delay, slots: make(chan struct{}, h.Max), sleep: h.Sleep, rand: h.Rand, held: h.Held}
}

// hold waits the delay if a slot is free, and reports whether it did.
func (h *holder) hold(ctx context.Context) bool {
	if h == nil {
		return false
	}
	select {
	case h.slots <- struct{}{}:
	default:
		return false
	}
	h.held.Add(1)
	h.sleep(ctx, h.delay/2+time.Duration(h.rand(int64(h.delay))))
	h.held.Add(-1)
	<-h.slots
	return true
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// earlyLimit refuses the unsigned POST / Cognito calls whose source has no
// token left (allow, which also counts its refusals), after holding the
// refusal back when hold has room. A call with an Authorization header is a
// signed one and is not limited by source.
func earlyLimit(allow func(remoteAddr, operation string) bool, hold *holder, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/" && len(r.Header["Authorization"]) == 0 {
			if op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), cognitoTarget); ok {
				if !allow(r.RemoteAddr, op) {
					hold.hold(r.Context())
					writeThrottled(w)
					return
				}
				r = r.WithContext(ratelimit.WithSourceChecked(r.Context()))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// writeThrottled writes the pre-rendered TooManyRequestsException.
func writeThrottled(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Type"] = throttledContentType
	h["X-Amzn-Errortype"] = throttledTypeHdr
	h["X-Amzn-Errormessage"] = throttledMessage
	h["Content-Length"] = throttledLength
	h["Access-Control-Allow-Origin"] = corsOrigin
	h["Access-Control-Expose-Headers"] = corsExpose
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(throttledBody)
}
