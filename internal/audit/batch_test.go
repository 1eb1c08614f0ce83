package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"userpool/internal/cognitoidp"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
)

// countingStore counts batches and slows each one down a little, so that
// concurrent Record calls pile up behind it.
type countingStore struct {
	store.Store
	batches atomic.Int64
}

func (c *countingStore) AppendAuditBatch(ctx context.Context, es []store.AuditEvent) error {
	c.batches.Add(1)
	time.Sleep(2 * time.Millisecond)
	return c.Store.AppendAuditBatch(ctx, es)
}

func TestGroupCommitStoresEveryEventBeforeReturning(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{Store: st}
	r := New(cs, nil, nil)
	defer r.Close()

	const n = 100
	var wg sync.WaitGroup
	missing := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rid := fmt.Sprintf("rid-%03d", i)
			r.Record(ctx, &cognitoidp.Request{Operation: "AdminAddUserToGroup", PoolID: "us-east-1_AbCdEfGhI", RequestID: rid},
				cognitoidp.Caller{Principal: "p" + rid}, "alice", nil)
			// Durable before Record returns: the event is already readable.
			got, _, err := st.ListAudit(ctx, store.AuditFilter{Actor: "p" + rid}, store.Page{})
			if err != nil || len(got) != 1 || got[0].RequestID != rid {
				missing <- rid
			}
		}()
	}
	wg.Wait()
	close(missing)
	for rid := range missing {
		t.Errorf("event %s not stored when Record returned", rid)
	}
	all, _, err := st.ListAudit(ctx, store.AuditFilter{Action: "cognito-idp:AdminAddUserToGroup"}, store.Page{Limit: 60})
	if err != nil || len(all) != 60 {
		t.Fatalf("listing: %d %v", len(all), err)
	}
	if b := cs.batches.Load(); b >= n {
		t.Errorf("%d transactions for %d concurrent events: no group commit", b, n)
	}
}

func TestCloseStoresWhatIsQueued(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := New(st, nil, nil)
	r.Record(ctx, &cognitoidp.Request{Operation: "AdminDeleteUser", RequestID: "last"}, cognitoidp.Caller{Principal: "fn"}, "bob", nil)
	r.Close()
	r.Close() // idempotent
	got, _, err := st.ListAudit(ctx, store.AuditFilter{Actor: "fn"}, store.Page{})
	if err != nil || len(got) != 1 {
		t.Fatalf("after Close: %v %v", got, err)
	}
}
