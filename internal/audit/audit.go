package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
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
	// ActorRoleSession: a signed call with temporary credentials of an
	// identity pool; Actor is the role's name, Detail names the identity
	// and the user (SessionDetail).
	ActorRoleSession = "role-session"
)

// SessionDetail is the Detail of a role session's entries:
// "identity=<identity id> user=<user pool id>/<username>" (no user part
// for an unauthenticated identity).
func SessionDetail(identityID, userPoolID, username string) string {
	d := "identity=" + identityID
	if username != "" {
		d += " user=" + userPoolID + "/" + username
	}
	return d
}

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

// Recorder defaults.
const (
	// DefaultQueueSize bounds the events waiting for their group commit;
	// past it Record drops the event and counts it (Dropped).
	DefaultQueueSize = 4096
	// DefaultAggregateWindow is the window in which repeated anonymous
	// denials fold into one row.
	DefaultAggregateWindow = 10 * time.Second
	// DefaultHealthWindow is how long a failed write keeps Healthy failing
	// (unless a later write succeeds).
	DefaultHealthWindow = 5 * time.Minute
	// maxAggregates bounds the distinct anonymous-denial keys held in one
	// window; further keys fold into one row per action and outcome with
	// the actor "*".
	maxAggregates = 1024
)

// Options configures a Recorder; zero values take the defaults.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// QueueSize: DefaultQueueSize when 0.
	QueueSize int
	// AggregateWindow: DefaultAggregateWindow when 0; negative turns
	// aggregation off.
	AggregateWindow time.Duration
	// HealthWindow: DefaultHealthWindow when 0.
	HealthWindow time.Duration
}

// Recorder writes audit events. It group-commits: concurrent Record calls
// share one transaction. An event of an authenticated call returns once it
// is stored (durable before the response is sent); an anonymous denial
// (ActorAccessKey, OutcomeDenied) never waits, and its repetitions within
// the aggregate window fold into one row. When the queue is full Record
// drops the event and counts it rather than wait: auditing never slows or
// fails a request.
type Recorder struct {
	w      Writer
	log    *slog.Logger
	now    func() time.Time
	window time.Duration
	health time.Duration

	queue chan pending

	mu     sync.RWMutex // held for reading while queueing, for writing by Close
	closed bool
	done   chan struct{}

	dropped    atomic.Uint64 // events dropped: queue full
	lost       atomic.Uint64 // events whose write failed
	folded     atomic.Uint64 // anonymous denials folded into an earlier row
	lastDropMu sync.Mutex
	lastDrop   time.Time // last time a drop was logged

	aggMu sync.Mutex
	agg   map[aggKey]*aggregate

	hmu       sync.Mutex
	lastFail  time.Time
	lastError error // nil when the last write succeeded
}

type pending struct {
	e      userpool.AuditEvent
	stored chan error // nil: nobody waits
}

// maxBatch bounds one group commit.
const maxBatch = 128

// writeTimeout bounds one write; the request's own deadline does not apply.
const writeTimeout = 5 * time.Second

// New returns a Recorder writing to w with the default options and runs
// its writer goroutine; Close stops it. log nil means slog.Default, now nil
// time.Now.
func New(w Writer, log *slog.Logger, now func() time.Time) *Recorder {
	return NewRecorder(w, Options{Logger: log, Now: now})
}

// NewRecorder returns a Recorder writing to w and runs its writer
// goroutine; Close stops it.
func NewRecorder(w Writer, o Options) *Recorder {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.AggregateWindow == 0 {
		o.AggregateWindow = DefaultAggregateWindow
	}
	if o.HealthWindow <= 0 {
		o.HealthWindow = DefaultHealthWindow
	}
	r := &Recorder{w: w, log: o.Logger, now: o.Now, window: o.AggregateWindow, health: o.HealthWindow,
		queue: make(chan pending, o.QueueSize), done: make(chan struct{}), agg: map[aggKey]*aggregate{}}
	go r.loop()
	return r
}

// Close stores what is queued and what is aggregated, and stops the writer
// goroutine. It is idempotent; a Record after Close writes its event on its
// own.
func (r *Recorder) Close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	<-r.done
}

// Dropped is the number of events dropped because the queue was full.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Lost is the number of events whose write failed (logged each time).
func (r *Recorder) Lost() uint64 { return r.lost.Load() }

// Folded is the number of anonymous denials counted into an aggregate row
// instead of a row of their own.
func (r *Recorder) Folded() uint64 { return r.folded.Load() }

