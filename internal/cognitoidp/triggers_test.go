package cognitoidp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
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

// scriptedFunctions stands in for the function runtimes behind
// userpool.TriggerInvoker: each function answers from a Go closure.
type scriptedFunctions map[string]func(ev map[string]any) (map[string]any, error)

func (f scriptedFunctions) Invoke(_ context.Context, fn string, event []byte) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	h, ok := f[strings.TrimPrefix(fn, fnARN)]
	if !ok {
		return event, nil
	}
	resp, err := h(ev)
	if err != nil {
		return nil, err
	}
	ev["response"] = resp
	return json.Marshal(ev)
}

// fnARN prefixes the function names in LambdaConfig (the API requires ARNs).
const fnARN = "arn:aws:lambda:us-east-1:000000000000:function:"

type threw string

func (e threw) Error() string                { return string(e) }
func (e threw) FunctionErrorMessage() string { return string(e) }

// TestTriggersThroughSDK drives CUSTOM_AUTH (Define/Create/Verify) and a
// failing PreSignUp with the Go SDK v2.
func TestTriggersThroughSDK(t *testing.T) {
	t.Parallel()
	fns := scriptedFunctions{
		"define": func(ev map[string]any) (map[string]any, error) {
			session, _ := ev["request"].(map[string]any)["session"].([]any)
			if n := len(session); n > 0 && session[n-1].(map[string]any)["challengeResult"] == true {
				return map[string]any{"issueTokens": true, "failAuthentication": false}, nil
			}
			if len(session) >= 3 {
				return map[string]any{"issueTokens": false, "failAuthentication": true}, nil
			}
			return map[string]any{"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false}, nil
		},
		"create": func(ev map[string]any) (map[string]any, error) {
			return map[string]any{
				"publicChallengeParameters":  map[string]any{"hint": "capital of France"},
				"privateChallengeParameters": map[string]any{"answer": "Paris"},
				"challengeMetadata":          "QUIZ",
			}, nil
		},
		"verify": func(ev map[string]any) (map[string]any, error) {
			req := ev["request"].(map[string]any)
			return map[string]any{"answerCorrect": req["challengeAnswer"] == req["privateChallengeParameters"].(map[string]any)["answer"]}, nil
		},
		"pre": func(ev map[string]any) (map[string]any, error) {
			if ev["userName"] == "blocked" {
				return nil, threw("Sign-up closed.")
			}
			return map[string]any{"autoConfirmUser": true}, nil
		},
	}
	ctx := context.Background()
	// The harness of newTestEnvWith, with a token issuer over the same
	// store (signing keys belong to pools).
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
		PoolName: aws.String("triggers"),
		LambdaConfig: &types.LambdaConfigType{
			PreSignUp:                   aws.String(fnARN + "pre"),
			DefineAuthChallenge:         aws.String(fnARN + "define"),
			CreateAuthChallenge:         aws.String(fnARN + "create"),
			VerifyAuthChallengeResponse: aws.String(fnARN + "verify"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: pool.UserPool.Id, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	cid := app.UserPoolClient.ClientId

	// PreSignUp refuses: UserLambdaValidationException, no user.
	_, err = client.SignUp(ctx, &cip.SignUpInput{ClientId: cid, Username: aws.String("blocked"), Password: aws.String("Passw0rd!")})
	var lve *types.UserLambdaValidationException
	if !errors.As(err, &lve) || aws.ToString(lve.Message) != "PreSignUp failed with error Sign-up closed.." {
		t.Fatalf("SignUp blocked: %v", err)
	}
	if _, err := client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("blocked")}); err == nil {
		t.Fatal("the refused sign-up created a user")
	}
	// PreSignUp auto-confirms.
	su, err := client.SignUp(ctx, &cip.SignUpInput{ClientId: cid, Username: aws.String("nina"), Password: aws.String("Passw0rd!")})
	if err != nil || !su.UserConfirmed {
		t.Fatalf("SignUp: %+v, %v", su, err)
	}

	// CUSTOM_AUTH: a wrong answer, then the right one.
	init, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: cid, AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": "nina"}})
	if err != nil {
		t.Fatal(err)
	}
	if init.ChallengeName != types.ChallengeNameTypeCustomChallenge || init.ChallengeParameters["hint"] != "capital of France" || init.ChallengeParameters["USERNAME"] != "nina" {
		t.Fatalf("InitiateAuth: %+v", init)
	}
	session := init.Session
	for _, answer := range []string{"Lyon", "Paris"} {
		out, err := client.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ClientId: cid, ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session,
			ChallengeResponses: map[string]string{"USERNAME": "nina", "ANSWER": answer},
		})
		if err != nil {
			t.Fatalf("answer %s: %v", answer, err)
		}
		if answer == "Lyon" {
			if out.ChallengeName != types.ChallengeNameTypeCustomChallenge || out.Session == nil {
				t.Fatalf("after a wrong answer: %+v", out)
			}
			session = out.Session
			continue
		}
		if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "" || aws.ToString(out.AuthenticationResult.RefreshToken) == "" {
			t.Fatalf("after the right answer: %+v", out)
		}
	}

	// Three wrong answers end in NotAuthorizedException.
	init, err = client.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: cid, AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": "nina"}})
	if err != nil {
		t.Fatal(err)
	}
	session = init.Session
	for i := 0; ; i++ {
		out, err := client.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ClientId: cid, ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session,
			ChallengeResponses: map[string]string{"USERNAME": "nina", "ANSWER": "Rome"},
		})
		var na *types.NotAuthorizedException
		if errors.As(err, &na) {
			if i != 2 {
				t.Fatalf("failed after %d answers", i+1)
			}
			break
		}
		if err != nil || i >= 2 {
			t.Fatalf("answer %d: %+v, %v", i, out, err)
		}
		session = out.Session
	}
}
