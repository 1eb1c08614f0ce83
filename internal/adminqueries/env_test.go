package adminqueries_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"userpool/internal/adminqueries"
	"userpool/internal/audit"
	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// clock is the shared fake time of the domain, the token issuer and the
// audit log.
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

// env is one server: a real SQLite store, a real token issuer, the domain,
// and the Admin Queries handler over HTTP, with one pool (and optionally
// more) and an app client that allows USER_PASSWORD_AUTH.
type env struct {
	t      *testing.T
	st     *sqlite.Store
	svc    *userpool.Service
	clk    *clock
	is     *token.Issuer
	srv    *httptest.Server
	pool   *userpool.Pool
	client *userpool.Client

	mu   sync.Mutex
	cfgs map[string]adminqueries.PoolConfig

	logs *bytes.Buffer
}

var t0 = time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC)

const testPassword = "Correct-Horse-9"

func newEnv(t *testing.T, cfg adminqueries.PoolConfig) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clk := &clock{t: t0}
	is, err := token.NewIssuer(st, token.Options{Now: clk.Now, KeyBits: 1024})
	if err != nil {
		t.Fatalf("issuer: %v", err)
	}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := userpool.New(st, userpool.Options{Now: clk.Now, Tokens: is, Logger: logger, PasswordParams: password.InsecureTestParams})
	e := &env{t: t, st: st, svc: svc, clk: clk, is: is, cfgs: map[string]adminqueries.PoolConfig{}, logs: logs}
	e.pool, e.client = e.newPool("main")
	cfg.Enabled = true
	e.cfgs[e.pool.ID] = cfg
	rec := audit.New(svc, logger, clk.Now)
	t.Cleanup(rec.Close)
	h := adminqueries.New(svc, adminqueries.Options{
		Pools: func(id string) (adminqueries.PoolConfig, bool) {
			e.mu.Lock()
			defer e.mu.Unlock()
			c, ok := e.cfgs[id]
			return c, ok
		},
		Logger:  logger,
		MaxBody: 4096,
		Now:     clk.Now,
		Auditor: rec,
	})
	mux := http.NewServeMux()
	mux.Handle("/adminqueries/", h)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// setConfig replaces a pool's configuration (Enabled forced true).
func (e *env) setConfig(poolID string, cfg adminqueries.PoolConfig) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cfg.Enabled = true
	e.cfgs[poolID] = cfg
}

func (e *env) newPool(name string) (*userpool.Pool, *userpool.Client) {
	e.t.Helper()
	ctx := context.Background()
	p, err := e.svc.CreatePool(ctx, userpool.PoolInput{Name: name})
	if err != nil {
		e.t.Fatalf("create pool: %v", err)
	}
	c, err := e.svc.CreateClient(ctx, p.ID, userpool.ClientInput{Name: "web", ExplicitAuthFlows: []string{userpool.FlowAllowUserPasswordAuth, userpool.FlowAllowRefreshTokenAuth}})
	if err != nil {
		e.t.Fatalf("create client: %v", err)
	}
	return p, c
}

// user creates a confirmed user with testPassword and attributes, in groups.
func (e *env) user(name string, groups ...string) store.User {
	e.t.Helper()
	return e.userIn(e.pool, name, userpool.StatusConfirmed, groups...)
}

func (e *env) userIn(p *userpool.Pool, name, status string, groups ...string) store.User {
	e.t.Helper()
	ctx := context.Background()
	cred, err := userpool.NewCredential(p, name, testPassword, false, password.InsecureTestParams, rand.Reader, e.clk.Now())
	if err != nil {
		e.t.Fatalf("password: %v", err)
	}
	now := e.clk.Now()
	u := store.User{
		PoolID: p.ID, Username: name, UsernameKey: p.UsernameKey(name), Sub: uuid.NewString(),
		Status: status, Enabled: true,
		Attributes: map[string]string{"email": name + "@example.com", "email_verified": "true"},
		Aliases:    map[string]string{},
		Password:   cred, CreatedAt: now, UpdatedAt: now,
	}
	if err := e.st.CreateUser(ctx, u); err != nil {
		e.t.Fatalf("create user %s: %v", name, err)
	}
	for _, g := range groups {
		e.group(p, g)
		if err := e.svc.AdminAddUserToGroup(ctx, p.ID, name, g); err != nil {
			e.t.Fatalf("add %s to %s: %v", name, g, err)
		}
	}
	return u
}

