package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"userpool/internal/cognitoidp"
	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

const (
	mxUser   = "matrix-user"
	mxGroup  = "matrix-group"
	mxDevice = "us-east-1_00000000-0000-0000-0000-000000000000"
)

// opCall invokes one operation with the SDK client on a pool.
type opCall func(ctx context.Context, c *cip.Client, pool string) error

func s(v string) *string { return aws.String(v) }

// sdkCalls are the signed operations invoked through the SDK's own
// operation methods. Signed operations the server implements but this
// table lacks are sent as raw requests signed by the SDK's SigV4 signer
// (rawCall), so a newly added operation is covered too.
var sdkCalls = map[string]opCall{
	"AdminAddUserToGroup": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: s(p), Username: s(mxUser), GroupName: s(mxGroup)})
		return err
	},
	"AdminConfirmSignUp": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminCreateUser": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: s(p), Username: s(mxUser), MessageAction: types.MessageActionTypeSuppress})
		return err
	},
	"AdminDeleteUser": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminDeleteUserAttributes": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: s(p), Username: s(mxUser), UserAttributeNames: []string{"nickname"}})
		return err
	},
	"AdminDisableUser": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminEnableUser": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminForgetDevice": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: s(p), Username: s(mxUser), DeviceKey: s(mxDevice)})
		return err
	},
	"AdminGetDevice": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: s(p), Username: s(mxUser), DeviceKey: s(mxDevice)})
		return err
	},
	"AdminGetUser": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminListDevices": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminListGroupsForUser": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminRemoveUserFromGroup": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: s(p), Username: s(mxUser), GroupName: s(mxGroup)})
		return err
	},
	"AdminResetUserPassword": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminRespondToAuthChallenge": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: s(p), ClientId: s("matrixclient"), ChallengeName: types.ChallengeNameTypeNewPasswordRequired})
		return err
	},
	"AdminSetUserMFAPreference": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminSetUserPassword": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: s(p), Username: s(mxUser), Password: s("Matrix-Passw0rd!")})
		return err
	},
	"AdminSetUserSettings": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: s(p), Username: s(mxUser), MFAOptions: []types.MFAOptionType{}})
		return err
	},
	"AdminUpdateDeviceStatus": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: s(p), Username: s(mxUser), DeviceKey: s(mxDevice), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered})
		return err
	},
	"AdminUpdateUserAttributes": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: s(p), Username: s(mxUser), UserAttributes: []types.AttributeType{{Name: s("nickname"), Value: s("m")}}})
		return err
	},
	"AdminUserGlobalSignOut": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: s(p), Username: s(mxUser)})
		return err
	},
	"AdminInitiateAuth": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: s(p), ClientId: s("matrixclient"), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth})
		return err
	},
	"CreateGroup": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: s(p), GroupName: s(mxGroup)})
		return err
	},
	"DeleteGroup": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: s(p), GroupName: s(mxGroup)})
		return err
	},
	"GetGroup": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: s(p), GroupName: s(mxGroup)})
		return err
	},
	"UpdateGroup": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: s(p), GroupName: s(mxGroup), Description: s("d")})
		return err
	},
	"ListGroups": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: s(p)})
		return err
	},
	"ListUsers": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: s(p)})
		return err
	},
	"ListUsersInGroup": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: s(p), GroupName: s(mxGroup)})
		return err
	},
	"CreateUserPool": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: s("matrix-created")})
		return err
	},
	"ListUserPools": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
		return err
	},
	"DescribeUserPool": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: s(p)})
		return err
	},
	"UpdateUserPool": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: s(p)})
		return err
	},
	"DeleteUserPool": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: s(p)})
		return err
	},
	"CreateUserPoolClient": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: s(p), ClientName: s("matrix")})
		return err
	},
	"DescribeUserPoolClient": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: s(p), ClientId: s("matrixclient")})
		return err
	},
	"UpdateUserPoolClient": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: s(p), ClientId: s("matrixclient")})
		return err
	},
	"DeleteUserPoolClient": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: s(p), ClientId: s("matrixclient")})
		return err
	},
	"ListUserPoolClients": func(ctx context.Context, c *cip.Client, p string) error {
		_, err := c.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: s(p)})
		return err
	},
}

