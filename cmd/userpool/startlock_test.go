package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"userpool/internal/config"
	"userpool/internal/store/sqlite"
)

// A second serve on the SQLite database of a running one is refused before
// it opens the store, naming the running one's pid; once the first stops,
// the lock is free again.
func TestServeRefusesSecondServerOnSQLite(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	cfg.Server.Listen = "127.0.0.1:0"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ready1 := make(chan string, 1)
	errc1 := make(chan error, 1)
	go func() { errc1 <- serve(ctx, cfg, log, io.Discard, ready1) }()
	select {
	case <-ready1:
	case err := <-errc1:
		t.Fatalf("first serve: %v", err)
	}

	ready2 := make(chan string, 1)
	errc2 := make(chan error, 1)
	go func() { errc2 <- serve(ctx, cfg, log, io.Discard, ready2) }()
	select {
	case addr := <-ready2:
		t.Fatalf("a second server started on the same SQLite database (at %s)", addr)
	case err := <-errc2:
		var le *sqlite.LockedError
		if !errors.As(err, &le) || le.PID != os.Getpid() {
			t.Fatalf("second serve: %v, want a *sqlite.LockedError naming pid %d", err, os.Getpid())
		}
		if !strings.Contains(err.Error(), "one userpool server") {
			t.Errorf("message: %v", err)
		}
	}

	cancel()
	if err := <-errc1; err != nil {
		t.Fatalf("first serve stopped with %v", err)
	}
	_, path, err := cfg.StoreBackend()
	if err != nil {
		t.Fatal(err)
	}
	l, err := sqlite.LockServer(path)
	if err != nil {
		t.Fatalf("the lock outlived the server: %v", err)
	}
	l.Unlock()
}
