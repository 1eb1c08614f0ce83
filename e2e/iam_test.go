package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// parseEnv reads the NAME='value' lines of `userpool env`.
func parseEnv(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || !strings.HasPrefix(line, "export ") || !strings.HasPrefix(v, "'") || !strings.HasSuffix(v, "'") {
			t.Fatalf("not an export NAME='value' line: %q", line)
		}
		m[k] = strings.ReplaceAll(v[1:len(v)-1], `'\''`, `'`)
	}
	return m
}

// cleanEnv is the process environment without AWS_* variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return env
}

// TestFirstStartCredentials: a first start without configuration creates
// principal root and <data>/credentials (0600), prints how to use it, and
// the AWS CLI works with it; nothing is open without it.
func TestFirstStartCredentials(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	srv := startServer(t, data)
	creds := filepath.Join(data, "credentials")
	fi, err := os.Stat(creds)
	if err != nil {
		t.Fatalf("no credentials file: %v\n%s", err, srv.Logs())
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(creds)
	if !strings.HasPrefix(string(b), "[userpool]\n") || srv.AccessKeyID == "" || srv.SecretKey == "" {
		t.Fatalf("credentials file:\n%s", b)
	}
	if strings.Contains(srv.Logs(), srv.SecretKey) {
		t.Error("the secret key appears in the server's output")
	}
	hint := "AWS_SHARED_CREDENTIALS_FILE=" + creds + " aws --profile userpool --endpoint-url " + srv.URL + " --region us-east-1 cognito-idp list-user-pools --max-results 10"
	if !strings.Contains(srv.Logs(), hint) {
		t.Errorf("stderr does not show %q:\n%s", hint, srv.Logs())
	}
	ctx := ctxT(t)
	pool, err := srv.rootClient().CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("cli")})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing is open by default: a key the server never issued is refused.
	if _, err := srv.client("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)}); apiCode(err) != "UnrecognizedClientException" {
		t.Errorf("unknown key: %v", err)
	}

	t.Run("aws cli", func(t *testing.T) {
		awsBin, err := exec.LookPath("aws")
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("the AWS CLI (aws) is not on PATH; CI must have it")
			}
			t.Skip("the AWS CLI (aws) is not on PATH; install it to run this test")
		}
		cmd := exec.Command(awsBin, "--profile", "userpool", "--endpoint-url", srv.URL, "--region", "us-east-1",
			"cognito-idp", "list-user-pools", "--max-results", "10", "--output", "json")
		cmd.Env = append(cleanEnv(), "AWS_SHARED_CREDENTIALS_FILE="+creds, "AWS_CONFIG_FILE="+filepath.Join(t.TempDir(), "none"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws: %v\n%s", err, out)
		}
		var res struct{ UserPools []struct{ Id, Name string } }
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("aws output: %v\n%s", err, out)
		}
		if len(res.UserPools) != 1 || res.UserPools[0].Id != aws.ToString(pool.UserPool.Id) {
			t.Fatalf("aws list-user-pools: %s", out)
		}
	})

	// A second start keeps the credentials and does not make another root.
	srv.Stop()
	srv2 := startServer(t, data)
	if srv2.AccessKeyID != srv.AccessKeyID || strings.Contains(srv2.Logs(), "first start") {
		t.Errorf("second start changed the credentials or announced a first start:\n%s", srv2.Logs())
	}
	if _, err := srv2.rootClient().DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool.UserPool.Id}); err != nil {
		t.Fatal(err)
	}
}

