package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAdminQueriesThroughTheBinary: the declared admin_queries block reaches
// the running server: an admin's access token lists users, a signed-in
// non-member is refused, and a pool without the block answers 404.
func TestAdminQueriesThroughTheBinary(t *testing.T) {
	t.Parallel()
	const cfg = `
password:
  insecure_fast_hashing: true
pools:
  - name: aq
    id: us-east-1_AdminQry1
    groups:
      - {name: Admins, precedence: 0}
      - {name: Editors, precedence: 5}
    clients:
      - {name: web, id: aqwebclient000000000000000, explicit_auth_flows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}
    admin_queries: {enabled: true, groups: [Admins]}
  - name: other
    id: us-east-1_NoAdminQ1
`
	srv := startServer(t, t.TempDir(), "--config", writeConfig(t, cfg))
	ctx := ctxT(t)
	c := srv.rootClient()
	pool := aws.String("us-east-1_AdminQry1")

	signIn := func(name string, groups ...string) string {
		t.Helper()
		if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String(name), Password: aws.String("Passw0rd!x"), Permanent: true}); err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if _, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: aws.String(name), GroupName: aws.String(g)}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String("aqwebclient000000000000000"), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": "Passw0rd!x"},
		}, func(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} })
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.AuthenticationResult.AccessToken)
	}
	admin := signIn("root-admin", "Admins")
	editor := signIn("ed", "Editors")

	get := func(path, tok string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: non-JSON body %q", path, b)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") == "" {
			t.Errorf("%s: no CORS header on a %d", path, resp.StatusCode)
		}
		return resp.StatusCode, m
	}

	code, body := get("/adminqueries/us-east-1_AdminQry1/listUsers?limit=10", admin)
	if code != 200 {
		t.Fatalf("admin listUsers: %d %v", code, body)
	}
	if users, _ := body["Users"].([]any); len(users) != 2 {
		t.Fatalf("admin listUsers: want 2 users, got %v", body)
	}
	code, body = get("/adminqueries/us-east-1_AdminQry1/listUsers", editor)
	if code != 403 || body["message"] != "User does not have permissions to perform administrative tasks" {
		t.Fatalf("non-member: %d %v", code, body)
	}
	code, body = get("/adminqueries/us-east-1_AdminQry1/listUsers", "")
	if code != 401 || body["message"] != "Unauthorized" {
		t.Fatalf("no token: %d %v", code, body)
	}
	code, _ = get("/adminqueries/us-east-1_NoAdminQ1/listUsers", admin)
	if code != 404 {
		t.Fatalf("pool without admin_queries: %d", code)
	}
	if !strings.Contains(srv.Logs(), "/adminqueries/us-east-1_AdminQry1/listUsers") {
		t.Errorf("no access-log line for the Admin Queries call")
	}
}
