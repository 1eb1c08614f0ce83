package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"userpool/internal/config"
	"userpool/internal/store/postgres"
	"userpool/internal/store/sqlite"
)

// startLock serialises the start-up writes of instances sharing one
// PostgreSQL schema: applying the declared configuration (which matches
// pools by name: two instances starting together would otherwise both
// create the same pool) and creating the first principal. See
// postgres.StartLock. For SQLite it does nothing: serve already holds the
// database's server lock (sqlite.LockServer) for its whole run.
func startLock(ctx context.Context, cfg config.Config) (unlock func(), err error) {
	backend, dsn, err := cfg.StoreBackend()
	if err != nil || backend != config.BackendPostgres {
		return func() {}, err
	}
	unlock, err = postgres.StartLock(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("start-up lock on %s: %w", config.RedactDSN(dsn), err)
	}
	return unlock, nil
}

// serverLock takes the server lock of a SQLite store for the whole run of
// serve: a second serve on the same database is refused at once, naming the
// holder's pid. PostgreSQL needs none: its instances share the database by
// design.
func serverLock(cfg config.Config) (release func(), err error) {
	backend, target, err := cfg.StoreBackend()
	if err != nil {
		return nil, err
	}
	return sqliteServerLock(backend, target)
}

// sqliteServerLock takes sqlite.LockServer on a SQLite store (creating its
// directory); for any other backend it does nothing.
func sqliteServerLock(backend, target string) (release func(), err error) {
	if backend != config.BackendSQLite {
		return func() {}, nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return nil, fmt.Errorf("creating the directory of %s: %w", target, err)
	}
	l, err := sqlite.LockServer(target)
	if err != nil {
		return nil, err
	}
	return func() { _ = l.Unlock() }, nil
}
