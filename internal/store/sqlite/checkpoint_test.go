package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"userpool/internal/store"
)

// The writer checkpoints only as a backstop, and the checkpointer's
// connection copies the whole WAL back while the store is open, without
// blocking a write that runs meanwhile; what it copied is read back after a
// reopen from the database file.
func TestCheckpointOffTheWritePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "userpool.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var pages int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil || pages != walBackstopPages {
		t.Fatalf("writer wal_autocheckpoint = %d (%v), want %d", pages, err, walBackstopPages)
	}
	if err := s.CreatePool(ctx, store.Pool{ID: "p", Name: "p"}); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		k := fmt.Sprintf("u%d", i)
		if err := s.CreateUser(ctx, store.User{PoolID: "p", Username: k, UsernameKey: k, Sub: "s" + k, Status: "CONFIRMED"}); err != nil {
			t.Fatal(err)
		}
	}
	// Hold a write transaction open: a PASSIVE checkpoint still runs.
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.ckpt.checkpoint(ctx, passive)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if w.frames == 0 || w.copied != w.frames {
		t.Fatalf("checkpoint copied %d of %d frames, want all of a non-empty WAL", w.copied, w.frames)
	}
	// A RESTART lets the next write start the WAL over.
	if _, err := s.ckpt.checkpoint(ctx, restart); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, store.User{PoolID: "p", Username: "last", UsernameKey: "last", Sub: "slast", Status: "CONFIRMED"}); err != nil {
		t.Fatal(err)
	}
	if w, err := s.ckpt.checkpoint(ctx, passive); err != nil || w.frames == 0 || w.frames >= 20 {
		t.Fatalf("after a restart and one write the WAL holds %d frames (%v), want the write's few", w.frames, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // a second Close is harmless
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("WAL left after Close: %v", err)
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n, err := s2.CountUsers(ctx, "p"); err != nil || n != 301 {
		t.Fatalf("after reopen: %d users (%v), want 301", n, err)
	}
}
