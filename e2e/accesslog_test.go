package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAccessLogNamesOperationsAndHidesSecrets: one access-log line per
// request with operation, status, duration and request id; passwords, tokens
// and signatures never reach the log.
func TestAccessLogNamesOperationsAndHidesSecrets(t *testing.T) {
	t.Parallel()
	srv := startServer(t, t.TempDir())
	ctx := ctxT(t)
	c := srv.rootClient()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("logs")})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	const temp, perm = "Temp-Secret-9x!", "Perm-Secret-7y!"
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("eve"),
		TemporaryPassword: aws.String(temp), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id, Username: aws.String("eve"), Password: aws.String(perm), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: cl.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "eve", "PASSWORD": perm}}, func(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} })
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: cl.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "eve", "PASSWORD": "Wrong-Secret-1!"}}, func(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} })
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	line := regexp.MustCompile(`msg=request request_id=[0-9a-f-]{36} method=POST path=/ status=400 duration_ms=[0-9.]+ operation=InitiateAuth error_type=NotAuthorizedException`)
	if !srv.waitLog(line) {
		t.Errorf("no access-log line for the failed InitiateAuth:\n%s", srv.Logs())
	}
	logs := srv.Logs()
	for _, secret := range []string{temp, perm, "Wrong-Secret-1!", aws.ToString(out.AuthenticationResult.AccessToken), aws.ToString(out.AuthenticationResult.RefreshToken), srv.SecretKey, "Signature="} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains a secret (%.12s...)", secret)
		}
	}
	for _, op := range []string{"CreateUserPool", "CreateUserPoolClient", "AdminCreateUser", "AdminSetUserPassword"} {
		if !strings.Contains(logs, "status=200") || !strings.Contains(logs, "operation="+op) {
			t.Errorf("no access-log line for %s", op)
		}
	}
}
