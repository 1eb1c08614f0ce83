package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	jose "github.com/go-jose/go-jose/v4"

	"userpool/internal/store/postgres/pgtest"
)

func randomMasterKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func errMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// cluster is two serve processes on one PostgreSQL schema, with the same
// master key and configuration (public_url names the load balancer they
// would sit behind, so both issue tokens with the same iss).
type cluster struct {
	A, B     *proc
	a, b     *cip.Client // root credentials (created by A's first start)
	dsn      string
	env      []string
	poolID   string
	clientID string
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	cl := &cluster{dsn: pgtest.FreshSchema(t, "userpool_e2e_"), env: []string{"USERPOOL_MASTER_KEY=" + randomMasterKey()}}
	cfg := writeConfig(t, fastConfig+"server:\n  public_url: http://userpool.lb.test\n")
	// A first: it creates principal root and writes its key to A's data
	// directory; B then finds the principal in the database.
	cl.A = startServerEnv(t, t.TempDir(), cl.env, "--config", cfg, "--store", cl.dsn)
	cl.B = startServerEnv(t, t.TempDir(), cl.env, "--config", cfg, "--store", cl.dsn)
	if cl.B.AccessKeyID != "" {
		t.Fatalf("B created another root principal:\n%s", cl.B.Logs())
	}
	cl.a = cl.A.rootClient()
	cl.b = cl.B.client(cl.A.AccessKeyID, cl.A.SecretKey)
	ctx := ctxT(t)
	pool, err := cl.a.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("shared")})
	if err != nil {
		t.Fatal(err)
	}
	cl.poolID = aws.ToString(pool.UserPool.Id)
	c, err := cl.a.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &cl.poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	cl.clientID = aws.ToString(c.UserPoolClient.ClientId)
	return cl
}

func anonymous(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} }

// createUser creates a confirmed user with a permanent password through c.
func (cl *cluster) createUser(t *testing.T, c *cip.Client, name, pw string) {
	t.Helper()
	ctx := ctxT(t)
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &cl.poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &cl.poolID, Username: &name, Password: &pw, Permanent: true}); err != nil {
		t.Fatal(err)
	}
}

func (cl *cluster) signIn(ctx context.Context, c *cip.Client, name, pw string) (*types.AuthenticationResultType, error) {
	out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &cl.clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}}, anonymous)
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

