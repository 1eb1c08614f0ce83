package graphql_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"userpool/internal/function"
	"userpool/internal/graphql"
	"userpool/internal/password"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t      testing.TB
	svc    *userpool.Service
	clk    *clock
	pool   *userpool.Pool
	client *userpool.Client
	h      *graphql.Handler
	fns    *fakeFns
}

// fakeFns records events and answers with a canned result or error.
type fakeFns struct {
	mu     sync.Mutex
	events [][]byte
	result []byte
	err    error
}

func (f *fakeFns) Invoke(_ context.Context, name string, ev []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, ev)
	return f.result, f.err
}

func testAPI(poolID string) graphql.API {
	return graphql.API{Name: "data", PoolID: poolID, Operations: []graphql.Operation{
		{Name: "addUserToGroup", Kind: graphql.Mutation, Returns: "AWSJSON",
			Arguments: []graphql.Argument{{Name: "userId", Type: "String!"}, {Name: "groupName", Type: "String!"}},
			Auth:      graphql.Auth{Groups: []string{"ADMINS"}}, Builtin: "addUserToGroup"},
		{Name: "echo", Kind: graphql.Query, Returns: "AWSJSON",
			Arguments: []graphql.Argument{{Name: "n", Type: "Int"}, {Name: "tags", Type: "[String]"}, {Name: "doc", Type: "AWSJSON"}},
			Auth:      graphql.Auth{Authenticated: true}, Function: "echo"},
		{Name: "count", Kind: graphql.Query, Returns: "Int", Auth: graphql.Auth{Authenticated: true}, Function: "echo"},
		{Name: "ping", Kind: graphql.Query, Returns: "String", Auth: graphql.Auth{Public: true}, Function: "echo"},
	}}
}

