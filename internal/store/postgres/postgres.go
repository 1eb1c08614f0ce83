package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"userpool/internal/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options tune the connection pool. Zero values keep the pgxpool defaults
// (or what the DSN sets with pool_max_conns etc.).
type Options struct {
	MaxConns        int32
	MinConns        int32
	MaxConnLifetime time.Duration
	MaxConnIdleTime time.Duration
}

// Store is the PostgreSQL backend. It is safe for concurrent use, also by
// several processes sharing one database.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string; a search_path parameter selects the schema), applies the
// pending migrations under an advisory lock, and returns the store.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error may quote the DSN, password included: do not wrap it.
		return nil, errors.New("postgres: invalid DSN")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MinConns > 0 {
		cfg.MinConns = opts.MinConns
	}
	if opts.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = opts.MaxConnLifetime
	}
	if opts.MaxConnIdleTime > 0 {
		cfg.MaxConnIdleTime = opts.MaxConnIdleTime
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the embedded migrations with goose under the schema's
// migration lock (lock.go): instances that start together migrate exactly
// once, the others wait for the lock, then find nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	var schema *string
	if err := s.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	if schema == nil {
		return errors.New("postgres: no schema of the search_path exists (create it first)")
	}
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close() // closes the database/sql wrapper only, not the pool
	locker := migrationLocker{key: lockKey("migrations", *schema)}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks that a connection to the server works.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fail("ping", err)
	}
	return nil
}

// ---------------------------------------------------------------- retries

const maxAttempts = 5

// backoff sleeps before attempt n+1 (n >= 1): 2, 4, 8, 16 ms, with jitter.
func backoff(ctx context.Context, n int) error {
	d := time.Duration(1<<n) * time.Millisecond
	d += rand.N(d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// rolledBack reports whether the server aborted the statement or transaction
// because of a concurrent one (serialization failure or deadlock): nothing was
// written and running it again is safe.
func rolledBack(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// connLost reports whether err says the connection broke (server shutdown
// or restart, terminated backend, network error). The outcome of a statement
// in flight is then unknown.
func connLost(err error) bool {
	if pgconn.SafeToRetry(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne)
}

// safety says when a single statement outside a transaction may be re-run.
type safety int

const (
	// notIdempotent: re-run only when nothing reached the server or the
	// server rolled the statement back.
	notIdempotent safety = iota
	// idempotent: running it twice equals running it once, so it is also
	// re-run when the connection broke with the outcome unknown.
	idempotent
)

// run runs one statement (or one pipelined batch, which the server runs as
// one implicit transaction) with retries.
func (s *Store) run(ctx context.Context, sf safety, f func(ctx context.Context) error) error {
	for n := 1; ; n++ {
		err := f(ctx)
		if err == nil || n == maxAttempts || ctx.Err() != nil {
			return err
		}
		retry := rolledBack(err) || pgconn.SafeToRetry(err) || (sf == idempotent && connLost(err))
		if !retry {
			return err
		}
		if backoff(ctx, n) != nil {
			return err
		}
	}
}

// tx runs fn in one READ COMMITTED transaction and commits. fn takes the row
// locks it needs (SELECT ... FOR NO KEY UPDATE) so its read-check-write is
// atomic. The whole transaction, fn included, is re-run when the server
// aborted it (serialization failure, deadlock) or when the connection broke
// before COMMIT was sent (the server then rolls it back). A failed COMMIT is
// re-run only when the server reports a rollback or nothing was sent: after a
// connection loss during COMMIT the transaction may have been applied.
func (s *Store) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	for n := 1; ; n++ {
		atCommit, closed, err := s.txOnce(ctx, fn)
		if err == nil || n == maxAttempts || ctx.Err() != nil {
			return err
		}
		retry := rolledBack(err) || pgconn.SafeToRetry(err) || (closed && !atCommit)
		if !retry || backoff(ctx, n) != nil {
			return err
		}
	}
}

// txOnce runs one attempt of tx. atCommit: the error is COMMIT's; closed:
// the connection was closed under the transaction.
func (s *Store) txOnce(ctx context.Context, fn func(tx pgx.Tx) error) (atCommit, closed bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		// Nothing ran: a broken connection is as good as closed.
		return false, connLost(err), err
	}
	defer func() {
		// A panicking fn must not keep the connection (and its locks)
		// checked out of the pool forever.
		if p := recover(); p != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		closed = tx.Conn().IsClosed()
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return false, closed, err
	}
	if err := tx.Commit(ctx); err != nil {
		return true, tx.Conn().IsClosed(), err
	}
	return false, false, nil
}

// ---------------------------------------------------------------- errors

// fail wraps an error of operation op. Store sentinels keep errors.Is; any
// other error is internal: its text (server message and SQLSTATE, never the
// SQL or its arguments) is for the log, and the domain shows clients a
// generic internal error.
func fail(op string, err error) error {
	return fmt.Errorf("postgres: %s: %w", op, err)
}

func pgCode(err error) (code, constraint string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code, pe.ConstraintName
	}
	return "", ""
}

// writeErr maps the error of a write: a unique violation becomes
// ErrAliasExists on the alias table and ErrAlreadyExists elsewhere, a
// foreign-key violation (a missing parent) ErrNotFound.
func writeErr(op string, err error) error {
	switch code, constraint := pgCode(err); code {
	case "23505":
		if constraint == "user_aliases_pkey" {
			return fail(op, store.ErrAliasExists)
		}
		return fail(op, store.ErrAlreadyExists)
	case "23503":
		return fail(op, store.ErrNotFound)
	}
	return fail(op, err)
}

// notFound maps pgx.ErrNoRows to store.ErrNotFound.
func notFound(op string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fail(op, store.ErrNotFound)
	}
	return fail(op, err)
}

// affected returns ErrNotFound when a statement touched no row.
func affected(op string, n int64, err error) error {
	if err != nil {
		return fail(op, err)
	}
	if n == 0 {
		return fail(op, store.ErrNotFound)
	}
	return nil
}

// ---------------------------------------------------------------- values

// tv is a time parameter: the zero time is NULL.
func tv(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// ts scans a nullable TIMESTAMPTZ into a UTC time (NULL: the zero time).
type ts struct{ t *time.Time }

func (s ts) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid || v.InfinityModifier != pgtype.Finite {
		*s.t = time.Time{}
		return nil
	}
	*s.t = v.Time.UTC()
	return nil
}

// scanner is what pgx.Row and pgx.Rows share.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs a query and scans every row.
func queryAll[T any](ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, scan func(scanner) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
