package audit

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"userpool/internal/userpool"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func denial(action, key, req string) userpool.AuditEvent {
	return userpool.AuditEvent{ActorType: ActorAccessKey, Actor: key, Action: action, Outcome: OutcomeDenied,
		RequestID: req, Detail: "SignatureDoesNotMatch: The request signature we calculated does not match"}
}

// A flood of identical anonymous denials writes the first at once and one
// counted row per window, not a row each.
func TestAnonymousDenialsAggregate(t *testing.T) {
	t.Parallel()
	clk := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	w := &memWriter{}
	r := NewRecorder(w, Options{Now: clk.now, AggregateWindow: 10 * time.Second})
	defer r.Close()
	ctx := context.Background()
	for i := range 100 {
		r.Record(ctx, denial("cognito-idp:AdminGetUser", "AKIAFLOOD", "req-"+string(rune('a'+i%26))))
	}
	r.Record(ctx, denial("cognito-idp:ListUsers", "AKIAFLOOD", "other"))
	// An authenticated call is recorded as before.
	r.Record(ctx, userpool.AuditEvent{ActorType: ActorPrincipal, Actor: "admin", Action: "cognito-idp:CreateGroup", Outcome: OutcomeAllowed, RequestID: "ok-1"})
	clk.advance(11 * time.Second)
	r.Flush()
	got := w.all()
	if len(got) != 4 {
		t.Fatalf("%d rows for 102 events, want 4: %+v", len(got), got)
	}
	var summary *userpool.AuditEvent
	for i, e := range got {
		if strings.HasPrefix(e.Detail, "repeated ") {
			summary = &got[i]
		}
	}
	if summary == nil || !strings.HasPrefix(summary.Detail, "repeated 99 times from 2026-01-02T03:04:05Z to 2026-01-02T03:04:05Z; SignatureDoesNotMatch") ||
		summary.Action != "cognito-idp:AdminGetUser" || summary.Actor != "AKIAFLOOD" || summary.Outcome != OutcomeDenied {
		t.Fatalf("summary row %+v", summary)
	}
	if r.Folded() != 99 {
		t.Fatalf("folded %d, want 99", r.Folded())
	}
	// After the window the next denial is written at once again.
	r.Record(ctx, denial("cognito-idp:AdminGetUser", "AKIAFLOOD", "later"))
	r.Record(ctx, userpool.AuditEvent{ActorType: ActorPrincipal, Actor: "admin", Action: "cognito-idp:CreateGroup", Outcome: OutcomeAllowed, RequestID: "ok-2"})
	if got := w.all(); len(got) != 6 || got[4].RequestID != "later" || strings.HasPrefix(got[4].Detail, "repeated") {
		t.Fatalf("after the window: %+v", got[4:])
	}
}

// Distinct claimed keys beyond the table's bound fold into one "*" row per
// action and outcome.
func TestAnonymousDenialsBounded(t *testing.T) {
	t.Parallel()
	clk := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	w := &memWriter{}
	r := NewRecorder(w, Options{Now: clk.now, AggregateWindow: time.Minute, QueueSize: 4 * maxAggregates})
	defer r.Close()
	ctx := context.Background()
	for i := range maxAggregates + 500 {
		r.Record(ctx, denial("cognito-idp:AdminGetUser", "AKIA"+strings.Repeat("X", i%7)+string(rune('A'+i%26))+string(rune('A'+i/26%26))+string(rune('A'+i/676)), "r"))
	}
	clk.advance(2 * time.Minute)
	r.Flush()
	rows := len(w.all())
	if rows > maxAggregates+2 {
		t.Fatalf("%d rows for %d distinct keys, want at most %d", rows, maxAggregates+500, maxAggregates+2)
	}
}

// holdingWriter holds every write until released.
type holdingWriter struct {
	memWriter
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *holdingWriter) AppendAudit(ctx context.Context, es []userpool.AuditEvent) error {
	b.once.Do(func() { close(b.entered) })
	<-b.release
	return b.memWriter.AppendAudit(ctx, es)
}

