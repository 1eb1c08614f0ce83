package cognitoidp_test

// Robustness of the Cognito face: for every registered operation (taken from
// Handler.Operations, so new operations are covered without editing a list),
// malformed, mistyped, oversized and hostile input and references to missing
// pools, clients, users, groups, devices, tokens and sessions must be
// answered with HTTP 400 (413 for the body limit) and the AWS error envelope
// carrying a real Cognito/AWS exception name and a clear message without Go
// internals, and must leave the store exactly as it was.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"userpool/internal/cognitoidp"
	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// rbMaxBody is the body limit of the robustness server (small, so the
// over-limit case stays cheap; the mechanism is the same as the default's).
const rbMaxBody = 256 << 10

const rbPassword = "Corr3ct-horse!"

// rbWorld is a handler over a fresh SQLite store seeded with one pool, one
// app client (no secret, every flow), one confirmed user with a password,
// one group the user belongs to, and the user's tokens.
type rbWorld struct {
	h       *cognitoidp.Handler
	serve   http.Handler // h behind a recorder of panics
	svc     *userpool.Service
	st      store.Store
	logs    *lockedBuffer
	panics  *lockedBuffer
	pool    string
	client  string
	user    string
	group   string
	access  string
	refresh string
	// pageTokens are real pagination tokens of ListUsers and ListGroups
	// (the seed has two users and two groups; pages of one).
	pageTokens []string
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Reset()
}

func newRBWorld(tb testing.TB) *rbWorld {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "db"))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	iss, err := token.NewIssuer(st, token.Options{KeyBits: 1024})
	if err != nil {
		tb.Fatal(err)
	}
	w := &rbWorld{st: st, logs: &lockedBuffer{}, panics: &lockedBuffer{}}
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w.svc = userpool.New(st, userpool.Options{PasswordParams: password.InsecureTestParams, Tokens: iss, Logger: log})
	w.h = cognitoidp.New(w.svc, cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}, Logger: log, MaxBody: rbMaxBody})
	w.serve = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(w.panics, "panic in %s: %v\n%s\n", r.Header.Get("X-Amz-Target"), p, debug.Stack())
				http.Error(rw, "panic", http.StatusInternalServerError)
			}
		}()
		w.h.ServeHTTP(rw, r)
	})
	w.seed(tb)
	return w
}

