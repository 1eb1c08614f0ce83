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
	pools, users, devices, groups, resources, importJobs, importCSVs, passkeys int64
}

// importCSV is the CSV body seed uploads for job n of pool p (n > 0): the
// second is over a megabyte.
func importCSV(p, n int) []byte {
	var b bytes.Buffer
	b.WriteString("cognito:username,email,email_verified\n")
	rows := 3
	if n == 1 {
		rows = 40000
	}
	for i := range rows {
		fmt.Fprintf(&b, "user-%d-%d-%06d,u%d@example.com,true\n", p, n, i, i)
	}
	return b.Bytes()
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
		// Resources of every kind the domain stores (the store does not
		// know them: any string is a kind), some with a global key.
		for k, kind := range []string{"domain", "resource-server", "identity-provider", "ui-customization", "branding",
			"terms", "risk-configuration", "log-delivery", "userpool/code-key"} {
			for n := range 2 {
				s.resources++
				r := store.Resource{PoolID: poolID, Kind: kind, Name: fmt.Sprintf("%s-%d", kind, n), Body: []byte(fmt.Sprintf(`{"k":%d,"n":%d}`, k, n)),
					CreatedAt: now, UpdatedAt: now.Add(time.Second)}
				if n == 0 {
					r.Key = fmt.Sprintf("key-%d-%s", p, kind)
				}
				must(st.CreateResource(ctx, r, 0))
			}
		}
		// Import jobs: one waiting for its upload, one uploaded (a CSV
		// large enough to be more than a page of anything), one running
		// with a lease and counts, one finished.
		for n, status := range []string{"Created", "Created", "InProgress", "Succeeded"} {
			s.importJobs++
			j := store.ImportJob{PoolID: poolID, ID: fmt.Sprintf("import-%d-%d", p, n), Name: "job", RoleArn: "arn:aws:iam::000000000000:role/import",
				Status: status, Secret: []byte{9, byte(n)}, CreatedAt: now}
			switch status {
			case "InProgress":
				j.StartedAt, j.Runner, j.HeartbeatAt, j.Imported, j.Skipped, j.Failed = now, "run-1", now.Add(time.Minute), 10, 2, 1
			case "Succeeded":
				j.StartedAt, j.CompletedAt, j.CompletionMessage, j.Imported = now, now.Add(time.Hour), "Import Job Completed Successfully.", 3
			}
			must(st.CreateImportJob(ctx, j))
			if n > 0 {
				s.importCSVs++
				must(st.PutImportCSV(ctx, poolID, j.ID, status, importCSV(p, n)))
			}
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
			if i%4 == 1 {
				s.passkeys++
				must(st.CreateWebAuthnCredential(ctx, store.WebAuthnCredential{PoolID: poolID, UsernameKey: u.UsernameKey,
					CredentialID: fmt.Sprintf("cred-%d-%04d", p, i), Body: []byte(fmt.Sprintf(`{"signCount":%d}`, i)), CreatedAt: now}))
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
					OriginJTI: fmt.Sprintf("jti-%d", i), DeviceKey: "dk", AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), RevokedAt: now,
					ReplacedAt: now.Add(time.Minute)}))
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
	open := map[string]func(t *testing.T) store.Store{
		"sqlite":   func(t *testing.T) store.Store { return openSQLite(t) },
		"postgres": func(t *testing.T) store.Store { return openPostgres(t) },
	}
	for _, pair := range [][2]string{{"sqlite", "sqlite"}, {"sqlite", "postgres"}, {"postgres", "sqlite"}} {
		t.Run(pair[0]+"-to-"+pair[1], func(t *testing.T) {
			src, dst := open[pair[0]](t), open[pair[1]](t)
			s := seed(t, src)

			var progressOut bytes.Buffer
			rep, err := Copy(t.Context(), src, dst, Options{Workers: 4, Progress: &progressOut})
			if err != nil {
				t.Fatalf("Copy: %v\n%s", err, progressOut.String())
			}
			if !strings.Contains(progressOut.String(), "100%") || !strings.Contains(progressOut.String(), "[========================================]") {
				t.Errorf("no complete progress bar:\n%q", progressOut.String())
			}
			want := Counts{"pools": s.pools, "users": s.users, "devices": s.devices, "groups": s.groups, "principals": 1, "access keys": 2, "signing keys": 4, "audit events": 5,
				"resources": s.resources, "import jobs": s.importJobs, "import CSVs": s.importCSVs,
				"passkeys": s.passkeys}
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
			// Every CSV body is copied byte for byte.
			bodies := 0
			for _, rec := range wantRecs["import jobs"] {
				j := rec.(store.ImportJob)
				if !j.HasCSV {
					continue
				}
				want, err := src.GetImportCSV(t.Context(), j.PoolID, j.ID)
				if err != nil {
					t.Fatal(err)
				}
				got, err := dst.GetImportCSV(t.Context(), j.PoolID, j.ID)
				if err != nil {
					t.Fatalf("CSV of %s in the copy: %v", j.ID, err)
				}
				if !bytes.Equal(want, got) {
					t.Errorf("CSV of %s: %d bytes in the source, %d in the copy (or different)", j.ID, len(want), len(got))
				}
				bodies++
			}
			if int64(bodies) != s.importCSVs {
				t.Errorf("compared %d CSV bodies, seeded %d", bodies, s.importCSVs)
			}
		})
	}
}

