package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/function"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

type benchPool struct{ id, client string }

// benchTriggers is the real wiring with one warm node function
// (internal/function/testdata/bench.mjs returns its event: the cost of the
// round trip, not of a handler; two workers) that lc's triggers name, and
// a pool without and one with that LambdaConfig, each with alice.
func benchTriggers(b *testing.B, lc *types.LambdaConfigType) (*testApp, benchPool, benchPool) {
	b.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		b.Skip("node not on PATH")
	}
	ta := newTriggerTestApp(b)
	handler, _ := filepath.Abs("../../internal/function/testdata/bench.mjs")
	n, err := function.NewNode(function.NodeConfig{Name: "bench", Handler: handler, Workers: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	reg := function.NewRegistry()
	if err := reg.Add("bench", n); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = reg.Close() })
	ta.setFunctions(reg)
	ta.lateFns.Set(timed{reg}) // the time spent in the functions, per call
	ctx := context.Background()
	now := time.Now()
	if err := ta.store.PutPrincipal(ctx, store.Principal{Name: "root", Grants: []store.Grant{{Pool: "*", Actions: []string{iam.ActionAll}}}, CreatedAt: now, UpdatedAt: now}); err != nil {
		b.Fatal(err)
	}
	akid, secret, err := iam.CreateAccessKey(ctx, ta.store, ta.sealer, nil, "root", now)
	if err != nil {
		b.Fatal(err)
	}
	root := ta.client(akid, secret, nil)
	mk := func(name string, lc *types.LambdaConfigType) benchPool {
		p, err := root.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name), LambdaConfig: lc})
		if err != nil {
			b.Fatal(err)
		}
		c, err := root.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := root.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: p.UserPool.Id, Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
			b.Fatal(err)
		}
		if _, err := root.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: p.UserPool.Id, Username: aws.String("alice"), Password: aws.String("Passw0rd!"), Permanent: true}); err != nil {
			b.Fatal(err)
		}
		return benchPool{*p.UserPool.Id, *c.UserPoolClient.ClientId}
	}
	return ta, mk("plain", nil), mk("triggers", lc)
}

var benchARN = aws.String(testFnARN + "bench")

// inFunctions is the time the triggers spent waiting for the functions.
var inFunctions atomic.Int64

type timed struct{ next function.Invoker }

func (t timed) Invoke(ctx context.Context, name string, event []byte) ([]byte, error) {
	start := time.Now()
	out, err := t.next.Invoke(ctx, name, event)
	inFunctions.Add(int64(time.Since(start)))
	return out, err
}

// reportInFunctions adds the functions' share of an operation.
func reportInFunctions(b *testing.B) {
	b.ReportMetric(float64(inFunctions.Swap(0))/float64(b.N)/1e3, "µs-in-functions/op")
}

// BenchmarkSignInTriggers is a password sign-in (InitiateAuth
// USER_PASSWORD_AUTH to tokens, in the domain: the server's work without
// HTTP) with no trigger, and with PreAuthentication, PostAuthentication and
// PreTokenGeneration each run by a warm node worker.
func BenchmarkSignInTriggers(b *testing.B) {
	ta, plain, trig := benchTriggers(b, &types.LambdaConfigType{PreAuthentication: benchARN, PostAuthentication: benchARN, PreTokenGeneration: benchARN})
	ctx := context.Background()
	for _, c := range []struct {
		name string
		pool benchPool
	}{{"none", plain}, {"node-3-triggers", trig}} {
		b.Run(c.name, func(b *testing.B) {
			in := userpool.InitiateAuthInput{ClientID: c.pool.client, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}}
			inFunctions.Store(0)
			for b.Loop() {
				out, err := ta.svc.InitiateAuth(ctx, in)
				if err != nil || out.Result == nil {
					b.Fatalf("%v %+v", err, out)
				}
			}
			reportInFunctions(b)
		})
	}
}

// BenchmarkSignUpTriggers is SignUp then AdminConfirmSignUp from
// GOMAXPROCS callers at once, with no trigger and with PreSignUp +
// PostConfirmation run by warm node workers.
func BenchmarkSignUpTriggers(b *testing.B) {
	ta, plain, trig := benchTriggers(b, &types.LambdaConfigType{PreSignUp: benchARN, PostConfirmation: benchARN})
	var seq atomic.Int64
	for _, c := range []struct {
		name string
		pool benchPool
	}{{"none", plain}, {"node-presignup-postconfirmation", trig}} {
		b.Run(c.name, func(b *testing.B) {
			inFunctions.Store(0)
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					name := fmt.Sprintf("u%d", seq.Add(1))
					if _, err := ta.svc.SignUp(ctx, userpool.SignUpInput{ClientID: c.pool.client, Username: name, Password: "Passw0rd!"}); err != nil {
						b.Error(err)
						return
					}
					if err := ta.svc.AdminConfirmSignUp(ctx, c.pool.id, name); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signups/s")
			reportInFunctions(b)
		})
	}
}