// seed creates the pool, client, users, groups and tokens (again, in a new
// pool, when the fuzzer has deleted or disabled them).
func (w *rbWorld) seed(tb testing.TB) {
	tb.Helper()
	w.pageTokens = nil
	must := func(op string, body any) map[string]any {
		tb.Helper()
		b, _ := json.Marshal(body)
		status, resp := w.call(op, b)
		if status != http.StatusOK {
			tb.Fatalf("seed %s: %d %s", op, status, resp)
		}
		var out map[string]any
		_ = json.Unmarshal(resp, &out)
		return out
	}
	out := must("CreateUserPool", map[string]any{"PoolName": "robust", "UsernameConfiguration": map[string]any{"CaseSensitive": false},
		"DeviceConfiguration": map[string]any{"ChallengeRequiredOnNewDevice": false, "DeviceOnlyRememberedOnUserPrompt": true}})
	w.pool = out["UserPool"].(map[string]any)["Id"].(string)
	out = must("CreateUserPoolClient", map[string]any{"UserPoolId": w.pool, "ClientName": "app", "ExplicitAuthFlows": []string{
		"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}})
	w.client = out["UserPoolClient"].(map[string]any)["ClientId"].(string)
	w.user, w.group = "alice", "admins"
	must("AdminCreateUser", map[string]any{"UserPoolId": w.pool, "Username": w.user, "MessageAction": "SUPPRESS",
		"UserAttributes": []map[string]string{{"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"}}})
	must("AdminSetUserPassword", map[string]any{"UserPoolId": w.pool, "Username": w.user, "Password": rbPassword, "Permanent": true})
	must("CreateGroup", map[string]any{"UserPoolId": w.pool, "GroupName": w.group, "Precedence": 1})
	must("AdminAddUserToGroup", map[string]any{"UserPoolId": w.pool, "Username": w.user, "GroupName": w.group})
	must("AdminCreateUser", map[string]any{"UserPoolId": w.pool, "Username": "bob", "MessageAction": "SUPPRESS"})
	must("CreateGroup", map[string]any{"UserPoolId": w.pool, "GroupName": "readers"})
	must("AdminAddUserToGroup", map[string]any{"UserPoolId": w.pool, "Username": "bob", "GroupName": "readers"})
	out = must("ListUsers", map[string]any{"UserPoolId": w.pool, "Limit": 1})
	w.pageTokens = append(w.pageTokens, out["PaginationToken"].(string))
	out = must("ListGroups", map[string]any{"UserPoolId": w.pool, "Limit": 1})
	w.pageTokens = append(w.pageTokens, out["NextToken"].(string))
	out = must("AdminInitiateAuth", map[string]any{"UserPoolId": w.pool, "ClientId": w.client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
		"AuthParameters": map[string]string{"USERNAME": w.user, "PASSWORD": rbPassword}})
	res := out["AuthenticationResult"].(map[string]any)
	w.access, w.refresh = res["AccessToken"].(string), res["RefreshToken"].(string)
}

// call serves one request in-process.
func (w *rbWorld) call(op string, body []byte) (int, []byte) {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", cognitoidp.TargetPrefix+"."+op)
	rec := httptest.NewRecorder()
	w.serve.ServeHTTP(rec, r)
	return rec.Code, rec.Body.Bytes()
}

// sortedOps is every registered operation, sorted.
func sortedOps(h *cognitoidp.Handler) []string {
	var ops []string
	for op := range h.Operations() {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// ---------------------------------------------------------------- members

// rbMember is one top-level member of an operation's input shape.
type rbMember struct {
	name     string
	kind     string // string, integer, boolean, list, structure
	elem     string // element kind of a list / value kind of a map
	isMap    bool
	required bool
	enum     []string
}

// isRaw reports a member kept as raw JSON bytes: every such member of the
// model is a structure (no input shape has a blob member).
func isRaw(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
}

func jsonKindOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isRaw(t) {
		return "structure"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Slice, reflect.Array:
		return "list"
	default:
		return "structure"
	}
}

// membersOf reflects over the registered input shape of op (the members of
// an embedded struct count as the shape's own).
func membersOf(h *cognitoidp.Handler, op string) []rbMember {
	in := cognitoidp.NewInputForTest(h, op)
	t := reflect.TypeOf(in).Elem()
	var ms []rbMember
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous || !f.IsExported() {
			continue
		}
		name := f.Name
		if j, ok := f.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(j, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		m := rbMember{name: name, kind: jsonKindOf(f.Type)}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case isRaw(ft):
		case ft.Kind() == reflect.Slice:
			m.elem = jsonKindOf(ft.Elem())
		case ft.Kind() == reflect.Map:
			m.isMap, m.elem = true, jsonKindOf(ft.Elem())
		}
		for _, part := range strings.Split(f.Tag.Get("cg"), ",") {
			k, v, _ := strings.Cut(part, "=")
			switch k {
			case "req":
				m.required = true
			case "enum":
				m.enum = strings.Split(v, "|")
			}
		}
		ms = append(ms, m)
	}
	return ms
}

// ---------------------------------------------------------------- bodies

// Values that name nothing that exists (but are well formed).
const (
	missingPool    = "us-east-1_NoSuchPool0"
	missingClient  = "nosuchclient0000000000000a"
	missingUser    = "nosuchuser"
	missingGroup   = "nosuchgroup"
	missingDevice  = "us-east-1_00000000-0000-4000-8000-000000000000"
	garbageToken   = "eyJraWQiOiJ4IiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	missingSession = "AYABeNoSuchSession-0123456789abcdef0123456789"
	wrongPassword  = "Wr0ng-password!"
)

// rbRefs are the references a body is built from.
type rbRefs struct {
	pool, client, user, group, device, access, refresh, session string
	noAccessToken                                               bool
	// invalid makes a body without references (CreateUserPool) invalid
	// whatever else it holds, so that no mutation of it can succeed.
	invalid bool
}

func (w *rbWorld) existing() rbRefs {
	return rbRefs{pool: w.pool, client: w.client, user: w.user, group: w.group, device: missingDevice,
		access: w.access, refresh: garbageToken, session: missingSession}
}

func allMissing() rbRefs {
	return rbRefs{pool: missingPool, client: missingClient, user: missingUser, group: missingGroup, device: missingDevice,
		access: garbageToken, refresh: garbageToken, session: missingSession, invalid: true}
}

// authFlowFor is the sign-in flow the bodies use: a password flow with a
// wrong password (no scenario is meant to reach the password check; if one
// did, the failed-login count would change the store and the test says so).
var authFlowFor = map[string]string{"AdminInitiateAuth": "ADMIN_USER_PASSWORD_AUTH", "InitiateAuth": "USER_PASSWORD_AUTH"}

// valueFor is the value of a member in a body built from refs; absent (ok
// false) for optional members with no fixed value.
func valueFor(op string, m rbMember, r rbRefs) (any, bool) {
	switch m.name {
	case "UserPoolId":
		return r.pool, true
	case "ClientId":
		return r.client, true
	case "Username":
		return r.user, true
	case "GroupName":
		return r.group, true
	case "DeviceKey":
		return r.device, true
	case "AccessToken":
		if r.noAccessToken {
			return nil, false
		}
		return r.access, true
	case "Token":
		return r.refresh, true
	case "Session":
		return r.session, true
	case "PoolName":
		// Never filled: a CreateUserPool that could succeed would change the store.
		return nil, false
	case "UsernameAttributes":
		if r.invalid {
			return []string{"not_an_attribute"}, true
		}
		return nil, false
	case "AuthFlow":
		return authFlowFor[op], true
	case "AuthParameters":
		return map[string]string{"USERNAME": r.user, "PASSWORD": wrongPassword}, true
	case "ChallengeResponses":
		return map[string]string{"USERNAME": r.user, "SOFTWARE_TOKEN_MFA_CODE": "123456"}, true
	case "ChallengeName":
		return "SOFTWARE_TOKEN_MFA", true
	case "ConfirmationCode", "Code", "UserCode":
		return "123456", true
	case "Password", "PreviousPassword":
		return wrongPassword, true
	case "ProposedPassword":
		return "N3w-password!!", true
	case "AttributeName":
		return "email", true
	case "UserAttributes":
		return []map[string]string{{"Name": "email", "Value": "robust@example.com"}}, true
	case "UserAttributeNames":
		return []string{"email"}, true
	case "MFAOptions":
		return []any{}, true
	case "ClientName":
		return "robust-client", true
	case "CloudWatchLogsRoleArn":
		return "arn:aws:iam::123456789012:role/CognitoImport", true
	case "DeviceSecretVerifierConfig":
		return map[string]string{"PasswordVerifier": "AQID", "Salt": "BAUG"}, true
	case "TermsId", "ManagedLoginBrandingId":
		return "11111111-1111-4111-8111-111111111111", true
	case "ProviderName":
		return "robust-idp", true
	case "TermsName":
		return "terms-of-use", true
	case "Domain":
		return "robust-domain", true
	case "RegionName":
		return "us-west-2", true
	case "CustomAttributes":
		return []map[string]string{{"Name": "robust", "AttributeDataType": "String"}}, true
	}
	if !m.required {
		return nil, false
	}
	if len(m.enum) > 0 {
		return m.enum[0], true
	}
	switch m.kind {
	case "string":
		return "x", true
	case "integer":
		return 1, true
	case "boolean":
		return false, true
	case "list":
		return []any{}, true
	}
	return map[string]any{}, true
}

func buildBody(op string, ms []rbMember, r rbRefs) map[string]any {
	body := map[string]any{}
	for _, m := range ms {
		if v, ok := valueFor(op, m, r); ok {
			body[m.name] = v
		}
	}
	if _, ok := body["AccessToken"]; ok {
		// AssociateSoftwareToken and VerifySoftwareToken take one or the other.
		delete(body, "Session")
	}
	return body
}

func withMember(body map[string]any, name string, v any) []byte {
	c := make(map[string]any, len(body)+1)
	for k, x := range body {
		c[k] = x
	}
	c[name] = v
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	return b
}

// ---------------------------------------------------------------- values

// wrongTypes are JSON values of every type but the member's.
func wrongTypes(m rbMember) []string {
	all := map[string][]string{
		"string":    {`1`, `true`, `{}`, `[]`, `-0.5`},
		"integer":   {`"1"`, `true`, `{}`, `[]`, `1.5`, `1e400`},
		"boolean":   {`"true"`, `1`, `{}`, `[]`},
		"list":      {`"x"`, `1`, `true`, `{}`},
		"structure": {`"x"`, `1`, `true`, `[]`},
	}
	vs := slices.Clone(all[m.kind])
	switch {
	case m.kind == "list" && m.elem == "string":
		vs = append(vs, `[1]`, `[{}]`, `[null, 1]`)
	case m.kind == "list":
		vs = append(vs, `["x"]`, `[1]`, `[[]]`)
	case m.isMap && m.elem == "string":
		vs = append(vs, `{"k":1}`, `{"k":{}}`, `{"k":[]}`)
	}
	return vs
}

var long10k = strings.Repeat("a", 10000)

// hostileStrings are very long, unicode, control-character and injection-like strings.
var hostileStrings = []string{
	long10k,
	strings.Repeat("é", 10000),
	strings.Repeat("😀", 10000),
	"\x00",
	"a\x00b",
	"\x01\x02\x1f\x7f",
	"\t\n\r",
	" leading and trailing ",
	"\u202e\u200b\ufeff",
	"ü中文😀",
	"\xff\xfe",   // invalid UTF-8: encoded by json.Marshal as U+FFFD
	"%s%d%v%n%x", // formatted by mistake it would read "%!s(MISSING)"
	"'; DROP TABLE users; --",
	"../../../etc/passwd",
	`{"nested":"json"}`,
	"custom:attr",
	"*",
	"",
}

// rawHostileStrings are string literals json.Marshal never writes.
var rawHostileStrings = []string{
	`"\ud800"`,       // lone surrogate
	`"\udc00\ud800"`, // reversed pair
	`"\u0000"`,
}

var hostileInts = []string{`-1`, `-2147483649`, `2147483648`, `9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `0`, `1e3`, `-0`}

// ---------------------------------------------------------------- checks

// allowedTypes are the exception names a client error may carry: the
// modeled Cognito exceptions and the AWS JSON protocol errors.
var allowedTypes = exceptions(`AccessDenied AliasExists CodeDeliveryFailure CodeMismatch
		ConcurrentModification DeviceKeyExists DuplicateProvider EnableSoftwareTokenMFA ExpiredCode
		FeatureUnavailableInTier Forbidden GroupExists InvalidEmailRoleAccessPolicy InvalidLambdaResponse
		InvalidOAuthFlow InvalidParameter InvalidPassword InvalidSmsRoleAccessPolicy ManagedLoginBrandingExists TermsExists
		InvalidSmsRoleTrustRelationship InvalidUserPoolConfiguration LimitExceeded MFAMethodNotFound
		NotAuthorized PasswordHistoryPolicyViolation PasswordResetRequired PreconditionNotMet
		RefreshTokenReuse ResourceNotFound ScopeDoesNotExist SoftwareTokenMFANotFound
		TooManyFailedAttempts TooManyRequests Unauthorized UnexpectedLambda UnsupportedIdentityProvider
		UnsupportedOperation UnsupportedTokenType UnsupportedUserState UserImportInProgress
		UserLambdaValidation UserNotConfirmed UserNotFound UserPoolAddOnNotEnabled UsernameExists
		WebAuthnNotEnabled WebAuthnConfigurationMissing WebAuthnChallengeNotFound WebAuthnClientMismatch
		WebAuthnCredentialNotSupported WebAuthnOriginNotAllowed WebAuthnRelyingPartyMismatch
		Serialization UnknownOperation`)

// exceptions is the set of names, each with the suffix "Exception".
func exceptions(names string) map[string]bool {
	set := map[string]bool{}
	for _, n := range strings.Fields(names) {
		set[n+"Exception"] = true
	}
	return set
}

// goInternals matches text that must never reach a client.
var goInternals = regexp.MustCompile(`(?i)sql|runtime|nil pointer|panic|goroutine|\.go:\d|/(home|tmp|work|usr|root|var)/|%!|json: |store: |strconv\.|invalid character '|reflect|unexpected EOF|interface \{\}|\bmap\[|0x[0-9a-f]{6,}`)

// echoed matches the client's own value quoted in a Coral message.
var echoed = regexp.MustCompile(`(?s)Value '.*?' at '`)

// poolIDs matches the random pool ids a message may name: their random part
// can spell "sql" (us-east-1_sQLRoMht9 did), which is no leak.
var poolIDs = regexp.MustCompile(`\b[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+\b`)

type rbResult struct {
	status int
	typ    string
	msg    string
	raw    []byte
}

// checkEnvelope asserts the error envelope of a rejected call and returns it.
func checkEnvelope(t *testing.T, w *rbWorld, what string, status int, resp []byte, wantStatus int) rbResult {
	t.Helper()
	res := rbResult{status: status, raw: resp}
	if p := w.panics.String(); p != "" {
		w.panics.Reset()
		t.Errorf("%s: handler panicked:\n%s", what, p)
		return res
	}
	if status != wantStatus {
		detail := ""
		if status >= 500 {
			detail = "\nlog: " + w.logs.String()
		}
		t.Errorf("%s: status %d, want %d; body %.300s%s", what, status, wantStatus, resp, detail)
	}
	var env map[string]any
	if err := json.Unmarshal(resp, &env); err != nil {
		t.Errorf("%s: body is not a JSON object: %.300s", what, resp)
		return res
	}
	res.typ, _ = env["__type"].(string)
	res.msg, _ = env["message"].(string)
	if !allowedTypes[res.typ] {
		t.Errorf("%s: __type %q is not a Cognito/AWS exception name (body %.300s)", what, res.typ, resp)
	}
	if strings.TrimSpace(res.msg) == "" {
		t.Errorf("%s: empty message (__type %s)", what, res.typ)
	}
	if goInternals.MatchString(poolIDs.ReplaceAllString(echoed.ReplaceAllString(res.msg, "Value '…' at '"), "POOL")) {
		t.Errorf("%s: message leaks Go internals: %.300q", what, res.msg)
	}
	return res
}

// ---------------------------------------------------------------- store snapshot

// snapshot is every pool, client, user (with credentials, MFA and lockout
// state), group, membership and device, as JSON.
func snapshot(t testing.TB, st store.Store) string {
	t.Helper()
	return snapshotPools(t, st, "", false)
}

// snapshotPools is snapshot restricted to one pool (all when only is "");
// noLockout leaves out the users' failed-login counts and lock times.
func snapshotPools(t testing.TB, st store.Store, only string, noLockout bool) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	enc := json.NewEncoder(&out)
	put := func(v any) {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	pools := listAll(t, func(p store.Page) ([]store.Pool, string, error) { return st.ListPools(ctx, p) })
	if only != "" {
		pools = slices.DeleteFunc(pools, func(p store.Pool) bool { return p.ID != only })
	}
	put(len(pools))
	for _, p := range pools {
		put(p)
		put(listAll(t, func(pg store.Page) ([]store.Client, string, error) { return st.ListClients(ctx, p.ID, pg) }))
		users := listAll(t, func(pg store.Page) ([]store.User, string, error) { return st.ListUsers(ctx, p.ID, nil, pg) })
		put(len(users))
		for _, u := range users {
			if noLockout {
				u.FailedLogins, u.LockedUntil, u.UpdatedAt = 0, time.Time{}, time.Time{}
			}
			put(u)
			put(listAll(t, func(pg store.Page) ([]store.Device, string, error) {
				return st.ListDevices(ctx, p.ID, u.UsernameKey, pg)
			}))
		}
		groups := listAll(t, func(pg store.Page) ([]store.Group, string, error) { return st.ListGroups(ctx, p.ID, pg) })
		put(len(groups))
		for _, g := range groups {
			put(g)
			members := listAll(t, func(pg store.Page) ([]store.User, string, error) { return st.ListUsersInGroup(ctx, p.ID, g.Name, pg) })
			keys := make([]string, len(members))
			for i, u := range members {
				keys[i] = u.UsernameKey
			}
			put(keys)
		}
	}
	return out.String()
}

func listAll[T any](t testing.TB, list func(store.Page) ([]T, string, error)) []T {
	t.Helper()
	var all []T
	page := store.Page{}
	for {
		items, next, err := list(page)
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		all = append(all, items...)
		if next == "" {
			return all
		}
		page.Token = next
	}
}

func diffHint(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("first difference at record %d:\n before: %.400s\n  after: %.400s", i, la[i], lb[i])
		}
	}
	return fmt.Sprintf("record counts differ: %d vs %d", len(la), len(lb))
}

// ---------------------------------------------------------------- the test

// rbScenario makes exactly one reference name something missing while every
// other names what exists.
type rbScenario struct {
	name    string
	applies func(has func(string) bool) bool
	refs    func(r *rbRefs)
	want    []string // acceptable __type values
}

var rbScenarios = []rbScenario{
	{"missing pool", func(has func(string) bool) bool { return has("UserPoolId") },
		func(r *rbRefs) { r.pool = missingPool }, []string{"ResourceNotFoundException"}},
	{"missing client", func(has func(string) bool) bool { return has("ClientId") },
		func(r *rbRefs) { r.client = missingClient }, []string{"ResourceNotFoundException"}},
	{"missing user", func(has func(string) bool) bool { return has("Username") || has("AuthParameters") },
		func(r *rbRefs) { r.user = missingUser }, []string{"UserNotFoundException"}},
	{"missing group", func(has func(string) bool) bool { return has("GroupName") },
		func(r *rbRefs) { r.group = missingGroup }, []string{"ResourceNotFoundException"}},
	{"missing device", func(has func(string) bool) bool { return has("DeviceKey") },
		func(r *rbRefs) { r.device = missingDevice }, []string{"ResourceNotFoundException"}},
	{"bad token", func(has func(string) bool) bool { return has("AccessToken") || has("Token") },
		func(r *rbRefs) { r.access, r.refresh = garbageToken, garbageToken }, []string{"NotAuthorizedException"}},
	// InitiateAuth's Session only continues a USER_AUTH flow; the password flow used here ignores it.
	{"missing session", func(has func(string) bool) bool { return has("Session") && !has("AuthFlow") },
		func(r *rbRefs) { r.session, r.noAccessToken = missingSession, true }, []string{"NotAuthorizedException", "CodeMismatchException"}},
}

// rbCreates are the (operation, scenario) pairs in which the "missing" entity
// is the one the operation creates: those calls succeed and are not sent.
var rbCreates = map[[2]string]bool{
	{"AdminCreateUser", "missing user"}: true,
	{"SignUp", "missing user"}:          true,
	{"CreateGroup", "missing group"}:    true,
}

// rbWant overrides the acceptable __type of a scenario for one operation.
var rbWant = map[[2]string][]string{
	// The model of the device operations has no UserNotFoundException; the
	// domain answers ResourceNotFoundException "User does not exist." there.
	{"AdminGetDevice", "missing user"}:   {"ResourceNotFoundException"},
	{"AdminListDevices", "missing user"}: {"ResourceNotFoundException"},
	// An unregistered DeviceKey is no error there (Cognito proposes a new
	// device); the scenario's refresh token is not one the server issued.
	{"GetTokensFromRefreshToken", "missing device"}: {"NotAuthorizedException"},
}

// rbSucceeds are the (operation, scenario) pairs that succeed without
// changing anything: RevokeToken of a token it never issued answers 200, as
// OAuth revocation does (RFC 7009 §2.2); the model lists no error for it.
var rbSucceeds = map[[2]string]bool{
	{"RevokeToken", "bad token"}: true,
}

// rawPost sends one request over a real connection.
func rawPost(t *testing.T, url, op string, body io.Reader, length int64) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", cognitoidp.TargetPrefix+"."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the response: %v", op, err)
	}
	return resp.StatusCode, b
}

