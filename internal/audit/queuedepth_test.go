package audit

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"userpool/internal/userpool"
)

// depthWriter holds the first batch until released.
type depthWriter struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (w *depthWriter) AppendAudit(ctx context.Context, es []userpool.AuditEvent) error {
	w.once.Do(func() { close(w.entered); <-w.release })
	return nil
}

func TestQueueDepth(t *testing.T) {
	w := &depthWriter{entered: make(chan struct{}), release: make(chan struct{})}
	r := New(w, nil, nil)
	defer r.Close()
	if d := r.QueueDepth(); d != 0 {
		t.Fatalf("idle depth %d", d)
	}
	var wg sync.WaitGroup
	record := func() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Record(context.Background(), userpool.AuditEvent{Action: "cognito-idp:X", Outcome: OutcomeAllowed})
		}()
	}
	record()
	<-w.entered // the writer holds the first event
	const queued = 5
	for range queued {
		record()
	}
	for r.QueueDepth() < queued {
		runtime.Gosched() // the five Record calls are queueing
	}
	if d := r.QueueDepth(); d != queued {
		t.Fatalf("depth %d, want %d", d, queued)
	}
	close(w.release)
	wg.Wait()
	if d := r.QueueDepth(); d != 0 {
		t.Fatalf("depth %d after the commit, want 0", d)
	}
}
