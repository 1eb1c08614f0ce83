package oauth_test

import (
	"context"
	"io"
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
	keyBits = 2048
	defer func() { keyBits = 1024 }()
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
	keyBits = 2048
	defer func() { keyBits = 1024 }()
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

// BenchmarkHTTP compares, in one run, client_credentials grants over plain
// HTTP on loopback (keep-alive, parallel clients) with the bare net/http
// ceiling: a handler answering a fixed JSON body through the same client.
func BenchmarkHTTP(b *testing.B) {
	keyBits = 2048
	defer func() { keyBits = 1024 }()
	e := newEnv(b)
	m := e.m2mClient(b)
	body := url.Values{"grant_type": {"client_credentials"}, "scope": {"https://api.example.com/read"}}.Encode()
	ceiling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"x","expires_in":3600,"token_type":"Bearer"}`))
	}))
	defer ceiling.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	run := func(b *testing.B, target string) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest("POST", target, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth(m.ID, m.Secret)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
	b.Run("ceiling", func(b *testing.B) { run(b, ceiling.URL+"/") })
	b.Run("client_credentials", func(b *testing.B) { run(b, e.domainURL()+"/oauth2/token") })
}
