package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"userpool/internal/awsjson"
	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/userpool"
)

// Outcomes, as stored and as `userpool audit --outcome` filters them.
const (
	OutcomeAllowed = "allowed"
	OutcomeDenied  = "denied"
	// OutcomeErrorPrefix precedes the error type of a call that was allowed
	// but failed, e.g. "error:UserNotFoundException" (no space).
	OutcomeErrorPrefix = "error:"
)

// ErrorOutcome is the outcome of a call that was allowed but failed with
// the given error type (a Cognito exception name).
func ErrorOutcome(kind string) string { return OutcomeErrorPrefix + kind }

// ValidOutcome reports whether s is an outcome as stored: "allowed",
// "denied" or "error:" followed by an error type (letters and digits).
func ValidOutcome(s string) bool {
	if s == OutcomeAllowed || s == OutcomeDenied {
		return true
	}
	kind, ok := strings.CutPrefix(s, OutcomeErrorPrefix)
	return ok && validKind(kind)
}

// ParseOutcome reads an outcome a person typed (e.g. a CLI filter) and
// returns its stored spelling. "Allowed", "DENIED" and "error: X" (the old
// spelling, with a space) are accepted; the error type keeps its case.
func ParseOutcome(s string) (string, error) {
	t := strings.TrimSpace(s)
	switch {
	case strings.EqualFold(t, OutcomeAllowed):
		return OutcomeAllowed, nil
	case strings.EqualFold(t, OutcomeDenied):
		return OutcomeDenied, nil
	case len(t) >= len(OutcomeErrorPrefix) && strings.EqualFold(t[:len(OutcomeErrorPrefix)], OutcomeErrorPrefix):
		if kind := strings.TrimSpace(t[len(OutcomeErrorPrefix):]); validKind(kind) {
			return ErrorOutcome(kind), nil
		}
	}
	return "", fmt.Errorf("outcome %q is not one of allowed, denied or error:<ErrorType> (e.g. error:UserNotFoundException)", s)
}

func validKind(k string) bool {
	if k == "" || len(k) > maxField {
		return false
	}
	for _, c := range []byte(k) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Actor types: who the Actor field names.
const (
	// ActorPrincipal: a signed call whose access key belongs to this
	// principal (Actor is the principal's name).
	ActorPrincipal = "principal"
	// ActorAccessKey: authentication failed; Actor is the access key id the
	// request claimed (unverified, see ClaimedKeyID), or "" when it named none.
	ActorAccessKey = "access-key"
	// ActorUser: a user of the pool signed in with a token (Admin Queries);
	// Actor is the username.
	ActorUser = "user"
)

// Action prefixes: an Action is a prefix and the operation or route.
const (
	ActionPrefixCognito      = iam.ActionPrefix // "cognito-idp:"
	ActionPrefixAdminQueries = "adminqueries:"
)

// Writer stores a batch of events in one transaction, in order.
// *userpool.Service is a Writer.
type Writer interface {
	AppendAudit(ctx context.Context, es []userpool.AuditEvent) error
}

var _ Writer = (*userpool.Service)(nil)

// Recorder writes audit events. It group-commits: concurrent Record calls
// share one transaction, and each call still returns only once its event is
// stored (durable before the response is sent).
type Recorder struct {
	w   Writer
	log *slog.Logger
	now func() time.Time

	queue chan pending

	mu     sync.RWMutex // held for reading while queueing, for writing by Close
	closed bool
	done   chan struct{}
}

type pending struct {
	e      userpool.AuditEvent
	stored chan error
}

// maxBatch bounds one group commit.
const maxBatch = 128

// writeTimeout bounds one write; the request's own deadline does not apply.
const writeTimeout = 5 * time.Second

// New returns a Recorder writing to w and runs its writer goroutine; Close
// stops it. log nil means slog.Default, now nil time.Now.
func New(w Writer, log *slog.Logger, now func() time.Time) *Recorder {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	r := &Recorder{w: w, log: log, now: now, queue: make(chan pending, maxBatch), done: make(chan struct{})}
	go r.loop()
	return r
}

// Close stores what is queued and stops the writer goroutine. It is
// idempotent; a Record after Close writes its event on its own.
func (r *Recorder) Close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	<-r.done
}

