package audit

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"userpool/internal/awsjson"
	"userpool/internal/cognitoidp"
	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// Outcomes.
const (
	OutcomeAllowed = "allowed"
	OutcomeDenied  = "denied"
	// OutcomeErrorPrefix precedes the error type of a call that was allowed
	// but failed, e.g. "error:UserNotFoundException".
	OutcomeErrorPrefix = "error:"
)

// Actor types.
const (
	// ActorPrincipal: the caller's access key belongs to this principal.
	ActorPrincipal = "principal"
	// ActorAccessKey: authentication failed; Actor is the access key id the
	// request claimed (unverified), or "" when it named none.
	ActorAccessKey = "access-key"
)

// Writer is the part of store.IAMStore the Recorder needs.
type Writer interface {
	AppendAudit(ctx context.Context, e store.AuditEvent) (int64, error)
}

// BatchWriter stores several events in one transaction. When the Writer is
// also a BatchWriter, the Recorder group-commits: concurrent Record calls
// share one transaction, and each call still returns only once its event is
// stored (durable before the response is sent).
type BatchWriter interface {
	AppendAuditBatch(ctx context.Context, es []store.AuditEvent) error
}

// Recorder writes audit events to the store.
type Recorder struct {
	w   Writer
	log *slog.Logger
	now func() time.Time

	queue chan pending
	stop  chan struct{}
	done  chan struct{}
}

type pending struct {
	e      store.AuditEvent
	stored chan error
}

// maxBatch bounds one group commit.
const maxBatch = 128

// New returns a Recorder. log nil means slog.Default, now nil time.Now.
// When w is a BatchWriter the Recorder runs a writer goroutine; Close stops it.
func New(w Writer, log *slog.Logger, now func() time.Time) *Recorder {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	r := &Recorder{w: w, log: log, now: now}
	if bw, ok := w.(BatchWriter); ok {
		r.queue = make(chan pending, maxBatch)
		r.stop = make(chan struct{})
		r.done = make(chan struct{})
		go r.loop(bw)
	}
	return r
}

// Close stops the writer goroutine after storing what is queued. Record must
// not be called after Close.
func (r *Recorder) Close() {
	if r.stop == nil {
		return
	}
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	<-r.done
}

// loop takes the first queued event, adds whatever else is queued (up to
// maxBatch) and stores them in one transaction.
func (r *Recorder) loop(bw BatchWriter) {
	defer close(r.done)
	batch := make([]pending, 0, maxBatch)
	events := make([]store.AuditEvent, 0, maxBatch)
	for {
		var first pending
		select {
		case first = <-r.queue:
		case <-r.stop:
			for {
				select {
				case p := <-r.queue:
					r.flush(bw, []pending{p}, events[:0])
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case p := <-r.queue:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		r.flush(bw, batch, events[:0])
	}
}

func (r *Recorder) flush(bw BatchWriter, batch []pending, events []store.AuditEvent) {
	for _, p := range batch {
		events = append(events, p.e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	err := bw.AppendAuditBatch(ctx, events)
	cancel()
	for _, p := range batch {
		p.stored <- err
	}
}

// store writes one event, through the group commit when there is one.
func (r *Recorder) store(ctx context.Context, e store.AuditEvent) error {
	if r.queue == nil {
		_, err := r.w.AppendAudit(ctx, e)
		return err
	}
	p := pending{e: e, stored: make(chan error, 1)}
	select {
	case r.queue <- p:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-p.stored:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

var _ cognitoidp.Auditor = (*Recorder)(nil)

// maxField bounds what an unauthenticated request can put in the log.
const maxField = 256

// Record implements cognitoidp.Auditor.
func (r *Recorder) Record(ctx context.Context, req *cognitoidp.Request, caller cognitoidp.Caller, target string, err error) {
	e := store.AuditEvent{
		Time:      r.now().UTC(),
		ActorType: ActorPrincipal,
		Actor:     caller.Principal,
		Action:    iam.ActionPrefix + req.Operation,
		PoolID:    clip(req.PoolID),
		Target:    clip(target),
		RequestID: req.RequestID,
	}
	e.Outcome, e.Detail = Outcome(err)
	if caller.Principal == "" {
		e.ActorType = ActorAccessKey
		if req.HTTP != nil {
			e.Actor = clip(claimedKeyID(req.HTTP.Header.Get("Authorization")))
		}
	}
	// The request's context may be cancelled the moment the client goes
	// away; the entry is still worth writing.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if werr := r.store(wctx, e); werr != nil {
		r.log.Error("audit: recording failed", "err", werr, "action", e.Action, "actor", e.Actor, "outcome", e.Outcome, "request_id", e.RequestID)
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
		return OutcomeDenied, se.Code + ": " + clip(se.Message)
	}
	var ae *awsjson.Error
	if errors.As(err, &ae) {
		if ae.Type == string(userpool.KindAccessDenied) {
			return OutcomeDenied, ae.Message
		}
		return OutcomeErrorPrefix + ae.Type, ""
	}
	return OutcomeErrorPrefix + string(userpool.KindOf(err)), ""
}

// claimedKeyID extracts the access key id from a SigV4 Authorization header
// without trusting anything else in it.
func claimedKeyID(h string) string {
	_, rest, ok := strings.Cut(h, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	id = strings.TrimSpace(id)
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return id
}

func clip(s string) string {
	if len(s) > maxField {
		return s[:maxField]
	}
	return s
}
