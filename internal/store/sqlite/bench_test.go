package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"userpool/internal/store"
	"userpool/internal/store/storetest"
)

// The shared benchmarks (storetest.Bench) run against the fixture
// storetest.BenchFixture describes, seeded once per test binary the first
// time a benchmark asks for it (plain `go test` never seeds); users also get
// given/family names, a phone, an SRP salt/verifier and a password hash like
// a real user's.
const (
	benchUsers = storetest.BenchUsers
	benchPool  = storetest.BenchPool
)

var bench struct {
	once sync.Once
	dir  string
	s    *Store
	err  error
	took time.Duration
	add  atomic.Int64 // next membership BenchmarkAddUserToGroup adds
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.s != nil {
		bench.s.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	bench.once.Do(func() {
		start := time.Now()
		bench.dir, bench.err = os.MkdirTemp("", "userpool-bench-")
		if bench.err != nil {
			return
		}
		bench.s, bench.err = Open(context.Background(), filepath.Join(bench.dir, "userpool.db"))
		if bench.err != nil {
			return
		}
		bench.err = seed(context.Background(), bench.s)
		bench.took = time.Since(start)
		var size int64
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(filepath.Join(bench.dir, "userpool.db"+suffix)); err == nil {
				size += fi.Size()
			}
		}
		fmt.Printf("# seeded %d users in %v, database %d MiB\n", benchUsers, bench.took.Round(time.Millisecond), size>>20)
	})
	if bench.err != nil {
		b.Fatalf("seed: %v", bench.err)
	}
	return bench.s
}

func benchKey(i int) string { return fmt.Sprintf("user%06d", i) }

// seed bulk-loads the fixture in one transaction with prepared statements,
// writing the same rows CreateUser writes.
func seed(ctx context.Context, s *Store) error {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO pools (id, name, user_count, created_at, updated_at) VALUES (?, 'bench', ?, ?, ?)`,
		benchPool, benchUsers, tv(now), tv(now)); err != nil {
		return err
	}
	insUser, err := tx.PrepareContext(ctx, userInsert)
	if err != nil {
		return err
	}
	insSearch, err := tx.PrepareContext(ctx, `INSERT INTO user_search (pool_id, attr, value, username_key) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insAlias, err := tx.PrepareContext(ctx, `INSERT INTO user_aliases (pool_id, kind, value, username_key) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	salt := make([]byte, 16)
	verifier := make([]byte, 384)
	for i := range verifier {
		verifier[i] = byte(i)
	}
	for i := range benchUsers {
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
		if _, err := insUser.ExecContext(ctx, append([]any{u.PoolID, u.UsernameKey, u.Username, u.Sub}, userValues(&u)...)...); err != nil {
			return err
		}
		for _, e := range store.SearchEntries(&u) {
			if _, err := insSearch.ExecContext(ctx, benchPool, e.Attr, e.Value, key); err != nil {
				return err
			}
		}
		if _, err := insAlias.ExecContext(ctx, benchPool, "email", email, key); err != nil {
			return err
		}
	}
	addGroup := func(name string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO user_groups (`+groupCols+`) VALUES (?, ?, '', '', NULL, ?, ?)`, benchPool, name, tv(now), tv(now))
		return err
	}
	addMember := func(group string, i int) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO group_members (pool_id, group_name, username_key) VALUES (?, ?, ?)`, benchPool, group, benchKey(i))
		return err
	}
	if err := addGroup("big"); err != nil {
		return err
	}
	for i := range 1000 {
		if err := addMember("big", i); err != nil {
			return err
		}
	}
	for g := range 50 {
		if err := addGroup(fmt.Sprintf("g%02d", g)); err != nil {
			return err
		}
	}
	for i := range 100 {
		for j := range 25 {
			if err := addMember(fmt.Sprintf("g%02d", (i+j)%50), i); err != nil {
				return err
			}
		}
	}
	for g := range 10 {
		if err := addGroup(fmt.Sprintf("add%d", g)); err != nil {
			return err
		}
	}
	return tx.Commit()
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
