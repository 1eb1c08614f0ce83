package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestRestartKeepsEverything writes through the server, stops it with
// SIGTERM, starts it again on the same data directory and reads it all back.
func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	srv := startServer(t, data)
	ctx := ctxT(t)
	c := srv.rootClient()

	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("restart")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if !strings.HasPrefix(poolID, "us-east-1_") || len(poolID) != len("us-east-1_")+9 {
		t.Fatalf("pool id %q is not <region>_<9 chars>", poolID)
	}
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String("alice"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}},
		MessageAction:  types.MessageActionTypeSuppress,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &cip.CreateGroupInput{
		UserPoolId: aws.String(poolID), GroupName: aws.String("Admins"),
		Precedence: aws.Int32(1), Description: aws.String("administrators"),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{
		UserPoolId: aws.String(poolID), Username: aws.String("alice"), GroupName: aws.String("Admins"),
	}); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	if code := srv.ExitCode(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM:\n%s", code, srv.Logs())
	}
	if !strings.Contains(srv.Logs(), "shutdown complete") {
		t.Fatalf("no clean shutdown in logs:\n%s", srv.Logs())
	}

	srv2 := startServer(t, data)
	c2 := srv2.rootClient()
	u, err := c2.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})
	if err != nil {
		t.Fatalf("user lost across restart: %v", err)
	}
	var email string
	for _, a := range u.UserAttributes {
		if aws.ToString(a.Name) == "email" {
			email = aws.ToString(a.Value)
		}
	}
	if email != "alice@example.com" || u.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("user after restart: email %q status %q", email, u.UserStatus)
	}
	g, err := c2.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Groups) != 1 || aws.ToString(g.Groups[0].GroupName) != "Admins" || aws.ToInt32(g.Groups[0].Precedence) != 1 {
		t.Fatalf("memberships after restart: %+v", g.Groups)
	}
}

// TestHealthz checks the health endpoint of a running server.
func TestHealthz(t *testing.T) {
	t.Parallel()
	srv := startServer(t, t.TempDir())
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz status %d", resp.StatusCode)
	}
}
