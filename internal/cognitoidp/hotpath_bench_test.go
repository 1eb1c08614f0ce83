package cognitoidp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// hotPathList is hotPath plus 300 more users, each with an email and a
// name, all members of group "a", so that a list page is full (60 users).
func hotPathList(b *testing.B) (http.Handler, string) {
	h, id := hotPath(b)
	for i := range 300 {
		u := "user" + strconv.Itoa(i)
		body := `{"UserPoolId":"` + id + `","Username":"` + u + `","MessageAction":"SUPPRESS","UserAttributes":[{"Name":"email","Value":"` + u + `@example.com"},{"Name":"name","Value":"User ` + strconv.Itoa(i) + `"}]}`
		hotCall(b, h, "AdminCreateUser", body)
		hotCall(b, h, "AdminAddUserToGroup", `{"UserPoolId":"`+id+`","Username":"`+u+`","GroupName":"a"}`)
	}
	return h, id
}

func hotCall(b *testing.B, h http.Handler, op, body string) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", op, w.Code, w.Body.String())
	}
}

func BenchmarkHotListUsers(b *testing.B) {
	h, id := hotPathList(b)
	benchOp(b, h, "ListUsers", `{"UserPoolId":"`+id+`","Limit":60}`)
}

func BenchmarkHotListUsersInGroup(b *testing.B) {
	h, id := hotPathList(b)
	benchOp(b, h, "ListUsersInGroup", `{"UserPoolId":"`+id+`","GroupName":"a","Limit":60}`)
}

// BenchmarkHotAdminRemoveUserFromGroup removes the 300 members of group "a"
// one by one (removing a non-member would be a cheaper path), re-adding them
// all, untimed, after each round.
func BenchmarkHotAdminRemoveUserFromGroup(b *testing.B) {
	h, id := hotPathList(b)
	body := func(i int) string {
		return `{"UserPoolId":"` + id + `","Username":"user` + strconv.Itoa(i) + `","GroupName":"a"}`
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == 300 {
			b.StopTimer()
			for j := range 300 {
				hotCall(b, h, "AdminAddUserToGroup", body(j))
			}
			i = 0
			b.StartTimer()
		}
		hotCall(b, h, "AdminRemoveUserFromGroup", body(i))
		i++
	}
}

// BenchmarkHotGetUser is GetUser with an access token: token verification
// (RS256; 1,024-bit test keys here, 2,048-bit in production), then the
// client, the user and the token's revocation are read.
func BenchmarkHotGetUser(b *testing.B) {
	e := newAuEnv(b)
	pool := e.pool(b, nil)
	c := e.client(b, pool, nil)
	e.user(b, pool, "alice", types.AttributeType{Name: aws.String("email"), Value: aws.String("alice@example.com")})
	at := aws.ToString(e.mustPasswordAuth(b, c, "alice").AccessToken)
	h := e.srv.Config.Handler
	benchOp(b, h, "GetUser", `{"AccessToken":"`+at+`"}`)
}
