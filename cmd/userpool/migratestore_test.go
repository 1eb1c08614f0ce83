package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/store/postgres/pgtest"
	"userpool/internal/store/sqlite"
	"userpool/internal/storecopy"
)

func openTestStore(t *testing.T, dsn string) store.Store {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	cfg.Store.DSN = dsn
	st, err := openStore(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func tempSQLite(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "userpool.db") }

// awsIssuer makes tokens independent of the test server's address, so a
// token of one test server verifies on another over the same store.
func awsIssuer(c *config.Config) { c.Tokens.Issuer = config.IssuerAWS }

func anonymous(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} }

// seeded is what seedSource created through the API.
type seeded struct {
	poolID, clientID   string
	akid, secret       string
	refresh, access    string
	user, pw           string
	richPool           string
	richUsers, devices int
}

// seedSource fills st with every kind of record: through the real server
// (pool, client, user with password hash and SRP verifier, groups,
// memberships, a sign-in with its signing keys and refresh token, a failed
// sign-in, a principal with a sealed access key, audit events), and
// directly through the store for what the API makes slow to reach (users
// with every field set and MFA, aliases, devices, codes, sessions, a
// revoked refresh token), over more than one page of users.
func seedSource(t *testing.T, st store.Store, sealer *iam.Sealer) seeded {
	t.Helper()
	ctx := t.Context()
	ta := newTestAppOn(t, st, sealer, nil, awsIssuer)
	var s seeded
	s.akid, s.secret = ta.principal(t, "admin", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	c := ta.client(s.akid, s.secret, nil)
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("copy"), AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
	if err != nil {
		t.Fatal(err)
	}
	s.poolID = aws.ToString(pool.UserPool.Id)
	cl, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &s.poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	s.clientID = aws.ToString(cl.UserPoolClient.ClientId)
	s.user, s.pw = "alice", "Correct-Horse-9!"
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &s.poolID, Username: &s.user, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &s.poolID, Username: &s.user, Password: &s.pw, Permanent: true}); err != nil {
		t.Fatal(err)
	}
	for i, g := range []string{"Admins", "Readers"} {
		if _, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &s.poolID, GroupName: aws.String(g), Precedence: aws.Int32(int32(i))}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &s.poolID, Username: &s.user, GroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &s.clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": s.user, "PASSWORD": s.pw}}, anonymous)
	if err != nil {
		t.Fatal(err)
	}
	s.refresh, s.access = aws.ToString(out.AuthenticationResult.RefreshToken), aws.ToString(out.AuthenticationResult.AccessToken)
	if _, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &s.clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": s.user, "PASSWORD": "wrong"}}, anonymous); err == nil {
		t.Fatal("wrong password accepted")
	}

	// A second pool, filled through the store.
	now := time.Now().UTC().Truncate(time.Microsecond)
	s.richPool = "us-east-1_rich00000"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreatePool(ctx, store.Pool{ID: s.richPool, Name: "rich", Settings: []byte(`{"x":1}`), CreatedAt: now, UpdatedAt: now}))
	must(st.CreateClient(ctx, store.Client{PoolID: s.richPool, ID: "richclient", Name: "c", Secret: "s3cret", Settings: []byte(`{}`), CreatedAt: now, UpdatedAt: now}))
	for i := range 3 {
		must(st.CreateGroup(ctx, store.Group{PoolID: s.richPool, Name: fmt.Sprintf("g%d", i), Description: "d", RoleArn: "arn:aws:iam::000000000000:role/r",
			Precedence: func() *int64 { v := int64(i); return &v }(), CreatedAt: now, UpdatedAt: now}, 100))
	}
	s.richUsers = store.MaxPageSize*2 + 11
	for i := range s.richUsers {
		name := fmt.Sprintf("User%04d", i)
		u := store.User{PoolID: s.richPool, Username: name, UsernameKey: strings.ToLower(name), Sub: fmt.Sprintf("sub-%04d", i),
			Status: "CONFIRMED", Enabled: i%5 != 0,
			Attributes: map[string]string{"email": fmt.Sprintf("u%d@example.com", i), "email_verified": "true", "custom:n": fmt.Sprint(i)},
			Aliases:    map[string]string{"email": fmt.Sprintf("u%d@example.com", i)},
			Password: store.Password{Hash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", SRPSalt: []byte{byte(i), 1}, SRPVerifier: []byte{2, byte(i)},
				SetAt: now, Temporary: i%7 == 0, ExpiresAt: now.Add(7 * 24 * time.Hour)},
			MFA: []byte(`{"totp":"secret"}`), FailedLogins: i % 4, LockedUntil: now.Add(time.Duration(i) * time.Second),
			TokensValidAfter: now.Add(-time.Hour), CreatedAt: now, UpdatedAt: now}
		must(st.CreateUser(ctx, u))
		for g := range i % 4 {
			must(st.AddUserToGroup(ctx, s.richPool, u.UsernameKey, fmt.Sprintf("g%d", g), 100))
		}
		for d := range i % 3 {
			must(st.CreateDevice(ctx, store.Device{PoolID: s.richPool, UsernameKey: u.UsernameKey, Key: fmt.Sprintf("us-east-1_dev-%d-%d", i, d), GroupKey: "gk",
				Attributes: map[string]string{"device_name": "phone"}, Remembered: "remembered", SRPSalt: []byte{3}, SRPVerifier: []byte{4},
				CreatedAt: now, UpdatedAt: now, LastAuthAt: now}))
			s.devices++
		}
		if i%10 == 0 {
			must(st.PutCode(ctx, store.Code{PoolID: s.richPool, UsernameKey: u.UsernameKey, Purpose: "reset", CodeHash: "h", Attempts: 1, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
			must(st.CreateSession(ctx, store.Session{ID: fmt.Sprintf("sess-%d", i), PoolID: s.richPool, ClientID: "richclient", UsernameKey: u.UsernameKey,
				Challenge: "SOFTWARE_TOKEN_MFA", State: []byte(`{"s":1}`), CreatedAt: now, ExpiresAt: now.Add(3 * time.Minute)}))
			must(st.CreateRefreshToken(ctx, store.RefreshToken{Hash: fmt.Sprintf("rt-%d", i), PoolID: s.richPool, ClientID: "richclient", UsernameKey: u.UsernameKey,
				OriginJTI: fmt.Sprintf("jti-%d", i), DeviceKey: "dk", AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), RevokedAt: now}))
		}
	}
	return s
}

// TestMigrateStoreCopiesEverything copies a SQLite store filled through the
// real server into an empty store of each backend (storecopy compares every
// record; its own tests), and then uses the copy through the real server
// with the same master key: the principal's access key, the user's
// password, the refresh token and access token issued by the source,
// groups.
func TestMigrateStoreCopiesEverything(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"postgres", "sqlite"} {
		t.Run("sqlite-to-"+backend, func(t *testing.T) {
			ctx := t.Context()
			var dstDSN string
			if backend == "postgres" {
				dstDSN = pgtest.FreshSchema(t, "userpool_cmd_")
			} else {
				dstDSN = tempSQLite(t)
			}
			src := openTestStore(t, tempSQLite(t))
			sealer := newTestSealer(t)
			s := seedSource(t, src, sealer)
			dst := openTestStore(t, dstDSN)

			rep, err := storecopy.Copy(ctx, src, dst, storecopy.Options{Workers: 4})
			if err != nil {
				t.Fatalf("copy: %v", err)
			}
			wantCounts := map[string]int64{"pools": 2, "users": int64(s.richUsers) + 1, "devices": int64(s.devices), "groups": 5, "principals": 1, "access keys": 1}
			for k, n := range wantCounts {
				if rep.Source[k] != n || rep.Destination[k] != n {
					t.Errorf("%s: source %d, destination %d, want %d", k, rep.Source[k], rep.Destination[k], n)
				}
			}

			// The copy works through the server with the same master key.
			ta := newTestAppOn(t, dst, sealer, nil, awsIssuer)
			c := ta.client(s.akid, s.secret, nil)
			u, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &s.poolID, Username: &s.user})
			if err != nil {
				t.Fatalf("copied access key: %v", err)
			}
			if u.UserStatus != types.UserStatusTypeConfirmed {
				t.Errorf("status %s", u.UserStatus)
			}
			if _, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: &s.access}, anonymous); err != nil {
				t.Errorf("access token of the source (signing keys copied): %v", err)
			}
			if _, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &s.clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: map[string]string{"REFRESH_TOKEN": s.refresh}}, anonymous); err != nil {
				t.Errorf("refresh token of the source: %v", err)
			}
			if _, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &s.clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "alice@example.com", "PASSWORD": s.pw}}, anonymous); err != nil {
				t.Errorf("sign-in by alias with the copied password: %v", err)
			}
			gs, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &s.poolID, Username: &s.user})
			if err != nil || len(gs.Groups) != 2 {
				t.Errorf("groups of the copied user: %v, %v", gs, err)
			}
		})
	}
}

