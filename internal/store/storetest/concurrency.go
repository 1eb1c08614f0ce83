package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"userpool/internal/store"
)

// testPaging checks the page-size rules on lists big enough to need them.
func testPaging(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)
	const n = store.MaxPageSize + 5
	var keys, groups []string
	for i := range n {
		u := userFixture(pool, fmt.Sprintf("user%03d", i))
		u.Attributes["email"] = fmt.Sprintf("user%03d@example.com", n-i) // reverse order to the keys
		must(t, s.CreateUser(ctx, u))
		keys = append(keys, u.UsernameKey)
		g := fmt.Sprintf("group%03d", i)
		must(t, s.CreateGroup(ctx, store.Group{PoolID: pool, Name: g}, 1000))
		groups = append(groups, g)
		must(t, s.AddUserToGroup(ctx, pool, u.UsernameKey, "group000", 1000))
	}
	reversed := make([]string, n)
	for i, k := range keys {
		reversed[n-1-i] = k
	}

	type lister struct {
		name string
		want []string
		list func(store.Page) ([]string, string, error)
	}
	userKeys := func(us []store.User, tok string, err error) ([]string, string, error) {
		out := make([]string, len(us))
		for i, u := range us {
			out[i] = u.UsernameKey
		}
		return out, tok, err
	}
	listers := []lister{
		{"ListUsers", keys, func(p store.Page) ([]string, string, error) { return userKeys(s.ListUsers(ctx, pool, nil, p)) }},
		{"ListUsersFiltered", reversed, func(p store.Page) ([]string, string, error) {
			return userKeys(s.ListUsers(ctx, pool, &store.UserFilter{Attr: "email", Prefix: true, Value: "USER"}, p))
		}},
		{"ListUsersInGroup", keys, func(p store.Page) ([]string, string, error) {
			return userKeys(s.ListUsersInGroup(ctx, pool, "group000", p))
		}},
		{"ListGroups", groups, func(p store.Page) ([]string, string, error) {
			gs, tok, err := s.ListGroups(ctx, pool, p)
			return groupNames(gs), tok, err
		}},
	}
	for _, l := range listers {
		t.Run(l.name, func(t *testing.T) {
			for _, limit := range []int{0, -1, store.MaxPageSize + 1, 1000} {
				first, tok, err := l.list(store.Page{Limit: limit})
				must(t, err)
				if len(first) != store.MaxPageSize || tok == "" {
					t.Fatalf("limit %d: first page has %d items (token %q), want %d and a token", limit, len(first), tok, store.MaxPageSize)
				}
				second, tok2, err := l.list(store.Page{Limit: limit, Token: tok})
				must(t, err)
				if tok2 != "" {
					t.Fatalf("limit %d: second page returned token %q", limit, tok2)
				}
				wantStrings(t, l.want, append(first, second...), fmt.Sprintf("limit %d", limit))
			}
			// An exact fit: the page holding the last item carries no token.
			page, tok, err := l.list(store.Page{Limit: 5, Token: ""})
			must(t, err)
			for tok != "" {
				var next []string
				next, tok, err = l.list(store.Page{Limit: 5, Token: tok})
				must(t, err)
				if len(next) == 0 {
					t.Fatalf("empty page after a token")
				}
				page = append(page, next...)
			}
			wantStrings(t, l.want, page, "limit 5 (exact multiple)")
		})
	}

	t.Run("StableUnderInserts", func(t *testing.T) {
		// Keyset paging: items inserted behind the cursor do not shift later pages.
		p := mkPool(t, s)
		for i := range 10 {
			mkUser(t, s, p, fmt.Sprintf("k%02d", i*2))
		}
		first, tok, err := s.ListUsers(ctx, p, nil, store.Page{Limit: 4})
		must(t, err)
		mkUser(t, s, p, "a-before-everything")
		mkUser(t, s, p, "k01")
		rest := collect(t, 4, func(pg store.Page) ([]store.User, string, error) {
			if pg.Token == "" {
				pg.Token = tok
			}
			return s.ListUsers(ctx, p, nil, pg)
		})
		var got []string
		for _, u := range append(first, rest...) {
			got = append(got, u.UsernameKey)
		}
		wantStrings(t, []string{"k00", "k02", "k04", "k06", "k08", "k10", "k12", "k14", "k16", "k18"}, got, "keys across inserts")
	})
}

