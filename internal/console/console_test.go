package console_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"userpool/internal/audit"
	"userpool/internal/console"
	"userpool/internal/iam"
	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// env is a console over a real SQLite store, the domain, a keyring with
// principals, and the audit recorder.
type env struct {
	t      testing.TB
	st     *sqlite.Store
	svc    *userpool.Service
	sealer *iam.Sealer
	keys   *iam.Keyring
	rec    *audit.Recorder
	srv    *httptest.Server
	pool   *userpool.Pool
}

func newEnv(t *testing.T) *env { return newEnvB(t) }

func newEnvB(t testing.TB, opts ...func(*console.Options)) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	is, err := token.NewIssuer(st, token.Options{KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := userpool.New(st, userpool.Options{Tokens: is, Logger: log, PasswordParams: password.InsecureTestParams})
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sealer, err := iam.NewSealer(key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, svc: svc, sealer: sealer, keys: iam.NewKeyring(st, sealer, 0, nil)}
	e.rec = audit.NewRecorder(svc, audit.Options{Logger: log})
	t.Cleanup(e.rec.Close)
	e.pool, err = svc.CreatePool(ctx, userpool.PoolInput{Name: "main"})
	if err != nil {
		t.Fatal(err)
	}
	o := console.Options{Service: svc, Keys: e.keys, Auditor: e.rec, Logger: log,
		AdminGroups: func(string) []string { return []string{"Admins"} }, PublicURL: "http://console.test"}
	for _, f := range opts {
		f(&o)
	}
	h := console.New(o)
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

// principal creates a principal with grants and returns an access key.
func (e *env) principal(name string, grants ...store.Grant) (id, secret string) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.st.PutPrincipal(ctx, store.Principal{Name: name, Grants: grants, CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		e.t.Fatal(err)
	}
	id, secret, err := iam.CreateAccessKey(ctx, e.st, e.sealer, rand.Reader, name, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id, secret
}

func (e *env) user(name string, attrs map[string]string) {
	e.t.Helper()
	in := userpool.CreateUserInput{PoolID: e.pool.ID, Username: name, MessageAction: "SUPPRESS"}
	for k, v := range attrs {
		in.Attributes = append(in.Attributes, userpool.Attribute{Name: k, Value: v})
	}
	if _, err := e.svc.AdminCreateUser(context.Background(), in); err != nil {
		e.t.Fatal(err)
	}
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t testing.TB
	c *http.Client
	e *env
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string, *http.Response) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.e.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", body)
	}
	return m[1]
}

// signIn signs in with an access key and returns the session's CSRF token.
func (b *browser) signIn(id, secret string) string {
	b.t.Helper()
	_, body := b.get("/console/login")
	code, body, resp := b.post("/console/login/key", url.Values{"_csrf": {csrfOf(b.t, body)}, "access_key_id": {id}, "secret_access_key": {secret}, "next": {"/console/"}})
	if code != http.StatusSeeOther {
		b.t.Fatalf("sign-in: %d %s", code, body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "userpool_console" && (!c.HttpOnly || c.SameSite != http.SameSiteStrictMode) {
			b.t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict", c)
		}
	}
	_, body = b.get("/console/")
	return csrfOf(b.t, body)
}

func (e *env) auditEvents(action string) []userpool.AuditEvent {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		evs, _, err := e.svc.ListAudit(context.Background(), userpool.AuditFilter{Action: action}, 100, "")
		if err != nil {
			e.t.Fatal(err)
		}
		if len(evs) > 0 || time.Now().After(deadline) {
			return evs
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOperatorActsAndIsAudited(t *testing.T) {
	e := newEnv(t)
	e.user("ann", map[string]string{"email": "ann@example.com"})
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	b := e.browser()
	csrf := b.signIn(id, secret)

	code, body := b.get("/console/pools/" + e.pool.ID + "/users?filter=" + url.QueryEscape(`email ^= "ann"`))
	if code != 200 || !strings.Contains(body, "ann@example.com") {
		t.Fatalf("users page: %d\n%s", code, body)
	}
	code, body, _ = b.post("/console/pools/"+e.pool.ID+"/users/ann/disable", url.Values{"_csrf": {csrf}})
	if code != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", code, body)
	}
	u, err := e.svc.AdminGetUser(context.Background(), e.pool.ID, "ann")
	if err != nil || u.Enabled {
		t.Fatalf("user after disable: %+v %v", u, err)
	}
	evs := e.auditEvents("console:AdminDisableUser")
	if len(evs) != 1 || evs[0].Actor != "root" || evs[0].ActorType != "principal" || evs[0].Outcome != "allowed" || evs[0].Target != "ann" {
		t.Errorf("audit: %+v", evs)
	}
}

func TestCSRFRefused(t *testing.T) {
	e := newEnv(t)
	e.user("ann", nil)
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	b := e.browser()
	b.signIn(id, secret)
	for _, tc := range []struct {
		name string
		form url.Values
	}{{"missing", url.Values{}}, {"wrong", url.Values{"_csrf": {"forged"}}}} {
		code, body, _ := b.post("/console/pools/"+e.pool.ID+"/users/ann/disable", tc.form)
		if code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
			t.Errorf("%s token: %d %s", tc.name, code, body)
		}
	}
	// A cross-site POST is refused before anything else.
	req, _ := http.NewRequest("POST", e.srv.URL+"/console/login/key", strings.NewReader("a=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
	// The sign-in form needs its double-submit token too.
	b2 := e.browser()
	code, _, _ := b2.post("/console/login/key", url.Values{"access_key_id": {id}, "secret_access_key": {secret}})
	if code != http.StatusForbidden {
		t.Errorf("sign-in without CSRF: %d", code)
	}
	u, _ := e.svc.AdminGetUser(context.Background(), e.pool.ID, "ann")
	if !u.Enabled {
		t.Error("a refused POST disabled the user")
	}
}

func TestReadOnlyPrincipal(t *testing.T) {
	e := newEnv(t)
	e.user("ann", nil)
	id, secret := e.principal("reader", store.Grant{Pool: e.pool.ID, Actions: []string{"cognito-idp:DescribeUserPool", "cognito-idp:ListUsers", "cognito-idp:AdminGetUser"}})
	b := e.browser()
	csrf := b.signIn(id, secret)
	code, body := b.get("/console/pools/" + e.pool.ID + "/users/ann")
	if code != 200 {
		t.Fatalf("user page: %d %s", code, body)
	}
	for _, button := range []string{"Disable user", "Reset password", "Delete user", "Save attributes", "Sign out everywhere"} {
		if strings.Contains(body, button) {
			t.Errorf("a read-only principal sees %q", button)
		}
	}
	code, body, _ = b.post("/console/pools/"+e.pool.ID+"/users/ann/disable", url.Values{"_csrf": {csrf}})
	if code != http.StatusForbidden || !strings.Contains(body, "is not authorized to perform: cognito-idp:AdminDisableUser") {
		t.Errorf("disable by a reader: %d %s", code, body)
	}
	if u, _ := e.svc.AdminGetUser(context.Background(), e.pool.ID, "ann"); !u.Enabled {
		t.Error("the refused disable took effect")
	}
	evs := e.auditEvents("console:AdminDisableUser")
	if len(evs) != 1 || evs[0].Outcome != "denied" || evs[0].Actor != "reader" {
		t.Errorf("audit: %+v", evs)
	}
	for _, p := range []string{"/console/principals", "/console/audit"} {
		if code, _ := b.get(p); code != http.StatusForbidden {
			t.Errorf("%s for a reader: %d", p, code)
		}
	}
	// Another pool is not visible.
	other, err := e.svc.CreatePool(context.Background(), userpool.PoolInput{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := b.get("/console/pools/" + other.ID + "/users"); code != http.StatusForbidden {
		t.Errorf("users of another pool: %d", code)
	}
}

func TestSignInRefused(t *testing.T) {
	e := newEnv(t)
	id, _ := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	b := e.browser()
	_, body := b.get("/console/login")
	code, body, _ := b.post("/console/login/key", url.Values{"_csrf": {csrfOf(t, body)}, "access_key_id": {id}, "secret_access_key": {"wrong"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "not valid") {
		t.Errorf("wrong secret: %d %s", code, body)
	}
	if code, _ := b.get("/console/"); code != http.StatusSeeOther {
		t.Errorf("console without a session: %d, want a redirect to the sign-in", code)
	}
	if evs := e.auditEvents("console:SignIn"); len(evs) != 1 || evs[0].Outcome != "denied" {
		t.Errorf("audit: %+v", evs)
	}
}

func TestEscapingAndHeaders(t *testing.T) {
	e := newEnv(t)
	e.user("bob", map[string]string{"email": "bob@example.com", "name": `<script>alert(1)</script>"x`})
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	b := e.browser()
	b.signIn(id, secret)
	resp, err := b.c.Get(e.srv.URL + "/console/pools/" + e.pool.ID + "/users/bob")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "<script>alert") {
		t.Error("an attribute value is not escaped")
	}
	if !strings.Contains(string(body), "&lt;script&gt;alert(1)&lt;/script&gt;&#34;x") {
		t.Errorf("escaped value missing:\n%s", body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline: %q", csp)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("no X-Frame-Options DENY")
	}
	// A filter error is shown next to the search, not as a server error.
	code, page := b.get("/console/pools/" + e.pool.ID + "/users?filter=" + url.QueryEscape(`nonsense`))
	if code != http.StatusBadRequest || !strings.Contains(page, `id="filter-err"`) {
		t.Errorf("bad filter: %d", code)
	}
}

func TestDeleteNeedsConfirmation(t *testing.T) {
	e := newEnv(t)
	e.user("cat", nil)
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	b := e.browser()
	csrf := b.signIn(id, secret)
	code, body, _ := b.post("/console/pools/"+e.pool.ID+"/users/cat/delete", url.Values{"_csrf": {csrf}, "confirm": {"dog"}})
	if code != http.StatusBadRequest || !strings.Contains(body, `id="delete-err"`) {
		t.Errorf("delete without confirmation: %d", code)
	}
	if _, err := e.svc.AdminGetUser(context.Background(), e.pool.ID, "cat"); err != nil {
		t.Fatal("deleted without confirmation")
	}
	code, _, _ = b.post("/console/pools/"+e.pool.ID+"/users/cat/delete", url.Values{"_csrf": {csrf}, "confirm": {"cat"}})
	if code != http.StatusSeeOther {
		t.Errorf("confirmed delete: %d", code)
	}
	if _, err := e.svc.AdminGetUser(context.Background(), e.pool.ID, "cat"); userpool.KindOf(err) != userpool.KindUserNotFound {
		t.Errorf("after delete: %v", err)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
