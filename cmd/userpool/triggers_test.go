package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/config"
	"userpool/internal/function"
	"userpool/internal/function/webhook"
	"userpool/internal/iam"
	"userpool/internal/store"
)

// newTriggerTestApp is the real wiring with the trigger invoker on and the
// test API's message recorder (codes for ConfirmSignUp).
func newTriggerTestApp(t testing.TB) *testApp {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	cfg.Password.InsecureFastHashing = true
	cfg.TestingAPI.Enabled = true
	st, err := openStore(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	srv := httptest.NewUnstartedServer(nil)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	key := make([]byte, iam.MasterKeySize)
	_, _ = rand.Read(key)
	sealer, err := iam.NewSealer(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, log, st, sealer, appOptions{publicURL: "http://" + srv.Listener.Addr().String(), triggers: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.handler
	srv.Start()
	t.Cleanup(srv.Close)
	return &testApp{app: a, srv: srv}
}

// startFunctions builds the functions ta.cfg declares, as serve does
// (each one's principal, key and runtime), and hands them to the triggers
// and the GraphQL handlers.
func (ta *testApp) startFunctions(t testing.TB) *function.Registry {
	t.Helper()
	reg, err := buildFunctions(context.Background(), functionDeps{cfg: ta.cfg, store: ta.store, sealer: ta.sealer, svc: ta.svc,
		endpoint: ta.srv.URL, log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now().UTC()}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	ta.setFunctions(reg)
	return reg
}

// handlerProject is a directory with the test handlers and the AWS SDK for
// JavaScript (e2e/js/node_modules) beside them, as an Amplify project has.
func handlerProject(t *testing.T) string {
	t.Helper()
	seed := seedHandlerDir(t) // skips without node or the SDK
	dir := filepath.Dir(seed)
	src, err := os.ReadFile("../../internal/function/testdata/postconfirmation/handler.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "post-confirmation.mjs"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// nodeWorker runs a handler file in userpool's Node runtime with a
// function's credentials: what the Invoke-API and webhook test servers
// run behind them.
func nodeWorker(t *testing.T, d functionDeps, f config.Function, handler string) *function.Node {
	t.Helper()
	creds, err := functionCredentials(t.Context(), d, f)
	if err != nil {
		t.Fatal(err)
	}
	n, err := function.NewNode(function.NodeConfig{Name: f.Name, Handler: handler, Timeout: 30 * time.Second, Workers: 1,
		Credentials: creds, Env: map[string]string{"GROUP_NAME": "EVERYONE"}, Logger: d.log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n
}

// invokeAPIServer is a small AWS Lambda Invoke API (POST
// /2015-03-31/functions/<name>/invocations) running run.
func invokeAPIServer(t *testing.T, run function.Runner) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") || !strings.HasSuffix(r.URL.Path, "/invocations") ||
			!strings.Contains(r.Header.Get("Authorization"), "/lambda/aws4_request") {
			http.Error(w, `{"Type":"User","message":"bad request"}`, http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		out, err := run.Run(r.Context(), body)
		var fe *function.FunctionError
		switch {
		case errors.As(err, &fe):
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			out, _ = json.Marshal(map[string]string{"errorMessage": fe.Message, "errorType": fe.Type})
		case err != nil:
			http.Error(w, `{"message":"`+err.Error()+`"}`, http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// webhookReceiver verifies userpool's signature and runs run.
func webhookReceiver(t *testing.T, secret []byte, run function.Runner) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, `{"message":"bad signature"}`, http.StatusUnauthorized)
			return
		}
		out, err := run.Run(r.Context(), body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"errorMessage": err.Error()})
			return
		}
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const testFnARN = "arn:aws:lambda:us-east-1:000000000000:function:"

// Amplify's documented postConfirmation "add user to group" handler runs,
// unmodified, as a pool's PostConfirmation trigger (LambdaConfig with
// Lambda ARNs) through each of the three runtimes: a SignUp + ConfirmSignUp
// through the Go SDK puts the user in EVERYONE. The same handler without
// the grant is refused (the ConfirmSignUp answers
// UserLambdaValidationException, the user stays out of the group; as in
// Cognito the confirmation itself stands) and the refusal is in the audit log. The seed's handler
// (a GraphQL resolver reading event.arguments) as a PostConfirmation
// trigger throws, and Cognito's error says so.
func TestPostConfirmationTriggerThroughTheRuntimes(t *testing.T) {
	t.Parallel()
	dir := handlerProject(t)
	ta := newTriggerTestApp(t)
	ctx := context.Background()
	rootID, rootSecret := ta.principal(t, "root", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	root := ta.client(rootID, rootSecret, nil)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := functionDeps{cfg: ta.cfg, store: ta.store, sealer: ta.sealer, svc: ta.svc, endpoint: ta.srv.URL, log: log, now: time.Now().UTC()}

	cases := []struct{ fn, runtime, handler, grant, want string }{
		{"pc-node", config.RuntimeNode, "post-confirmation.mjs", "addUserToGroup", ""},
		{"pc-lambda", config.RuntimeLambda, "post-confirmation.mjs", "addUserToGroup", ""},
		{"pc-webhook", config.RuntimeWebhook, "post-confirmation.mjs", "addUserToGroup", ""},
		{"pc-denied", config.RuntimeNode, "post-confirmation.mjs", "listUsers", "PostConfirmation failed with error User: arn:aws:iam::000000000000:user/pc-denied is not authorized to perform: cognito-idp:AdminAddUserToGroup"},
		{"pc-seed", config.RuntimeNode, "handler.mjs", "addUserToGroup", "PostConfirmation failed with error Cannot destructure property 'userId' of 'event.arguments' as it is undefined.."},
	}
	pools := map[string]string{}
	secret := []byte("0123456789abcdef-webhook")
	secretFile := filepath.Join(t.TempDir(), "hook.secret")
	if err := os.WriteFile(secretFile, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		pool, err := root.CreateUserPool(ctx, &cip.CreateUserPoolInput{
			PoolName: aws.String(c.fn), AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			LambdaConfig: &types.LambdaConfigType{PostConfirmation: aws.String(testFnARN + c.fn)},
		})
		if err != nil {
			t.Fatal(err)
		}
		pools[c.fn] = *pool.UserPool.Id
		if _, err := root.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool.UserPool.Id, GroupName: aws.String("EVERYONE")}); err != nil {
			t.Fatal(err)
		}
		f := config.Function{Name: c.fn, Runtime: c.runtime, Timeout: 30 * time.Second,
			Env:    map[string]string{"GROUP_NAME": "EVERYONE"},
			Grants: []config.Grant{{Pool: pools[c.fn], Actions: []string{c.grant}}}}
		switch c.runtime {
		case config.RuntimeNode:
			f.Handler = filepath.Join(dir, c.handler)
		case config.RuntimeLambda:
			f.Endpoint = invokeAPIServer(t, nodeWorker(t, deps, f, filepath.Join(dir, c.handler))).URL
		case config.RuntimeWebhook:
			f.URL, f.SecretFile = webhookReceiver(t, secret, nodeWorker(t, deps, f, filepath.Join(dir, c.handler))).URL, secretFile
		}
		ta.cfg.Functions = append(ta.cfg.Functions, f)
	}
	if err := ta.cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ta.startFunctions(t)

	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			poolID := pools[c.fn]
			app, err := root.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web")})
			if err != nil {
				t.Fatal(err)
			}
			cid := app.UserPoolClient.ClientId
			if _, err := root.SignUp(ctx, &cip.SignUpInput{ClientId: cid, Username: aws.String("nina"), Password: aws.String("Passw0rd!"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("nina@example.com")}}}); err != nil {
				t.Fatal(err)
			}
			code, out := signedCall(t, ta, rootID, rootSecret, "GET", "/_userpool/pools/"+poolID+"/messages?username=nina", "")
			msgs, _ := out["messages"].([]any)
			if code != 200 || len(msgs) != 1 {
				t.Fatalf("messages: %d %v", code, out)
			}
			_, err = root.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: cid, Username: aws.String("nina"),
				ConfirmationCode: aws.String(msgs[0].(map[string]any)["code"].(string))})
			groups, gerr := root.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &poolID, Username: aws.String("nina")})
			if gerr != nil {
				t.Fatal(gerr)
			}
			user, uerr := root.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("nina")})
			if uerr != nil {
				t.Fatal(uerr)
			}
			if c.want == "" {
				if err != nil {
					t.Fatalf("ConfirmSignUp: %v", err)
				}
				if len(groups.Groups) != 1 || *groups.Groups[0].GroupName != "EVERYONE" {
					t.Fatalf("groups after confirmation: %+v", groups.Groups)
				}
				if user.UserStatus != types.UserStatusTypeConfirmed {
					t.Errorf("status %s", user.UserStatus)
				}
				return
			}
			var lve *types.UserLambdaValidationException
			if !errors.As(err, &lve) || !strings.HasPrefix(aws.ToString(lve.Message), c.want) {
				t.Fatalf("ConfirmSignUp: %v, want UserLambdaValidationException %q", err, c.want)
			}
			// Cognito confirms before PostConfirmation runs: the user stays
			// confirmed, outside the group.
			if len(groups.Groups) != 0 || user.UserStatus != types.UserStatusTypeConfirmed {
				t.Errorf("after the failed trigger: groups %+v, status %s", groups.Groups, user.UserStatus)
			}
		})
	}
	ta.audit.Close()
	denied := listAudit(t, ta.store, store.AuditFilter{Outcome: "denied", Actor: "pc-denied"})
	if len(denied) != 1 || denied[0].Action != "cognito-idp:AdminAddUserToGroup" {
		t.Errorf("audit of the refusal: %+v", denied)
	}
}

