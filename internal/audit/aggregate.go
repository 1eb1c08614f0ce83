package audit

import (
	"fmt"
	"time"

	"userpool/internal/userpool"
)

// Aggregation of anonymous denials. A flood of unauthenticated calls (a bad
// signature, an unknown access key) used to write one row each, hundreds a
// second, for ever. Now the first denial of a key — (actor type, claimed
// access key id, action, pool, outcome, detail) — is written at once as
// before; its repetitions within the aggregate window are only counted, and
// when the window ends one more row is written: the same fields, the time
// and request id of the last repetition, and a Detail beginning
//
//	"repeated N times from <first> to <last> (RFC 3339, UTC); "
//
// followed by the original detail. The audit log has no source-address
// column, so the key is the claimed key and what was refused (a client that
// varies its claimed key is bounded by maxAggregates below). At most maxAggregates keys are held
// per window; denials of further keys fold into one row per action and
// outcome whose Actor is "*" and whose detail names no key.

type aggKey struct {
	actorType, actor, action, pool, outcome, detail string
}

type aggregate struct {
	e       userpool.AuditEvent // the first denial, as written
	start   time.Time           // when the window opened
	count   int                 // repetitions since the first
	firstAt time.Time           // time of the first repetition
	last    time.Time
	lastReq string
}

func keyOf(e userpool.AuditEvent) aggKey {
	return aggKey{e.ActorType, e.Actor, e.Action, e.PoolID, e.Outcome, e.Detail}
}

// fold counts e into its open aggregate and reports true (nothing to write
// now), or opens an aggregate for it and reports false (write e).
func (r *Recorder) fold(e userpool.AuditEvent) bool {
	now := r.now()
	k := keyOf(e)
	r.aggMu.Lock()
	defer r.aggMu.Unlock()
	a, ok := r.agg[k]
	if !ok && len(r.agg) >= maxAggregates {
		k = aggKey{actorType: e.ActorType, actor: "*", action: e.Action, outcome: e.Outcome}
		a, ok = r.agg[k]
		if !ok {
			e.Actor, e.PoolID, e.Detail = "*", "", ""
		}
	}
	if ok && now.Sub(a.start) < r.window {
		if a.count == 0 {
			a.firstAt = e.Time
		}
		a.count++
		a.last, a.lastReq = e.Time, e.RequestID
		r.folded.Add(1)
		return true
	}
	if ok { // window over but not yet flushed: its row goes out first
		r.emit(a)
	}
	r.agg[k] = &aggregate{e: e, start: now}
	if k.actor == "*" && e.Actor != "*" {
		// The overflow row's first event: written without the key's fields.
		return r.writeOverflowFirst(e)
	}
	return false
}

// writeOverflowFirst queues the first event of the overflow aggregate with
// the actor replaced by "*"; it reports true (the caller writes nothing).
func (r *Recorder) writeOverflowFirst(e userpool.AuditEvent) bool {
	e.Actor, e.PoolID, e.Detail = "*", "", ""
	if queued, _ := r.enqueue(pending{e: e}); !queued {
		r.drop(e)
	}
	return true
}

// summary is the row of an aggregate's repetitions.
func (r *Recorder) summary(a *aggregate) userpool.AuditEvent {
	e := a.e
	e.Time, e.RequestID = a.last, a.lastReq
	e.Detail = clip(fmt.Sprintf("repeated %d times from %s to %s; %s", a.count,
		a.firstAt.UTC().Format(time.RFC3339), a.last.UTC().Format(time.RFC3339), a.e.Detail), maxDetail)
	return e
}

// emit queues the summary row of an aggregate with repetitions (aggMu held).
func (r *Recorder) emit(a *aggregate) {
	if a.count == 0 {
		return
	}
	e := r.summary(a)
	if queued, _ := r.enqueue(pending{e: e}); !queued {
		r.drop(e)
	}
}

// flushAggregates writes the rows of the aggregates whose window has ended
// (all of them when all is true) and forgets those aggregates. Rows go
// through the queue, behind the first rows they follow; with wait, it
// returns once the queued rows are stored. When the queue is closed (the
// writer's last act) they are written directly.
func (r *Recorder) flushAggregates(all, wait bool) {
	now := r.now()
	var out []userpool.AuditEvent
	r.aggMu.Lock()
	for k, a := range r.agg {
		if !all && now.Sub(a.start) < r.window {
			continue
		}
		delete(r.agg, k)
		if a.count > 0 {
			out = append(out, r.summary(a))
		}
	}
	r.aggMu.Unlock()
	var stored chan error
	if wait {
		stored = make(chan error, len(out))
	}
	n := 0
	for _, e := range out {
		queued, closed := r.enqueue(pending{e: e, stored: stored})
		switch {
		case closed:
			_ = r.commit([]userpool.AuditEvent{e})
		case !queued:
			r.drop(e)
		default:
			n++
		}
	}
	for range n {
		if stored != nil {
			<-stored
		}
	}
}

// Flush writes the rows of the aggregates whose window has ended (by the
// Recorder's clock) and returns once they are stored. The writer does this
// by itself every half window; tests call it after moving their clock.
func (r *Recorder) Flush() { r.flushAggregates(false, true) }