// A copy resumed with Force gives an import job that an interrupted copy
// created without its CSV body the body, in the job's current status.
func TestCopyResumesImportCSV(t *testing.T) {
	ctx := t.Context()
	src, dst := openSQLite(t), openSQLite(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	const pool = "us-east-1_aaaaaaaaa"
	for _, st := range []store.Store{src, dst} {
		if err := st.CreatePool(ctx, store.Pool{ID: pool, Name: "p", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	j := store.ImportJob{PoolID: pool, ID: "import-1", Name: "n", RoleArn: "r", Status: "Pending", CreatedAt: now}
	if err := src.CreateImportJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	body := importCSV(0, 2)
	if err := src.PutImportCSV(ctx, pool, j.ID, "Pending", body); err != nil {
		t.Fatal(err)
	}
	if err := dst.CreateImportJob(ctx, j); err != nil { // the interrupted copy
		t.Fatal(err)
	}
	rep, err := Copy(ctx, src, dst, Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Destination["import CSVs"] != 1 {
		t.Errorf("import CSVs in the destination: %d, want 1", rep.Destination["import CSVs"])
	}
	got, err := dst.GetImportCSV(ctx, pool, j.ID)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("CSV after the resumed copy: %q, %v", got, err)
	}
}

// A destination that loses a CSV body fails the verification by its count.
func TestCopyVerifiesImportCSVs(t *testing.T) {
	ctx := t.Context()
	src := openSQLite(t)
	now := time.Now().UTC()
	const pool = "us-east-1_aaaaaaaaa"
	if err := src.CreatePool(ctx, store.Pool{ID: pool, Name: "p", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := src.CreateImportJob(ctx, store.ImportJob{PoolID: pool, ID: "import-1", Status: "Created", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := src.PutImportCSV(ctx, pool, "import-1", "Created", []byte("x")); err != nil {
		t.Fatal(err)
	}
	inner := openSQLite(t)
	_, err := Copy(ctx, src, dropCSVs{inner, inner.(store.Exporter)}, Options{})
	if err == nil || !strings.Contains(err.Error(), "import CSVs: source 1, destination 0") {
		t.Fatalf("got %v, want a verification failure for import CSVs", err)
	}
}

// dropCSVs is a destination that loses every CSV body written to it.
type dropCSVs struct {
	store.Store
	store.Exporter
}

func (dropCSVs) PutImportCSV(context.Context, string, string, string, []byte) error { return nil }

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