// parallel runs fn(i) for i in [0,n) at once and returns the errors.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts nil errors and errors matching want; any other error fails.
func tally(t *testing.T, errs []error, want error) (ok, matched int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, want):
			matched++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	return ok, matched
}

func testConcurrency(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("CreateUserSameKey", func(t *testing.T) {
		pool := mkPool(t, s)
		const n = 20
		errs := parallel(n, func(i int) error {
			u := userFixture(pool, "Same")
			u.Username = fmt.Sprintf("SAME%d", i)
			return s.CreateUser(ctx, u)
		})
		ok, dup := tally(t, errs, store.ErrAlreadyExists)
		if ok != 1 || dup != n-1 {
			t.Fatalf("%d created, %d ErrAlreadyExists; want 1 and %d", ok, dup, n-1)
		}
		count, err := s.CountUsers(ctx, pool)
		must(t, err)
		if count != 1 {
			t.Fatalf("CountUsers = %d", count)
		}
	})

	t.Run("CreateUserSameAlias", func(t *testing.T) {
		pool := mkPool(t, s)
		const n = 20
		errs := parallel(n, func(i int) error {
			u := userFixture(pool, fmt.Sprintf("u%d", i))
			u.Aliases = map[string]string{"email": "shared@example.com"}
			return s.CreateUser(ctx, u)
		})
		ok, dup := tally(t, errs, store.ErrAliasExists)
		if ok != 1 || dup != n-1 {
			t.Fatalf("%d created, %d ErrAliasExists; want 1 and %d", ok, dup, n-1)
		}
	})

	t.Run("AddUsersToOneGroup", func(t *testing.T) {
		pool := mkPool(t, s)
		mkGroup(t, s, pool, "g")
		const n = 50
		var keys []string
		for i := range n {
			keys = append(keys, mkUser(t, s, pool, fmt.Sprintf("m%02d", i)).UsernameKey)
		}
		errs := parallel(n, func(i int) error { return s.AddUserToGroup(ctx, pool, keys[i], "g", 100) })
		if ok, _ := tally(t, errs, nil); ok != n {
			t.Fatalf("%d of %d adds succeeded", ok, n)
		}
		got := collect(t, 0, func(p store.Page) ([]store.User, string, error) { return s.ListUsersInGroup(ctx, pool, "g", p) })
		var gotKeys []string
		for _, u := range got {
			gotKeys = append(gotKeys, u.UsernameKey)
		}
		wantStrings(t, keys, gotKeys, "members")
	})

	t.Run("CreateGroupLimit", func(t *testing.T) {
		pool := mkPool(t, s)
		const n, limit = 30, 7
		mkGroup(t, s, pool, "existing") // counts toward the limit
		errs := parallel(n, func(i int) error {
			return s.CreateGroup(ctx, store.Group{PoolID: pool, Name: fmt.Sprintf("g%02d", i)}, limit)
		})
		ok, over := tally(t, errs, store.ErrLimitExceeded)
		if ok != limit-1 || over != n-(limit-1) {
			t.Fatalf("%d created, %d ErrLimitExceeded; want %d and %d", ok, over, limit-1, n-(limit-1))
		}
		all := collect(t, 0, func(p store.Page) ([]store.Group, string, error) { return s.ListGroups(ctx, pool, p) })
		if len(all) != limit {
			t.Fatalf("pool has %d groups, limit %d", len(all), limit)
		}
	})

	t.Run("AddUserToGroupsLimit", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		const n, limit = 30, 5
		for i := range n {
			mkGroup(t, s, pool, fmt.Sprintf("g%02d", i))
		}
		errs := parallel(n, func(i int) error { return s.AddUserToGroup(ctx, pool, "u", fmt.Sprintf("g%02d", i), limit) })
		ok, over := tally(t, errs, store.ErrLimitExceeded)
		if ok != limit || over != n-limit {
			t.Fatalf("%d added, %d ErrLimitExceeded; want %d and %d", ok, over, limit, n-limit)
		}
		gs, err := s.AllGroupsForUser(ctx, pool, "u")
		must(t, err)
		if len(gs) != limit {
			t.Fatalf("user is in %d groups, limit %d", len(gs), limit)
		}
	})

	t.Run("UpdateUserIncrements", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		const n = 50
		errs := parallel(n, func(int) error {
			_, err := s.UpdateUser(ctx, pool, "u", func(u *store.User) error { u.FailedLogins++; return nil })
			return err
		})
		if ok, _ := tally(t, errs, nil); ok != n {
			t.Fatalf("%d of %d updates succeeded", ok, n)
		}
		u, err := s.GetUser(ctx, pool, "u")
		must(t, err)
		if u.FailedLogins != n {
			t.Fatalf("FailedLogins = %d, want %d (lost updates)", u.FailedLogins, n)
		}
	})

	t.Run("CodeAttempts", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		must(t, s.PutCode(ctx, store.Code{PoolID: pool, UsernameKey: "u", Purpose: "p", CodeHash: "h", CreatedAt: base, ExpiresAt: at(1e12)}))
		const n = 30
		seen := make([]int, n)
		errs := parallel(n, func(i int) error {
			c, err := s.IncrementCodeAttempts(ctx, pool, "u", "p")
			seen[i] = c
			return err
		})
		if ok, _ := tally(t, errs, nil); ok != n {
			t.Fatalf("%d of %d increments succeeded", ok, n)
		}
		// Every caller saw a distinct count: 1..n.
		got := make(map[int]bool)
		for _, c := range seen {
			got[c] = true
		}
		for c := 1; c <= n; c++ {
			if !got[c] {
				t.Fatalf("no caller saw count %d: %v", c, seen)
			}
		}
	})

	t.Run("DeleteCodeOneWinner", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		for round := range 5 {
			must(t, s.PutCode(ctx, store.Code{PoolID: pool, UsernameKey: "u", Purpose: "p", CodeHash: fmt.Sprint(round), CreatedAt: base, ExpiresAt: at(1e12)}))
			const n = 20
			errs := parallel(n, func(int) error { return s.DeleteCode(ctx, pool, "u", "p") })
			ok, missing := tally(t, errs, store.ErrNotFound)
			if ok != 1 || missing != n-1 {
				t.Fatalf("round %d: %d winners, %d ErrNotFound", round, ok, missing)
			}
		}
	})

	t.Run("TakeSessionOneWinner", func(t *testing.T) {
		pool := mkPool(t, s)
		for round := range 5 {
			id := uniq("sess")
			must(t, s.CreateSession(ctx, store.Session{ID: id, PoolID: pool, UsernameKey: "u", State: []byte("x"), CreatedAt: base, ExpiresAt: at(1e12)}))
			const n = 20
			var mu sync.Mutex
			var taken []store.Session
			errs := parallel(n, func(int) error {
				sess, err := s.TakeSession(ctx, id)
				if err == nil {
					mu.Lock()
					taken = append(taken, sess)
					mu.Unlock()
				}
				return err
			})
			ok, missing := tally(t, errs, store.ErrNotFound)
			if ok != 1 || missing != n-1 {
				t.Fatalf("round %d: %d winners, %d ErrNotFound", round, ok, missing)
			}
			if taken[0].ID != id || string(taken[0].State) != "x" {
				t.Fatalf("winner got %+v", taken[0])
			}
		}
	})
}
