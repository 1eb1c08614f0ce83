package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/adminqueries"
	"userpool/internal/audit"
	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// TestAuditOutcomeFilterFindsEveryFace: a failed Admin Queries call and a
// failed Cognito call with the same error are both found by
// `userpool audit --outcome error:UserNotFoundException` and by the domain's
// ListAudit with that filter (Admin Queries used to write "error: <Kind>").
func TestAuditOutcomeFilterFindsEveryFace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	cfg := config.Defaults()
	cfg.Server.Data = data
	st, err := openStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ta := newTestAppOn(t, st, newTestSealer(t), nil)
	akid, secret := ta.principal(t, "root", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	c := ta.client(akid, secret, nil)

	// A pool with Admin Queries on for group Admins, and an admin's token.
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("audited")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id
	cl, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: poolID, GroupName: aws.String("Admins")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String("boss"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: poolID, Username: aws.String("boss"), Password: aws.String("Passw0rd!x"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: poolID, Username: aws.String("boss"), GroupName: aws.String("Admins")}); err != nil {
		t.Fatal(err)
	}
	auth, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: cl.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "boss", "PASSWORD": "Passw0rd!x"}},
		func(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} })
	if err != nil {
		t.Fatal(err)
	}
	ta.aq.mu.Lock()
	ta.aq.pools = map[string]adminqueries.PoolConfig{*poolID: {Enabled: true, Groups: []string{"Admins"}}}
	ta.aq.mu.Unlock()

	// The two failures: Admin Queries addUserToGroup and Cognito
	// AdminDeleteUser, both of a user that does not exist.
	req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/adminqueries/"+*poolID+"/addUserToGroup",
		strings.NewReader(`{"username":"ghost","groupname":"Admins"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", aws.ToString(auth.AuthenticationResult.AccessToken))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("addUserToGroup of an unknown user: status %d, want 404", resp.StatusCode)
	}
	if _, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: poolID, Username: aws.String("ghost")}); err == nil {
		t.Fatal("AdminDeleteUser of an unknown user succeeded")
	}
	want := []string{"adminqueries:addUserToGroup", "cognito-idp:AdminDeleteUser"}

	// The domain's filter.
	evs, _, err := ta.svc.ListAudit(ctx, userpool.AuditFilter{PoolID: *poolID, Outcome: audit.ErrorOutcome("UserNotFoundException")}, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Action)
		if e.Target != "ghost" {
			t.Errorf("%s: target %q, want ghost", e.Action, e.Target)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("ListAudit(outcome error:UserNotFoundException) = %v, want %v", got, want)
	}

	// The CLI, with the stored spelling and with the old one typed.
	for _, outcome := range []string{"error:UserNotFoundException", "error: UserNotFoundException"} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"audit", "--data", data, "--pool", *poolID, "--outcome", outcome, "--json"}, &stdout, &stderr); code != 0 {
			t.Fatalf("audit --outcome %q: exit %d: %s", outcome, code, stderr.String())
		}
		got = nil
		dec := json.NewDecoder(&stdout)
		for dec.More() {
			var e auditJSON
			if err := dec.Decode(&e); err != nil {
				t.Fatal(err)
			}
			if e.Outcome != "error:UserNotFoundException" {
				t.Errorf("audit --outcome %q printed outcome %q", outcome, e.Outcome)
			}
			got = append(got, e.Action)
			if e.Action == "adminqueries:addUserToGroup" && (e.ActorType != audit.ActorUser || e.Actor != "boss") {
				t.Errorf("Admin Queries actor %s:%s, want user:boss", e.ActorType, e.Actor)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("audit --outcome %q listed %v, want %v", outcome, got, want)
		}
	}
}

// An --outcome that is no outcome is refused before the store is opened.
func TestAuditRefusesUnknownOutcome(t *testing.T) {
	t.Parallel()
	for _, outcome := range []string{"weird", "error:", "errors:UserNotFoundException"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"audit", "--data", filepath.Join(t.TempDir(), "absent"), "--outcome", outcome}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "--outcome") || !strings.Contains(stderr.String(), "allowed, denied or error:<ErrorType>") {
			t.Errorf("--outcome %q: exit %d, stderr %q; want 2 and a message naming the valid outcomes", outcome, code, stderr.String())
		}
	}
}
