package cognitoidp_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/cognitoidp"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

// newTestEnv serves the Cognito protocol over a fresh SQLite store in a
// temporary directory, with every signed call allowed, and returns a real
// AWS SDK for Go v2 client pointed at it, the domain service (for setting up
// state directly) and the server (for raw HTTP requests).
func newTestEnv(t *testing.T) (*cognitoidentityprovider.Client, *userpool.Service, *httptest.Server) {
	t.Helper()
	return newTestEnvWith(t, userpool.Options{})
}

// newTestEnvWith is newTestEnv with explicit domain options (fixed clock,
// deterministic randomness, region, account id).
func newTestEnvWith(t *testing.T, opts userpool.Options) (*cognitoidentityprovider.Client, *userpool.Service, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })

	svc := userpool.New(st, opts)
	srv := httptest.NewServer(cognitoidp.New(svc, cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}}))
	t.Cleanup(srv.Close)

	client := cognitoidentityprovider.New(cognitoidentityprovider.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		// Fail fast: the tests assert on the first answer, never on retries.
		RetryMaxAttempts: 1,
	})
	return client, svc, srv
}