// verifyWithJWKS verifies a token's signature with the JWKS served at
// jwksURL and returns its claims.
func verifyWithJWKS(t *testing.T, jwksURL, tok string) map[string]any {
	t.Helper()
	resp, err := http.Get(jwksURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", jwksURL, resp.StatusCode, body)
	}
	var jwks jose.JSONWebKeySet
	if err := json.Unmarshal(body, &jwks); err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	kid := jws.Signatures[0].Header.KeyID
	keys := jwks.Key(kid)
	if len(keys) != 1 {
		t.Fatalf("kid %q is not in %s (%d keys)", kid, jwksURL, len(jwks.Keys))
	}
	payload, err := jws.Verify(keys[0].Key)
	if err != nil {
		t.Fatalf("signature does not verify with %s: %v", jwksURL, err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// TestTwoInstancesShareOnePostgres runs two `userpool serve` processes on
// one PostgreSQL schema and checks that they behave as one server.
func TestTwoInstancesShareOnePostgres(t *testing.T) {
	t.Parallel()
	cl := startCluster(t)
	ctx := ctxT(t)

	t.Run("DSNNotLogged", func(t *testing.T) {
		u, _ := url.Parse(cl.dsn)
		pw, hasPW := u.User.Password()
		for _, p := range []*proc{cl.A, cl.B} {
			if !strings.Contains(p.Logs(), `store="`+u.Scheme+"://") {
				t.Errorf("the start log does not name the store:\n%s", p.Logs())
			}
			if hasPW && strings.Contains(p.Logs(), pw) {
				t.Error("the log contains the database password")
			}
		}
	})

	t.Run("UserCreatedOnAReadOnB", func(t *testing.T) {
		cl.createUser(t, cl.a, "alice", "Alice-Pass-1!")
		u, err := cl.b.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &cl.poolID, Username: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		if u.UserStatus != types.UserStatusTypeConfirmed || !slices.ContainsFunc(u.UserAttributes, func(a types.AttributeType) bool {
			return aws.ToString(a.Name) == "email" && aws.ToString(a.Value) == "alice@example.com"
		}) {
			t.Errorf("user on B: %s %+v", u.UserStatus, u.UserAttributes)
		}
	})

	t.Run("GroupAddedOnAInTokenOfB", func(t *testing.T) {
		if _, err := cl.a.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &cl.poolID, GroupName: aws.String("Admins"), Precedence: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.a.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &cl.poolID, Username: aws.String("alice"), GroupName: aws.String("Admins")}); err != nil {
			t.Fatal(err)
		}
		res, err := cl.signIn(ctx, cl.b, "alice", "Alice-Pass-1!")
		if err != nil {
			t.Fatal(err)
		}
		claims := verifyWithJWKS(t, cl.B.URL+"/"+cl.poolID+"/.well-known/jwks.json", aws.ToString(res.IdToken))
		if fmt.Sprint(claims["cognito:groups"]) != "[Admins]" {
			t.Errorf("cognito:groups of B's ID token = %v, want [Admins]", claims["cognito:groups"])
		}
	})

	t.Run("TokenOfAVerifiesWithJWKSOfB", func(t *testing.T) {
		res, err := cl.signIn(ctx, cl.a, "alice", "Alice-Pass-1!")
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{aws.ToString(res.IdToken), aws.ToString(res.AccessToken)} {
			claims := verifyWithJWKS(t, cl.B.URL+"/"+cl.poolID+"/.well-known/jwks.json", tok)
			if claims["iss"] != "http://userpool.lb.test/"+cl.poolID {
				t.Errorf("iss %v", claims["iss"])
			}
		}
		// B accepts A's access token too.
		if _, err := cl.b.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken}, anonymous); err != nil {
			t.Errorf("B refuses A's access token: %v", err)
		}
	})

	t.Run("GlobalSignOutOnARevokesOnB", func(t *testing.T) {
		res, err := cl.signIn(ctx, cl.a, "alice", "Alice-Pass-1!")
		if err != nil {
			t.Fatal(err)
		}
		refresh := func() error {
			_, err := cl.b.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &cl.clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(res.RefreshToken)}}, anonymous)
			return err
		}
		if err := refresh(); err != nil {
			t.Fatalf("A's refresh token on B before sign-out: %v", err)
		}
		if _, err := cl.a.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: res.AccessToken}, anonymous); err != nil {
			t.Fatal(err)
		}
		if err := refresh(); apiCode(err) != "NotAuthorizedException" {
			t.Errorf("A's refresh token on B after GlobalSignOut on A: %v, want NotAuthorizedException", err)
		}
		if _, err := cl.b.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken}, anonymous); apiCode(err) != "NotAuthorizedException" {
			t.Errorf("A's access token on B after GlobalSignOut on A: %v, want NotAuthorizedException", err)
		}
	})

	t.Run("LockoutSharedByBothInstances", func(t *testing.T) {
		// The 5th failure locks for 1 s (Cognito's schedule). If both
		// correct attempts are refused, the lock is shared. If one gets
		// through more than 1 s after the 5th failure was sent, the lock
		// may simply have ended (a slow machine): try again with a new
		// user. Getting through within that second is a failure.
		for try := range 5 {
			name, pw := fmt.Sprintf("locky%d", try), "Locky-Pass-1!"
			cl.createUser(t, cl.a, name, pw)
			clients := []*cip.Client{cl.a, cl.b}
			var fifth time.Time
			for i := range 5 {
				if i == 4 {
					fifth = time.Now()
				}
				_, err := cl.signIn(ctx, clients[i%2], name, "wrong-"+fmt.Sprint(i))
				if apiCode(err) != "NotAuthorizedException" || errMessage(err) != "Incorrect username or password." {
					t.Fatalf("failed sign-in %d on %s: %v", i+1, []string{"A", "B"}[i%2], err)
				}
			}
			var got []error
			for _, c := range clients {
				_, err := cl.signIn(ctx, c, name, pw)
				got = append(got, err)
			}
			elapsed := time.Since(fifth)
			refused := 0
			for i, err := range got {
				switch {
				case err == nil:
				case apiCode(err) == "NotAuthorizedException" && errMessage(err) == "Password attempts exceeded":
					refused++
				default:
					t.Fatalf("correct password on %s: %v", []string{"A", "B"}[i], err)
				}
			}
			if refused == 2 {
				return
			}
			if elapsed < time.Second {
				t.Fatalf("correct password accepted within the lock (A: %v, B: %v): the lockout is not shared", got[0], got[1])
			}
			t.Logf("try %d took %v, longer than the 1 s lock: trying again", try, elapsed)
		}
		t.Fatal("every try was slower than the 1 s lock: cannot check the shared lockout on this machine")
	})

	t.Run("ConcurrentAddUserToGroupLosesNothing", func(t *testing.T) {
		const users, groups = 12, 5
		for g := range groups {
			if _, err := cl.a.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &cl.poolID, GroupName: aws.String(fmt.Sprint("team", g))}); err != nil {
				t.Fatal(err)
			}
		}
		for u := range users {
			name := fmt.Sprint("member", u)
			if _, err := cl.b.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &cl.poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, users*groups)
		start := make(chan struct{})
		for u := range users {
			for g := range groups {
				c := []*cip.Client{cl.a, cl.b}[(u+g)%2]
				wg.Go(func() {
					<-start
					_, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &cl.poolID,
						Username: aws.String(fmt.Sprint("member", u)), GroupName: aws.String(fmt.Sprint("team", g))})
					if err != nil {
						errs <- fmt.Errorf("member%d to team%d: %w", u, g, err)
					}
				})
			}
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for _, c := range []*cip.Client{cl.a, cl.b} {
			for g := range groups {
				var names []string
				p := cip.NewListUsersInGroupPaginator(c, &cip.ListUsersInGroupInput{UserPoolId: &cl.poolID, GroupName: aws.String(fmt.Sprint("team", g))})
				for p.HasMorePages() {
					out, err := p.NextPage(ctx)
					if err != nil {
						t.Fatal(err)
					}
					for _, u := range out.Users {
						names = append(names, aws.ToString(u.Username))
					}
				}
				if len(names) != users {
					t.Errorf("team%d has %d members, want %d: %v", g, len(names), users, names)
				}
			}
			out, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &cl.poolID, Username: aws.String("member0")})
			if err != nil || len(out.Groups) != groups {
				t.Errorf("groups of member0: %v %v", out, err)
			}
		}
	})

	// Each instance caches a pool's settings for server.pool_cache_ttl (1 s
	// by default): A's change is seen by A at once and by B within the TTL.
	t.Run("PoolChangeOnASeenByBWithinTheCacheTTL", func(t *testing.T) {
		policy := func(c *cip.Client) int32 {
			t.Helper()
			out, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &cl.poolID})
			if err != nil {
				t.Fatal(err)
			}
			return aws.ToInt32(out.UserPool.Policies.PasswordPolicy.MinimumLength)
		}
		cl.createUser(t, cl.a, "pat", "Pat-Pass-12345!")
		before := policy(cl.b) // B now has the pool cached
		if before == 14 {
			t.Fatalf("minimum length already 14")
		}
		if _, err := cl.a.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &cl.poolID,
			Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(14)}}}); err != nil {
			t.Fatal(err)
		}
		if got := policy(cl.a); got != 14 {
			t.Fatalf("A's own change not seen by A: minimum length %d", got)
		}
		start := time.Now()
		for policy(cl.b) != 14 {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("B still has minimum length %d after %s (cache TTL 1 s)", before, time.Since(start))
			}
			time.Sleep(50 * time.Millisecond)
		}
		// B enforces the new policy.
		_, err := cl.b.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &cl.poolID, Username: aws.String("pat"),
			Password: aws.String("Short-Pass-1!"), Permanent: true})
		var ipe *types.InvalidPasswordException
		if !errors.As(err, &ipe) {
			t.Fatalf("a 13-character password on B after the change: %v", err)
		}
		t.Logf("B saw A's change after %s", time.Since(start).Round(time.Millisecond))
	})

	t.Run("CLIOnTheSharedStore", func(t *testing.T) {
		out, stderr, code := runCLI(t, cl.env, "principal", "list", "--store", cl.dsn, "--data", t.TempDir())
		if code != 0 || !strings.Contains(out, "root") {
			t.Fatalf("principal list --store: exit %d\n%s%s", code, out, stderr)
		}
		// A principal created by the CLI works on both instances at once.
		out, stderr, code = runCLI(t, cl.env, "principal", "create", "--name", "fn", "--pool", cl.poolID, "--allow", "listUsers",
			"--store", cl.dsn, "--data", t.TempDir())
		if code != 0 {
			t.Fatalf("principal create: exit %d\n%s", code, stderr)
		}
		env := parseEnv(t, out)
		for _, p := range []*proc{cl.A, cl.B} {
			if _, err := p.client(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]).ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &cl.poolID}); err != nil {
				t.Errorf("new principal on %s: %v", p.URL, err)
			}
		}
	})
}