// TestMigrateStoreCommand runs the command: progress on stderr, the
// verification table on stdout, and its refusals.
func TestMigrateStoreCommand(t *testing.T) {
	t.Parallel()
	srcPath := filepath.Join(t.TempDir(), "src.db")
	src := openTestStore(t, "sqlite:"+srcPath)
	seedSource(t, src, newTestSealer(t))
	dst := "sqlite:" + filepath.Join(t.TempDir(), "dst.db")

	var out, errb bytes.Buffer
	if code := run([]string{"migrate-store", "--from", "sqlite:" + srcPath, "--to", dst}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !regexpMatch(`users\s+\d+\s+\d+\s+ok`, out.String()) || !strings.Contains(out.String(), "verified") {
		t.Errorf("stdout:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "100%") {
		t.Errorf("no progress bar on stderr:\n%s", errb.String())
	}

	out.Reset()
	errb.Reset()
	if code := run([]string{"migrate-store", "--from", "sqlite:" + srcPath, "--to", dst}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not empty") {
		t.Errorf("second copy into the same destination: exit %d\n%s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"migrate-store", "--from", "sqlite:" + srcPath, "--to", "sqlite:" + srcPath}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "same store") {
		t.Errorf("same store: exit %d\n%s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"migrate-store", "--from", "sqlite:" + srcPath, "--to", "postgres://u:hunter2@/x"}, &out, &errb); code != 2 || strings.Contains(errb.String(), "hunter2") {
		t.Errorf("bad destination: exit %d\n%s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"migrate-store", "--from", "sqlite:" + srcPath}, &out, &errb); code != 2 {
		t.Errorf("without --to: exit %d", code)
	}

	// A server holding either SQLite end refuses the copy, naming its pid.
	dst2 := filepath.Join(t.TempDir(), "dst2.db")
	for _, end := range []struct{ name, locked string }{{"source", srcPath}, {"destination", dst2}} {
		l, err := sqlite.LockServer(end.locked)
		if err != nil {
			t.Fatal(err)
		}
		errb.Reset()
		code := run([]string{"migrate-store", "--from", "sqlite:" + srcPath, "--to", "sqlite:" + dst2}, &out, &errb)
		if want := fmt.Sprintf("userpool: %s: sqlite: %s is in use by another process (pid %d)", end.name, end.locked, os.Getpid()); code != 1 || !strings.Contains(errb.String(), want) {
			t.Errorf("%s locked by a server: exit %d\n%s\nwant %q", end.name, code, errb.String(), want)
		}
		l.Unlock()
	}
}

func regexpMatch(re, s string) bool {
	return slices.ContainsFunc(strings.Split(s, "\n"), func(line string) bool {
		return regexp.MustCompile(re).MatchString(line)
	})
}
