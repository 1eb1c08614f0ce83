package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"userpool/internal/store"
	"userpool/internal/store/postgres/pgtest"
	"userpool/internal/store/storetest"
)

// freshSchema is a schema of the test's own (see pgtest.FreshSchema).
func freshSchema(t testing.TB) string { return pgtest.FreshSchema(t, "userpool_test_") }

func openDSN(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, Options{MaxConns: 10})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openTemp opens a store on a fresh schema.
func openTemp(t testing.TB) *Store {
	t.Helper()
	return openDSN(t, freshSchema(t))
}

func TestConformance(t *testing.T) {
	t.Parallel()
	pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// Instances that start together on an empty schema migrate it exactly once:
// without the advisory lock they would race on CREATE TABLE and fail.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	const n = 6
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = Open(t.Context(), dsn, Options{MaxConns: 2})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: Open: %v", i, err)
		}
		defer stores[i].Close()
	}
	var applied, dup int
	err := stores[0].pool.QueryRow(t.Context(), `SELECT count(*), count(*) - count(DISTINCT version_id)
		FROM goose_db_version WHERE version_id > 0 AND is_applied`).Scan(&applied, &dup)
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(files) || dup != 0 {
		t.Fatalf("goose_db_version: %d applied rows, %d duplicates; want %d (one per migration) and 0", applied, dup, len(files))
	}
	// Every instance works.
	for i, s := range stores {
		if err := s.CreatePool(t.Context(), store.Pool{ID: fmt.Sprintf("p%d", i), Name: "x"}); err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	_, err := Open(t.Context(), "postgres://user:s3cret-pw@%zz/db", Options{})
	if err == nil || strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("invalid DSN: got %v, want an error without the password", err)
	}
	_, err = Open(t.Context(), pgtest.WithParam(t, dsn, "search_path", pgtest.RandomName("missing_")), Options{})
	if err == nil || !strings.Contains(err.Error(), "schema") {
		t.Fatalf("missing schema: got %v, want an error naming the schema problem", err)
	}
}