// TestBadConfigRefused: a configuration with problems stops the server
// before it listens, with every problem listed by path.
func TestBadConfigRefused(t *testing.T) {
	t.Parallel()
	bad := `
server:
  region: us-east-1
pools:
  - name: app
    id: not-an-id
    mfa: SOMETIMES
    groups:
      - name: admins
      - name: admins
    admin_queries:
      enabled: true
      groups: [ghosts]
  - name: app
principals:
  - name: fn
    grants:
      - pool: nowhere
        actions: [addUserToGroup, launchRockets]
`
	_, stderr, code := runCLI(t, nil, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--config", writeConfig(t, bad))
	if code == 0 {
		t.Fatalf("serve accepted a bad configuration:\n%s", stderr)
	}
	for _, want := range []string{
		"pools[0].id:", "pools[0].mfa:", "pools[0].groups[1].name: duplicate group", "pools[0].admin_queries.groups[0]:",
		"pools[1].name: duplicate pool name", "principals[0].grants[0].pool:", `principals[0].grants[0].actions[1]: unknown action "launchRockets"`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "userpool listening") {
		t.Error("the server listened")
	}

	// Valid on its face but not applicable: a grant on a pool id that does not exist.
	unapplicable := "password:\n  insecure_fast_hashing: true\nprincipals:\n  - name: fn\n    grants:\n      - pool: us-east-1_AbCdEfGhI\n        actions: [listUsers]\n"
	_, stderr, code = runCLI(t, nil, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--config", writeConfig(t, unapplicable))
	if code == 0 || !strings.Contains(stderr, "principals[0].grants[0].pool: pool us-east-1_AbCdEfGhI does not exist") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

// TestDeclaredConfiguration: pools, groups, clients and principals declared
// in the file exist after start, with their fixed ids; a restart with the
// same file changes nothing; a changed file updates what changed.
func TestDeclaredConfiguration(t *testing.T) {
	t.Parallel()
	const cfg = `
password:
  insecure_fast_hashing: true
pools:
  - name: app
    id: us-east-1_AppPool01
    username_attributes: [email]
    case_sensitive: false
    password_policy: {minimum_length: 10, require_symbols: false}
    groups:
      - {name: ADMINS, precedence: 1, description: administrators}
      - {name: users}
    clients:
      - {name: web, id: webclient0000000000000000a, explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH], access_token_validity: 15m}
    admin_queries: {enabled: true, groups: [ADMINS], allowed_origins: ["http://localhost:3000"]}
principals:
  - name: fn
    grants:
      - {pool: app, actions: ["cognito-idp:*"]}
`
	data := t.TempDir()
	path := writeConfig(t, cfg)
	srv := startServer(t, data, "--config", path)
	if srv.AccessKeyID != "" {
		t.Fatal("root credentials were written although principals are declared")
	}
	if !strings.Contains(srv.Logs(), `principal has no access key yet`) {
		t.Errorf("no hint about the keyless principal:\n%s", srv.Logs())
	}
	out, stderr, code := runCLI(t, nil, "env", "fn", "--data", data, "--config", path, "--endpoint", srv.URL)
	if code != 0 {
		t.Fatalf("env: %d %s", code, stderr)
	}
	env := parseEnv(t, out)
	if env["AMPLIFY_AUTH_USERPOOL_ID"] != "us-east-1_AppPool01" || env["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] != srv.URL || env["AWS_REGION"] != "us-east-1" {
		t.Fatalf("env: %v", env)
	}
	c := srv.client(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
	ctx := ctxT(t)
	p, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_AppPool01")})
	if err != nil {
		t.Fatal(err)
	}
	pp := p.UserPool.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 10 || pp.RequireSymbols || !pp.RequireUppercase || len(p.UserPool.UsernameAttributes) != 1 {
		t.Errorf("pool: %+v %+v", pp, p.UserPool.UsernameAttributes)
	}
	g, err := c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String("us-east-1_AppPool01"), GroupName: aws.String("ADMINS")})
	if err != nil || aws.ToInt32(g.Group.Precedence) != 1 {
		t.Fatalf("group ADMINS: %v %+v", err, g)
	}
	cl, err := c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String("us-east-1_AppPool01"), ClientId: aws.String("webclient0000000000000000a")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(cl.UserPoolClient.AccessTokenValidity) != 15 || cl.UserPoolClient.TokenValidityUnits.AccessToken != types.TimeUnitsTypeMinutes {
		t.Errorf("client validity: %v %+v", cl.UserPoolClient.AccessTokenValidity, cl.UserPoolClient.TokenValidityUnits)
	}
	// Granted the pool, not the account.
	if _, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("ListUserPools by fn: %v", err)
	}
	// A change made through the API to something undeclared survives restarts.
	if _, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String("us-east-1_AppPool01"), GroupName: aws.String("extra")}); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	srv2 := startServer(t, data, "--config", path)
	if strings.Contains(srv2.Logs(), `msg="config: `) {
		t.Errorf("restart with the same file changed something:\n%s", srv2.Logs())
	}
	srv2.Stop()

	changed := strings.Replace(cfg, "{name: ADMINS, precedence: 1,", "{name: ADMINS, precedence: 5,", 1)
	srv3 := startServer(t, data, "--config", writeConfig(t, changed))
	if !strings.Contains(srv3.Logs(), `updated group \"ADMINS\"`) || strings.Count(srv3.Logs(), `msg="config: `) != 1 {
		t.Errorf("changed precedence:\n%s", srv3.Logs())
	}
	c3 := srv3.client(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
	g, err = c3.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String("us-east-1_AppPool01"), GroupName: aws.String("ADMINS")})
	if err != nil || aws.ToInt32(g.Group.Precedence) != 5 {
		t.Fatalf("group ADMINS after change: %v %+v", err, g)
	}
	if _, err := c3.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String("us-east-1_AppPool01"), GroupName: aws.String("extra")}); err != nil {
		t.Errorf("undeclared group deleted: %v", err)
	}
}