// group creates a group if it does not exist.
func (e *env) group(p *userpool.Pool, name string) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.svc.GetGroup(ctx, p.ID, name); err == nil {
		return
	}
	if _, err := e.svc.CreateGroup(ctx, userpool.GroupInput{PoolID: p.ID, Name: name}); err != nil {
		e.t.Fatalf("create group %s: %v", name, err)
	}
}

// signIn signs a user in through the domain's USER_PASSWORD_AUTH and
// returns the authentication result.
func (e *env) signIn(name string) *userpool.AuthenticationResult {
	e.t.Helper()
	return e.signInTo(e.client, name)
}

func (e *env) signInTo(c *userpool.Client, name string) *userpool.AuthenticationResult {
	e.t.Helper()
	out, err := e.svc.InitiateAuth(context.Background(), userpool.InitiateAuthInput{
		ClientID: c.ID, AuthFlow: userpool.FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": testPassword},
	})
	if err != nil {
		e.t.Fatalf("sign in %s: %v", name, err)
	}
	if out.Result == nil {
		e.t.Fatalf("sign in %s: challenge %s", name, out.ChallengeName)
	}
	return out.Result
}

// admin creates a user in the Admins group and returns its access token.
func (e *env) admin(name string) string {
	e.t.Helper()
	e.user(name, "Admins")
	return e.signIn(name).AccessToken
}

// resp is an HTTP answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d: body is not a JSON object: %v: %s", r.status, err, r.body)
	}
	return m
}

func (r resp) message(t *testing.T) string {
	t.Helper()
	m, _ := r.json(t)["message"].(string)
	return m
}

// req is one request: method, route path (after the pool id), token,
// query, body (a value → JSON; a string → sent as is with contentType).
type req struct {
	method      string
	path        string
	pool        string // "" → the env's pool
	token       string
	bearer      bool
	query       url.Values
	body        any
	contentType string
	header      map[string]string
}

func (e *env) do(r req) resp {
	e.t.Helper()
	pool := r.pool
	if pool == "" {
		pool = e.pool.ID
	}
	u := e.srv.URL + "/adminqueries/" + pool + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	ct := r.contentType
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader: // unknown length: sent chunked
		body = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
		if ct == "" {
			ct = "application/json"
		}
	}
	hr, err := http.NewRequest(r.method, u, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	if r.token != "" {
		if r.bearer {
			hr.Header.Set("Authorization", "Bearer "+r.token)
		} else {
			hr.Header.Set("Authorization", r.token)
		}
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) get(tok, path string, q url.Values) resp {
	e.t.Helper()
	return e.do(req{method: http.MethodGet, path: path, token: tok, query: q})
}

func (e *env) post(tok, path string, body any) resp {
	e.t.Helper()
	return e.do(req{method: http.MethodPost, path: path, token: tok, body: body})
}

// expect checks status and message of an answer.
func expect(t *testing.T, r resp, status int, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON", ct)
	}
	if msg != "" {
		if got := r.message(t); got != msg {
			t.Fatalf("message %q, want %q", got, msg)
		}
	}
}

// audits returns the audit events of the env's pool, oldest first.
func (e *env) audits() []userpool.AuditEvent {
	e.t.Helper()
	evs, _, err := e.svc.ListAudit(context.Background(), userpool.AuditFilter{PoolID: e.pool.ID}, 60, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func (e *env) lastAudit() userpool.AuditEvent {
	e.t.Helper()
	evs := e.audits()
	if len(evs) == 0 {
		e.t.Fatal("no audit events")
	}
	return evs[len(evs)-1]
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func adminCfg() adminqueries.PoolConfig {
	return adminqueries.PoolConfig{Groups: []string{"Admins"}}
}

// attrOf is one attribute of u ("" when it has none).
func attrOf(u userpool.User, name string) string {
	v, _ := u.Attribute(name)
	return v
}

// attrMap is u's attributes by name.
func attrMap(u userpool.User) map[string]string {
	m := map[string]string{}
	for _, a := range u.Attributes(nil) {
		m[a.Name] = a.Value
	}
	return m
}

func mustUser(t *testing.T, e *env, name string) userpool.User {
	t.Helper()
	u, err := e.svc.AdminGetUser(context.Background(), e.pool.ID, name)
	if err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
	return u
}
