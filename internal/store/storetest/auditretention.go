package storetest

import (
	"context"
	"testing"
	"time"

	"userpool/internal/store"
)

// testAuditRetention: DeleteAuditBefore deletes only events older than the
// cut-off, at most limit per call, oldest first; newer events stay.
func testAuditRetention(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := context.Background()
	actor := uniq("retention-")
	old := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) // before every other test's events
	cut := old.Add(365 * 24 * time.Hour)
	var batch []store.AuditEvent
	for i := range 7 {
		batch = append(batch, store.AuditEvent{Time: old.Add(time.Duration(i) * time.Hour), ActorType: "access-key", Actor: actor,
			Action: "cognito-idp:AdminGetUser", Outcome: "denied", RequestID: uniq("old")})
	}
	for i := range 3 {
		batch = append(batch, store.AuditEvent{Time: cut.Add(time.Duration(i) * time.Microsecond), ActorType: "access-key", Actor: actor,
			Action: "cognito-idp:AdminGetUser", Outcome: "denied", RequestID: uniq("new")})
	}
	must(t, s.AppendAuditBatch(ctx, batch))
	var deleted []int
	for {
		n, err := s.DeleteAuditBefore(ctx, cut, 3)
		must(t, err)
		deleted = append(deleted, n)
		if n < 3 {
			break
		}
		if len(deleted) > 10 {
			t.Fatalf("DeleteAuditBefore keeps deleting: %v", deleted)
		}
	}
	if len(deleted) != 3 || deleted[0] != 3 || deleted[1] != 3 || deleted[2] != 1 {
		t.Fatalf("deleted per call %v, want [3 3 1]", deleted)
	}
	got, _, err := s.ListAudit(ctx, store.AuditFilter{Actor: actor}, store.Page{Limit: 60})
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("%d events left, want the 3 at or after the cut-off: %+v", len(got), got)
	}
	for _, e := range got {
		if e.Time.Before(cut) {
			t.Fatalf("event of %v survived the cut-off %v", e.Time, cut)
		}
	}
	if n, err := s.DeleteAuditBefore(ctx, cut, 0); n != 0 || err != nil {
		t.Fatalf("limit 0: %d, %v", n, err)
	}
}
