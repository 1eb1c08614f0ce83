package oauth_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"userpool/internal/oauth"
	"userpool/internal/password"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// clock is the fake time shared by the domain and the token issuer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sender captures the messages the domain sends (confirmation and reset codes).
type sender struct {
	mu   sync.Mutex
	msgs []userpool.Message
}

func (s *sender) Send(_ context.Context, m userpool.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	return nil
}

func (s *sender) last(t *testing.T, purpose string) userpool.Message {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.msgs) - 1; i >= 0; i-- {
		if s.msgs[i].Purpose == purpose {
			return s.msgs[i]
		}
	}
	t.Fatalf("no %s message sent", purpose)
	return userpool.Message{}
}

const (
	testDomain   = "auth-test"
	testPassword = "Correct-Horse-9"
	callback     = "http://localhost/cb"
	logoutURL    = "http://localhost/out"
)

// env is a server: a SQLite store, the token issuer (issuer URL under the
// server's own URL, so discovery works from the issuer alone), the domain,
// the oauth face mounted as internal/server mounts it, and the well-known
// documents.
type env struct {
	t      *testing.T
	svc    *userpool.Service
	clk    *clock
	sent   *sender
	srv    *httptest.Server
	pool   *userpool.Pool
	client *userpool.Client // public, code + implicit, openid email profile phone
}

var t0 = time.Date(2026, 3, 5, 10, 20, 30, 0, time.UTC)

// keyBits is the RSA size of the test pools' signing keys: small for tests,
// the server's 2048 in benchmarks.
var keyBits = 1024

func newEnv(t testing.TB) *env {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	clk := &clock{t: t0}
	is, err := token.NewIssuer(st, token.Options{Now: clk.Now, KeyBits: keyBits, IssuerURL: token.BaseIssuerURL(base)})
	if err != nil {
		t.Fatalf("issuer: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sent := &sender{}
	svc := userpool.New(st, userpool.Options{Now: clk.Now, Tokens: is, Logger: log, Sender: sent, PasswordParams: password.InsecureTestParams})
	h := oauth.New(oauth.Options{Service: svc, PublicURL: base, Logger: log})
	mux := http.NewServeMux()
	for _, r := range oauth.Routes {
		mux.Handle("/{domain}"+r, h)
		mux.Handle(r, h)
	}
	mux.HandleFunc("GET /{poolId}/.well-known/{doc}", func(w http.ResponseWriter, r *http.Request) {
		b, err := svc.WellKnownDocument(r.Context(), r.PathValue("poolId"), r.PathValue("doc"), base)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)

	p, err := svc.CreatePool(ctx, userpool.PoolInput{Name: "main", AutoVerifiedAttributes: []string{"email"}})
	if err != nil {
		t.Fatalf("create pool: %v", err)
	}
	if _, err := svc.CreateDomain(ctx, userpool.DomainInput{PoolID: p.ID, Domain: testDomain}); err != nil {
		t.Fatalf("create domain: %v", err)
	}
	e := &env{t: nil, svc: svc, clk: clk, sent: sent, srv: srv, pool: p}
	e.client = e.newClient(t, userpool.ClientInput{
		Name:                            "web",
		SupportedIdentityProviders:      []string{"COGNITO"},
		CallbackURLs:                    []string{callback},
		LogoutURLs:                      []string{logoutURL},
		AllowedOAuthFlows:               []string{"code", "implicit"},
		AllowedOAuthScopes:              []string{"openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"},
		AllowedOAuthFlowsUserPoolClient: true,
	})
	return e
}

func (e *env) newClient(t testing.TB, in userpool.ClientInput) *userpool.Client {
	t.Helper()
	c, err := e.svc.CreateClient(context.Background(), e.pool.ID, in)
	if err != nil {
		t.Fatalf("create client: %v", err)
	}
	return c
}

// user creates a CONFIRMED user with testPassword and a verified email.
func (e *env) user(t testing.TB, name string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.svc.AdminCreateUser(ctx, userpool.CreateUserInput{
		PoolID: e.pool.ID, Username: name, TemporaryPassword: "Temp-Pass-123", MessageAction: "SUPPRESS",
		Attributes: []userpool.Attribute{{Name: "email", Value: name + "@example.com"}, {Name: "email_verified", Value: "true"},
			{Name: "name", Value: "Name of " + name}, {Name: "phone_number", Value: "+15555550100"}},
	}); err != nil {
		t.Fatalf("create user: %v", err)
	}
	if err := e.svc.AdminSetUserPassword(ctx, e.pool.ID, name, testPassword, true); err != nil {
		t.Fatalf("set password: %v", err)
	}
}

func (e *env) domainURL() string { return e.srv.URL + "/" + testDomain }
func (e *env) issuer() string    { return e.srv.URL + "/" + e.pool.ID }

// browser is an HTTP client with a cookie jar that stops at redirects to
// the client's callback (localhost), as a browser handing over to an app.
func browser(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Hostname() == "localhost" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// noRedirect is a client that follows nothing.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

var (
	formRe   = regexp.MustCompile(`<form method="post" action="([^"]+)" name="([a-z]+)">`)
	csrfRe   = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	hiddenRe = regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)">`)
	errorRe  = regexp.MustCompile(`id="error">([^<]*)<`)
)

// form is a parsed page form.
type form struct {
	action string
	name   string
	fields url.Values
	body   string
}

func parseForm(t testing.TB, base string, body string) form {
	t.Helper()
	m := formRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form in page:\n%s", body)
	}
	action := html.UnescapeString(m[1])
	f := form{action: base + action, name: m[2], fields: url.Values{}, body: body}
	for _, h := range hiddenRe.FindAllStringSubmatch(body, -1) {
		f.fields.Set(h[1], html.UnescapeString(h[2]))
	}
	if c := csrfRe.FindStringSubmatch(body); c != nil {
		f.fields.Set("_csrf", c[1])
	}
	return f
}

func read(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// submit posts a form with extra fields and returns the response.
func submit(t testing.TB, c *http.Client, f form, kv ...string) *http.Response {
	t.Helper()
	v := url.Values{}
	for k, vs := range f.fields {
		v[k] = vs
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	resp, err := c.PostForm(f.action, v)
	if err != nil {
		t.Fatalf("post %s: %v", f.action, err)
	}
	return resp
}

func get(t testing.TB, c *http.Client, u string) *http.Response {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("get %s: %v", u, err)
	}
	return resp
}

// location parses the Location of a redirect and checks its status.
func location(t testing.TB, resp *http.Response) *url.URL {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302; body:\n%s", resp.StatusCode, read(t, resp))
	}
	resp.Body.Close()
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// authorizeURL builds an authorization request to the domain.
func (e *env) authorizeURL(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return e.domainURL() + "/oauth2/authorize?" + v.Encode()
}

// signInForm follows an authorization URL to the sign-in form.
func signInForm(t testing.TB, c *http.Client, e *env, authURL string) form {
	t.Helper()
	resp := get(t, c, authURL)
	body := read(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login page status %d:\n%s", resp.StatusCode, body)
	}
	return parseForm(t, e.srv.URL, body)
}
