package cognitoidp_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/cognitoidp"
	"userpool/internal/password"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// The operations hand their ClientMetadata, ValidationData and the
// caller's SDK (from the User-Agent) to the triggers they run.
func TestTriggerRequestFromTheWire(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]map[string]any{} // triggerSource -> event
	record := func(ev map[string]any) (map[string]any, error) {
		mu.Lock()
		seen[ev["triggerSource"].(string)] = ev
		mu.Unlock()
		return map[string]any{}, nil
	}
	fns := scriptedFunctions{"pre": record, "post": record}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	iss, err := token.NewIssuer(st, token.Options{KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	svc := userpool.New(st, userpool.Options{Tokens: iss, PasswordParams: password.InsecureTestParams, Triggers: userpool.TriggerOptions{Invoker: fns}})
	srv := httptest.NewServer(cognitoidp.New(svc, cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}}))
	t.Cleanup(srv.Close)
	client := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), RetryMaxAttempts: 1, HTTPClient: bufferedBodyClient{}})
	pool, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:     aws.String("meta"),
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String(fnARN + "pre"), PostConfirmation: aws.String(fnARN + "post")},
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SignUp(ctx, &cip.SignUpInput{
		ClientId: app.UserPoolClient.ClientId, Username: aws.String("nina"), Password: aws.String("Passw0rd!"),
		ClientMetadata: map[string]string{"campaign": "spring"},
		ValidationData: []types.AttributeType{{Name: aws.String("invite"), Value: aws.String("X1")}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{
		UserPoolId: pool.UserPool.Id, Username: aws.String("nina"), ClientMetadata: map[string]string{"by": "admin"},
	}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	pre, post := seen["PreSignUp_SignUp"], seen["PostConfirmation_ConfirmSignUp"]
	if pre == nil || post == nil {
		t.Fatalf("events seen: %v", seen)
	}
	req := pre["request"].(map[string]any)
	if req["clientMetadata"].(map[string]any)["campaign"] != "spring" || req["validationData"].(map[string]any)["invite"] != "X1" {
		t.Errorf("PreSignUp request: %v", req)
	}
	if v := pre["callerContext"].(map[string]any)["awsSdkVersion"].(string); !strings.HasPrefix(v, "aws-sdk-go-v2-1.") {
		t.Errorf("awsSdkVersion of the Go SDK: %q", v)
	}
	if md, _ := post["request"].(map[string]any)["clientMetadata"].(map[string]any); md["by"] != "admin" {
		t.Errorf("PostConfirmation request: %v", post["request"])
	}
}
