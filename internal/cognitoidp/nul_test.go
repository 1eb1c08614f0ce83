package cognitoidp_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/cognitoidp"
	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/postgres"
	"userpool/internal/store/postgres/pgtest"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

// nulClient serves the Cognito protocol over st and returns an SDK client.
func nulClient(t *testing.T, st store.Store) *cognitoidentityprovider.Client {
	t.Helper()
	svc := userpool.New(st, userpool.Options{PasswordParams: password.InsecureTestParams})
	srv := httptest.NewServer(cognitoidp.New(svc, cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}}))
	t.Cleanup(srv.Close)
	return cognitoidentityprovider.New(cognitoidentityprovider.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       bufferedBodyClient{},
	})
}

// A NUL character in a username or an attribute value is refused with
// InvalidParameterException on every store, and nothing is stored (issue 13,
// finding 6: PostgreSQL answered 500, SQLite stored the record and
// migrate-store then failed on it).
func TestNULRefusedOnEveryStore(t *testing.T) {
	t.Parallel()
	stores := map[string]func(t *testing.T) store.Store{
		"sqlite": func(t *testing.T) store.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		},
		"postgres": func(t *testing.T) store.Store {
			st, err := postgres.Open(t.Context(), pgtest.FreshSchema(t, "userpool_nul_"), postgres.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c := nulClient(t, open(t))
			pool, err := c.CreateUserPool(ctx, &cognitoidentityprovider.CreateUserPoolInput{PoolName: aws.String("nul")})
			if err != nil {
				t.Fatal(err)
			}
			poolID := pool.UserPool.Id
			app, err := c.CreateUserPoolClient(ctx, &cognitoidentityprovider.CreateUserPoolClientInput{
				UserPoolId: poolID, ClientName: aws.String("app"),
				ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
			})
			if err != nil {
				t.Fatal(err)
			}
			clientID := app.UserPoolClient.ClientId
			attr := func(n, v string) types.AttributeType {
				return types.AttributeType{Name: aws.String(n), Value: aws.String(v)}
			}

			calls := []struct {
				name string
				call func() error
			}{
				{"SignUp username", func() error {
					_, err := c.SignUp(ctx, &cognitoidentityprovider.SignUpInput{ClientId: clientID, Username: aws.String("al\x00ice"), Password: aws.String("Passw0rd!")})
					return err
				}},
				{"SignUp attribute", func() error {
					_, err := c.SignUp(ctx, &cognitoidentityprovider.SignUpInput{ClientId: clientID, Username: aws.String("bob"), Password: aws.String("Passw0rd!"),
						UserAttributes: []types.AttributeType{attr("name", "Bob\x00")}})
					return err
				}},
				{"SignUp email", func() error {
					_, err := c.SignUp(ctx, &cognitoidentityprovider.SignUpInput{ClientId: clientID, Username: aws.String("carol"), Password: aws.String("Passw0rd!"),
						UserAttributes: []types.AttributeType{attr("email", "carol\x00@example.com")}})
					return err
				}},
				{"AdminCreateUser username", func() error {
					_, err := c.AdminCreateUser(ctx, &cognitoidentityprovider.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String("\x00dave"), MessageAction: types.MessageActionTypeSuppress})
					return err
				}},
				{"AdminCreateUser attribute", func() error {
					_, err := c.AdminCreateUser(ctx, &cognitoidentityprovider.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String("erin"), MessageAction: types.MessageActionTypeSuppress,
						UserAttributes: []types.AttributeType{attr("given_name", "E\x00rin")}})
					return err
				}},
				{"InitiateAuth USERNAME", func() error {
					_, err := c.InitiateAuth(ctx, &cognitoidentityprovider.InitiateAuthInput{ClientId: clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
						AuthParameters: map[string]string{"USERNAME": "fr\x00ank", "PASSWORD": "Passw0rd!"}})
					return err
				}},
				{"AdminGetUser", func() error {
					_, err := c.AdminGetUser(ctx, &cognitoidentityprovider.AdminGetUserInput{UserPoolId: poolID, Username: aws.String("g\x00")})
					return err
				}},
			}
			for _, tc := range calls {
				err := tc.call()
				var ipe *types.InvalidParameterException
				if !errors.As(err, &ipe) {
					t.Errorf("%s: got %v, want InvalidParameterException", tc.name, err)
				}
			}
			users, err := c.ListUsers(ctx, &cognitoidentityprovider.ListUsersInput{UserPoolId: poolID})
			if err != nil {
				t.Fatal(err)
			}
			if len(users.Users) != 0 {
				t.Fatalf("stored %d users, want none", len(users.Users))
			}
			// The same values without the NUL are accepted: the refusal is the NUL's.
			if _, err := c.AdminCreateUser(ctx, &cognitoidentityprovider.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String("erin"), MessageAction: types.MessageActionTypeSuppress,
				UserAttributes: []types.AttributeType{attr("given_name", "Erin")}}); err != nil {
				t.Fatalf("AdminCreateUser without NUL: %v", err)
			}
		})
	}
}