// Every text column that is part of an index uses the "C" collation, so
// orderings and prefix ranges are byte-wise whatever the database default.
func TestIndexCollations(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	rows, err := s.pool.Query(t.Context(), `
		SELECT ic.relname, a.attname, coalesce(coll.collname, '')
		FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = ic.relnamespace AND n.nspname = current_schema()
		CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indcollation::oid[]) AS k(attnum, collid)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		LEFT JOIN pg_collation coll ON coll.oid = k.collid
		WHERE a.atttypid = 'text'::regtype`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var checked int
	for rows.Next() {
		var index, col, coll string
		if err := rows.Scan(&index, &col, &coll); err != nil {
			t.Fatal(err)
		}
		checked++
		if coll != "C" {
			t.Errorf("index %s column %s: collation %q, want \"C\"", index, col, coll)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d indexed text columns", checked)
	}
}

func TestUpperBound(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"ab", "ac", true},
		{"a\x7f", "a\u0080", true},
		{"é", "ê", true},
		{"a\uD7FF", "a\uE000", true},
		{"a\U0010FFFF", "b", true},
		{"\U0010FFFF\U0010FFFF", "", false},
		{"x\uFFFF", "x\U00010000", true},
	}
	for _, c := range cases {
		got, ok := upperBound(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("upperBound(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// Prefix filters use the successor bound: values just past the prefix, and
// multi-byte neighbours, must not leak in.
func TestPrefixFilterBoundaries(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	pool := "us-east-1_bounds"
	if err := s.CreatePool(ctx, store.Pool{ID: pool, Name: "b"}); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"k1": "ab", "k2": "ab\U0010FFFF", "k3": "ac", "k4": "abé", "k5": "a\U0010FFFF", "k6": "b"}
	for k, n := range names {
		u := store.User{PoolID: pool, Username: n, UsernameKey: k, Sub: k, Status: "CONFIRMED"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		prefix string
		want   []string
	}{
		{"ab", []string{"k1", "k4", "k2"}},
		{"a\U0010FFFF", []string{"k5"}},
		{"a", []string{"k1", "k4", "k2", "k3", "k5"}},
		{"abé", []string{"k4"}},
		{"\x00", nil},
		{"\xff", nil},
	} {
		users, _, err := s.ListUsers(ctx, pool, &store.UserFilter{Attr: "username", Prefix: true, Value: c.prefix}, store.Page{})
		if err != nil {
			t.Fatalf("prefix %q: %v", c.prefix, err)
		}
		var got []string
		for _, u := range users {
			got = append(got, u.UsernameKey)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("prefix %q: got %v, want %v", c.prefix, got, c.want)
		}
	}
}

// Serialization failures and deadlocks re-run the whole transaction; other
// errors do not.
func TestTxRetries(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	for _, c := range []struct {
		name      string
		err       error
		failures  int
		wantCalls int
		wantErr   bool
	}{
		{"serialization", &pgconn.PgError{Code: "40001"}, 2, 3, false},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, 1, 2, false},
		{"always serialization", &pgconn.PgError{Code: "40001"}, 100, maxAttempts, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, 1, 1, true},
		{"updater error", errors.New("refused"), 1, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			err := s.tx(ctx, func(tx pgx.Tx) error {
				calls++
				if _, err := tx.Exec(ctx, `SELECT 1`); err != nil {
					return err
				}
				if calls <= c.failures {
					return fail("test", c.err)
				}
				return nil
			})
			if calls != c.wantCalls || (err != nil) != c.wantErr {
				t.Fatalf("%d calls, error %v; want %d calls, error %v", calls, err, c.wantCalls, c.wantErr)
			}
			if c.wantErr && !errors.Is(err, c.err) {
				t.Fatalf("error %v does not wrap %v", err, c.err)
			}
		})
	}
}

// A connection that dies in the middle of a transaction (here: the backend
// is terminated) rolls it back on the server, so tx runs it again on another
// connection, and the write lands exactly once.
func TestTxRetriesDroppedConnection(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "before"}); err != nil {
		t.Fatal(err)
	}
	calls := 0
	err := s.tx(ctx, func(tx pgx.Tx) error {
		calls++
		if _, err := tx.Exec(ctx, `UPDATE pools SET name = name || '+' WHERE id = 'p'`); err != nil {
			return err
		}
		if calls == 1 {
			_, err := tx.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
			if err == nil {
				t.Fatal("terminating the own backend did not fail")
			}
			return err
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("tx: %d calls, error %v; want 2 calls and success", calls, err)
	}
	p, err := s.GetPool(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "before+" {
		t.Fatalf("pool name %q, want %q (applied exactly once)", p.Name, "before+")
	}
}

// Two users swapping aliases at the same time: whichever way the server
// interleaves them (one fails at once, or they deadlock and one is aborted
// and re-run), both updates conflict with the other user's alias, so both
// end in ErrAliasExists, never in an internal error, and nothing changes.
func TestAliasSwapConcurrent(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	pool := "us-east-1_swap"
	if err := s.CreatePool(ctx, store.Pool{ID: pool, Name: "swap"}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b"} {
		u := store.User{PoolID: pool, Username: k, UsernameKey: k, Sub: k, Status: "CONFIRMED", Aliases: map[string]string{"email": k + "@x"}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 10 {
		// Both updaters hold their user's row lock before either writes.
		var arrived sync.WaitGroup
		arrived.Add(2)
		update := func(key, other string) error {
			first := true
			_, err := s.UpdateUser(ctx, pool, key, func(u *store.User) error {
				if first {
					first = false
					arrived.Done()
					arrived.Wait()
				}
				u.Aliases = map[string]string{"email": other + "@x"}
				return nil
			})
			return err
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		wg.Go(func() { errs[0] = update("a", "b") })
		wg.Go(func() { errs[1] = update("b", "a") })
		wg.Wait()
		for i, err := range errs {
			if !errors.Is(err, store.ErrAliasExists) {
				t.Fatalf("round %d, update %d: %v, want ErrAliasExists", round, i, err)
			}
		}
	}
	for _, k := range []string{"a", "b"} {
		u, err := s.GetUserByAlias(ctx, pool, "email", k+"@x")
		if err != nil || u.UsernameKey != k {
			t.Fatalf("alias %s@x: %q %v", k, u.UsernameKey, err)
		}
	}
}

// A real deadlock: two transactions lock two rows in opposite orders. The
// server aborts one (40P01); tx re-runs it after the other commits, so both
// succeed and the loser's function runs twice.
func TestTxRetriesDeadlock(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	for _, id := range []string{"x", "y"} {
		if err := s.CreatePool(ctx, store.Pool{ID: id, Name: "0"}); err != nil {
			t.Fatal(err)
		}
	}
	var locked sync.WaitGroup
	locked.Add(2)
	var calls atomic.Int32
	bump := func(first, second string) error {
		attempt := 0
		return s.tx(ctx, func(tx pgx.Tx) error {
			calls.Add(1)
			attempt++
			if _, err := tx.Exec(ctx, `UPDATE pools SET name = (name::int + 1)::text WHERE id = $1`, first); err != nil {
				return err
			}
			if attempt == 1 {
				locked.Done()
				locked.Wait() // both hold their first row
			}
			_, err := tx.Exec(ctx, `UPDATE pools SET name = (name::int + 1)::text WHERE id = $1`, second)
			return err
		})
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = bump("x", "y") })
	wg.Go(func() { errs[1] = bump("y", "x") })
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("tx %d: %v", i, err)
		}
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("functions ran %d times, want 3 (one re-run after the deadlock)", n)
	}
	for _, id := range []string{"x", "y"} {
		p, err := s.GetPool(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "2" {
			t.Fatalf("pool %s counted %s, want 2", id, p.Name)
		}
	}
}

// Internal errors carry the server's message for the log, never the SQL
// text or the values.
func TestInternalErrorsDoNotLeakSQL(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "p"}); err != nil {
		t.Fatal(err)
	}
	// PostgreSQL text cannot hold NUL: the insert fails on the server.
	err := s.CreateUser(ctx, store.User{PoolID: "p", Username: "n", UsernameKey: "n", Sub: "s", Status: "CONFIRMED",
		Attributes: map[string]string{"name": "secret\x00value"}})
	if err == nil {
		t.Fatal("want an error for a NUL byte")
	}
	for _, sentinel := range []error{store.ErrAlreadyExists, store.ErrAliasExists, store.ErrNotFound} {
		if errors.Is(err, sentinel) {
			t.Fatalf("internal error %v maps to %v", err, sentinel)
		}
	}
	msg := err.Error()
	for _, leak := range []string{"INSERT", "SELECT", "user_search", "secret"} {
		if strings.Contains(msg, leak) {
			t.Fatalf("error %q leaks %q", msg, leak)
		}
	}
	if _, err := s.GetUser(ctx, "p", "n"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("half-created user: %v", err)
	}
}

// JSON can carry a NUL, which PostgreSQL text cannot: a token with one is
// refused before it reaches the server (as an internal error it would be a
// 500). The rest of the token rules are in the conformance suite.
func TestFilterTokenWithNUL(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "p"}); err != nil {
		t.Fatal(err)
	}
	nul := encodeToken("users:email:prefix", "ali\x00", "k")
	_, _, err := s.ListUsers(ctx, "p", &store.UserFilter{Attr: "email", Prefix: true, Value: "ali"}, store.Page{Limit: 1, Token: nul})
	if !errors.Is(err, store.ErrInvalidToken) {
		t.Fatalf("token with a NUL: %v", err)
	}
}