// loop takes the first queued event, adds whatever else is queued (up to
// maxBatch) and stores them in one transaction, until the queue is closed
// and drained.
func (r *Recorder) loop() {
	defer close(r.done)
	batch := make([]pending, 0, maxBatch)
	events := make([]userpool.AuditEvent, 0, maxBatch)
	for first := range r.queue {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case p, ok := <-r.queue:
				if !ok {
					break fill
				}
				batch = append(batch, p)
			default:
				break fill
			}
		}
		events = events[:0]
		for _, p := range batch {
			events = append(events, p.e)
		}
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		err := r.w.AppendAudit(ctx, events)
		cancel()
		for _, p := range batch {
			p.stored <- err
		}
	}
}

// write stores one event through the group commit (directly after Close).
func (r *Recorder) write(ctx context.Context, e userpool.AuditEvent) error {
	p := pending{e: e, stored: make(chan error, 1)}
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return r.w.AppendAudit(ctx, []userpool.AuditEvent{e})
	}
	select {
	case r.queue <- p:
		r.mu.RUnlock()
	case <-ctx.Done():
		r.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-p.stored:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Field bounds: what an unauthenticated request can put in the log.
const (
	maxField  = 256
	maxDetail = 1024
)

// Record stores e and returns once it is stored. A zero Time is now; the
// fields are clipped (and made valid UTF-8 without NUL, which PostgreSQL
// refuses in text). A write failure is logged, never returned: auditing does
// not fail the caller's request.
func (r *Recorder) Record(ctx context.Context, e userpool.AuditEvent) {
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	e.Time = e.Time.UTC()
	e.ID = 0
	for _, f := range []*string{&e.ActorType, &e.Actor, &e.Action, &e.PoolID, &e.Target, &e.Outcome, &e.RequestID} {
		*f = clip(*f, maxField)
	}
	e.Detail = clip(e.Detail, maxDetail)
	// The request's context may be cancelled the moment the client goes
	// away; the entry is still worth writing.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if err := r.write(wctx, e); err != nil {
		r.log.Error("audit: recording failed", "err", err, "action", e.Action, "actor", e.Actor, "outcome", e.Outcome, "request_id", e.RequestID)
	}
}

// Outcome classifies a call's error: nil is "allowed"; authentication and
// authorisation failures are "denied" (with the wire error type and message
// as detail); anything else is "error:<ErrorType>".
func Outcome(err error) (outcome, detail string) {
	if err == nil {
		return OutcomeAllowed, ""
	}
	var de *iam.DeniedError
	if errors.As(err, &de) {
		return OutcomeDenied, de.Message
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		return OutcomeDenied, se.Code + ": " + clip(se.Message, maxField)
	}
	var ae *awsjson.Error
	if errors.As(err, &ae) {
		if ae.Type == string(userpool.KindAccessDenied) {
			return OutcomeDenied, ae.Message
		}
		return ErrorOutcome(ae.Type), ""
	}
	return ErrorOutcome(string(userpool.KindOf(err))), ""
}

// ClaimedKeyID extracts the access key id from a SigV4 Authorization header
// without trusting anything else in it: "" unless it is letters and digits.
// It names the actor of a call whose authentication failed.
func ClaimedKeyID(authorization string) string {
	_, rest, ok := strings.Cut(authorization, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	id = strings.TrimSpace(id)
	for _, c := range []byte(id) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return id
}

// clip makes s valid UTF-8 without NUL bytes and at most n bytes long,
// cutting at a rune boundary. Well-formed short input is returned as is.
func clip(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