// TestPrincipalCommandsWhileServing: principal create/list/delete, env and
// audit work against the data directory of a running server.
func TestPrincipalCommandsWhileServing(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	srv := startServer(t, data)
	ctx := ctxT(t)
	root := srv.rootClient()
	pool, err := root.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("shop")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := root.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("ADMINS")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("bob"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}

	out, stderr, code := runCLI(t, nil, "principal", "create", "--data", data, "--name", "fn", "--pool", "shop", "--allow", "addUserToGroup", "--endpoint", srv.URL)
	if code != 0 {
		t.Fatalf("principal create: %d\n%s", code, stderr)
	}
	env := parseEnv(t, out)
	if env["AMPLIFY_AUTH_USERPOOL_ID"] != poolID {
		t.Fatalf("env: %v", env)
	}
	fn := srv.client(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
	if _, err := fn.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: aws.String("bob"), GroupName: aws.String("ADMINS")}); err != nil {
		t.Fatalf("granted call: %v", err)
	}
	if _, err := fn.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID}); apiCode(err) != "AccessDeniedException" {
		t.Fatalf("ungranted call: %v", err)
	}

	// env --key reuses the key; a plain env call makes another.
	out, _, code = runCLI(t, nil, "env", "fn", "--data", data, "--key", env["AWS_ACCESS_KEY_ID"])
	if again := parseEnv(t, out); code != 0 || again["AWS_SECRET_ACCESS_KEY"] != env["AWS_SECRET_ACCESS_KEY"] {
		t.Fatalf("env --key: %d", code)
	}
	list, _, code := runCLI(t, nil, "principal", "list", "--data", data, "--json")
	if code != 0 || !strings.Contains(list, `"name":"fn"`) || !strings.Contains(list, env["AWS_ACCESS_KEY_ID"]) || !strings.Contains(list, `"name":"root"`) {
		t.Fatalf("principal list:\n%s", list)
	}
	if strings.Contains(list, env["AWS_SECRET_ACCESS_KEY"]) {
		t.Fatal("principal list shows a secret")
	}

	// The audit log has the allowed membership change and the denial.
	aud, stderr, code := runCLI(t, nil, "audit", "--data", data, "--actor", "fn", "--json")
	if code != 0 {
		t.Fatalf("audit: %s", stderr)
	}
	var outcomes []string
	for _, line := range strings.Split(strings.TrimSpace(aud), "\n") {
		var e struct{ Action, Outcome, Target, PoolID string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		outcomes = append(outcomes, e.Action+" "+e.Outcome)
	}
	want := []string{"cognito-idp:AdminAddUserToGroup allowed", "cognito-idp:ListUsers denied"}
	if strings.Join(outcomes, "|") != strings.Join(want, "|") {
		t.Fatalf("audit for fn: %v, want %v", outcomes, want)
	}
	aud, _, _ = runCLI(t, nil, "audit", "--data", data, "--outcome", "denied")
	if !strings.Contains(aud, "cognito-idp:ListUsers") || strings.Contains(aud, "AdminAddUserToGroup") {
		t.Fatalf("audit --outcome denied:\n%s", aud)
	}

	if _, stderr, code := runCLI(t, nil, "principal", "create", "--data", data, "--name", "fn2", "--pool", "shop", "--allow", "addUserToGroup,teleport"); code == 0 || !strings.Contains(stderr, `"teleport"`) {
		t.Fatalf("unknown action accepted: %d %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, nil, "principal", "delete", "fn", "--data", data); code != 0 {
		t.Fatalf("principal delete: %s", stderr)
	}
	list, _, _ = runCLI(t, nil, "principal", "list", "--data", data)
	if strings.Contains(list, "fn ") {
		t.Fatalf("fn still listed:\n%s", list)
	}
}

// TestDevAcceptAnyCredentials: the development switch accepts any
// well-formed signature and says so loudly.
func TestDevAcceptAnyCredentials(t *testing.T) {
	t.Parallel()
	srv := startServer(t, t.TempDir(), "--dev-accept-any-credentials")
	if !strings.Contains(srv.Logs(), "level=WARN") || !strings.Contains(srv.Logs(), "DEV MODE") {
		t.Fatalf("no warning:\n%s", srv.Logs())
	}
	ctx := ctxT(t)
	if _, err := srv.client("AKIDANYTHING", "whatever").CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("dev")}); err != nil {
		t.Fatalf("dev mode refused a signed call: %v", err)
	}
}

// TestMasterKey: the generated key file is 0600; a different master key
// (here from USERPOOL_MASTER_KEY) cannot open the stored access keys and the
// server refuses to start rather than fail every signed call.
func TestMasterKey(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	srv := startServer(t, data)
	fi, err := os.Stat(filepath.Join(data, "master.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("master.key: %v %v", fi, err)
	}
	if !strings.Contains(srv.Logs(), "production should supply its own") {
		t.Errorf("no warning about the generated master key:\n%s", srv.Logs())
	}
	srv.Stop()
	other := strings.Repeat("ab", 32)
	_, stderr, code := runCLI(t, []string{"USERPOOL_MASTER_KEY=" + other}, "serve", "--listen", "127.0.0.1:0", "--data", data, "--config", writeConfig(t, fastConfig))
	if code == 0 || !strings.Contains(stderr, "master key does not open access key") {
		t.Fatalf("exit %d with another master key:\n%s", code, stderr)
	}
	// The CLI refuses too, instead of sealing new keys with the wrong key.
	_, stderr, code = runCLI(t, []string{"USERPOOL_MASTER_KEY=" + other}, "env", "root", "--data", data)
	if code == 0 || !strings.Contains(stderr, "master key does not open access key") {
		t.Fatalf("env with another master key: exit %d\n%s", code, stderr)
	}
}