// A panicking updater rolls back and returns its connection: with a pool of
// one connection, the next call would otherwise wait forever.
func TestUpdaterPanicReleasesConnection(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	s, err := Open(t.Context(), dsn, Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // hang guard only
	defer cancel()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "before"}); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatalf("updater panic was swallowed")
			}
		}()
		s.UpdatePool(ctx, "p", func(p *store.Pool) error { p.Name = "half"; panic("boom") })
	}()
	p, err := s.UpdatePool(ctx, "p", func(p *store.Pool) error {
		if p.Name != "before" {
			t.Errorf("updater sees %q: the panicked update was written", p.Name)
		}
		p.Name = "after"
		return nil
	})
	if err != nil || p.Name != "after" {
		t.Fatalf("update after panic: %+v, %v", p, err)
	}
}

// A read on a pooled connection whose backend was terminated (a server
// restart, a failover) is re-run on a new connection instead of failing.
func TestReadRetriesDroppedConnection(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	s, err := Open(t.Context(), dsn, Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "kept"}); err != nil {
		t.Fatal(err)
	}
	var pid uint32
	if err := s.pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.Exec(ctx, dsn, fmt.Sprintf(`SELECT pg_terminate_backend(%d, 5000)`, pid)); err != nil {
		t.Fatal(err)
	}
	p, err := s.GetPool(ctx, "p")
	if err != nil || p.Name != "kept" {
		t.Fatalf("GetPool after the backend was terminated: %+v, %v", p, err)
	}
	if n := s.pool.Stat().NewConnsCount(); n < 2 {
		t.Fatalf("%d connections made, want a new one after the termination", n)
	}
}
