package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// StoreEnv is the environment variable that overrides store.dsn (the
// --store flag overrides both).
const StoreEnv = "USERPOOL_STORE"

// Store backends.
const (
	BackendSQLite   = "sqlite"
	BackendPostgres = "postgres"
)

// Store selects and tunes the storage backend.
type Store struct {
	// DSN is "" (default: SQLite, the file userpool.db in server.data),
	// "sqlite:PATH" (a SQLite file), or a PostgreSQL URL
	// "postgres://user:password@host:5432/db?sslmode=verify-full" (any
	// libpq/pgx URL parameter; search_path selects a schema). Several
	// instances may share one PostgreSQL database; never one SQLite file.
	DSN string `yaml:"dsn"`
	// Connection pool of the PostgreSQL backend (ignored for SQLite). Zero
	// keeps pgx's defaults: max_conns = max(4, number of CPUs), min_conns
	// 0, max_conn_lifetime 1h, max_conn_idle_time 30m.
	MaxConns        int32         `yaml:"max_conns"`
	MinConns        int32         `yaml:"min_conns"`
	MaxConnLifetime time.Duration `yaml:"max_conn_lifetime"`
	MaxConnIdleTime time.Duration `yaml:"max_conn_idle_time"`
}

// ListenEnv is the environment variable that overrides server.listen (the
// --listen flag of serve overrides both).
const ListenEnv = "USERPOOL_LISTEN"

// ApplyEnv applies the environment overrides (USERPOOL_STORE, USERPOOL_LISTEN).
func (c *Config) ApplyEnv(getenv func(string) string) {
	if v := getenv(StoreEnv); v != "" {
		c.Store.DSN = v
	}
	if v := getenv(ListenEnv); v != "" {
		c.Server.Listen = v
	}
}

// StoreBackend returns the backend the configuration selects and its target:
// the SQLite file path or the PostgreSQL DSN. The error never quotes a
// password.
func (c *Config) StoreBackend() (backend, target string, err error) {
	return ParseStoreDSN(c.Store.DSN, c.Server.Data)
}

// ParseStoreDSN interprets a store DSN ("" is the SQLite file of dataDir).
func ParseStoreDSN(dsn, dataDir string) (backend, target string, err error) {
	switch {
	case dsn == "":
		return BackendSQLite, filepath.Join(dataDir, "userpool.db"), nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			return "", "", fmt.Errorf("%q names no file (sqlite:PATH)", dsn)
		}
		return BackendSQLite, path, nil
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil || u.Host == "" && u.Query().Get("host") == "" {
			return "", "", fmt.Errorf("%s is not a valid PostgreSQL URL (postgres://user:password@host:port/database?sslmode=...)", RedactDSN(dsn))
		}
		return BackendPostgres, dsn, nil
	}
	return "", "", fmt.Errorf("%s is neither sqlite:PATH nor a postgres:// URL", RedactDSN(dsn))
}

var kvPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// RedactDSN returns dsn fit for logs and error messages: the password of
// a URL's user info and any password parameter are replaced by "xxxxx".
// What does not parse as a URL is reduced to its scheme.
func RedactDSN(dsn string) string {
	if dsn == "" {
		return ""
	}
	if strings.HasPrefix(dsn, "sqlite:") {
		return dsn
	}
	scheme, _, ok := strings.Cut(dsn, "://")
	if !ok {
		// key=value form (never accepted as a store DSN, but redact anyway).
		return kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return scheme + "://(unparsable, not shown)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func (c *Config) validateStore(p *Problems) {
	s := c.Store
	if _, _, err := ParseStoreDSN(s.DSN, c.Server.Data); err != nil {
		*p = append(*p, "store.dsn: "+err.Error())
	}
	if s.MaxConns < 0 {
		*p = append(*p, "store.max_conns: must not be negative")
	}
	if s.MinConns < 0 {
		*p = append(*p, "store.min_conns: must not be negative")
	}
	if s.MaxConns > 0 && s.MinConns > s.MaxConns {
		*p = append(*p, fmt.Sprintf("store.min_conns: %d is more than store.max_conns (%d)", s.MinConns, s.MaxConns))
	}
	if s.MaxConnLifetime < 0 {
		*p = append(*p, "store.max_conn_lifetime: must not be negative")
	}
	if s.MaxConnIdleTime < 0 {
		*p = append(*p, "store.max_conn_idle_time: must not be negative")
	}
}
