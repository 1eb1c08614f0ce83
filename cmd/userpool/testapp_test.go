package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
)

// testApp is the real wiring (newApp) served over httptest.
type testApp struct {
	*app
	srv *httptest.Server
}

func newTestApp(t *testing.T, now func() time.Time, opts ...func(*config.Config)) *testApp {
	t.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	st, err := openStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newTestAppOn(t, st, newTestSealer(t), now, opts...)
}

// newTestSealer returns a sealer with a random master key.
func newTestSealer(t *testing.T) *iam.Sealer {
	t.Helper()
	key := make([]byte, iam.MasterKeySize)
	_, _ = rand.Read(key)
	sealer, err := iam.NewSealer(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

// newTestAppOn serves the real wiring over st (closed by the caller).
func newTestAppOn(t *testing.T, st store.Store, sealer *iam.Sealer, now func() time.Time, opts ...func(*config.Config)) *testApp {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	cfg.Password.InsecureFastHashing = true
	for _, o := range opts {
		o(&cfg)
	}
	srv := httptest.NewUnstartedServer(nil)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := newApp(cfg, log, st, sealer, appOptions{publicURL: "http://" + srv.Listener.Addr().String(), now: now})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.handler
	srv.Start()
	t.Cleanup(srv.Close)
	return &testApp{app: a, srv: srv}
}

// principal stores a principal with grants and returns a new key pair.
func (ta *testApp) principal(t *testing.T, name string, grants ...store.Grant) (string, string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if err := ta.store.PutPrincipal(ctx, store.Principal{Name: name, Grants: grants, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	id, secret, err := iam.CreateAccessKey(ctx, ta.store, ta.sealer, nil, name, now)
	if err != nil {
		t.Fatal(err)
	}
	return id, secret
}

// client is the AWS SDK for Go v2 pointed at the server, without retries.
// rt (nil: http.DefaultTransport) sees a copy of each request whose body is
// in memory.
func (ta *testApp) client(akid, secret string, rt http.RoundTripper) *cip.Client {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ta.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
		HTTPClient:   &http.Client{Transport: bufferedTransport{rt}, Timeout: 30 * time.Second},
		Retryer:      aws.NopRetryer{},
	})
}

// bufferedTransport hands the next transport a copy of the request with an
// in-memory body, avoiding aws-sdk-go-v2's request-body close race against a
// fast local server (aws/aws-sdk-go-v2#1825, #2737; see
// e2e/httpclient_test.go): the SDK's "use of closed network connection"
// while reading a response.
type bufferedTransport struct{ next http.RoundTripper }

func (b bufferedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return b.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return b.next.RoundTrip(r)
}