func TestRobustnessEveryOperation(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	srv := httptest.NewServer(w.serve)
	t.Cleanup(srv.Close)

	ops := sortedOps(w.h)
	if len(ops) < 60 {
		t.Fatalf("only %d operations registered", len(ops))
	}
	for _, op := range ops {
		t.Run(op, func(t *testing.T) {
			// The subtests share the world and run side by side: each
			// asserts that it leaves the store exactly as it was, so none
			// sees another's change (a panic or a log line may be reported
			// by a sibling; the panic names its operation).
			t.Parallel()
			before := snapshot(t, w.st)
			w.logs.Reset()
			post := func(what string, body []byte, wantStatus int) rbResult {
				t.Helper()
				status, resp := rawPost(t, srv.URL, op, bytes.NewReader(body), int64(len(body)))
				return checkEnvelope(t, w, what, status, resp, wantStatus)
			}
			wantType := func(res rbResult, what string, types ...string) {
				t.Helper()
				if res.typ != "" && !slices.Contains(types, res.typ) {
					t.Errorf("%s: __type %s (%q), want one of %v", what, res.typ, res.msg, types)
				}
			}

			// Framing.
			post("empty body", nil, 400)
			post("{}", []byte(`{}`), 400)
			for _, b := range []string{`null`, `[]`, `[{}]`, `"str"`, `42`, `true`, `not json`, `{`, `{"a":}`, `{} {}`, `{}x`, "\xff\xfe{}", `<xml/>`} {
				wantType(post("body "+b, []byte(b), 400), "body "+b, "SerializationException")
			}
			deep := []byte(`{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`)
			post("unknown member nested 20000 deep", deep, 400)
			for _, m := range membersOf(w.h, op) {
				if m.kind == "structure" || m.kind == "list" {
					deep := []byte(`{"` + m.name + `":` + strings.Repeat(`[`, 20000) + strings.Repeat(`]`, 20000) + `}`)
					wantType(post(m.name+" nested 20000 deep", deep, 400), m.name+" nested 20000 deep", "SerializationException")
					break
				}
			}
			big := append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), rbMaxBody)...)
			big = append(big, `"}`...)
			wantType(post("over the size limit", big, 413), "over the size limit", "SerializationException")
			status, resp := rawPost(t, srv.URL, op, io.MultiReader(bytes.NewReader(big)), -1) // chunked, no Content-Length
			wantType(checkEnvelope(t, w, "over the size limit, chunked", status, resp, 413), "over the size limit, chunked", "SerializationException")

			ms := membersOf(w.h, op)
			base := buildBody(op, ms, allMissing())
			for _, m := range ms {
				// Wrong JSON types: the decoder's SerializationException.
				for _, v := range wrongTypes(m) {
					what := fmt.Sprintf("%s=%s", m.name, v)
					wantType(post(what, withMember(base, m.name, json.RawMessage(v)), 400), what, "SerializationException")
				}
				// Explicit null is an absent member: no 5xx, and a rejection
				// is well formed (the base body of a read-only operation
				// without references, such as ListUserPools, is valid).
				status, resp := rawPost(t, srv.URL, op, bytes.NewReader(withMember(base, m.name, nil)), -1)
				if status != http.StatusOK {
					checkEnvelope(t, w, m.name+"=null", status, resp, 400)
				}
				switch {
				case m.kind == "string":
					for _, s := range hostileStrings {
						post(fmt.Sprintf("%s=%.40q", m.name, s), withMember(base, m.name, s), 400)
					}
					for _, s := range rawHostileStrings {
						post(m.name+"="+s, withMember(base, m.name, json.RawMessage(s)), 400)
					}
				case m.kind == "integer":
					for _, v := range hostileInts {
						post(m.name+"="+v, withMember(base, m.name, json.RawMessage(v)), 400)
					}
				case m.kind == "list" && m.elem == "string":
					post(m.name+"=hostile strings", withMember(base, m.name, hostileStrings), 400)
					post(m.name+"=1000 elements", withMember(base, m.name, slices.Repeat([]string{"email"}, 1000)), 400)
				case m.kind == "list":
					post(m.name+"=[{}]", withMember(base, m.name, []any{map[string]any{}}), 400)
					post(m.name+"=[null]", withMember(base, m.name, []any{nil}), 400)
					post(m.name+"=1000 empty elements", withMember(base, m.name, slices.Repeat([]any{map[string]any{}}, 1000)), 400)
				case m.isMap && m.elem == "string":
					hm := map[string]string{long10k: long10k, "\x00": "\x00", "": "", "USERNAME": long10k, "ü中文😀": "\u202e"}
					post(m.name+"=hostile map", withMember(base, m.name, hm), 400)
				}
			}

			// One missing reference at a time, everything else existing.
			has := func(n string) bool {
				return slices.ContainsFunc(ms, func(m rbMember) bool { return m.name == n })
			}
			for _, sc := range rbScenarios {
				if !sc.applies(has) || rbCreates[[2]string{op, sc.name}] {
					continue
				}
				r := w.existing()
				sc.refs(&r)
				b, _ := json.Marshal(buildBody(op, ms, r))
				if rbSucceeds[[2]string{op, sc.name}] {
					if status, resp := rawPost(t, srv.URL, op, bytes.NewReader(b), int64(len(b))); status != http.StatusOK || string(resp) != "{}" {
						t.Errorf("%s: %d %s, want 200 {}", sc.name, status, resp)
					}
					continue
				}
				want := sc.want
				if o, ok := rbWant[[2]string{op, sc.name}]; ok {
					want = o
				}
				wantType(post(sc.name, b, 400), sc.name+" "+string(b), want...)
			}

			if after := snapshot(t, w.st); after != before {
				t.Errorf("rejected calls changed the store: %s", diffHint(before, after))
			}

			// Reads against what exists, one hostile member at a time
			// (pagination tokens of other lists among them): an answer or
			// a well-formed rejection, and never a change.
			if cognitoidp.MutatesForTest(w.h, op) || w.h.Operations()[op] == cognitoidp.AuthNone {
				return
			}
			good := buildBody(op, ms, w.existing())
			values := append(slices.Clone(hostileStrings), w.pageTokens...)
			for _, m := range ms {
				var bodies [][]byte
				switch m.kind {
				case "string":
					for _, v := range values {
						bodies = append(bodies, withMember(good, m.name, v))
					}
				case "integer":
					for _, v := range hostileInts {
						bodies = append(bodies, withMember(good, m.name, json.RawMessage(v)))
					}
				case "list":
					if m.elem == "string" {
						bodies = append(bodies, withMember(good, m.name, values))
					}
				}
				for i, b := range bodies {
					status, resp := rawPost(t, srv.URL, op, bytes.NewReader(b), int64(len(b)))
					if status != http.StatusOK {
						checkEnvelope(t, w, fmt.Sprintf("existing refs, %s #%d", m.name, i), status, resp, 400)
					} else if !json.Valid(resp) {
						t.Errorf("existing refs, %s #%d: 200 with invalid JSON %.200s", m.name, i, resp)
					}
				}
			}
			if after := snapshot(t, w.st); after != before {
				t.Errorf("reads changed the store: %s", diffHint(before, after))
			}
		})
	}
}