// The seed's handler (a GraphQL resolver reading event.arguments) behind
// the custom mutation addUserToGroup (issue 18), run unmodified through each
// of the three runtimes: an ADMINS member's ID token calls POST
// /graphql/<api> and the target user lands in the group.
func TestSeedHandlerBehindGraphQLThroughTheRuntimes(t *testing.T) {
	t.Parallel()
	dir := handlerProject(t)
	ta := newTriggerTestApp(t)
	ctx := context.Background()
	rootID, rootSecret := ta.principal(t, "root", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	root := ta.client(rootID, rootSecret, nil)
	pool, err := root.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("amplify-app")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := *pool.UserPool.Id
	app, err := root.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"ADMINS", "node", "lambda", "webhook"} {
		if _, err := root.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"alice", "target"} {
		if _, err := root.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(u), MessageAction: types.MessageActionTypeSuppress}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := root.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("alice"), Password: aws.String("Passw0rd!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: aws.String("alice"), GroupName: aws.String("ADMINS")}); err != nil {
		t.Fatal(err)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := functionDeps{cfg: ta.cfg, store: ta.store, sealer: ta.sealer, svc: ta.svc, endpoint: ta.srv.URL, log: log, now: time.Now().UTC()}
	handler := filepath.Join(dir, "handler.mjs")
	secret := []byte("0123456789abcdef-webhook")
	secretFile := filepath.Join(t.TempDir(), "hook.secret")
	if err := os.WriteFile(secretFile, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	runtimes := []string{config.RuntimeNode, config.RuntimeLambda, config.RuntimeWebhook}
	for _, rt := range runtimes {
		f := config.Function{Name: "seed-" + rt, Runtime: rt, Timeout: 30 * time.Second,
			Grants: []config.Grant{{Pool: poolID, Actions: []string{"addUserToGroup"}}}}
		switch rt {
		case config.RuntimeNode:
			f.Handler = handler
		case config.RuntimeLambda:
			f.Endpoint = invokeAPIServer(t, nodeWorker(t, deps, f, handler)).URL
		case config.RuntimeWebhook:
			f.URL, f.SecretFile = webhookReceiver(t, secret, nodeWorker(t, deps, f, handler)).URL, secretFile
		}
		ta.cfg.Functions = append(ta.cfg.Functions, f)
		ta.cfg.APIs = append(ta.cfg.APIs, config.API{Name: rt, Pool: poolID, Operations: []config.APIOperation{{
			Name: "addUserToGroup", Kind: "mutation", Returns: "AWSJSON",
			Arguments:     []config.APIArgument{{Name: "userId", Type: "String!"}, {Name: "groupName", Type: "String!"}},
			Authorization: config.APIAuthorization{Groups: []string{"ADMINS"}},
			Handler:       config.APIHandler{Function: "seed-" + rt},
		}}})
	}
	ta.startFunctions(t)
	if err := ta.setAPIs(ta.cfg, nil); err != nil {
		t.Fatal(err)
	}
	auth, err := root.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: app.UserPoolClient.ClientId,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
	if err != nil {
		t.Fatal(err)
	}
	idToken := *auth.AuthenticationResult.IdToken

	for _, rt := range runtimes {
		body := `{"query":"mutation Add($u: String!, $g: String!) { addUserToGroup(userId: $u, groupName: $g) }","variables":{"u":"target","g":"` + rt + `"}}`
		req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/graphql/"+rt, strings.NewReader(body))
		req.Header.Set("Authorization", idToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var out struct {
			Data   map[string]string `json:"data"`
			Errors []any             `json:"errors"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != 200 || len(out.Errors) != 0 {
			t.Fatalf("%s: %d %s", rt, resp.StatusCode, raw)
		}
		var result struct {
			Metadata struct {
				HTTPStatusCode int `json:"httpStatusCode"`
			} `json:"$metadata"`
		}
		if err := json.Unmarshal([]byte(out.Data["addUserToGroup"]), &result); err != nil || result.Metadata.HTTPStatusCode != 200 {
			t.Errorf("%s: result %s", rt, raw)
		}
	}
	groups, err := root.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &poolID, Username: aws.String("target")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range groups.Groups {
		names = append(names, *g.GroupName)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "lambda,node,webhook" {
		t.Errorf("target's groups: %v", names)
	}
}
