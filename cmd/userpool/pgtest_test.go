package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

const pgDSNEnv = "USERPOOL_TEST_POSTGRES_DSN"

// testPostgresDSN returns the DSN of the test PostgreSQL server. Without one
// the test is skipped, except in CI (CI non-empty), where it fails.
func testPostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(pgDSNEnv)
	if dsn == "" {
		msg := pgDSNEnv + " is not set; start a server and set it with: export " + pgDSNEnv + "=$(scripts/ensure-postgres)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI must run the PostgreSQL tests)")
		}
		t.Skip(msg)
	}
	return dsn
}

// freshPostgres creates an empty schema, dropped when the test ends, and
// returns a postgres:// DSN whose search_path selects it.
func freshPostgres(t testing.TB) string {
	t.Helper()
	dsn := testPostgresDSN(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "userpool_cmd_" + hex.EncodeToString(b)
	exec := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s must be a postgres:// URL", pgDSNEnv)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