// TestRobustnessRegressions pins the defects the robustness test and the
// fuzzer found, each against the seeded world.
func TestRobustnessRegressions(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	srv := httptest.NewServer(w.serve)
	t.Cleanup(srv.Close)

	mfaBefore := func() string {
		_, b := w.call("GetUserPoolMfaConfig", []byte(`{"UserPoolId":"`+w.pool+`"}`))
		return string(b)
	}()
	cases := []struct {
		name, op, body  string
		status          int
		typ, msg        string
		unchangedMfaCfg bool
	}{
		// A control character echoed in a Coral message went into the
		// x-amzn-ErrorMessage header verbatim; clients dropped the response
		// ("malformed MIME header line").
		{name: "NUL echoed in a validation message", op: "CreateGroup",
			body:   `{"UserPoolId":"` + w.pool + `","GroupName":"a\u0000b"}`,
			status: 400, typ: "InvalidParameterException",
			msg: "1 validation error detected: Value 'a\x00b' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"},
		{name: "control characters in a pagination token", op: "ListUserPools",
			body: `{"MaxResults":1,"NextToken":"\u0001\u001f\u007f"}`, status: 400, typ: "InvalidParameterException"},
		// Structure members kept as raw JSON took any JSON value; the pool's
		// MFA configuration then stored (and echoed) a string where SDKs
		// expect a structure.
		{name: "EmailMfaConfiguration as a string", op: "SetUserPoolMfaConfig",
			body:   `{"UserPoolId":"` + w.pool + `","EmailMfaConfiguration":"x"}`,
			status: 400, typ: "SerializationException", msg: "Unexpected value type for EmailMfaConfiguration: expected structure", unchangedMfaCfg: true},
		{name: "WebAuthnConfiguration as a number", op: "SetUserPoolMfaConfig",
			body:   `{"UserPoolId":"` + w.pool + `","WebAuthnConfiguration":1}`,
			status: 400, typ: "SerializationException", msg: "Unexpected value type for WebAuthnConfiguration: expected structure", unchangedMfaCfg: true},
		{name: "nested SmsConfiguration as a list", op: "SetUserPoolMfaConfig",
			body:   `{"UserPoolId":"` + w.pool + `","SmsMfaConfiguration":{"SmsConfiguration":[]}}`,
			status: 400, typ: "SerializationException", msg: "Unexpected value type for SmsMfaConfiguration.SmsConfiguration: expected structure", unchangedMfaCfg: true},
		{name: "AnalyticsMetadata as a boolean", op: "InitiateAuth",
			body:   `{"ClientId":"` + w.client + `","AuthFlow":"USER_PASSWORD_AUTH","AnalyticsMetadata":true}`,
			status: 400, typ: "SerializationException", msg: "Unexpected value type for AnalyticsMetadata: expected structure"},
		{name: "raw structure members still take objects and null", op: "SetUserPoolMfaConfig",
			body:   `{"UserPoolId":"` + w.pool + `","WebAuthnConfiguration":null,"EmailMfaConfiguration":null}`,
			status: 200, unchangedMfaCfg: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(c.body))
			req.Header.Set("X-Amz-Target", cognitoidp.TargetPrefix+"."+c.op)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("the response must be readable: %v", err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, b)
			}
			if c.status != 200 {
				res := checkEnvelope(t, w, c.name, resp.StatusCode, b, c.status)
				if res.typ != c.typ || (c.msg != "" && res.msg != c.msg) {
					t.Errorf("got %s %q\nwant %s %q", res.typ, res.msg, c.typ, c.msg)
				}
				for k, vs := range resp.Header {
					for _, v := range vs {
						if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
							t.Errorf("header %s carries a control character: %q", k, v)
						}
					}
				}
			}
			if c.unchangedMfaCfg {
				if _, after := w.call("GetUserPoolMfaConfig", []byte(`{"UserPoolId":"`+w.pool+`"}`)); string(after) != mfaBefore {
					t.Errorf("pool MFA configuration changed:\n before %s\n  after %s", mfaBefore, after)
				}
			}
		})
	}
}

