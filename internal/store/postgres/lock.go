package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3/lock"
)

// Advisory locks. Instances sharing one schema serialise two things with
// one recipe, a session-level advisory lock keyed by purpose and schema:
//
//   - "migrations": Open applies the pending migrations under it, so
//     instances that start together migrate exactly once;
//   - "start": StartLock, held by `userpool serve` while it applies the
//     declared configuration (which matches pools by name) and creates the
//     first principal.
//
// Locks of other schemas of the same database (tests, tenants) are other
// keys: they never wait for each other. A lock is held by a session, so a
// crashed holder's lock ends with its connection.

// lockKey is the advisory lock key of purpose in schema. The keys are part
// of the protocol between running versions: an instance of an older
// version computes the same keys and excludes a newer one.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("userpool-" + purpose + "\x00" + schema))
	return int64(h.Sum64())
}

// lockSession blocks until the session of conn holds the advisory lock key,
// or ctx ends. On failure the connection is closed: a wait cancelled just as
// the server granted the lock would otherwise leave the lock held by a
// session that nobody unlocks (and that a pool may hand out again).
func lockSession(ctx context.Context, conn *pgx.Conn, key int64) error {
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return err
	}
	return nil
}

// unlockSession releases the advisory lock key held by the session of conn.
// When that fails, or the session did not hold it, the connection is
// closed, which ends the session and every lock it holds.
func unlockSession(ctx context.Context, conn *pgx.Conn, key int64) error {
	var released bool
	err := conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1)`, key).Scan(&released)
	if err == nil && !released {
		err = errors.New("the session did not hold the lock")
	}
	if err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
	}
	return err
}

// migrationLockTimeout bounds the wait for another instance's migrations.
const migrationLockTimeout = 10 * time.Minute

// migrationLocker is goose's session locker over lockSession: goose takes
// it on the connection that then applies the migrations.
type migrationLocker struct{ key int64 }

var _ lock.SessionLocker = migrationLocker{}

func (l migrationLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, migrationLockTimeout)
	defer cancel()
	return onPgx(conn, func(c *pgx.Conn) error { return lockSession(ctx, c, l.key) })
}

func (l migrationLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	return onPgx(conn, func(c *pgx.Conn) error { return unlockSession(ctx, c, l.key) })
}

// onPgx runs fn on the pgx connection under a database/sql connection (a
// closed one is dropped by the pool when released).
func onPgx(conn *sql.Conn, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		return fn(c.Conn())
	})
}

// StartLock takes the start lock of the schema dsn selects (its
// search_path), waiting while another instance holds it or until ctx ends.
// It is held on a connection of its own, outside any store's pool (so a
// small max_conns cannot deadlock), until unlock is called.
func StartLock(ctx context.Context, dsn string) (unlock func(), err error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// The parse error may quote the DSN, password included: do not wrap it.
		return nil, errors.New("postgres: invalid DSN")
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: start lock: connect: %w", err)
	}
	var schema *string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil || schema == nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("postgres: start lock: %w", errors.Join(err, errors.New("no current schema")))
	}
	key := lockKey("start", *schema)
	if err := lockSession(ctx, conn, key); err != nil {
		return nil, fmt.Errorf("postgres: start lock: %w", err)
	}
	return func() {
		bg := context.WithoutCancel(ctx)
		_ = unlockSession(bg, conn, key)
		_ = conn.Close(bg)
	}, nil
}
