package cognitoidp_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/cognitoidp"
	"userpool/internal/store"
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
func newTestEnvWith(t testing.TB, opts userpool.Options) (*cognitoidentityprovider.Client, *userpool.Service, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })

	svc := userpool.New(st, opts)
	testStores.Store(svc, st)
	t.Cleanup(func() { testStores.Delete(svc) })
	srv := httptest.NewServer(cognitoidp.New(svc, cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}}))
	t.Cleanup(srv.Close)

	client := cognitoidentityprovider.New(cognitoidentityprovider.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		// Fail fast: the tests assert on the server's first answer, never on retries.
		RetryMaxAttempts: 1,
		HTTPClient:       bufferedBodyClient{},
	})
	return client, svc, srv
}

// testStores remembers the store under each test Service, for the tests that
// plant records the API cannot make (devices, credentials in a given state).
var testStores sync.Map

// storeOf is the store newTestEnvWith built svc over.
func storeOf(svc *userpool.Service) store.Store {
	st, _ := testStores.Load(svc)
	return st.(store.Store)
}

// bufferedBodyClient hands the transport an in-memory copy of each request
// body. The SDK closes its own request body as soon as the response headers
// arrive; against a fast local server that can happen before the transport's
// write loop has read the body's EOF, the write loop then fails and closes the
// connection under the response body ("use of closed network connection"
// while decoding a 200 over ~4 KiB; aws-sdk-go-v2 #1825/#2737, which the SDK
// papers over with retries). Tests run with retries off, so they avoid the race.
type bufferedBodyClient struct{}

func (bufferedBodyClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return http.DefaultClient.Do(req)
}