// ---------------------------------------------------------------- nested members

// rbPath is a member below the top level: struct members by name, "[]" for
// the one element of a list, "{}" for a map key.
type rbPath struct {
	segs []string
	kind string // string or integer
}

// nestedPaths lists the string and integer members below the top level of
// op's input shape.
func nestedPaths(h *cognitoidp.Handler, op string) []rbPath {
	var out []rbPath
	var walk func(t reflect.Type, prefix []string, depth int)
	walk = func(t reflect.Type, prefix []string, depth int) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if depth > 4 || isRaw(t) {
			return
		}
		switch t.Kind() {
		case reflect.String, reflect.Int, reflect.Int32, reflect.Int64:
			if len(prefix) >= 1 {
				out = append(out, rbPath{segs: slices.Clone(prefix), kind: jsonKindOf(t)})
			}
		case reflect.Slice:
			walk(t.Elem(), append(prefix, "[]"), depth+1)
		case reflect.Map:
			walk(t.Elem(), append(prefix, "{}"), depth+1)
		case reflect.Struct:
			for _, f := range reflect.VisibleFields(t) {
				if f.Anonymous || !f.IsExported() {
					continue
				}
				name := f.Name
				if j, ok := f.Tag.Lookup("json"); ok {
					if n, _, _ := strings.Cut(j, ","); n != "" && n != "-" {
						name = n
					}
				}
				walk(f.Type, append(slices.Clone(prefix), name), depth+1)
			}
		}
	}
	walk(reflect.TypeOf(cognitoidp.NewInputForTest(h, op)), nil, 0)
	return out
}