// TestPostgresNeedsASharedMasterKey: with a PostgreSQL store, serve does not
// generate a master key of its own (other instances could not open what it
// seals), and another instance with a different key is refused.
func TestPostgresNeedsASharedMasterKey(t *testing.T) {
	t.Parallel()
	dsn := pgtest.FreshSchema(t, "userpool_e2e_")
	cfg := writeConfig(t, fastConfig)
	_, stderr, code := runCLI(t, []string{"USERPOOL_MASTER_KEY="}, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--config", cfg, "--store", dsn)
	if code == 0 || !strings.Contains(stderr, "every instance needs the same one") {
		t.Fatalf("serve on PostgreSQL without a master key: exit %d\n%s", code, stderr)
	}
	startServerEnv(t, t.TempDir(), []string{"USERPOOL_MASTER_KEY=" + randomMasterKey()}, "--config", cfg, "--store", dsn)
	_, stderr, code = runCLI(t, []string{"USERPOOL_MASTER_KEY=" + randomMasterKey()}, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--config", cfg, "--store", dsn)
	if code == 0 || !strings.Contains(stderr, "master key does not open") {
		t.Fatalf("second instance with another master key: exit %d\n%s", code, stderr)
	}
}

// TestStoreDSNPasswordNeverShown: a store that cannot be opened is reported
// with the DSN's password redacted (no database needed).
func TestStoreDSNPasswordNeverShown(t *testing.T) {
	t.Parallel()
	dsn := "postgres://someone:hunter2-secret@127.0.0.1:1/userpool?connect_timeout=5&sslmode=disable"
	for _, args := range [][]string{
		{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--config", writeConfig(t, fastConfig), "--store", dsn},
		{"principal", "list", "--data", t.TempDir(), "--store", dsn},
		{"migrate-store", "--from", "sqlite:" + t.TempDir() + "/x.db", "--to", dsn},
	} {
		_, stderr, code := runCLI(t, []string{"USERPOOL_MASTER_KEY=" + randomMasterKey(), "USERPOOL_STORE="}, args...)
		if code == 0 {
			t.Errorf("%s: exit 0 with an unreachable database", args[0])
		}
		if strings.Contains(stderr, "hunter2") {
			t.Errorf("%s shows the database password:\n%s", args[0], stderr)
		}
		if !strings.Contains(stderr, "someone:xxxxx@127.0.0.1:1") {
			t.Errorf("%s does not name the (redacted) store:\n%s", args[0], stderr)
		}
	}
}

// TestInstancesStartingTogether: instances started at the same moment on an
// empty schema with the same declarative configuration create each declared
// pool, group and client once (declared pools are matched by name, so
// without the start-up lock each instance could create its own).
func TestInstancesStartingTogether(t *testing.T) {
	t.Parallel()
	dsn := pgtest.FreshSchema(t, "userpool_e2e_")
	env := []string{"USERPOOL_MASTER_KEY=" + randomMasterKey()}
	cfg := writeConfig(t, fastConfig+`pools:
  - name: together
    groups: [{name: Admins, precedence: 1}, {name: users}]
    clients: [{name: web}, {name: mobile}]
principals:
  - name: ops
    grants: [{pool: "*", actions: ["cognito-idp:*"]}]
`)
	// Migrate the schema first (the migrations' own lock would otherwise
	// stagger the starts by up to a second).
	if _, stderr, code := runCLI(t, env, "audit", "--store", dsn, "--data", t.TempDir()); code != 0 {
		t.Fatalf("audit: exit %d\n%s", code, stderr)
	}
	var procs []*proc
	for range 3 {
		procs = append(procs, launchServer(t, t.TempDir(), env, "--config", cfg, "--store", dsn))
	}
	for _, p := range procs {
		p.waitListening()
	}
	out, stderr, code := runCLI(t, env, "env", "ops", "--store", dsn, "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("env ops: exit %d\n%s", code, stderr)
	}
	keys := parseEnv(t, out)
	ctx := ctxT(t)
	c := procs[2].client(keys["AWS_ACCESS_KEY_ID"], keys["AWS_SECRET_ACCESS_KEY"])
	pools, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	if len(pools.UserPools) != 1 {
		var names []string
		for _, p := range pools.UserPools {
			names = append(names, aws.ToString(p.Name)+" "+aws.ToString(p.Id))
		}
		t.Fatalf("%d pools after three instances started together, want 1: %v", len(pools.UserPools), names)
	}
	id := pools.UserPools[0].Id
	groups, err := c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: id})
	if err != nil || len(groups.Groups) != 2 {
		t.Errorf("groups: %v %v", groups, err)
	}
	clients, err := c.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: id})
	if err != nil || len(clients.UserPoolClients) != 2 {
		t.Errorf("clients: %v %v", clients, err)
	}
}