// With the writer stuck and the queue full, Record returns at once and
// counts the dropped event instead of blocking the request.
func TestRecordDropsWhenQueueFull(t *testing.T) {
	t.Parallel()
	w := &holdingWriter{entered: make(chan struct{}), release: make(chan struct{})}
	r := NewRecorder(w, Options{QueueSize: 2, AggregateWindow: -1})
	ctx := context.Background()
	done := make(chan struct{})
	go func() { // an authenticated call waits for its row: it occupies the writer
		r.Record(ctx, userpool.AuditEvent{ActorType: ActorPrincipal, Actor: "admin", Action: "cognito-idp:CreateGroup", Outcome: OutcomeAllowed})
		close(done)
	}()
	<-w.entered
	r.Record(ctx, denial("cognito-idp:AdminGetUser", "AKIA1", "q1")) // queued, not waited for
	r.Record(ctx, denial("cognito-idp:AdminGetUser", "AKIA2", "q2")) // queued
	if d := r.QueueDepth(); d != 2 {
		t.Fatalf("queue depth %d, want 2", d)
	}
	r.Record(ctx, denial("cognito-idp:AdminGetUser", "AKIA3", "q3"))                                                                          // dropped
	r.Record(ctx, userpool.AuditEvent{ActorType: ActorPrincipal, Actor: "admin", Action: "cognito-idp:DeleteGroup", Outcome: OutcomeAllowed}) // dropped, not waited for
	if n := r.Dropped(); n != 2 {
		t.Fatalf("dropped %d, want 2", n)
	}
	close(w.release)
	<-done
	r.Close()
	if got := w.all(); len(got) != 3 {
		t.Fatalf("%d rows stored, want 3", len(got))
	}
}

// Healthy fails after a failed write (a full disk) until a write succeeds
// or the health window passes.
func TestHealthy(t *testing.T) {
	t.Parallel()
	clk := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	w := &memWriter{}
	r := NewRecorder(w, Options{Now: clk.now, HealthWindow: time.Minute})
	defer r.Close()
	ctx := context.Background()
	ev := userpool.AuditEvent{ActorType: ActorPrincipal, Actor: "admin", Action: "cognito-idp:CreateGroup", Outcome: OutcomeAllowed}
	if err := r.Healthy(ctx); err != nil {
		t.Fatalf("idle: %v", err)
	}
	r.Record(ctx, ev)
	if err := r.Healthy(ctx); err != nil {
		t.Fatalf("after a write: %v", err)
	}
	w.mu.Lock()
	w.err = errors.New("database or disk is full")
	w.mu.Unlock()
	r.Record(ctx, ev)
	if err := r.Healthy(ctx); err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("after a failed write: %v", err)
	}
	if r.Lost() != 1 {
		t.Fatalf("lost %d, want 1", r.Lost())
	}
	clk.advance(2 * time.Minute)
	if err := r.Healthy(ctx); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	r.Record(ctx, ev)
	if err := r.Healthy(ctx); err == nil {
		t.Fatal("a new failure is not reported")
	}
	w.mu.Lock()
	w.err = nil
	w.mu.Unlock()
	r.Record(ctx, ev)
	if err := r.Healthy(ctx); err != nil {
		t.Fatalf("after a successful write: %v", err)
	}
}

// fakePruner holds event times and deletes like the store does.
type fakePruner struct {
	times  []time.Time
	calls  []int
	cutoff time.Time
}

func (f *fakePruner) DeleteAuditBefore(_ context.Context, before time.Time, limit int) (int, error) {
	f.cutoff = before
	var keep []time.Time
	n := 0
	for _, t := range f.times {
		if t.Before(before) && n < limit {
			n++
			continue
		}
		keep = append(keep, t)
	}
	f.times = keep
	f.calls = append(f.calls, n)
	return n, nil
}

func TestRetentionOnce(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	p := &fakePruner{}
	for i := range 7 {
		p.times = append(p.times, now.Add(-100*24*time.Hour+time.Duration(i)*time.Hour)) // older than 90 days
	}
	p.times = append(p.times, now.Add(-89*24*time.Hour), now)
	n, err := Retention{Pruner: p, Batch: 3, Pause: -1, Now: func() time.Time { return now }}.Once(context.Background())
	if err != nil || n != 7 {
		t.Fatalf("deleted %d, %v; want 7", n, err)
	}
	if len(p.calls) != 3 || p.calls[2] != 1 || !p.cutoff.Equal(now.Add(-DefaultRetention)) || len(p.times) != 2 {
		t.Fatalf("calls %v, cut-off %v, left %d", p.calls, p.cutoff, len(p.times))
	}
}