// setPath returns a deep copy of body (as JSON) with v at path.
func setPath(body map[string]any, path []string, v any) []byte {
	var root any
	b, _ := json.Marshal(body)
	_ = json.Unmarshal(b, &root)
	var set func(node any, segs []string) any
	set = func(node any, segs []string) any {
		if len(segs) == 0 {
			return v
		}
		switch segs[0] {
		case "[]":
			l, _ := node.([]any)
			if len(l) == 0 {
				l = []any{map[string]any{}}
			}
			l[0] = set(l[0], segs[1:])
			return l
		case "{}":
			return map[string]any{"k": set(nil, segs[1:])}
		default:
			m, _ := node.(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			m[segs[0]] = set(m[segs[0]], segs[1:])
			return m
		}
	}
	out, _ := json.Marshal(set(root, path))
	return out
}

// TestRobustnessNestedMembers sends hostile strings and integers in every
// member below the top level of every operation, with every reference naming
// what exists. Such input may be valid: the answer is a success or a
// well-formed rejection, never a 5xx; a rejection leaves the pool unchanged,
// and after a success the pool, its client and its user still read back.
func TestRobustnessNestedMembers(t *testing.T) {
	t.Parallel()
	h := newRBWorld(t).h // for the list of operations and their shapes
	short := []string{long10k, strings.Repeat("😀", 3000), "\x00", "a\x00b", "\x01\x7f", "\t\n\r", " x ", "ü中文😀", "%s%d%v", "'; DROP TABLE users; --", "", "*", "custom:", "-1", "1e400", "NaN"}
	ints := []string{`-1`, `-2147483649`, `2147483648`, `9223372036854775807`, `0`}
	if testing.Short() {
		short, ints = []string{long10k, "a\x00b", "ü中文😀", ""}, []string{`-1`, `9223372036854775807`}
	}
	readBack := func(w *rbWorld) error {
		for _, c := range []struct{ op, body string }{
			{"DescribeUserPool", `{"UserPoolId":"` + w.pool + `"}`},
			{"DescribeUserPoolClient", `{"UserPoolId":"` + w.pool + `","ClientId":"` + w.client + `"}`},
			{"GetUserPoolMfaConfig", `{"UserPoolId":"` + w.pool + `"}`},
			{"ListUsers", `{"UserPoolId":"` + w.pool + `"}`},
			{"ListGroups", `{"UserPoolId":"` + w.pool + `"}`},
		} {
			status, resp := w.call(c.op, []byte(c.body))
			if status != http.StatusOK && !(status == 400 && bytes.Contains(resp, []byte("ResourceNotFound"))) {
				return fmt.Errorf("%s after it: %d %.300s", c.op, status, resp)
			}
		}
		return nil
	}
	var sent atomic.Int64
	t.Cleanup(func() { t.Logf("%d requests", sent.Load()) }) // after the parallel subtests
	for _, op := range sortedOps(h) {
		paths := nestedPaths(h, op)
		if len(paths) == 0 {
			continue
		}
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			// A world per operation: subtests run side by side, and the
			// snapshots stay small.
			w := newRBWorld(t)
			srv := httptest.NewServer(w.serve)
			t.Cleanup(srv.Close)
			for _, p := range paths {
				values := []any{}
				if p.kind == "string" {
					for _, s := range short {
						values = append(values, s)
					}
				} else {
					for _, n := range ints {
						values = append(values, json.RawMessage(n))
					}
				}
				for _, v := range values {
					base := buildBody(op, membersOf(w.h, op), w.existing())
					switch op {
					case "CreateUserPool":
						base["PoolName"] = "nested"
					case "InitiateAuth", "AdminInitiateAuth":
						// A wrong password is a counted failure (lockout), a change by design.
						base["AuthParameters"] = map[string]string{"USERNAME": w.user, "PASSWORD": rbPassword}
					}
					b := setPath(base, p.segs, v)
					what := fmt.Sprintf("%s=%.40v", strings.Join(p.segs, "."), v)
					// A wrong previous password is a counted failure (lockout), as at sign-in.
					noLockout := op == "ChangePassword" && p.segs[0] == "PreviousPassword"
					before := snapshotPools(t, w.st, w.pool, noLockout)
					status, resp := rawPost(t, srv.URL, op, bytes.NewReader(b), int64(len(b)))
					sent.Add(1)
					if status != http.StatusOK {
						checkEnvelope(t, w, what, status, resp, 400)
						if after := snapshotPools(t, w.st, w.pool, noLockout); after != before {
							t.Errorf("%s: rejected, yet the pool changed: %s", what, diffHint(before, after))
						}
						continue
					}
					if !json.Valid(resp) {
						t.Errorf("%s: 200 with invalid JSON %.300s", what, resp)
					}
					if err := readBack(w); err != nil {
						t.Errorf("%s: accepted, then %v", what, err)
					}
					if !w.healthy() {
						w.seed(t)
					}
				}
			}
		})
	}
}