// rawCall sends {"UserPoolId": pool} to op, signed by the SDK's SigV4 signer.
func rawCall(ctx context.Context, url, akid, secret, op, pool string) error {
	body := []byte(fmt.Sprintf(`{"UserPoolId":%q}`, pool))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", cognitoidp.TargetPrefix+"."+op)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	t := resp.Header.Get("X-Amzn-ErrorType")
	t, _, _ = strings.Cut(t, ":")
	return &smithy.GenericAPIError{Code: t, Message: "status " + resp.Status}
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

// signedOps are the signed operations the server implements, sorted, with
// the destructive ones last (DeleteUserPool at the very end).
func signedOps(h *cognitoidp.Handler) []string {
	var ops []string
	for op, mode := range h.Operations() {
		if mode == cognitoidp.AuthSigV4 {
			ops = append(ops, op)
		}
	}
	rank := func(op string) int {
		switch op {
		case "DeleteUserPool":
			return 2
		case "DeleteUserPoolClient":
			return 1
		}
		return 0
	}
	slices.SortFunc(ops, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return ops
}

// TestAuthorizationMatrix: for each of Amplify's 30 action names, a
// principal granted only that name on pool A may call exactly the operations
// of its expansion on pool A (whatever the domain then answers, it is not
// AccessDeniedException), is denied every other signed operation the server
// implements, and is denied everything on pool B and on a pool that does not
// exist. A principal with cognito-idp:* on "*" reaches every operation.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, nil)
	ctx := context.Background()
	poolA, err := ta.svc.CreatePool(ctx, userpool.PoolInput{Name: "pool-a"})
	if err != nil {
		t.Fatal(err)
	}
	poolB, err := ta.svc.CreatePool(ctx, userpool.PoolInput{Name: "pool-b"})
	if err != nil {
		t.Fatal(err)
	}
	const missingPool = "us-east-1_NoSuchPoo"
	ops := signedOps(ta.cognito)
	if len(ops) < 30 {
		t.Fatalf("only %d signed operations registered: %v", len(ops), ops)
	}
	call := func(c *cip.Client, akid, secret, op, pool string) error {
		if f, ok := sdkCalls[op]; ok {
			return f(ctx, c, pool)
		}
		return rawCall(ctx, ta.srv.URL, akid, secret, op, pool)
	}

	t.Logf("%d signed operations: %v", len(ops), ops)
	deniedBy := map[string]int{}
	for i, name := range iam.AmplifyActions() {
		grantPool := poolA.ID
		if i%2 == 1 { // half the principals name the pool by name
			grantPool = poolA.Name
		}
		principal := "p-" + name
		akid, secret := ta.principal(t, principal, store.Grant{Pool: grantPool, Actions: []string{name}})
		c := ta.client(akid, secret, nil)
		expansion, err := iam.Expand(name)
		if err != nil {
			t.Fatal(err)
		}
		allowed := map[string]bool{}
		for _, a := range expansion {
			allowed[strings.TrimPrefix(a, iam.ActionPrefix)] = true
		}
		for _, op := range ops {
			code := errorCode(call(c, akid, secret, op, poolA.ID))
			if allowed[op] {
				if code == "AccessDeniedException" || strings.HasPrefix(code, "non-API") || code == "InternalErrorException" {
					t.Errorf("%s (grant on %q): %s on pool A: got %s, want allowed", name, grantPool, op, code)
				}
			} else {
				deniedBy[principal]++
				if code != "AccessDeniedException" {
					t.Errorf("%s: %s on pool A: got %q, want AccessDeniedException", name, op, code)
				}
			}
			for _, other := range []string{poolB.ID, missingPool} {
				deniedBy[principal]++
				if code := errorCode(call(c, akid, secret, op, other)); code != "AccessDeniedException" {
					t.Errorf("%s: %s on %s: got %q, want AccessDeniedException", name, op, other, code)
				}
			}
		}
	}

	// The denial message is AWS's IAM text.
	akid, secret := ta.principal(t, "msg-check", store.Grant{Pool: poolA.ID, Actions: []string{"listUsers"}})
	_, err = ta.client(akid, secret, nil).AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: s(poolB.ID), Username: s("x")})
	want := "User: arn:aws:iam::000000000000:user/msg-check is not authorized to perform: cognito-idp:AdminGetUser on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/" + poolB.ID + " because no identity-based policy allows the cognito-idp:AdminGetUser action"
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorMessage() != want {
		t.Errorf("denial message = %v\nwant %s", err, want)
	}

	t.Run("star reaches all", func(t *testing.T) {
		poolD, err := ta.svc.CreatePool(ctx, userpool.PoolInput{Name: "pool-d"})
		if err != nil {
			t.Fatal(err)
		}
		akid, secret := ta.principal(t, "star", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
		c := ta.client(akid, secret, nil)
		for _, op := range ops {
			if code := errorCode(call(c, akid, secret, op, poolD.ID)); code == "AccessDeniedException" || code == "InternalErrorException" || strings.HasPrefix(code, "non-API") {
				t.Errorf("star: %s: got %s", op, code)
			}
		}
		// A pool that does not exist: the operation's own answer.
		if code := errorCode(call(c, akid, secret, "DescribeUserPool", missingPool)); code != "ResourceNotFoundException" {
			t.Errorf("star: DescribeUserPool on a missing pool: %s", code)
		}
	})

	t.Run("account-scoped operations need *", func(t *testing.T) {
		akid, secret := ta.principal(t, "pool-star", store.Grant{Pool: poolA.ID, Actions: []string{iam.ActionAll}})
		c := ta.client(akid, secret, nil)
		for _, op := range []string{"CreateUserPool", "ListUserPools"} {
			if code := errorCode(call(c, akid, secret, op, "")); code != "AccessDeniedException" {
				t.Errorf("cognito-idp:* on one pool: %s: got %q, want AccessDeniedException", op, code)
			}
		}
		if code := errorCode(call(c, akid, secret, "DescribeUserPool", poolA.ID)); code != "" {
			t.Errorf("cognito-idp:* on pool A: DescribeUserPool: %s", code)
		}
		if code := errorCode(call(c, akid, secret, "DescribeUserPool", poolB.ID)); code != "AccessDeniedException" {
			t.Errorf("cognito-idp:* on pool A: DescribeUserPool on B: %s", code)
		}
	})

	t.Run("audit", func(t *testing.T) {
		// Every denied call is in the audit log, with its actor.
		for _, principal := range []string{"p-addUserToGroup", "p-manageUsers", "p-listUsers"} {
			evs := listAudit(t, ta.store, store.AuditFilter{Actor: principal, Outcome: "denied"})
			if len(evs) != deniedBy[principal] {
				t.Errorf("%s: %d denied audit entries, made %d denied calls", principal, len(evs), deniedBy[principal])
			}
			for _, e := range evs {
				if e.RequestID == "" || !strings.HasPrefix(e.Action, "cognito-idp:") || e.ActorType != "principal" || !strings.Contains(e.Detail, "is not authorized") {
					t.Errorf("denied entry %+v", e)
				}
			}
		}
		// Allowed state changes are recorded; reads are not.
		evs := listAudit(t, ta.store, store.AuditFilter{Actor: "p-addUserToGroup", Action: "cognito-idp:AdminAddUserToGroup", PoolID: poolA.ID})
		if len(evs) != 1 || evs[0].Outcome == "denied" || evs[0].Target == "" {
			t.Errorf("AdminAddUserToGroup by p-addUserToGroup on pool A: %+v", evs)
		}
		if evs := listAudit(t, ta.store, store.AuditFilter{Actor: "p-listUsers", Action: "cognito-idp:ListUsers", PoolID: poolA.ID}); len(evs) != 0 {
			t.Errorf("an allowed read was audited: %+v", evs)
		}
		if evs := listAudit(t, ta.store, store.AuditFilter{Actor: "star", Action: "cognito-idp:CreateUserPool", Outcome: "allowed"}); len(evs) != 1 {
			t.Errorf("CreateUserPool by star: %+v", evs)
		}
	})
}

