package oauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"userpool/internal/oauth"
	"userpool/internal/userpool"
)

// BenchmarkClientCredentials is one client_credentials grant through the
// face in process (form parsing, client authentication by HTTP Basic,
// scope resolution, RS256 signing, JSON), no network.
func BenchmarkClientCredentials(b *testing.B) {
	e := newEnv(b)
	m := e.m2mClient(b)
	h := oauth.New(oauth.Options{Service: e.svc})
	mux := http.NewServeMux()
	mux.Handle("/{domain}/oauth2/token", h)
	body := url.Values{"grant_type": {"client_credentials"}, "scope": {"https://api.example.com/read"}}.Encode()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/"+testDomain+"/oauth2/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(m.ID, m.Secret)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkCodeExchange is one authorization (a signed-in session's
// redirect with a fresh code) plus its exchange with PKCE at the token
// endpoint: the two requests a returning user costs, in process.
func BenchmarkCodeExchange(b *testing.B) {
	e := newEnv(b)
	e.user(b, "alice")
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	a, err := e.svc.Authorize(ctx, e.pool.ID, userpool.AuthorizeRequest{ResponseType: "code", ClientID: e.client.ID, RedirectURI: callback,
		Scope: "openid email", CodeChallenge: oauth2.S256ChallengeFromVerifier(verifier), CodeChallengeMethod: "S256"})
	if err != nil {
		b.Fatal(err)
	}
	step, err := e.svc.HostedSignIn(ctx, a, "alice", testPassword)
	if err != nil {
		b.Fatal(err)
	}
	ls, err := e.svc.LoginSession(ctx, e.pool.ID, step.Cookie)
	if err != nil || ls == nil {
		b.Fatal("no login session", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		to, err := e.svc.Complete(ctx, a, ls)
		if err != nil {
			b.Fatal(err)
		}
		u, _ := url.Parse(to)
		res, err := e.svc.Token(ctx, e.pool.ID, userpool.TokenRequest{GrantType: "authorization_code", ClientID: e.client.ID,
			Code: u.Query().Get("code"), RedirectURI: callback, CodeVerifier: verifier})
		if err != nil || res.IDToken == "" {
			b.Fatal(err)
		}
	}
}