func newEnv(t testing.TB) *env {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clk := &clock{t: time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)}
	is, err := token.NewIssuer(st, token.Options{Now: clk.Now, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := userpool.New(st, userpool.Options{Now: clk.Now, Tokens: is, Logger: log, PasswordParams: password.InsecureTestParams})
	e := &env{t: t, svc: svc, clk: clk, fns: &fakeFns{result: []byte(`{"ok":true}`)}}
	e.pool, e.client = e.newPool("main")
	e.h = graphql.New(svc, graphql.Options{Functions: e.fns, Logger: log})
	if err := e.h.SetAPIs([]graphql.API{testAPI(e.pool.ID)}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"ADMINS", "STAFF"} {
		if _, err := svc.CreateGroup(ctx, userpool.GroupInput{PoolID: e.pool.ID, Name: g}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) newPool(name string) (*userpool.Pool, *userpool.Client) {
	ctx := context.Background()
	p, err := e.svc.CreatePool(ctx, userpool.PoolInput{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.svc.CreateClient(ctx, p.ID, userpool.ClientInput{Name: "web"})
	if err != nil {
		e.t.Fatal(err)
	}
	return p, c
}

// user creates a user in groups and returns its tokens.
func (e *env) user(p *userpool.Pool, c *userpool.Client, name string, groups ...string) *userpool.AuthenticationResult {
	ctx := context.Background()
	if _, err := e.svc.AdminCreateUser(ctx, userpool.CreateUserInput{PoolID: p.ID, Username: name, MessageAction: "SUPPRESS"}); err != nil {
		e.t.Fatal(err)
	}
	for _, g := range groups {
		if err := e.svc.AdminAddUserToGroup(ctx, p.ID, name, g); err != nil {
			e.t.Fatal(err)
		}
	}
	out, err := e.svc.MintTokens(ctx, p.ID, c.ID, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (e *env) post(path, tok string, body any) answer {
	b, _ := json.Marshal(body)
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if tok != "" {
		r.Header.Set("Authorization", tok)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	a := answer{status: w.Code, header: w.Header(), raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &a.body); err != nil {
		e.t.Fatalf("answer is not JSON: %v: %s", err, a.raw)
	}
	return a
}

const addMutation = "mutation($userId: String!, $groupName: String!) {\n  addUserToGroup(userId: $userId, groupName: $groupName)\n}\n"

func groupsOf(t *testing.T, e *env, name string) []string {
	gs, _, err := e.svc.AdminListGroupsForUser(context.Background(), e.pool.ID, name, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func TestAddUserToGroupAsAdminAndNonMember(t *testing.T) {
	e := newEnv(t)
	admin := e.user(e.pool, e.client, "alice", "ADMINS")
	other := e.user(e.pool, e.client, "bob", "STAFF")
	e.user(e.pool, e.client, "carol")
	vars := map[string]any{"userId": "carol", "groupName": "ADMINS"}

	// A non-member: data.addUserToGroup null and AppSync's Unauthorized error.
	a := e.post("/graphql", other.AccessToken, map[string]any{"query": addMutation, "variables": vars})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	want := `{"data":{"addUserToGroup":null},"errors":[{"path":["addUserToGroup"],"data":null,"errorType":"Unauthorized","errorInfo":null,"locations":[{"line":2,"column":3,"sourceName":null}],"message":"Not Authorized to access addUserToGroup on type Mutation"}]}`
	if a.raw != want {
		t.Fatalf("got  %s\nwant %s", a.raw, want)
	}
	if g := groupsOf(t, e, "carol"); len(g) != 0 {
		t.Fatalf("carol in %v after a refused call", g)
	}

	// An ADMINS member, with the ID token as well as the access token.
	for _, tok := range []string{admin.IDToken, admin.AccessToken} {
		a = e.post("/graphql/data", tok, map[string]any{"query": addMutation, "variables": vars})
		if a.status != 200 || a.body["errors"] != nil {
			t.Fatalf("status %d: %s", a.status, a.raw)
		}
		got := a.body["data"].(map[string]any)["addUserToGroup"]
		if got != `{"message":"Success adding carol to ADMINS"}` {
			t.Fatalf("AWSJSON result %#v, want a JSON string", got)
		}
	}
	if g := groupsOf(t, e, "carol"); len(g) != 1 || g[0] != "ADMINS" {
		t.Fatalf("carol in %v", g)
	}

	// A domain error: null and the Cognito exception name.
	a = e.post("/graphql", admin.AccessToken, map[string]any{"query": addMutation, "variables": map[string]any{"userId": "nobody", "groupName": "ADMINS"}})
	errs := a.body["errors"].([]any)
	e0 := errs[0].(map[string]any)
	if e0["errorType"] != "UserNotFoundException" || e0["message"] != "User does not exist." {
		t.Fatalf("domain error %s", a.raw)
	}
}

func TestTokensRefused(t *testing.T) {
	e := newEnv(t)
	good := e.user(e.pool, e.client, "alice", "ADMINS")
	otherPool, otherClient := e.newPool("other")
	if _, err := e.svc.CreateGroup(context.Background(), userpool.GroupInput{PoolID: otherPool.ID, Name: "ADMINS"}); err != nil {
		t.Fatal(err)
	}
	foreign := e.user(otherPool, otherClient, "alice", "ADMINS")
	parts := strings.Split(good.AccessToken, ".")
	forgedSig := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	// a payload claiming another user, under the original signature
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	payload = bytes.Replace(payload, []byte(`"alice"`), []byte(`"mallory"`), 1)
	forgedPayload := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]

	body := map[string]any{"query": addMutation, "variables": map[string]any{"userId": "alice", "groupName": "ADMINS"}}
	cases := []struct {
		name, tok, msg string
		before         func()
	}{
		{"not a JWT", "garbage", "Unable to parse JWT token.", nil},
		{"bearer prefix", "Bearer " + good.AccessToken, "Valid authorization header not provided.", nil},
		{"forged signature", forgedSig, "Valid authorization header not provided.", nil},
		{"forged payload", forgedPayload, "Valid authorization header not provided.", nil},
		{"other pool", foreign.AccessToken, "Valid authorization header not provided.", nil},
		{"other pool ID token", foreign.IDToken, "Valid authorization header not provided.", nil},
		{"expired", good.AccessToken, "Token has expired.", func() { e.clk.Advance(2 * time.Hour) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.before != nil {
				c.before()
			}
			a := e.post("/graphql", c.tok, body)
			if a.status != 401 || a.header.Get("x-amzn-ErrorType") != "UnauthorizedException" {
				t.Fatalf("status %d type %q: %s", a.status, a.header.Get("x-amzn-ErrorType"), a.raw)
			}
			want := `{"errors":[{"errorType":"UnauthorizedException","message":"` + c.msg + `"}]}`
			if a.raw != want {
				t.Fatalf("got  %s\nwant %s", a.raw, want)
			}
		})
	}
	// No token: an API with a public operation runs it and refuses the
	// others field by field; one without answers 401.
	a := e.post("/graphql", "", body)
	if a.status != 200 || !strings.Contains(a.raw, `"errorType":"Unauthorized"`) {
		t.Fatalf("no token, public API: %d %s", a.status, a.raw)
	}
	api := testAPI(e.pool.ID)
	api.Operations = api.Operations[:3]
	if err := e.h.SetAPIs([]graphql.API{api}); err != nil {
		t.Fatal(err)
	}
	a = e.post("/graphql", "", body)
	if a.status != 401 || a.raw != `{"errors":[{"errorType":"UnauthorizedException","message":"Missing authorization header"}]}` {
		t.Fatalf("no token: %d %s", a.status, a.raw)
	}
}

func TestValidationErrors(t *testing.T) {
	e := newEnv(t)
	tok := e.user(e.pool, e.client, "alice").AccessToken
	cases := []struct{ query, msg string }{
		{"query {\n  x\n}", "Validation error of type FieldUndefined: Field 'x' in type 'Query' is undefined @ 'x'"},
		{"mutation {\n  addUserToGroup(userId: \"a\")\n}", "Validation error of type MissingFieldArgument: Missing field argument groupName @ 'addUserToGroup'"},
		{"query {\n  echo(bogus: 1)\n}", "Validation error of type UnknownArgument: Unknown field argument bogus @ 'echo'"},
		{"query {\n  echo { a }\n}", "Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf type AWSJSON of field echo @ 'echo'"},
		{"query($d: AWSTimestampX) {\n  echo(doc: $d)\n}", "Validation error of type UnknownType: Unknown type AWSTimestampX"},
		{"query {\n  echo(", "Invalid Syntax : offending token '<EOF>' at line 2 column 8"},
	}
	for _, c := range cases {
		a := e.post("/graphql", tok, map[string]any{"query": c.query})
		if a.status != 200 || a.body["data"] != nil {
			t.Fatalf("%q: status %d: %s", c.query, a.status, a.raw)
		}
		errs := a.body["errors"].([]any)
		e0 := errs[0].(map[string]any)
		if e0["message"] != c.msg {
			t.Errorf("%q:\n got  %v\n want %s", c.query, e0["message"], c.msg)
		}
		if _, has := e0["errorType"]; has {
			t.Errorf("%q: validation errors carry no errorType: %s", c.query, a.raw)
		}
		if p, has := e0["path"]; !has || p != nil {
			t.Errorf("%q: path must be null: %s", c.query, a.raw)
		}
	}
	// Variables: a required one missing.
	a := e.post("/graphql", tok, map[string]any{"query": addMutation, "variables": map[string]any{"userId": "a"}})
	msg := a.body["errors"].([]any)[0].(map[string]any)["message"]
	if msg != "Variable 'groupName' has coerced Null value for NonNull type 'String!'" {
		t.Fatalf("variable error %v", msg)
	}
	// A body that is not JSON.
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("{"))
	r.Header.Set("Authorization", tok)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "MalformedHttpRequestException") {
		t.Fatalf("malformed body: %d %s", w.Code, w.Body.String())
	}
}

func TestFunctionEventAndResults(t *testing.T) {
	e := newEnv(t)
	res := e.user(e.pool, e.client, "alice", "STAFF")
	e.fns.result = []byte(`{"hello":"world","n":3}`)
	q := "query Echo($n: Int, $doc: AWSJSON) {\n  echo(n: $n, tags: [\"a\", \"b\"], doc: $doc)\n  __typename\n}"
	a := e.post("/graphql", res.IDToken, map[string]any{"query": q, "variables": map[string]any{"n": 7, "doc": `{"k":[1,2]}`}, "operationName": "Echo"})
	if a.raw != `{"data":{"echo":"{\"hello\":\"world\",\"n\":3}","__typename":"Query"}}` {
		t.Fatalf("answer %s", a.raw)
	}
	var ev struct {
		Arguments map[string]any `json:"arguments"`
		Identity  struct {
			Claims              map[string]any `json:"claims"`
			DefaultAuthStrategy string         `json:"defaultAuthStrategy"`
			Groups              []string       `json:"groups"`
			Issuer              string         `json:"issuer"`
			SourceIP            []string       `json:"sourceIp"`
			Sub                 string         `json:"sub"`
			Username            string         `json:"username"`
		} `json:"identity"`
		Source  any `json:"source"`
		Prev    any `json:"prev"`
		Request struct {
			Headers map[string]string `json:"headers"`
		} `json:"request"`
		Info struct {
			FieldName      string         `json:"fieldName"`
			ParentTypeName string         `json:"parentTypeName"`
			Variables      map[string]any `json:"variables"`
		} `json:"info"`
		Stash map[string]any `json:"stash"`
	}
	if err := json.Unmarshal(e.fns.events[0], &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Arguments["n"] != float64(7) || len(ev.Arguments["tags"].([]any)) != 2 {
		t.Errorf("arguments %v", ev.Arguments)
	}
	if doc, ok := ev.Arguments["doc"].(map[string]any); !ok || len(doc["k"].([]any)) != 2 {
		t.Errorf("AWSJSON argument not parsed: %#v", ev.Arguments["doc"])
	}
	id := ev.Identity
	if id.Username != "alice" || id.Sub == "" || id.DefaultAuthStrategy != "ALLOW" || len(id.Groups) != 1 || id.Groups[0] != "STAFF" ||
		!strings.HasSuffix(id.Issuer, "/"+e.pool.ID) || len(id.SourceIP) != 1 || id.Claims["token_use"] != "id" {
		t.Errorf("identity %+v", id)
	}
	if ev.Source != nil || ev.Prev != nil || ev.Stash == nil || ev.Request.Headers["authorization"] != res.IDToken {
		t.Errorf("event %s", e.fns.events[0])
	}
	if ev.Info.FieldName != "echo" || ev.Info.ParentTypeName != "Query" || ev.Info.Variables["n"] != float64(7) {
		t.Errorf("info %+v", ev.Info)
	}

	// Typed result: Int from the function's number.
	e.fns.result = []byte(`42`)
	a = e.post("/graphql", res.AccessToken, map[string]any{"query": "{ count }"})
	if a.raw != `{"data":{"count":42}}` {
		t.Fatalf("count: %s", a.raw)
	}
	// A function error: errorType and message.
	e.fns.err = &function.FunctionError{Type: "UserNotFoundException", Message: "User does not exist."}
	a = e.post("/graphql", res.AccessToken, map[string]any{"query": "{ count }"})
	want := `{"data":{"count":null},"errors":[{"path":["count"],"data":null,"errorType":"UserNotFoundException","errorInfo":null,"locations":[{"line":1,"column":3,"sourceName":null}],"message":"User does not exist."}]}`
	if a.raw != want {
		t.Fatalf("function error:\n got  %s\n want %s", a.raw, want)
	}
	// A public operation needs no token; its identity is null.
	e.fns.err, e.fns.result = nil, []byte(`"pong"`)
	a = e.post("/graphql", "", map[string]any{"query": "{ ping }"})
	if a.raw != `{"data":{"ping":"pong"}}` || !strings.Contains(string(e.fns.events[len(e.fns.events)-1]), `"identity":null`) {
		t.Fatalf("public: %s", a.raw)
	}
}

func TestIntrospection(t *testing.T) {
	e := newEnv(t)
	tok := e.user(e.pool, e.client, "alice").AccessToken
	q := `{ __schema { queryType { name } mutationType { name fields { name args { name type { kind ofType { name } } } type { name } } } } }`
	a := e.post("/graphql", tok, map[string]any{"query": q})
	want := `{"data":{"__schema":{"queryType":{"name":"Query"},"mutationType":{"name":"Mutation","fields":[{"name":"addUserToGroup","args":[{"name":"userId","type":{"kind":"NON_NULL","ofType":{"name":"String"}}},{"name":"groupName","type":{"kind":"NON_NULL","ofType":{"name":"String"}}}],"type":{"name":"AWSJSON"}}]}}}}`
	if a.raw != want {
		t.Fatalf("got  %s\nwant %s", a.raw, want)
	}
	a = e.post("/graphql", tok, map[string]any{"query": `{ __type(name: "AWSJSON") { kind name } }`})
	if a.raw != `{"data":{"__type":{"kind":"SCALAR","name":"AWSJSON"}}}` {
		t.Fatalf("__type: %s", a.raw)
	}
}

func TestValidate(t *testing.T) {
	good := testAPI("us-east-1_abc")
	if err := good.Validate([]string{"echo"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(*graphql.API)
		want string
	}{
		{"unknown type", func(a *graphql.API) { a.Operations[0].Returns = "Date" }, `operations[0].returns: "Date" is not one of`},
		{"no auth", func(a *graphql.API) { a.Operations[0].Auth = graphql.Auth{} }, "operations[0].authorization: name groups"},
		{"builtin args", func(a *graphql.API) { a.Operations[0].Arguments = a.Operations[0].Arguments[:1] }, "needs a group argument"},
		{"unknown builtin", func(a *graphql.API) { a.Operations[0].Builtin = "nuke" }, `"nuke" is not one of`},
		{"undeclared function", func(a *graphql.API) { a.Operations[1].Function = "nope" }, `"nope" is not a declared function`},
		{"kind", func(a *graphql.API) { a.Operations[1].Kind = "subscription" }, `kind: "subscription"`},
		{"duplicate", func(a *graphql.API) { a.Operations[2].Name = "echo" }, `query "echo" is declared twice`},
	}
	for _, c := range cases {
		a := testAPI("us-east-1_abc")
		a.Operations = append([]graphql.Operation(nil), a.Operations...)
		c.edit(&a)
		err := a.Validate([]string{"echo"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