// TestRobustnessTargets covers requests that name no registered operation.
func TestRobustnessTargets(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	srv := httptest.NewServer(w.serve)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, target string
	}{
		{"GET", http.MethodGet, cognitoidp.TargetPrefix + ".ListUserPools"},
		{"PUT", http.MethodPut, cognitoidp.TargetPrefix + ".ListUserPools"},
		{"no target", http.MethodPost, ""},
		{"unknown operation", http.MethodPost, cognitoidp.TargetPrefix + ".CreateIdentityPool"},
		{"operation in lower case", http.MethodPost, cognitoidp.TargetPrefix + ".listuserpools"},
		{"other service", http.MethodPost, "AWSCognitoIdentityService.ListUserPools"},
		{"prefix only", http.MethodPost, cognitoidp.TargetPrefix + "."},
		{"nested target", http.MethodPost, cognitoidp.TargetPrefix + ".ListUserPools.X"},
		{"spaces and non-ASCII", http.MethodPost, cognitoidp.TargetPrefix + ".List User Pools é"},
		{"long target", http.MethodPost, cognitoidp.TargetPrefix + "." + long10k},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+"/", strings.NewReader(`{"MaxResults":1}`))
			if c.target != "" {
				req.Header.Set("X-Amz-Target", c.target)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			res := checkEnvelope(t, w, c.name, resp.StatusCode, b, 400)
			if res.typ != "UnknownOperationException" {
				t.Errorf("__type %s, want UnknownOperationException", res.typ)
			}
		})
	}
}
