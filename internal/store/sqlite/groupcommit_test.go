package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"userpool/internal/store"
	"userpool/internal/store/storetest"
)

// Concurrent creations (grouped into shared transactions) keep the store's
// guarantees: one winner per username and per alias, each loser told why,
// the pool's count equal to the users stored, and every winner readable.
func TestGroupedCreateUser(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "p"}); err != nil {
		t.Fatal(err)
	}
	const n = 200
	// User i has username u(i/2) (pairs clash) and email e(i/3) (triples
	// clash); a few callers have already gone away.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := fmt.Sprintf("u%d", i/2)
			c := ctx
			if i%50 == 49 {
				c = cancelled
			}
			errs[i] = s.CreateUser(c, store.User{PoolID: "p", Username: k, UsernameKey: k, Sub: fmt.Sprintf("sub-%d", i),
				Status: "CONFIRMED", Attributes: map[string]string{"email": fmt.Sprintf("e%d@example.com", i/3)},
				Aliases: map[string]string{"email": fmt.Sprintf("e%d@example.com", i/3)}})
		}()
	}
	wg.Wait()
	won := map[string]int{}
	emails := map[string]int{}
	ok := 0
	for i, err := range errs {
		k, e := fmt.Sprintf("u%d", i/2), fmt.Sprintf("e%d@example.com", i/3)
		switch {
		case err == nil:
			ok++
			won[k]++
			emails[e]++
		case i%50 == 49 && errors.Is(err, context.Canceled):
		case errors.Is(err, store.ErrAlreadyExists), errors.Is(err, store.ErrAliasExists):
		default:
			t.Errorf("user %d: unexpected error %v", i, err)
		}
	}
	for k, c := range won {
		if c != 1 {
			t.Errorf("username %s created %d times", k, c)
		}
		if _, err := s.GetUser(ctx, "p", k); err != nil {
			t.Errorf("winner %s not readable: %v", k, err)
		}
	}
	for e, c := range emails {
		if c != 1 {
			t.Errorf("alias %s held by %d users", e, c)
		}
		if _, err := s.GetUserByAlias(ctx, "p", "email", e); err != nil {
			t.Errorf("alias %s not found: %v", e, err)
		}
	}
	if ok == 0 || ok > n/2 {
		t.Fatalf("%d users created", ok)
	}
	count, err := s.CountUsers(ctx, "p")
	if err != nil || count != int64(ok) {
		t.Fatalf("pool count %d (%v), %d users created", count, err, ok)
	}
}

// Audit batches and user creations that arrive together share transactions
// and keep every write: each creation's user and each batch's events are
// stored, in order within a batch, and a creation that fails (a clash)
// takes no audit row with it.
func TestGroupedAuditAndCreates(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "p"}); err != nil {
		t.Fatal(err)
	}
	const n = 120
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				k := fmt.Sprintf("u%d", i/4) // pairs of creations clash
				errs[i] = s.CreateUser(ctx, store.User{PoolID: "p", Username: k, UsernameKey: k, Sub: fmt.Sprintf("sub-%d", i), Status: "CONFIRMED"})
				return
			}
			errs[i] = s.AppendAuditBatch(ctx, []store.AuditEvent{
				{ActorType: "principal", Actor: "a", Action: "x:first", PoolID: "p", Target: fmt.Sprint(i), Outcome: "allowed", RequestID: fmt.Sprintf("r%d-1", i)},
				{ActorType: "principal", Actor: "a", Action: "x:second", PoolID: "p", Target: fmt.Sprint(i), Outcome: "allowed", RequestID: fmt.Sprintf("r%d-2", i)},
			})
		}()
	}
	wg.Wait()
	created := 0
	for i, err := range errs {
		switch {
		case err == nil && i%2 == 0:
			created++
		case err == nil:
		case i%2 == 0 && errors.Is(err, store.ErrAlreadyExists):
		default:
			t.Errorf("write %d: %v", i, err)
		}
	}
	if created != n/4 {
		t.Errorf("%d users created, want %d (one per clashing pair)", created, n/4)
	}
	events := storetest.Collect(t, func(p store.Page) ([]store.AuditEvent, string, error) {
		return s.ListAudit(ctx, store.AuditFilter{}, p)
	})
	if len(events) != n {
		t.Fatalf("%d audit events stored, want %d", len(events), n)
	}
	seen := map[string]int64{}
	for _, e := range events {
		seen[e.RequestID] = e.ID
	}
	for i := 1; i < n; i += 2 {
		first, ok1 := seen[fmt.Sprintf("r%d-1", i)]
		second, ok2 := seen[fmt.Sprintf("r%d-2", i)]
		if !ok1 || !ok2 || second != first+1 {
			t.Errorf("batch %d: ids %d, %d (stored %v %v): want consecutive", i, first, second, ok1, ok2)
		}
	}
}
