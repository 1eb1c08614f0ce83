package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"

	"userpool/internal/config"
)

// startLock serialises the start-up writes of instances sharing one
// PostgreSQL schema: applying the declared configuration (which matches
// pools by name: two instances starting together would otherwise both
// create the same pool) and creating the first principal. It holds a
// session-level advisory lock, keyed by the schema, on a connection of its
// own (outside the store's pool, so a small max_conns cannot deadlock) until
// the returned unlock is called; a crashed holder's lock ends with its
// connection. For SQLite it does nothing: one file is one server.
func startLock(ctx context.Context, cfg config.Config) (unlock func(), err error) {
	backend, dsn, err := cfg.StoreBackend()
	if err != nil || backend != config.BackendPostgres {
		return func() {}, err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("start-up lock: connecting to %s: %w", config.RedactDSN(dsn), err)
	}
	var schema *string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil || schema == nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("start-up lock: %w", errors.Join(err, errors.New("no current schema")))
	}
	key := startLockKey(*schema)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("start-up lock: %w", err)
	}
	return func() {
		bg := context.WithoutCancel(ctx)
		_, _ = conn.Exec(bg, `SELECT pg_advisory_unlock($1)`, key)
		_ = conn.Close(bg)
	}, nil
}

func startLockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("userpool-start\x00" + schema))
	return int64(h.Sum64())
}
