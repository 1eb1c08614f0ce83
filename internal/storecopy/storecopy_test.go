package storecopy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"userpool/internal/store"
	"userpool/internal/store/postgres"
	"userpool/internal/store/postgres/pgtest"
	"userpool/internal/store/sqlite"
)

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "userpool.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgres(t *testing.T) store.Store {
	t.Helper()
	st, err := postgres.Open(t.Context(), pgtest.FreshSchema(t, "userpool_storecopy_"), postgres.Options{MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// seeded is what seed wrote.
type seeded struct {
	pools, users, devices, groups int64
}

// seed fills st with every kind of record, every field set, over more than
// one page of users.
func seed(t *testing.T, st store.Store) seeded {
	t.Helper()
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Microsecond)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var s seeded
	must(st.PutPrincipal(ctx, store.Principal{Name: "admin", Grants: []store.Grant{{Pool: "*", Actions: []string{"cognito-idp:*"}}}, CreatedAt: now, UpdatedAt: now}))
	must(st.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAEXAMPLE000000001", PrincipalName: "admin", SecretCiphertext: []byte{1, 2, 3}, CreatedAt: now}))
	must(st.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAEXAMPLE000000002", PrincipalName: "admin", SecretCiphertext: []byte{4}, CreatedAt: now, Disabled: true}))
	for p, poolID := range []string{"us-east-1_aaaaaaaaa", "us-east-1_rich00000"} {
		s.pools++
		must(st.CreatePool(ctx, store.Pool{ID: poolID, Name: fmt.Sprint("pool", p), Settings: []byte(`{"x":1}`), CreatedAt: now, UpdatedAt: now}))
		must(st.CreateClient(ctx, store.Client{PoolID: poolID, ID: fmt.Sprint("client", p), Name: "c", Secret: "s3cret", Settings: []byte(`{}`), CreatedAt: now, UpdatedAt: now}))
		for _, use := range []string{"id", "access"} {
			must(st.CreateSigningKey(ctx, store.SigningKey{PoolID: poolID, KID: fmt.Sprintf("kid-%d-%s", p, use), Use: use, PrivateKey: []byte("sealed"),
				CreatedAt: now, NotAfter: now.Add(24 * time.Hour), ExpiresAt: now.Add(48 * time.Hour)}))
		}
		for i := range 3 {
			s.groups++
			prec := int64(i)
			must(st.CreateGroup(ctx, store.Group{PoolID: poolID, Name: fmt.Sprintf("g%d", i), Description: "d", RoleArn: "arn:aws:iam::000000000000:role/r",
				Precedence: &prec, CreatedAt: now, UpdatedAt: now}, 100))
		}
		n := 3
		if p == 1 {
			n = store.MaxPageSize*2 + 11
		}
		for i := range n {
			s.users++
			name := fmt.Sprintf("User%04d", i)
			u := store.User{PoolID: poolID, Username: name, UsernameKey: strings.ToLower(name), Sub: fmt.Sprintf("sub-%d-%04d", p, i),
				Status: "CONFIRMED", Enabled: i%5 != 0,
				Attributes: map[string]string{"email": fmt.Sprintf("u%d@example.com", i), "email_verified": "true", "custom:n": fmt.Sprint(i)},
				Aliases:    map[string]string{"email": fmt.Sprintf("u%d@example.com", i)},
				Password: store.Password{Hash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", SRPSalt: []byte{byte(i), 1}, SRPVerifier: []byte{2, byte(i)},
					SetAt: now, Temporary: i%7 == 0, ExpiresAt: now.Add(7 * 24 * time.Hour)},
				MFA: []byte(`{"totp":"secret"}`), FailedLogins: i % 4, LockedUntil: now.Add(time.Duration(i) * time.Second),
				TokensValidAfter: now.Add(-time.Hour), CreatedAt: now, UpdatedAt: now}
			must(st.CreateUser(ctx, u))
			for g := range i % 4 {
				must(st.AddUserToGroup(ctx, poolID, u.UsernameKey, fmt.Sprintf("g%d", g%3), 100))
			}
			for d := range i % 3 {
				s.devices++
				must(st.CreateDevice(ctx, store.Device{PoolID: poolID, UsernameKey: u.UsernameKey, Key: fmt.Sprintf("us-east-1_dev-%d-%d-%d", p, i, d), GroupKey: "gk",
					Attributes: map[string]string{"device_name": "phone"}, Remembered: "remembered", SRPSalt: []byte{3}, SRPVerifier: []byte{4},
					CreatedAt: now, UpdatedAt: now, LastAuthAt: now}))
			}
			if i%10 == 0 {
				must(st.PutCode(ctx, store.Code{PoolID: poolID, UsernameKey: u.UsernameKey, Purpose: "reset", CodeHash: "h", Attempts: 1, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
				must(st.CreateSession(ctx, store.Session{ID: fmt.Sprintf("sess-%d-%d", p, i), PoolID: poolID, ClientID: fmt.Sprint("client", p), UsernameKey: u.UsernameKey,
					Challenge: "SOFTWARE_TOKEN_MFA", State: []byte(`{"s":1}`), CreatedAt: now, ExpiresAt: now.Add(3 * time.Minute)}))
				must(st.CreateRefreshToken(ctx, store.RefreshToken{Hash: fmt.Sprintf("rt-%d-%d", p, i), PoolID: poolID, ClientID: fmt.Sprint("client", p), UsernameKey: u.UsernameKey,
					OriginJTI: fmt.Sprintf("jti-%d", i), DeviceKey: "dk", AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), RevokedAt: now}))
			}
		}
	}
	for i := range 5 {
		if _, err := st.AppendAudit(ctx, store.AuditEvent{Time: now.Add(time.Duration(i) * time.Second), ActorType: "principal", Actor: "admin",
			Action: "cognito-idp:AdminGetUser", PoolID: "us-east-1_aaaaaaaaa", Target: "User0000", Outcome: "allowed", RequestID: fmt.Sprint("req-", i), Detail: "d"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// collector gathers every record of a store by kind, for comparison.
type collector struct{ recs map[string][]any }

func (c *collector) visit(_ context.Context, kind string, rec any) error {
	if e, ok := rec.(store.AuditEvent); ok {
		e.ID = 0 // assigned by each store
		rec = e
	}
	c.recs[kind] = append(c.recs[kind], rec)
	return nil
}

func (c *collector) endPoolUsers(context.Context) error { return nil }

func collectAll(t *testing.T, st store.Store) map[string][]any {
	t.Helper()
	c := &collector{recs: map[string][]any{}}
	if err := walkStore(t.Context(), st, st.(store.Exporter), c); err != nil {
		t.Fatal(err)
	}
	return c.recs
}

// Copy copies a SQLite store into an empty store of each backend: the
// counts match what was seeded, every record of both is equal, and the
// progress bar completes.
func TestCopyEverything(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run("sqlite-to-"+backend, func(t *testing.T) {
			var dst store.Store
			if backend == "postgres" {
				dst = openPostgres(t)
			} else {
				dst = openSQLite(t)
			}
			src := openSQLite(t)
			s := seed(t, src)

			var progressOut bytes.Buffer
			rep, err := Copy(t.Context(), src, dst, Options{Workers: 4, Progress: &progressOut})
			if err != nil {
				t.Fatalf("Copy: %v\n%s", err, progressOut.String())
			}
			if !strings.Contains(progressOut.String(), "100%") || !strings.Contains(progressOut.String(), "[========================================]") {
				t.Errorf("no complete progress bar:\n%q", progressOut.String())
			}
			want := Counts{"pools": s.pools, "users": s.users, "devices": s.devices, "groups": s.groups, "principals": 1, "access keys": 2, "signing keys": 4, "audit events": 5}
			for k, n := range want {
				if rep.Source[k] != n || rep.Destination[k] != n {
					t.Errorf("%s: source %d, destination %d, want %d", k, rep.Source[k], rep.Destination[k], n)
				}
			}
			for _, k := range Kinds() {
				if rep.Source[k] == 0 {
					t.Errorf("the fixture has no %s: the copy of that kind is untested", k)
				}
			}
			if m := rep.Mismatches(); len(m) > 0 {
				t.Errorf("mismatches: %v", m)
			}

			wantRecs, gotRecs := collectAll(t, src), collectAll(t, dst)
			for _, kind := range Kinds() {
				w, g := wantRecs[kind], gotRecs[kind]
				if kind == "devices" {
					continue // inside their users
				}
				if len(w) != len(g) {
					t.Errorf("%s: %d in the source, %d in the copy", kind, len(w), len(g))
					continue
				}
				for i := range w {
					if !reflect.DeepEqual(w[i], g[i]) {
						t.Errorf("%s[%d] differs:\nsource %+v\ncopy   %+v", kind, i, w[i], g[i])
						break
					}
				}
			}
		})
	}
}

// dropSessions is a destination that loses every session written to it.
type dropSessions struct {
	store.Store
	store.Exporter
}

func (dropSessions) CreateSession(context.Context, store.Session) error { return nil }

// A destination that loses records fails the verification, naming the
// kind and both counts, in the error and in the table.
func TestCopyVerification(t *testing.T) {
	src := openSQLite(t)
	ctx := t.Context()
	now := time.Now().UTC()
	if err := src.CreatePool(ctx, store.Pool{ID: "us-east-1_aaaaaaaaa", Name: "p", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := src.CreateSession(ctx, store.Session{ID: fmt.Sprint("s", i), PoolID: "us-east-1_aaaaaaaaa", Challenge: "X", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	inner := openSQLite(t)
	dst := dropSessions{inner, inner.(store.Exporter)}
	rep, err := Copy(ctx, src, dst, Options{})
	if err == nil || !strings.Contains(err.Error(), "verification failed: sessions: source 3, destination 0") {
		t.Fatalf("got %v, want a verification failure for sessions", err)
	}
	if m := rep.Mismatches(); !slices.Equal(m, []string{"sessions: source 3, destination 0"}) {
		t.Errorf("Mismatches = %q", m)
	}
	var out bytes.Buffer
	if err := rep.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	if !regexpMatch(`sessions\s+3\s+0\s+MISMATCH`, out.String()) || !regexpMatch(`pools\s+1\s+1\s+ok`, out.String()) {
		t.Errorf("report:\n%s", out.String())
	}
}

// A store without store.Exporter cannot be copied (from or into).
func TestCopyNeedsExporter(t *testing.T) {
	type plain struct{ store.Store }
	a, b := openSQLite(t), openSQLite(t)
	if _, err := Copy(t.Context(), plain{a}, b, Options{}); err == nil || !strings.Contains(err.Error(), "source") {
		t.Errorf("source without Exporter: %v", err)
	}
	if _, err := Copy(t.Context(), a, plain{b}, Options{}); err == nil || !strings.Contains(err.Error(), "destination") {
		t.Errorf("destination without Exporter: %v", err)
	}
}

// A destination with records is refused with a *NotEmptyError naming what
// it holds; with Force the copy merges (keeping what exists) and can be
// run again to resume, appending only audit events.
func TestCopyNonEmptyDestination(t *testing.T) {
	ctx := t.Context()
	src := openSQLite(t)
	seed(t, src)
	for _, c := range []struct {
		what string
		mk   func(st store.Store) error
	}{
		{"pools", func(st store.Store) error {
			return st.CreatePool(ctx, store.Pool{ID: "us-east-1_zzzzzzzzz", Name: "other"})
		}},
		{"principals", func(st store.Store) error { return st.PutPrincipal(ctx, store.Principal{Name: "someone"}) }},
		{"sessions", func(st store.Store) error {
			return st.CreateSession(ctx, store.Session{ID: "x", PoolID: "p", Challenge: "X"})
		}},
	} {
		t.Run(c.what, func(t *testing.T) {
			dst := openSQLite(t)
			if err := c.mk(dst); err != nil {
				t.Fatal(err)
			}
			_, err := Copy(ctx, src, dst, Options{})
			var ne *NotEmptyError
			if !errors.As(err, &ne) || ne.What != c.what {
				t.Fatalf("non-empty destination: %v, want a *NotEmptyError for %s", err, c.what)
			}
			rep, err := Copy(ctx, src, dst, Options{Force: true, Workers: 3})
			if err != nil {
				t.Fatalf("Force: %v", err)
			}
			if !rep.Forced {
				t.Error("report not marked Forced")
			}
			rep2, err := Copy(ctx, src, dst, Options{Force: true})
			if err != nil {
				t.Fatalf("second Force: %v", err)
			}
			for _, k := range Kinds() {
				want := rep.Destination[k]
				if k == "audit events" {
					want += rep.Source[k]
				}
				if rep2.Destination[k] != want {
					t.Errorf("%s after a second copy: %d, want %d", k, rep2.Destination[k], want)
				}
			}
		})
	}
}

// Kinds is a copy: changing it changes nothing here.
func TestKindsIsACopy(t *testing.T) {
	k := Kinds()
	k[0] = "changed"
	if Kinds()[0] == "changed" {
		t.Error("Kinds returns the package's own slice")
	}
}

func regexpMatch(re, s string) bool {
	return slices.ContainsFunc(strings.Split(s, "\n"), func(line string) bool {
		return regexp.MustCompile(re).MatchString(line)
	})
}
