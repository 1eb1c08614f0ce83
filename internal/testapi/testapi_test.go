package testapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	jose "github.com/go-jose/go-jose/v4"

	"userpool/internal/iam"
	"userpool/internal/password"
	"userpool/internal/reqctx"
	"userpool/internal/sender"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/testapi"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

type events struct {
	mu sync.Mutex
	es []userpool.AuditEvent
}

func (a *events) Record(_ context.Context, e userpool.AuditEvent) {
	a.mu.Lock()
	a.es = append(a.es, e)
	a.mu.Unlock()
}

func (a *events) last() userpool.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.es) == 0 {
		return userpool.AuditEvent{}
	}
	return a.es[len(a.es)-1]
}

type key struct{ id, secret string }

type env struct {
	svc     *userpool.Service
	st      store.Store
	rec     *userpool.RecordingSender
	audit   *events
	keys    *iam.Keyring
	root    key
	limited key
	pool    *userpool.Pool
	client  *userpool.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	iss, err := token.NewIssuer(st, token.Options{KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, audit: &events{}}
	e.rec = userpool.NewRecordingSender(nil, userpool.RecordingOptions{Render: sender.Render})
	e.svc = userpool.New(st, userpool.Options{Tokens: iss, Sender: e.rec, PasswordParams: password.InsecureTestParams})
	sealer, err := iam.NewSealer(bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	e.keys = iam.NewKeyring(st, sealer, time.Hour, nil)
	principal := func(name string, g store.Grant) key {
		if err := st.PutPrincipal(ctx, store.Principal{Name: name, Grants: []store.Grant{g}}); err != nil {
			t.Fatal(err)
		}
		id, secret, err := iam.CreateAccessKey(ctx, st, sealer, nil, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return key{id, secret}
	}
	e.root = principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	// Every operation on every pool by name, but not the root grant itself.
	e.limited = principal("limited", store.Grant{Pool: "app", Actions: []string{"cognito-idp:*"}})
	if e.pool, err = e.svc.CreatePool(ctx, userpool.PoolInput{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	if e.client, err = e.svc.CreateClient(ctx, e.pool.ID, userpool.ClientInput{Name: "web"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) handler(opts testapi.Options) http.Handler {
	opts.Keys, opts.Messages, opts.Auditor = e.keys, e.rec, e.audit
	return testapi.New(e.svc, opts)
}

// do sends a request (signed with k unless k is the zero key) and decodes
// the JSON answer.
func do(t *testing.T, h http.Handler, k key, method, path, body string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, "http://127.0.0.1:9229"+path, strings.NewReader(body))
	r = r.WithContext(reqctx.WithRequest(r.Context(), "req-1"))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if k.id != "" {
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret},
			r, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out map[string]any
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %q", method, path, w.Body.String())
		}
	}
	return w.Code, out
}

func TestOffByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.handler(testapi.Options{})
	for _, path := range []string{"/_userpool/clock", "/_userpool/pools/" + e.pool.ID + "/reset", "/moto-api/reset"} {
		code, out := do(t, h, e.root, "POST", path, "")
		if code != http.StatusForbidden || out["__type"] != "AccessDeniedException" {
			t.Errorf("%s while off: %d %v", path, code, out)
		}
	}
	if ev := e.audit.last(); ev.Outcome != "denied" || ev.Action != "testapi:Off" {
		t.Errorf("off call audited as %+v", ev)
	}
	if pools, _, _ := e.svc.ListPools(context.Background(), 10, ""); len(pools) != 1 {
		t.Fatal("a refused reset deleted pools")
	}
}

// Every route refuses a caller without the root grant, an unsigned call and
// a bad signature, with 403 and a JSON error, before doing anything.
func TestRootGrantRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.handler(testapi.Options{Enabled: true})
	p := "/_userpool/pools/" + e.pool.ID
	routes := []struct{ method, path, body string }{
		{"GET", p + "/messages?username=alice", ""},
		{"POST", p + "/users/alice/tokens", `{"clientId":"` + e.client.ID + `"}`},
		{"POST", p + "/users/alice/status", `{"status":"CONFIRMED"}`},
		{"POST", p + "/reset", ""},
		{"GET", "/_userpool/clock", ""},
		{"POST", "/_userpool/clock", `{"advanceSeconds":60}`},
		{"POST", "/moto-api/reset", ""},
	}
	callers := []struct {
		name string
		k    key
		typ  string
	}{
		{"limited principal", e.limited, "AccessDeniedException"},
		{"unsigned", key{}, "MissingAuthenticationTokenException"},
		{"wrong secret", key{e.root.id, "not-the-secret"}, "InvalidSignatureException"},
		{"unknown key", key{"AKIAUNKNOWNKEY000000", "x"}, "UnrecognizedClientException"},
	}
	for _, rt := range routes {
		for _, c := range callers {
			code, out := do(t, h, c.k, rt.method, rt.path, rt.body)
			if code != http.StatusForbidden || out["__type"] != c.typ || out["message"] == "" {
				t.Errorf("%s %s by %s: %d %v, want 403 %s", rt.method, rt.path, c.name, code, out, c.typ)
			}
		}
	}
	code, out := do(t, h, e.limited, "POST", "/moto-api/reset", "")
	if msg, _ := out["message"].(string); code != 403 || !strings.Contains(msg, "arn:aws:iam::000000000000:user/limited") || !strings.Contains(msg, "cognito-idp:*") {
		t.Errorf("denial message: %q", msg)
	}
	if ev := e.audit.last(); ev.Outcome != "denied" || ev.Actor != "limited" || ev.Action != "testapi:MotoReset" || ev.RequestID != "req-1" {
		t.Errorf("denial audited as %+v", ev)
	}
	if pools, _, _ := e.svc.ListPools(context.Background(), 10, ""); len(pools) != 1 {
		t.Fatal("a refused reset deleted pools")
	}
}

func TestMessagesRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	h := e.handler(testapi.Options{Enabled: true})
	created, err := e.svc.AdminCreateUser(ctx, userpool.CreateUserInput{PoolID: e.pool.ID, Username: "alice",
		Attributes: []userpool.Attribute{{Name: "email", Value: "alice@example.com"}}, DeliveryMediums: []string{"EMAIL"}})
	if err != nil {
		t.Fatal(err)
	}
	code, out := do(t, h, e.root, "GET", "/_userpool/pools/"+e.pool.ID+"/messages?username=ALICE", "")
	if code != 200 {
		t.Fatalf("messages: %d %v", code, out)
	}
	msgs, _ := out["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("messages: %v", out)
	}
	m := msgs[0].(map[string]any)
	if m["code"] != created.TemporaryPassword || m["purpose"] != "invite" || m["destination"] != "alice@example.com" ||
		!strings.Contains(m["body"].(string), created.TemporaryPassword) || m["subject"] == "" {
		t.Fatalf("message: %v", m)
	}
	if ev := e.audit.last(); ev.Action != "testapi:ListMessages" || ev.Actor != "root" || ev.Outcome != "allowed" || ev.PoolID != e.pool.ID || ev.Target != "ALICE" {
		t.Errorf("audited as %+v", ev)
	}
	// Nobody: no messages; no username: 400.
	if code, out := do(t, h, e.root, "GET", "/_userpool/pools/"+e.pool.ID+"/messages?username=bob", ""); code != 200 || len(out["messages"].([]any)) != 0 {
		t.Errorf("bob: %d %v", code, out)
	}
	if code, out := do(t, h, e.root, "GET", "/_userpool/pools/"+e.pool.ID+"/messages", ""); code != 400 || out["__type"] != "InvalidParameterException" {
		t.Errorf("no username: %d %v", code, out)
	}
}

func TestMintTokensVerifyWithJWKS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	h := e.handler(testapi.Options{Enabled: true})
	if _, err := e.svc.AdminCreateUser(ctx, userpool.CreateUserInput{PoolID: e.pool.ID, Username: "alice", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	code, out := do(t, h, e.root, "POST", "/_userpool/pools/"+e.pool.ID+"/users/alice/tokens", `{"clientId":"`+e.client.ID+`"}`)
	if code != 200 {
		t.Fatalf("tokens: %d %v", code, out)
	}
	res := out["AuthenticationResult"].(map[string]any)
	jwksDoc, err := e.svc.WellKnownDocument(ctx, e.pool.ID, "jwks.json", "http://127.0.0.1:9229")
	if err != nil {
		t.Fatal(err)
	}
	var jwks jose.JSONWebKeySet
	if err := json.Unmarshal(jwksDoc, &jwks); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"IdToken", "AccessToken"} {
		jws, err := jose.ParseSignedCompact(res[name].(string), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		keys := jwks.Key(jws.Signatures[0].Header.KeyID)
		if len(keys) != 1 {
			t.Fatalf("%s: kid %q not in the pool's JWKS", name, jws.Signatures[0].Header.KeyID)
		}
		payload, err := jws.Verify(keys[0].Public())
		if err != nil {
			t.Fatalf("%s does not verify with the pool's JWKS: %v", name, err)
		}
		var claims map[string]any
		_ = json.Unmarshal(payload, &claims)
		user := claims["username"]
		if name == "IdToken" {
			user = claims["cognito:username"]
		}
		if user != "alice" || !strings.HasSuffix(claims["iss"].(string), e.pool.ID) {
			t.Fatalf("%s claims: %v", name, claims)
		}
	}
	if res["RefreshToken"] == "" || res["TokenType"] != "Bearer" {
		t.Fatalf("result: %v", res)
	}
	if ev := e.audit.last(); ev.Action != "testapi:MintTokens" || ev.Outcome != "allowed" || ev.Target != "alice" {
		t.Errorf("audited as %+v", ev)
	}
	for _, c := range []struct{ path, body, typ string }{
		{"/users/alice/tokens", `{}`, "InvalidParameterException"},
		{"/users/alice/tokens", `{"clientId":"nosuchclient"}`, "ResourceNotFoundException"},
		{"/users/nobody/tokens", `{"clientId":"` + e.client.ID + `"}`, "UserNotFoundException"},
		{"/users/alice/tokens", `{"clientId":1}`, "InvalidParameterException"},
	} {
		code, out := do(t, h, e.root, "POST", "/_userpool/pools/"+e.pool.ID+c.path, c.body)
		if out["__type"] != c.typ || code < 400 {
			t.Errorf("%s %s: %d %v, want %s", c.path, c.body, code, out, c.typ)
		}
	}
	if ev := e.audit.last(); ev.Outcome != "error:InvalidParameterException" {
		t.Errorf("failure audited as %+v", ev)
	}
}

func TestStatusAndReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	h := e.handler(testapi.Options{Enabled: true})
	if _, err := e.svc.AdminCreateUser(ctx, userpool.CreateUserInput{PoolID: e.pool.ID, Username: "alice", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	p := "/_userpool/pools/" + e.pool.ID
	code, out := do(t, h, e.root, "POST", p+"/users/alice/status", `{"status":"CONFIRMED"}`)
	if code != 200 || out["status"] != "CONFIRMED" {
		t.Fatalf("status: %d %v", code, out)
	}
	if u, _ := e.svc.AdminGetUser(ctx, e.pool.ID, "alice"); u.Status != "CONFIRMED" {
		t.Fatalf("stored status %s", u.Status)
	}
	if code, out := do(t, h, e.root, "POST", p+"/users/alice/status", `{"status":"NOPE"}`); code != 400 || out["__type"] != "InvalidParameterException" {
		t.Fatalf("bad status: %d %v", code, out)
	}
	if _, err := e.svc.CreateGroup(ctx, userpool.GroupInput{PoolID: e.pool.ID, Name: "G"}); err != nil {
		t.Fatal(err)
	}
	code, out = do(t, h, e.root, "POST", p+"/reset", `{"keepClients":true}`)
	if code != 200 || out["users"] != 1.0 || out["groups"] != 1.0 || out["clients"] != 0.0 {
		t.Fatalf("reset: %d %v", code, out)
	}
	if users, _, _ := e.svc.ListUsers(ctx, userpool.ListUsersInput{PoolID: e.pool.ID}); len(users) != 0 {
		t.Fatalf("users left: %d", len(users))
	}
	if _, err := e.svc.GetClient(ctx, e.pool.ID, e.client.ID); err != nil {
		t.Fatalf("kept client: %v", err)
	}
	code, out = do(t, h, e.root, "POST", p+"/reset", "")
	if code != 200 || out["clients"] != 1.0 {
		t.Fatalf("full reset: %d %v", code, out)
	}
	if code, out := do(t, h, e.root, "POST", "/_userpool/pools/us-east-1_nothere/reset", ""); code != 404 || out["__type"] != "ResourceNotFoundException" {
		t.Fatalf("unknown pool: %d %v", code, out)
	}
	if ev := e.audit.last(); ev.Action != "testapi:ResetPool" || ev.Outcome != "error:ResourceNotFoundException" || ev.PoolID != "us-east-1_nothere" {
		t.Errorf("audited as %+v", ev)
	}
}

func TestMotoReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	h := e.handler(testapi.Options{Enabled: true})
	if _, err := e.svc.CreatePool(ctx, userpool.PoolInput{Name: "second"}); err != nil {
		t.Fatal(err)
	}
	if code, out := do(t, h, e.root, "GET", "/moto-api/reset", ""); code != 400 || out["Error"] != "Need to POST to reset Moto" {
		t.Fatalf("GET: %d %v", code, out)
	}
	code, out := do(t, h, e.root, "POST", "/moto-api/reset", "")
	if code != 200 || out["status"] != "ok" || len(out) != 1 {
		t.Fatalf("POST: %d %v", code, out)
	}
	if pools, _, _ := e.svc.ListPools(ctx, 10, ""); len(pools) != 0 {
		t.Fatalf("pools left: %d", len(pools))
	}
	// The caller's key is not pool data: it still works.
	if code, _ := do(t, h, e.root, "POST", "/moto-api/reset", ""); code != 200 {
		t.Fatalf("second reset: %d", code)
	}
	if ev := e.audit.last(); ev.Action != "testapi:MotoReset" || ev.Outcome != "allowed" || ev.Actor != "root" {
		t.Errorf("audited as %+v", ev)
	}
}

// fakeSig is a well-formed SigV4 Authorization header whose signature is
// not checked: what development mode accepts.
const fakeSig = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000"

func TestDevModeAndClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clock := testapi.NewClock()
	h := e.handler(testapi.Options{Enabled: true, Dev: true, Clock: clock})
	call := func(method, path, body, auth string) int {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	// Development mode still wants a signature, of any key.
	if c := call("POST", "/_userpool/clock", `{"advanceSeconds":60}`, ""); c != http.StatusForbidden {
		t.Fatalf("unsigned in dev mode: %d", c)
	}
	if c := call("POST", "/_userpool/clock", `{"advanceSeconds":60}`, "AWS4-HMAC-SHA256 garbage"); c != http.StatusForbidden {
		t.Fatalf("malformed signature in dev mode: %d", c)
	}
	before := clock.Now()
	if c := call("POST", "/_userpool/clock", `{"advanceSeconds":3600}`, fakeSig); c != http.StatusOK {
		t.Fatalf("advance: %d", c)
	}
	if d := clock.Now().Sub(before); d < time.Hour || d > time.Hour+time.Minute {
		t.Fatalf("clock moved %v, want an hour", d)
	}
	for _, body := range []string{``, `{}`, `{"advanceSeconds":-1}`, `{"advanceSeconds":"60"}`, `{"advanceSeconds":1,"x":1}`} {
		if c := call("POST", "/_userpool/clock", body, fakeSig); c != http.StatusBadRequest {
			t.Errorf("POST %q: %d, want 400", body, c)
		}
	}
	if c := call("DELETE", "/_userpool/clock", "", fakeSig); c != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", c)
	}
	if c := call("GET", "/_userpool/clock", "", fakeSig); c != http.StatusOK {
		t.Errorf("GET: %d", c)
	}
	if d := clock.Now().Sub(before); d > time.Hour+time.Minute {
		t.Fatalf("refused calls moved the clock (%v)", d)
	}
	if ev := e.audit.last(); ev.Actor != "dev:AKIDEXAMPLE" || ev.Action != "testapi:GetClock" {
		t.Errorf("audited as %+v", ev)
	}
	// Any well-formed signature reaches the other routes too.
	if c := call("POST", "/_userpool/pools/"+e.pool.ID+"/reset", "", fakeSig); c != http.StatusOK {
		t.Errorf("reset in dev mode: %d", c)
	}
	var nilClock *testapi.Clock
	if nilClock.NowFunc() != nil {
		t.Fatal("a nil Clock must leave the default clock")
	}
	// Enabled by configuration, not development mode: no clock to move.
	h2 := e.handler(testapi.Options{Enabled: true})
	if code, out := do(t, h2, e.root, "POST", "/_userpool/clock", `{"advanceSeconds":1}`); code != http.StatusForbidden || !strings.Contains(out["message"].(string), "--dev-accept-any-credentials") {
		t.Fatalf("clock outside dev mode: %d %v", code, out)
	}
}

// moto's clients reset unsigned: in development mode /moto-api/reset takes
// an unsigned call; outside it (and for every other route) one is refused.
func TestUnsignedMotoResetOnlyInDevMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var none key
	if code, out := do(t, e.handler(testapi.Options{Enabled: true}), none, "POST", "/moto-api/reset", ""); code != http.StatusForbidden {
		t.Fatalf("unsigned moto reset outside dev mode: %d %v", code, out)
	}
	if pools, _, _ := e.svc.ListPools(context.Background(), 10, ""); len(pools) != 1 {
		t.Fatal("a refused reset deleted pools")
	}
	dev := e.handler(testapi.Options{Enabled: true, Dev: true, Clock: testapi.NewClock()})
	if code, _ := do(t, dev, none, "POST", "/_userpool/pools/"+e.pool.ID+"/reset", ""); code != http.StatusForbidden {
		t.Fatalf("unsigned pool reset in dev mode: %d", code)
	}
	if code, out := do(t, dev, none, "POST", "/moto-api/reset", ""); code != http.StatusOK || out["status"] != "ok" {
		t.Fatalf("unsigned moto reset in dev mode: %d %v", code, out)
	}
	if pools, _, _ := e.svc.ListPools(context.Background(), 10, ""); len(pools) != 0 {
		t.Fatalf("pools left: %d", len(pools))
	}
}
