package cognitoidp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/password"
	"userpool/internal/userpool"
)

// hotPath sets up a pool with one user in two groups and returns the
// handler and the pool id, for in-process benchmarks of the server's CPU per
// operation (no network, no client).
func hotPath(b *testing.B) (http.Handler, string) {
	c, _, srv := newTestEnvWith(b, userpool.Options{PasswordParams: password.InsecureTestParams})
	ctx := context.Background()
	p, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("hot")})
	if err != nil {
		b.Fatal(err)
	}
	id := p.UserPool.Id
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: id, Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}}}); err != nil {
		b.Fatal(err)
	}
	for _, g := range []string{"a", "b"} {
		if _, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: id, GroupName: aws.String(g)}); err != nil {
			b.Fatal(err)
		}
		if _, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: id, Username: aws.String("alice"), GroupName: aws.String(g)}); err != nil {
			b.Fatal(err)
		}
	}
	return srv.Config.Handler, *id
}

func benchOp(b *testing.B, h http.Handler, op, body string) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", op, w.Code, w.Body.String())
		}
	}
}

func BenchmarkHotAdminGetUser(b *testing.B) {
	h, id := hotPath(b)
	benchOp(b, h, "AdminGetUser", `{"UserPoolId":"`+id+`","Username":"alice"}`)
}

func BenchmarkHotAdminListGroupsForUser(b *testing.B) {
	h, id := hotPath(b)
	benchOp(b, h, "AdminListGroupsForUser", `{"UserPoolId":"`+id+`","Username":"alice"}`)
}

func BenchmarkHotAdminAddUserToGroup(b *testing.B) {
	h, id := hotPath(b)
	benchOp(b, h, "AdminAddUserToGroup", `{"UserPoolId":"`+id+`","Username":"alice","GroupName":"a"}`)
}
