package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/config"
	"userpool/internal/function"
	"userpool/internal/store"
)

// seedHandlerDir is a project directory holding the seed's handler file
// and the AWS SDK for JavaScript (e2e/js/node_modules), as an Amplify
// project has it.
func seedHandlerDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not on PATH")
	}
	modules, err := filepath.Abs("../../e2e/js/node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "@aws-sdk/client-cognito-identity-provider")); err != nil {
		t.Skip("e2e/js/node_modules has no @aws-sdk/client-cognito-identity-provider (npm ci in e2e/js)")
	}
	dir := t.TempDir()
	src, err := os.ReadFile("../../internal/function/testdata/seed/handler.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "handler.mjs"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "handler.mjs")
}

// The seed's handler, unmodified, runs as a function with its own granted
// key against a real server and adds a user to a group; the same handler
// without the grant is refused, and the refusal is audited.
func TestSeedHandlerAsFunction(t *testing.T) {
	t.Parallel()
	handler := seedHandlerDir(t)
	ta := newTestApp(t, nil)
	ctx := context.Background()
	akid, secret := ta.principal(t, "root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	root := ta.client(akid, secret, nil)
	pool, err := root.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := *pool.UserPool.Id
	if _, err := root.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("ADMINS")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}

	cfg := ta.cfg
	cfg.Functions = []config.Function{
		{Name: "add-user-to-group", Runtime: config.RuntimeNode, Handler: handler, Timeout: 30 * time.Second,
			Grants: []config.Grant{{Pool: poolID, Actions: []string{"addUserToGroup"}}}},
		{Name: "not-granted", Runtime: config.RuntimeNode, Handler: handler, Timeout: 30 * time.Second,
			Grants: []config.Grant{{Pool: poolID, Actions: []string{"listUsers"}}}},
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	reg, err := buildFunctions(ctx, functionDeps{cfg: cfg, store: ta.store, sealer: ta.sealer, svc: ta.svc, endpoint: ta.srv.URL,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now().UTC()}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })

	event := []byte(`{"typeName":"Mutation","fieldName":"addUserToGroup","arguments":{"userId":"alice","groupName":"ADMINS"}}`)
	out, err := reg.Invoke(ctx, "arn:aws:lambda:us-east-1:000000000000:function:add-user-to-group", event)
	if err != nil {
		t.Fatalf("granted function: %v", err)
	}
	var resp struct {
		Metadata struct {
			HTTPStatusCode int `json:"httpStatusCode"`
		} `json:"$metadata"`
	}
	if err := json.Unmarshal(out, &resp); err != nil || resp.Metadata.HTTPStatusCode != 200 {
		t.Errorf("result %s (%v)", out, err)
	}
	groups, err := root.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &poolID, Username: aws.String("alice")})
	if err != nil || len(groups.Groups) != 1 || *groups.Groups[0].GroupName != "ADMINS" {
		t.Fatalf("alice's groups after the function: %+v, %v", groups, err)
	}

	// its principal has the function's name, its grants and a key
	p, err := ta.store.GetPrincipal(ctx, "add-user-to-group")
	if err != nil || len(p.Grants) != 1 || p.Grants[0].Actions[0] != "addUserToGroup" {
		t.Errorf("principal: %+v, %v", p, err)
	}

	_, err = reg.Invoke(ctx, "not-granted", event)
	var fe *function.FunctionError
	if !errors.As(err, &fe) || fe.Type != "AccessDeniedException" || !strings.Contains(fe.Message, "cognito-idp:AdminAddUserToGroup") {
		t.Fatalf("function without the grant: %v (%#v)", err, fe)
	}
	ta.audit.Close()
	denied := listAudit(t, ta.store, store.AuditFilter{Outcome: "denied", Actor: "not-granted"})
	if len(denied) != 1 || denied[0].Action != "cognito-idp:AdminAddUserToGroup" {
		t.Errorf("audit of the refusal: %+v", denied)
	}
}
