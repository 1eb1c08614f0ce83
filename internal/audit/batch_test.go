package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

// countingWriter counts batches and slows each one down a little, so that
// concurrent Record calls pile up behind it.
type countingWriter struct {
	*userpool.Service
	batches atomic.Int64
}

func (c *countingWriter) AppendAudit(ctx context.Context, es []userpool.AuditEvent) error {
	c.batches.Add(1)
	time.Sleep(2 * time.Millisecond)
	return c.Service.AppendAudit(ctx, es)
}

func newService(t *testing.T) *userpool.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return userpool.New(st, userpool.Options{})
}

// Against a real store, through the domain: every event is readable when
// its Record returns, and concurrent events share transactions.
func TestGroupCommitStoresEveryEventBeforeReturning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	cw := &countingWriter{Service: svc}
	r := New(cw, nil, nil)
	defer r.Close()

	const n = 100
	var wg sync.WaitGroup
	missing := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			rid := fmt.Sprintf("rid-%03d", i)
			r.Record(ctx, userpool.AuditEvent{ActorType: ActorPrincipal, Actor: "p" + rid, Action: "cognito-idp:AdminAddUserToGroup",
				PoolID: "us-east-1_AbCdEfGhI", Target: "alice", Outcome: OutcomeAllowed, RequestID: rid})
			// Durable before Record returns: the event is already readable.
			got, _, err := svc.ListAudit(ctx, userpool.AuditFilter{Actor: "p" + rid}, 0, "")
			if err != nil || len(got) != 1 || got[0].RequestID != rid {
				missing <- rid
			}
		})
	}
	wg.Wait()
	close(missing)
	for rid := range missing {
		t.Errorf("event %s not stored when Record returned", rid)
	}
	all, _, err := svc.ListAudit(ctx, userpool.AuditFilter{Action: "cognito-idp:AdminAddUserToGroup"}, 60, "")
	if err != nil || len(all) != 60 {
		t.Fatalf("listing: %d %v", len(all), err)
	}
	if b := cw.batches.Load(); b >= n {
		t.Errorf("%d transactions for %d concurrent events: no group commit", b, n)
	}
}

// The domain's ListAudit filters and pages, and refuses a foreign token.
func TestServiceListAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	var es []userpool.AuditEvent
	for i := range 5 {
		es = append(es, userpool.AuditEvent{Time: at.Add(time.Duration(i) * time.Minute), ActorType: ActorUser, Actor: "admin",
			Action: "adminqueries:disableUser", PoolID: "us-east-1_AbCdEfGhI", Target: fmt.Sprint("u", i),
			Outcome: []string{OutcomeAllowed, ErrorOutcome("UserNotFoundException")}[i%2], RequestID: fmt.Sprint("r", i)})
	}
	if err := svc.AppendAudit(ctx, es); err != nil {
		t.Fatal(err)
	}
	if err := svc.AppendAudit(ctx, nil); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
	got, next, err := svc.ListAudit(ctx, userpool.AuditFilter{Outcome: "error:UserNotFoundException"}, 1, "")
	if err != nil || len(got) != 1 || got[0].Target != "u1" || next == "" || got[0].ID == 0 || !got[0].Time.Equal(es[1].Time) {
		t.Fatalf("first page: %+v %q %v", got, next, err)
	}
	got, next, err = svc.ListAudit(ctx, userpool.AuditFilter{Outcome: "error:UserNotFoundException"}, 1, next)
	if err != nil || len(got) != 1 || got[0].Target != "u3" {
		t.Fatalf("second page: %+v %q %v", got, next, err)
	}
	if _, _, err := svc.ListAudit(ctx, userpool.AuditFilter{}, 0, "not-a-token"); userpool.KindOf(err) != userpool.KindInvalidParameter {
		t.Fatalf("foreign token: %v", err)
	}
}
