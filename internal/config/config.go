package config

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"time"

	"userpool/internal/cognitorules"
)

// Config is the whole configuration file.
type Config struct {
	Server   Server   `yaml:"server"`
	Log      Log      `yaml:"log"`
	Password Password `yaml:"password"`
	Auth     Auth     `yaml:"auth"`
	Tokens   Tokens   `yaml:"tokens"`
	// Store selects the storage backend (default: SQLite in server.data).
	Store Store `yaml:"store"`
	// Limits are the request-rate limits, per instance (limits.go).
	Limits Limits `yaml:"limits"`
	// Audit configures the audit log (audit.go).
	Audit Audit `yaml:"audit"`
	// SMTP is optional: without it codes and invitations go to the log.
	SMTP *SMTP `yaml:"smtp"`
	// SMS is optional: without it text messages go to the log (sms.go).
	SMS *SMS `yaml:"sms"`
	// Pools and Principals are applied at every start: what is declared is
	// created or updated; nothing undeclared is deleted.
	Pools      []Pool      `yaml:"pools"`
	Principals []Principal `yaml:"principals"`
	// Functions are the application's server-side functions, run for
	// triggers and `userpool function invoke` (functions.go).
	Functions []Function `yaml:"functions"`
	// FunctionsRuntime locates the runtimes' programs (node).
	FunctionsRuntime FunctionsRuntime `yaml:"functions_runtime"`
	// Roles are named grants that identity pools' temporary credentials act
	// with (identity.go); IdentityPools are Cognito identity pools. Both
	// are applied at every start like pools and principals.
	Roles         []Role         `yaml:"roles"`
	IdentityPools []IdentityPool `yaml:"identity_pools"`
	// TestingAPI switches the test API on (docs/testing.md).
	TestingAPI TestingAPI `yaml:"testing_api"`
	// Seed is fixture users applied at every start, after the declared
	// pools (`userpool seed FILE` applies a file of them).
	Seed Seed `yaml:"seed"`
	// APIs are GraphQL APIs of custom operations served AppSync's way
	// (apis.go, docs/graphql.md).
	APIs []API `yaml:"apis"`
	// Console is the embedded admin console at /console/ (console.go).
	Console Console `yaml:"console"`
}

// Server settings. Flags given on the command line override these.
type Server struct {
	// Listen is the host:port to listen on (default 127.0.0.1:9229).
	Listen string `yaml:"listen"`
	// Data is the data directory (default ./userpool-data).
	Data string `yaml:"data"`
	// Region prefixes pool ids and appears in ARNs (default us-east-1).
	Region string `yaml:"region"`
	// AccountID appears in ARNs (default 000000000000).
	AccountID string `yaml:"account_id"`
	// PublicURL is the externally visible base URL (default http://<listen>).
	PublicURL string `yaml:"public_url"`
	// MaxBodyBytes limits request bodies (default 1 MiB).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// PoolCacheTTL is how long a pool's settings read from the store are
	// reused ("1s" when unset; a negative value such as "-1s" reads the pool
	// on every call). Changes made through an instance are seen by it at
	// once; changes made through another instance, within this TTL.
	PoolCacheTTL time.Duration `yaml:"pool_cache_ttl"`
	// MetricsListen, when set (host:port), serves /metrics on a listener
	// of its own instead of the main one.
	MetricsListen string `yaml:"metrics_listen"`
	// TLS, when set, serves HTTPS instead of HTTP (tls.go).
	TLS TLS `yaml:"tls"`
}

// Log settings.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error (default info)
	Format string `yaml:"format"` // text | json (default text)
	// Access sets the access log's level and sampling (limits.go).
	Access AccessLog `yaml:"access"`
}

// Password hashing (argon2id) settings.
type Password struct {
	// MemoryKiB, Iterations, Parallelism of argon2id. Defaults follow OWASP's
	// recommendation (19 MiB, 2, 1).
	MemoryKiB   uint32 `yaml:"memory_kib"`
	Iterations  uint32 `yaml:"iterations"`
	Parallelism uint8  `yaml:"parallelism"`
	// InsecureFastHashing selects a deliberately weak cost for tests and local
	// development. Never use it in production.
	InsecureFastHashing bool `yaml:"insecure_fast_hashing"`
}

