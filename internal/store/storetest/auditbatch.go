package storetest

import (
	"context"
	"strconv"
	"testing"

	"userpool/internal/store"
)

// testAuditBatch: a batch is stored in order, in one piece, and an empty
// batch is a no-op.
func testAuditBatch(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := context.Background()
	actor := uniq("batch-")
	must(t, s.AppendAuditBatch(ctx, nil))
	var batch []store.AuditEvent
	for i := range 25 {
		batch = append(batch, store.AuditEvent{
			Time: at(0), ActorType: "principal", Actor: actor, Action: "cognito-idp:AdminGetUser",
			PoolID: "us-east-1_batch", Target: "user-" + strconv.Itoa(i), Outcome: "allowed", RequestID: uniq("req"),
		})
	}
	must(t, s.AppendAuditBatch(ctx, batch))
	got, next, err := s.ListAudit(ctx, store.AuditFilter{Actor: actor}, store.Page{Limit: 60})
	must(t, err)
	if next != "" || len(got) != len(batch) {
		t.Fatalf("want %d events on one page, got %d (next %q)", len(batch), len(got), next)
	}
	for i, e := range got {
		if e.Target != batch[i].Target || e.RequestID != batch[i].RequestID {
			t.Fatalf("event %d: got %+v, want %+v (order must be kept)", i, e, batch[i])
		}
		if i > 0 && e.ID <= got[i-1].ID {
			t.Fatalf("ids not increasing: %d after %d", e.ID, got[i-1].ID)
		}
	}
}
