package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"userpool/internal/store"
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
