package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStoreSection(t *testing.T) {
	c, err := Parse(strings.NewReader(`
store:
  dsn: postgres://u:secret@db.example:5432/userpool?sslmode=require
  max_conns: 20
  min_conns: 2
  max_conn_lifetime: 30m
  max_conn_idle_time: 90s
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Store{DSN: "postgres://u:secret@db.example:5432/userpool?sslmode=require", MaxConns: 20, MinConns: 2,
		MaxConnLifetime: 30 * time.Minute, MaxConnIdleTime: 90 * time.Second}
	if c.Store != want {
		t.Fatalf("store = %+v, want %+v", c.Store, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	b, target, err := c.StoreBackend()
	if err != nil || b != BackendPostgres || target != want.DSN {
		t.Fatalf("backend %q %q %v", b, target, err)
	}
}

func TestParseStoreDSN(t *testing.T) {
	tests := []struct {
		dsn, backend, target string
		bad                  bool
	}{
		{dsn: "", backend: BackendSQLite, target: "data/userpool.db"},
		{dsn: "sqlite:/var/lib/up.db", backend: BackendSQLite, target: "/var/lib/up.db"},
		{dsn: "sqlite:///var/lib/up.db", backend: BackendSQLite, target: "/var/lib/up.db"},
		{dsn: "sqlite:rel.db", backend: BackendSQLite, target: "rel.db"},
		{dsn: "postgres://h/db", backend: BackendPostgres, target: "postgres://h/db"},
		{dsn: "postgresql://u:p@h:5433/db?sslmode=disable", backend: BackendPostgres, target: "postgresql://u:p@h:5433/db?sslmode=disable"},
		{dsn: "postgres:///db?host=/run/postgresql", backend: BackendPostgres, target: "postgres:///db?host=/run/postgresql"},
		{dsn: "sqlite:", bad: true},
		{dsn: "mysql://h/db", bad: true},
		{dsn: "host=h password=secret", bad: true},
		{dsn: "postgres:///db", bad: true},
		{dsn: "postgres://u:secret@h:badport/db", bad: true},
	}
	for _, tt := range tests {
		b, target, err := ParseStoreDSN(tt.dsn, "data")
		if tt.bad {
			if err == nil {
				t.Errorf("%q: no error", tt.dsn)
			} else if strings.Contains(err.Error(), "secret") {
				t.Errorf("%q: error shows the password: %v", tt.dsn, err)
			}
			continue
		}
		if err != nil || b != tt.backend || target != tt.target {
			t.Errorf("%q: got (%q, %q, %v), want (%q, %q)", tt.dsn, b, target, err, tt.backend, tt.target)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u:secret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://u@h/db?password=secret&sslmode=require", "postgres://u@h/db?password=xxxxx&sslmode=require"},
		{"host=h user=u password=secret dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password='se cret' dbname=db", "host=h password=xxxxx dbname=db"},
		{"postgres://u:secret@h:badport/db", "postgres://(unparsable, not shown)"},
		{"sqlite:/x/y.db", "sqlite:/x/y.db"},
		{"", ""},
	}
	for _, tt := range tests {
		got := RedactDSN(tt.in)
		if got != tt.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "secret") || strings.Contains(got, "se cret") {
			t.Errorf("RedactDSN(%q) shows the password", tt.in)
		}
	}
}

func TestStoreEnvAndValidation(t *testing.T) {
	c := Defaults()
	c.ApplyEnv(func(k string) string {
		if k == StoreEnv {
			return "postgres://u:secret@h/db"
		}
		return ""
	})
	if c.Store.DSN != "postgres://u:secret@h/db" {
		t.Fatalf("env not applied: %q", c.Store.DSN)
	}
	c.ApplyEnv(func(string) string { return "" })
	if c.Store.DSN == "" {
		t.Fatal("an unset variable cleared the DSN")
	}

	c = Defaults()
	c.Store = Store{DSN: "mysql://u:secret@h/db", MaxConns: 2, MinConns: 3, MaxConnLifetime: -time.Second, MaxConnIdleTime: -1}
	err := c.Validate()
	var p Problems
	if !errors.As(err, &p) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{"store.dsn", "store.min_conns", "store.max_conn_lifetime", "store.max_conn_idle_time"}
	if len(p) != len(want) {
		t.Fatalf("problems %v, want %v", p, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(p[i], w+":") {
			t.Errorf("problem %d = %q, want prefix %q", i, p[i], w)
		}
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("validation error shows the password: %v", err)
	}
}
