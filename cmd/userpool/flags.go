package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"userpool/internal/config"
	"userpool/internal/store"
	"userpool/internal/store/postgres"
	"userpool/internal/store/sqlite"
)

// commonFlags are the flags shared by every command that opens the store
// (listen only for serve: registerListen).
type commonFlags struct {
	listen, data, configPath, store string
}

// storeFlagUsage documents --store (and USERPOOL_STORE).
const storeFlagUsage = `store: "sqlite:PATH" or "postgres://user:password@host:port/db?sslmode=..." (default: store.dsn of the config, else $` + config.StoreEnv + `, else SQLite in the data directory)`

func (f *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "data directory (default ./userpool-data)")
	fs.StringVar(&f.configPath, "config", "", "YAML configuration file")
	fs.StringVar(&f.store, "store", "", storeFlagUsage)
}

// registerListen adds --listen (serve only: the other commands listen on nothing).
func (f *commonFlags) registerListen(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "", "address to listen on (default 127.0.0.1:9229; also $"+config.ListenEnv+")")
}

// parseExit is the exit status of a command whose flags did not parse:
// 0 after -h/--help (the usage was asked for and printed), else 2.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// load reads the config file, applies the environment (USERPOOL_STORE,
// USERPOOL_LISTEN) and
// then the flags, and validates.
func (f *commonFlags) load() (config.Config, error) {
	cfg, err := config.Load(f.configPath)
	if err != nil {
		return cfg, err
	}
	cfg.ApplyEnv(os.Getenv)
	if f.store != "" {
		cfg.Store.DSN = f.store
	}
	if f.listen != "" {
		cfg.Server.Listen = f.listen
	}
	if f.data != "" {
		cfg.Server.Data = f.data
	}
	return cfg, cfg.Validate()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newFlagSet returns a flag set that reports to stderr and does not exit.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("env fn --pool x" as well as "env --pool x fn").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// openStore opens the store the configuration selects: SQLite (creating
// the file and its directory) or PostgreSQL (applying pending migrations).
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	backend, target, err := cfg.StoreBackend()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return openBackend(ctx, backend, target, cfg.Store)
}

// openBackend opens one backend at target (a file path or a DSN). Errors
// never quote the DSN (it may hold a password).
func openBackend(ctx context.Context, backend, target string, sc config.Store) (store.Store, error) {
	switch backend {
	case config.BackendSQLite:
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return nil, fmt.Errorf("creating the directory of %s: %w", target, err)
		}
		st, err := sqlite.Open(ctx, target)
		if err != nil {
			return nil, fmt.Errorf("opening store: %w", err)
		}
		return st, nil
	case config.BackendPostgres:
		st, err := postgres.Open(ctx, target, postgres.Options{
			MaxConns: sc.MaxConns, MinConns: sc.MinConns,
			MaxConnLifetime: sc.MaxConnLifetime, MaxConnIdleTime: sc.MaxConnIdleTime,
		})
		if err != nil {
			return nil, fmt.Errorf("opening store %s: %w", config.RedactDSN(target), err)
		}
		return st, nil
	}
	return nil, fmt.Errorf("store: unknown backend %q", backend)
}

// storeDescription names the store for logs, without a password.
func storeDescription(cfg config.Config) string {
	backend, target, err := cfg.StoreBackend()
	if err != nil {
		return "invalid"
	}
	if backend == config.BackendSQLite {
		return "sqlite:" + target
	}
	return config.RedactDSN(target)
}

// endpointURL is where clients reach the server: public_url, else
// http://<listen> with an unspecified host replaced by 127.0.0.1.
func endpointURL(cfg config.Config, listen string) string {
	if cfg.Server.PublicURL != "" {
		return strings.TrimRight(cfg.Server.PublicURL, "/")
	}
	host, port, ok := strings.Cut(listen, ":")
	if i := strings.LastIndex(listen, ":"); i >= 0 {
		host, port, ok = listen[:i], listen[i+1:], true
	}
	if !ok {
		return "http://" + listen
	}
	switch host {
	case "", "0.0.0.0", "[::]", "::":
		host = "127.0.0.1"
	}
	return "http://" + host + ":" + port
}