func listAudit(t *testing.T, st store.IAMStore, f store.AuditFilter) []store.AuditEvent {
	t.Helper()
	var all []store.AuditEvent
	tok := ""
	for {
		evs, next, err := st.ListAudit(context.Background(), f, store.Page{Limit: store.MaxPageSize, Token: tok})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, evs...)
		if next == "" {
			return all
		}
		tok = next
	}
}

// TestWellKnownAndIssuer: the wiring serves the pool's discovery document
// with the "base" issuer (this server's URL), so iss + /.well-known/jwks.json
// resolves here.
func TestWellKnownAndIssuer(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, nil)
	pool, err := ta.svc.CreatePool(context.Background(), userpool.PoolInput{Name: "wk"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ta.srv.URL + "/" + pool.ID + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if doc.Issuer != ta.srv.URL+"/"+pool.ID || doc.JWKSURI != doc.Issuer+"/.well-known/jwks.json" {
		t.Fatalf("discovery: %+v", doc)
	}
}

// TestSMTPConfigWired: an smtp block builds the SMTP sender; one it cannot
// use (password variable empty) stops the wiring.
func TestSMTPConfigWired(t *testing.T) {
	cfg := config.Defaults()
	cfg.SMTP = &config.SMTP{Host: "127.0.0.1", Port: 2525, From: "no-reply@example.com", Username: "app", PasswordEnv: "USERPOOL_TEST_SMTP_PASSWORD_UNSET"}
	t.Setenv("USERPOOL_TEST_SMTP_PASSWORD_UNSET", "")
	st, err := openStore(context.Background(), config.Config{Server: config.Server{Data: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sealer, _ := iam.NewSealer(make([]byte, iam.MasterKeySize), nil)
	if _, err := newApp(cfg, nil, st, sealer, appOptions{publicURL: "http://127.0.0.1"}); err == nil || !strings.Contains(err.Error(), "USERPOOL_TEST_SMTP_PASSWORD_UNSET") {
		t.Fatalf("empty SMTP password accepted: %v", err)
	}
	t.Setenv("USERPOOL_TEST_SMTP_PASSWORD_UNSET", "secret")
	if _, err := newApp(cfg, nil, st, sealer, appOptions{publicURL: "http://127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
}
