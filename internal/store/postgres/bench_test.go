package postgres

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
	"userpool/internal/store/postgres/pgtest"
	"userpool/internal/store/storetest"
)

// The shared benchmarks (storetest.Bench) run against the fixture
// storetest.BenchFixture describes, in a schema of their own (dropped at
// exit), seeded with COPY once per test binary the first time a benchmark
// asks for it (plain `go test` never seeds); users also get given/family
// names, a phone, an SRP salt/verifier and a password hash like a real
// user's.
const (
	benchUsers = storetest.BenchUsers
	benchPool  = storetest.BenchPool
)

var bench struct {
	once   sync.Once
	s      *Store
	dsn    string // admin DSN
	schema string
	err    error
	add    atomic.Int64 // next membership BenchmarkAddUserToGroup adds
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.s != nil {
		bench.s.Close()
	}
	if bench.schema != "" {
		if err := pgtest.Exec(context.Background(), bench.dsn, `DROP SCHEMA `+bench.schema+` CASCADE`); err != nil {
			fmt.Fprintf(os.Stderr, "drop bench schema %s: %v\n", bench.schema, err)
		}
	}
	os.Exit(code)
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	dsn := pgtest.DSN(b)
	bench.once.Do(func() {
		ctx := context.Background()
		start := time.Now()
		bench.dsn, bench.schema = dsn, pgtest.RandomName("userpool_bench_")
		if bench.err = pgtest.Exec(ctx, dsn, `CREATE SCHEMA `+bench.schema); bench.err != nil {
			bench.schema = ""
			return
		}
		if bench.s, bench.err = Open(ctx, pgtest.WithParam(b, dsn, "search_path", bench.schema), Options{}); bench.err != nil {
			return
		}
		if bench.err = seed(ctx, bench.s, benchUsers); bench.err != nil {
			return
		}
		var size int64
		bench.err = bench.s.pool.QueryRow(ctx, `SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`, bench.schema).Scan(&size)
		fmt.Printf("# seeded %d users in %v, schema %d MiB\n", benchUsers, time.Since(start).Round(time.Millisecond), size>>20)
	})
	if bench.err != nil {
		b.Fatalf("seed: %v", bench.err)
	}
	return bench.s
}

func benchKey(i int) string { return fmt.Sprintf("user%06d", i) }

// seed bulk-loads the fixture of n users with COPY, writing the same rows
// CreateUser writes, then VACUUM ANALYZEs so plans and index-only scans are
// those of a database in its steady state.
func seed(ctx context.Context, s *Store, n int) error {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.pool.Exec(ctx, `INSERT INTO pools (id, name, created_at, updated_at) VALUES ($1, 'bench', $2, $2)`, benchPool, now); err != nil {
		return err
	}
	salt := make([]byte, 16)
	verifier := make([]byte, 384)
	for i := range verifier {
		verifier[i] = byte(i)
	}
	var users, search, aliases [][]any
	for i := range n {
		key := benchKey(i)
		email := key + "@example.com"
		u := store.User{
			PoolID: benchPool, Username: key, UsernameKey: key, Sub: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i),
			Status: "CONFIRMED", Enabled: i%10 != 0,
			Attributes: map[string]string{"email": email, "email_verified": "true", "given_name": fmt.Sprintf("Given%d", i%1000),
				"family_name": fmt.Sprintf("Family%d", i%5000), "phone_number": fmt.Sprintf("+1555%07d", i)},
			Aliases: map[string]string{"email": email},
			Password: store.Password{Hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
				SRPSalt: salt, SRPVerifier: verifier, SetAt: now},
			CreatedAt: now, UpdatedAt: now,
		}
		users = append(users, append([]any{u.PoolID, u.UsernameKey, u.Username, u.Sub}, userValues(&u)...))
		for _, e := range store.SearchEntries(&u) {
			search = append(search, []any{benchPool, e.Attr, e.Value, key})
		}
		aliases = append(aliases, []any{benchPool, "email", email, key})
	}
	var groups, members [][]any
	addGroup := func(name string) { groups = append(groups, []any{benchPool, name, "", "", nil, now, now}) }
	addMember := func(group string, i int) { members = append(members, []any{benchPool, group, benchKey(i)}) }
	addGroup("big")
	for i := range min(1000, n) {
		addMember("big", i)
	}
	for g := range 50 {
		addGroup(fmt.Sprintf("g%02d", g))
	}
	for i := range min(100, n) {
		for j := range 25 {
			addMember(fmt.Sprintf("g%02d", (i+j)%50), i)
		}
	}
	for g := range 10 {
		addGroup(fmt.Sprintf("add%d", g))
	}

	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"users", userColNames, users},
			{"user_search", []string{"pool_id", "attr", "value", "username_key"}, search},
			{"user_aliases", []string{"pool_id", "kind", "value", "username_key"}, aliases},
			{"user_groups", []string{"pool_id", "name", "description", "role_arn", "precedence", "created_at", "updated_at"}, groups},
			{"group_members", []string{"pool_id", "group_name", "username_key"}, members},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", c.table, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `VACUUM ANALYZE users, user_search, user_aliases, user_groups, group_members`)
	return err
}

// BenchmarkStore runs the benchmarks every backend reports (storetest.Bench)
// over the seeded fixture.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, storetest.BenchFixture{
		Store: benchStore(b), Pool: benchPool, Users: benchUsers, Key: benchKey,
		DeepToken: encodeToken("users:status:eq", "Enabled", benchKey(66_000)),
		Added:     &bench.add,
	})
}

func BenchmarkCountUsers(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		n, err := s.CountUsers(ctx, benchPool)
		if err != nil || n != benchUsers {
			b.Fatalf("%d users, %v", n, err)
		}
	}
}