// Defaults returns a configuration with every default filled in.
func Defaults() Config {
	return Config{
		Server: Server{
			Listen:       "127.0.0.1:9229",
			Data:         "./userpool-data",
			Region:       "us-east-1",
			AccountID:    "000000000000",
			MaxBodyBytes: 1 << 20,
		},
		Log:      Log{Level: "info", Format: "text"},
		Password: Password{MemoryKiB: 19456, Iterations: 2, Parallelism: 1},
		Tokens:   Tokens{Issuer: IssuerBase},
		Audit:    Audit{Retention: DefaultAuditRetention},
	}
}

// Load reads a YAML file over the defaults. An empty path returns the defaults.
func Load(path string) (Config, error) {
	cfg := Defaults()
	if path == "" {
		return cfg, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return cfg, err
	}
	defer f.Close()
	return ParseNamed(path, f)
}

// Parse decodes YAML over the defaults, rejecting unknown fields; errors
// name the file "config" (ParseNamed gives the name).
func Parse(r io.Reader) (Config, error) { return ParseNamed("config", r) }

// ParseNamed decodes YAML read from the file name over the defaults. Every
// problem is reported at once in a *DecodeError, each as
// name:line:column: message; an unknown field lists the valid names.
func ParseNamed(name string, r io.Reader) (Config, error) {
	cfg := Defaults()
	b, err := io.ReadAll(r)
	if err != nil {
		return cfg, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return cfg, nil
	}
	if err := decodeYAML(name, b, &cfg); err != nil {
		return cfg, err
	}
	if cfg.SMTP != nil && cfg.SMTP.Port == 0 {
		cfg.SMTP.Port = 587
	}
	return cfg, nil
}

// Problems is every validation problem, each prefixed with its path.
type Problems []string

func (p Problems) Error() string {
	return "invalid configuration:\n  - " + strings.Join(p, "\n  - ")
}

var accountRe = regexp.MustCompile(`^\d{12}$`)

// Validate returns nil or a Problems listing everything wrong.
func (c *Config) Validate() error {
	var p Problems
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		p = append(p, fmt.Sprintf("server.listen: %q is not host:port", c.Server.Listen))
	}
	if c.Server.Data == "" {
		p = append(p, "server.data: must not be empty")
	}
	if !cognitorules.ValidRegion(c.Server.Region) {
		p = append(p, fmt.Sprintf("server.region: %q is not a region name like us-east-1", c.Server.Region))
	}
	if !accountRe.MatchString(c.Server.AccountID) {
		p = append(p, fmt.Sprintf("server.account_id: %q must be 12 digits", c.Server.AccountID))
	}
	if c.Server.MaxBodyBytes < 1024 {
		p = append(p, "server.max_body_bytes: must be at least 1024")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		p = append(p, fmt.Sprintf("log.level: %q is not one of debug, info, warn, error", c.Log.Level))
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		p = append(p, fmt.Sprintf("log.format: %q is not one of text, json", c.Log.Format))
	}
	if !c.Password.InsecureFastHashing {
		if c.Password.MemoryKiB < 19456 {
			p = append(p, "password.memory_kib: must be at least 19456 (OWASP minimum); set insecure_fast_hashing for tests")
		}
		if c.Password.Iterations < 1 {
			p = append(p, "password.iterations: must be at least 1")
		}
		if c.Password.Parallelism < 1 {
			p = append(p, "password.parallelism: must be at least 1")
		}
	}
	c.validateOps(&p)
	c.validateTLS(&p)
	c.validateStore(&p)
	c.validateAudit(&p)
	c.validateDeclared(&p)
	c.validateFunctions(&p)
	c.validateSeed(&p)
	c.validateConsole(&p)
	c.validateAPIs(&p)
	if len(p) == 0 {
		return nil
	}
	return p
}
