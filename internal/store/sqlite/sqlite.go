package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"userpool/internal/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQLite backend. It is safe for concurrent use.
type Store struct {
	w  *sql.DB    // the one writer connection: every write runs here
	wc *stmtCache // statements prepared on the writer (see wtx)
	r  *stmtCache // readers
	// group runs concurrent CreateUser and AppendAuditBatch calls in
	// shared transactions (groupcommit.go).
	group groupCommit
	// ckpt checkpoints the WAL off the write path (checkpoint.go).
	ckpt *checkpointer
}

// stmtCache runs queries on a pool through prepared statements, one per
// distinct query text (the set is small and fixed: queries are built from
// constant fragments). Each connection prepares a statement once, so queries
// skip SQLite's parser and planner. On the one-connection writer, statements
// are never prepared from inside a transaction (that would wait for the
// connection the transaction holds): wtx runs a missing one unprepared and
// prepares it once the transaction has ended.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st := c.stmts[query]
	c.mu.Unlock()
	if st != nil {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.stmts[query]; prev != nil {
		st.Close()
		return prev, nil
	}
	c.stmts[query] = st
	return st, nil
}

// lookup returns the prepared statement for query, or nil; it never prepares.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil {
		// Let database/sql report the same error through a *sql.Row.
		return c.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c *stmtCache) PingContext(ctx context.Context) error { return c.db.PingContext(ctx) }

func (c *stmtCache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.stmts {
		errs = append(errs, st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.db.Close())...)
}

var _ store.Store = (*Store)(nil)

// Pragmas of the writer connection. _txlock=immediate (set in dsn) makes
// BEGIN take the write lock up front, so a write transaction never fails
// half-way with SQLITE_BUSY on a lock upgrade.
var writerPragmas = []string{
	"busy_timeout(5000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(1)",
	"cache_size(-16384)",           // 16 MiB page cache
	"journal_size_limit(67108864)", // truncate the WAL back to 64 MiB after a big transaction
	fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages),
}

// Pragmas of the reader connections. journal_mode is persistent in the file:
// readers need not set it (setting it takes a lock). No mmap: every reader
// connection maps the file separately and each mapping's resident pages
// count in the process's RSS (3.3 GB at 1,000,000 users with 1 GiB maps);
// reads through the OS page cache cost little more and keep RSS to the
// per-connection page caches.
var readerPragmas = []string{
	"busy_timeout(5000)",
	"foreign_keys(1)",
	"cache_size(-16384)",
	"mmap_size(0)",
	"query_only(1)",
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	ps := writerPragmas
	if readOnly {
		ps = readerPragmas
	}
	for _, p := range ps {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Open opens (creating if needed) the database file at path, applies the
// pending migrations and returns the store.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	// Create the file ourselves so it is private (it holds password hashes
	// and SRP verifiers); SQLite gives its -wal and -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	f.Close()
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	ckpt, err := startCheckpointer(ctx, path)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &Store{w: w, wc: &stmtCache{db: w, stmts: map[string]*sql.Stmt{}}, r: &stmtCache{db: r, stmts: map[string]*sql.Stmt{}}, ckpt: ckpt}, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

// Close stops the checkpointer and closes the connection pools (the last
// connection closed checkpoints what is left).
func (s *Store) Close() error {
	return errors.Join(s.ckpt.close(), s.r.Close(), s.wc.Close())
}

// Ping checks both pools.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------- transactions

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// write runs fn in one immediate transaction on the writer connection. Only
// one write transaction exists at a time, so read-check-write sequences in fn
// are atomic.
func (s *Store) write(ctx context.Context, op string, fn func(tx wtx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: %s: begin: %w", op, err)
	}
	t := wtx{Tx: tx, c: s.wc, missed: new([]string)}
	// Prepare, after the transaction, the statements it ran unprepared.
	defer func() { s.prepareMissed(*t.missed) }()
	// Deferred, so a panicking updater cannot leave the one writer
	// connection inside an open transaction (a no-op after Commit).
	defer tx.Rollback()
	if err := fn(t); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: commit: %w", op, err)
	}
	return nil
}

func (s *Store) prepareMissed(queries []string) {
	for _, q := range queries {
		// A failure only means the next transaction parses the query again.
		_, _ = s.wc.stmt(context.Background(), q)
	}
}

// wtx is a write transaction that runs its queries through the writer's
// prepared statements (Tx.StmtContext reuses a statement prepared on the
// transaction's connection), so hot writes skip SQLite's parser.
type wtx struct {
	*sql.Tx
	c      *stmtCache
	missed *[]string
}

func (t wtx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := t.c.lookup(query); st != nil {
		return t.Tx.StmtContext(ctx, st)
	}
	*t.missed = append(*t.missed, query)
	return nil
}

func (t wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// ---------------------------------------------------------------- errors

func errCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func isUnique(err error) bool {
	c := errCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func isForeignKey(err error) bool { return errCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY }

// fail wraps an error of operation op. Sentinels pass through wrapped;
// driver errors are wrapped too (they are internal: the domain never shows
// a non-sentinel store error to clients).
func fail(op string, err error) error {
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// insertErr maps the error of an INSERT: a unique violation becomes dup, a
// foreign-key violation (missing parent) ErrNotFound.
func insertErr(op string, err error, dup error) error {
	switch {
	case isUnique(err):
		return fail(op, dup)
	case isForeignKey(err):
		return fail(op, store.ErrNotFound)
	}
	return fail(op, err)
}

// notFound maps sql.ErrNoRows to store.ErrNotFound.
func notFound(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fail(op, store.ErrNotFound)
	}
	return fail(op, err)
}

// mustAffect returns ErrNotFound when a statement touched no row.
func mustAffect(op string, res sql.Result, err error) error {
	if err != nil {
		return fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(op, err)
	}
	if n == 0 {
		return fail(op, store.ErrNotFound)
	}
	return nil
}

// ---------------------------------------------------------------- values

// Times are stored as microseconds since the epoch; the zero time as NULL.
func tv(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// nt scans a nullable time column.
type nt struct{ t *time.Time }

func (n nt) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n.t = time.Time{}
	case int64:
		*n.t = time.UnixMicro(v).UTC()
	default:
		return fmt.Errorf("time column holds %T", src)
	}
	return nil
}

// blob scans a nullable BLOB, keeping nil for NULL and copying the bytes.
type blob struct{ b *[]byte }

func (n blob) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n.b = nil
	case []byte:
		*n.b = append([]byte(nil), v...)
	case string:
		*n.b = []byte(v)
	default:
		return fmt.Errorf("blob column holds %T", src)
	}
	return nil
}

// bv stores a byte slice; nil stays NULL.
func bv(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

func bi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
