package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"userpool/internal/store"
)

func TestUpperBound(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"ali", "alj", true},
		{"a\xff", "b", true},
		{"\xff\xff", "", false},
		{"é", "\xc3\xaa", true},
	}
	for _, c := range cases {
		got, ok := upperBound(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("upperBound(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && !(c.in < got) {
			t.Errorf("upperBound(%q) = %q is not above the prefix", c.in, got)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tok := encodeToken("users", "alice")
	got, err := decodeToken(tok, "users", 1)
	if err != nil || len(got) != 1 || got[0] != "alice" {
		t.Fatalf("round trip: %v, %v", got, err)
	}
	if got, err := decodeToken("", "users", 1); got != nil || err != nil {
		t.Fatalf("first page: %v, %v", got, err)
	}
	bad := []struct{ name, tok, kind string }{
		{"other list", encodeToken("groups", "alice"), "users"},
		{"wrong arity", encodeToken("users", "a", "b"), "users"},
		{"not base64", "***", "users"},
		{"not json", "bm90IGpzb24", "users"},
		{"object", "eyJ4IjoxfQ", "users"},
	}
	for _, b := range bad {
		if _, err := decodeToken(b.tok, b.kind, 1); !errors.Is(err, store.ErrInvalidToken) {
			t.Errorf("%s: err = %v", b.name, err)
		}
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "userpool.db")
	ctx := t.Context()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreatePool(ctx, store.Pool{ID: "p1", Name: "kept"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path) // migrations already applied: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.GetPool(ctx, "p1")
	if err != nil || p.Name != "kept" {
		t.Fatalf("after reopen: %+v, %v", p, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Fatalf("%s: mode %v, %v; want private", path+suffix, fi.Mode(), err)
		}
	}
	var mode string
	if err := s.r.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := s.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	// Readers cannot write.
	if _, err := s.r.ExecContext(ctx, "DELETE FROM pools"); err == nil {
		t.Fatalf("reader pool accepted a write")
	}
}

// A panicking updater must not wedge the single writer connection.
func TestUpdaterPanicReleasesWriter(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
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
	if _, err := s.UpdatePool(ctx, "p", func(p *store.Pool) error { p.Name = "after"; return nil }); err != nil {
		t.Fatalf("write after a panicking updater: %v", err)
	}
	p, err := s.GetPool(ctx, "p")
	if err != nil || p.Name != "after" {
		t.Fatalf("pool = %+v, %v", p, err)
	}
}

// Tokens of the longest attribute values still decode.
func TestLongValueToken(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := t.Context()
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "p"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("<&>", 2048/3)
	for _, k := range []string{"a", "b"} {
		if err := s.CreateUser(ctx, store.User{PoolID: "p", Username: k, UsernameKey: k, Sub: k, Status: "CONFIRMED",
			Attributes: map[string]string{"name": long}}); err != nil {
			t.Fatal(err)
		}
	}
	f := &store.UserFilter{Attr: "name", Value: long}
	_, next, err := s.ListUsers(ctx, "p", f, store.Page{Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first page: %v", err)
	}
	users, next, err := s.ListUsers(ctx, "p", f, store.Page{Limit: 1, Token: next})
	if err != nil || len(users) != 1 || users[0].UsernameKey != "b" || next != "" {
		t.Fatalf("second page: %d users, token %q, %v", len(users), next, err)
	}
}