// Healthy fails while the last write failed less than the health window ago
// (a full disk, a read-only or unreachable database); a later successful
// write makes it healthy again. It is a readiness check: it does not write.
func (r *Recorder) Healthy(ctx context.Context) error {
	r.hmu.Lock()
	defer r.hmu.Unlock()
	if r.lastError == nil || r.now().Sub(r.lastFail) >= r.health {
		return nil
	}
	return fmt.Errorf("audit log: the last write failed at %s: %w", r.lastFail.UTC().Format(time.RFC3339), r.lastError)
}

// loop takes the first queued event, adds whatever else is queued (up to
// maxBatch) and stores them in one transaction, until the queue is closed
// and drained; it also writes the aggregate rows whose window has ended.
func (r *Recorder) loop() {
	defer close(r.done)
	tick := time.NewTicker(r.tickEvery())
	defer tick.Stop()
	batch := make([]pending, 0, maxBatch)
	for {
		var first pending
		var ok bool
		select {
		case first, ok = <-r.queue:
		case <-tick.C:
			r.flushAggregates(false, false)
			continue
		}
		if !ok {
			r.flushAggregates(true, false)
			return
		}
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
		events := make([]userpool.AuditEvent, 0, len(batch))
		for _, p := range batch {
			events = append(events, p.e)
		}
		err := r.commit(events)
		for _, p := range batch {
			if p.stored != nil {
				p.stored <- err
			}
		}
	}
}

func (r *Recorder) tickEvery() time.Duration {
	if r.window > 0 {
		return max(r.window/2, 10*time.Millisecond)
	}
	return time.Minute
}

// commit writes events in one transaction and keeps the health record.
func (r *Recorder) commit(events []userpool.AuditEvent) error {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	err := r.w.AppendAudit(ctx, events)
	cancel()
	r.hmu.Lock()
	if err != nil {
		r.lastFail = r.now()
	}
	r.lastError = err
	r.hmu.Unlock()
	if err != nil {
		r.lost.Add(uint64(len(events)))
		ids := make([]string, 0, min(len(events), 16))
		for _, e := range events[:min(len(events), 16)] {
			ids = append(ids, e.RequestID)
		}
		r.log.Error("audit: recording failed", "err", err, "events", len(events), "request_ids", ids)
	}
	return err
}

// enqueue queues p without blocking; false when the queue is full.
func (r *Recorder) enqueue(p pending) (queued, closed bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return false, true
	}
	select {
	case r.queue <- p:
		return true, false
	default:
		return false, false
	}
}

// drop counts a dropped event, logging at most once a second.
func (r *Recorder) drop(e userpool.AuditEvent) {
	n := r.dropped.Add(1)
	now := r.now()
	r.lastDropMu.Lock()
	logIt := now.Sub(r.lastDrop) >= time.Second
	if logIt {
		r.lastDrop = now
	}
	r.lastDropMu.Unlock()
	if logIt {
		r.log.Warn("audit: queue full, event dropped", "dropped_total", n, "action", e.Action, "outcome", e.Outcome, "request_id", e.RequestID)
	}
}

// Field bounds: what an unauthenticated request can put in the log.
const (
	maxField  = 256
	maxDetail = 1024
)

// anonymousDenial reports whether e is a call refused because its
// authentication failed: those are aggregated and never waited for.
func anonymousDenial(e userpool.AuditEvent) bool {
	return e.ActorType == ActorAccessKey && e.Outcome == OutcomeDenied
}

// Record stores e. A zero Time is now; the fields are clipped (and made
// valid UTF-8 without NUL, which PostgreSQL refuses in text). An
// authenticated call's event returns once stored; an anonymous denial
// returns at once and may fold into an aggregate row; a full queue drops the
// event (Dropped). A write failure is logged and counted (Lost, Healthy),
// never returned: auditing does not fail the caller's request.
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
	anon := anonymousDenial(e)
	if anon && r.window > 0 && r.fold(e) {
		return
	}
	p := pending{e: e}
	if !anon {
		p.stored = make(chan error, 1)
	}
	queued, closed := r.enqueue(p)
	switch {
	case closed:
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
		defer cancel()
		if err := r.w.AppendAudit(wctx, []userpool.AuditEvent{e}); err != nil {
			r.lost.Add(1)
			r.log.Error("audit: recording failed", "err", err, "action", e.Action, "actor", e.Actor, "outcome", e.Outcome, "request_id", e.RequestID)
		}
		return
	case !queued:
		r.drop(e)
		return
	case p.stored == nil:
		return
	}
	// The request's context may be cancelled the moment the client goes
	// away; the entry is still worth waiting for.
	select {
	case <-p.stored: // a failure is logged and counted by the writer
	case <-time.After(writeTimeout):
		r.log.Warn("audit: write slower than the timeout; not waiting", "action", e.Action, "request_id", e.RequestID)
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
