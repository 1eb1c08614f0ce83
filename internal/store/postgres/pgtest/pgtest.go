// Package pgtest gives tests in any package a PostgreSQL server to use: the
// server named by USERPOOL_TEST_POSTGRES_DSN (scripts/ensure-postgres starts
// or installs one and prints it) and an empty schema of their own on it.
// Only tests import it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// DSNEnv names the test server's DSN.
const DSNEnv = "USERPOOL_TEST_POSTGRES_DSN"

// DSN returns the test server's DSN. Without one the test is skipped, except
// in CI (CI non-empty), where it fails: PostgreSQL is never silently untested
// there.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		msg := DSNEnv + " is not set; start a server and set it with: export " + DSNEnv + "=$(scripts/ensure-postgres)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI must run the PostgreSQL tests)")
		}
		t.Skip(msg)
	}
	return dsn
}

// WithParam returns dsn with a connection parameter set, for both DSN forms
// (URL and key=value).
func WithParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s is not a valid URL", DSNEnv)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

// RandomName is prefix followed by 12 random hex digits.
func RandomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Exec runs statements on a connection of its own.
func Exec(ctx context.Context, dsn string, sqls ...string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, sql := range sqls {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return err
		}
	}
	return nil
}

// FreshSchema creates an empty schema named prefix + random digits, dropped
// with everything in it when the test ends, and returns a DSN whose
// search_path selects it.
func FreshSchema(t testing.TB, prefix string) string {
	t.Helper()
	dsn := DSN(t)
	schema := RandomName(prefix)
	if err := Exec(t.Context(), dsn, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := Exec(context.Background(), dsn, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithParam(t, dsn, "search_path", schema)
}
