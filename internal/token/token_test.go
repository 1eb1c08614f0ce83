package token

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"userpool/internal/store"
)

const (
	testPool   = "us-west-2_example"
	testClient = "xxxxxxxxxxxxexample"
	testSub    = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	testUser   = "my-test-user"
	roleA      = "arn:aws:iam::111122223333:role/a"
	roleB      = "arn:aws:iam::111122223333:role/b"
	roleC      = "arn:aws:iam::111122223333:role/c"
)

var t0 = time.Unix(1676312777, 0).UTC()

type env struct {
	ks    *memKeyStore
	clock *fakeClock
	is    *Issuer
}

// newEnv builds an Issuer over a fresh store with a fake clock at t0 and
// 1024-bit keys (fast; the benchmarks and interop test use 2048).
func newEnv(t testing.TB, mod func(*Options)) *env {
	t.Helper()
	e := &env{ks: newMemKeyStore(), clock: &fakeClock{t: t0}}
	e.is = e.issuer(t, mod)
	return e
}

// issuer makes another Issuer (instance) over the env's store and clock.
func (e *env) issuer(t testing.TB, mod func(*Options)) *Issuer {
	t.Helper()
	o := Options{Now: e.clock.Now, Rand: &seqReader{}, KeyBits: 1024}
	if mod != nil {
		mod(&o)
	}
	is, err := NewIssuer(e.ks, o)
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func basicInput() IssueInput {
	return IssueInput{PoolID: testPool, ClientID: testClient, Sub: testSub, Username: testUser, OriginJTI: "origin-1"}
}

func prec(n int64) *int64 { return &n }

// parts splits a compact JWS and decodes header and payload.
func parts(t *testing.T, tok string) (header, payload string) {
	t.Helper()
	p := strings.Split(tok, ".")
	if len(p) != 3 {
		t.Fatalf("token has %d parts", len(p))
	}
	h, err := base64.RawURLEncoding.DecodeString(p[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.RawURLEncoding.DecodeString(p[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(h), string(b)
}

func claimNames(t *testing.T, payload string) []string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func TestIssuePairGolden(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in := IssueInput{
		PoolID:   testPool,
		ClientID: testClient,
		Sub:      testSub,
		Username: testUser,
		Attributes: map[string]string{
			"email":                 "my-test-user@example.com",
			"email_verified":        "true",
			"phone_number":          "+15555550100",
			"phone_number_verified": "false",
			"middle_name":           "Jane",
			"custom:team":           "a&b <c>",
			"dev:custom:secret":     "never",
			"sub":                   "not-the-sub",
			"iss":                   "evil",
			"cognito:groups":        "evil",
		},
		Groups: []store.Group{
			{Name: "test-group-c", RoleArn: roleC},
			{Name: "test-group-b", Precedence: prec(1)},
			{Name: "test-group-a", Precedence: prec(1), RoleArn: roleA},
		},
		AuthTime:       time.Unix(1676312000, 0),
		OriginJTI:      "origin-1",
		EventID:        "event-1",
		DeviceKey:      "us-west-2_device",
		IDValidity:     time.Hour,
		AccessValidity: 30 * time.Minute,
	}
	id, access, err := e.is.IssuePair(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	// seqReader: kids draw bytes 0x00 and 0x01, then jtis 0x02, 0x03.
	idKID := base64.StdEncoding.EncodeToString(make([]byte, 32))
	accessKID := strings.Repeat("AQEB", 10) + "AQE="
	if len(idKID) != 44 || len(accessKID) != 44 {
		t.Fatal("kid length")
	}

	h, p := parts(t, id)
	if want := `{"kid":"` + idKID + `","alg":"RS256"}`; h != want {
		t.Errorf("id header\n got %s\nwant %s", h, want)
	}
	wantID := `{"sub":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",` +
		`"cognito:groups":["test-group-a","test-group-b","test-group-c"],` +
		`"cognito:preferred_role":"arn:aws:iam::111122223333:role/a",` +
		`"cognito:roles":["arn:aws:iam::111122223333:role/a","arn:aws:iam::111122223333:role/c"],` +
		`"iss":"https://cognito-idp.us-west-2.amazonaws.com/us-west-2_example",` +
		`"cognito:username":"my-test-user","origin_jti":"origin-1","aud":"xxxxxxxxxxxxexample",` +
		`"event_id":"event-1","token_use":"id","auth_time":1676312000,"exp":1676316377,"iat":1676312777,` +
		`"jti":"02020202-0202-4202-8202-020202020202",` +
		`"custom:team":"a&b <c>","email":"my-test-user@example.com","email_verified":true,` +
		`"middle_name":"Jane","phone_number":"+15555550100","phone_number_verified":false}`
	if p != wantID {
		t.Errorf("id payload\n got %s\nwant %s", p, wantID)
	}

	h, p = parts(t, access)
	if want := `{"kid":"` + accessKID + `","alg":"RS256"}`; h != want {
		t.Errorf("access header\n got %s\nwant %s", h, want)
	}
	wantAccess := `{"sub":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","device_key":"us-west-2_device",` +
		`"cognito:groups":["test-group-a","test-group-b","test-group-c"],` +
		`"iss":"https://cognito-idp.us-west-2.amazonaws.com/us-west-2_example","version":2,` +
		`"client_id":"xxxxxxxxxxxxexample","origin_jti":"origin-1","event_id":"event-1",` +
		`"token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":1676312000,` +
		`"exp":1676314577,"iat":1676312777,"jti":"03030303-0303-4303-8303-030303030303",` +
		`"username":"my-test-user"}`
	if p != wantAccess {
		t.Errorf("access payload\n got %s\nwant %s", p, wantAccess)
	}
}

func TestIssuePairMinimalClaims(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in := IssueInput{PoolID: testPool, ClientID: testClient, Sub: testSub, Username: testUser}
	id, access, err := e.is.IssuePair(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	_, p := parts(t, id)
	wantID := []string{"aud", "auth_time", "cognito:username", "event_id", "exp", "iat", "iss", "jti", "sub", "token_use"}
	if got := claimNames(t, p); !reflect.DeepEqual(got, wantID) {
		t.Errorf("id claims %v, want %v", got, wantID)
	}
	_, p = parts(t, access)
	wantAccess := []string{"auth_time", "client_id", "event_id", "exp", "iat", "iss", "jti", "scope", "sub", "token_use", "username", "version"}
	if got := claimNames(t, p); !reflect.DeepEqual(got, wantAccess) {
		t.Errorf("access claims %v, want %v", got, wantAccess)
	}

	// Defaults: 1h validity, auth_time = iat, one generated event_id shared
	// by the pair, distinct jtis.
	ci, err := e.is.Verify(context.Background(), testPool, id, UseID)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := e.is.Verify(context.Background(), testPool, access, UseAccess)
	if err != nil {
		t.Fatal(err)
	}
	if ci.Expiry.Sub(ci.IssuedAt) != time.Hour || ca.Expiry.Sub(ca.IssuedAt) != time.Hour {
		t.Errorf("default validity: id %v access %v", ci.Expiry.Sub(ci.IssuedAt), ca.Expiry.Sub(ca.IssuedAt))
	}
	if !ci.AuthTime.Equal(t0) || !ca.AuthTime.Equal(t0) {
		t.Errorf("auth_time %v %v, want %v", ci.AuthTime, ca.AuthTime, t0)
	}
	if ci.EventID == "" || ci.EventID != ca.EventID {
		t.Errorf("event ids %q %q", ci.EventID, ca.EventID)
	}
	if ci.JTI == ca.JTI {
		t.Errorf("jtis equal: %q", ci.JTI)
	}
}

func TestIssuePairRejectsBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for name, mod := range map[string]func(*IssueInput){
		"no pool":         func(in *IssueInput) { in.PoolID = "" },
		"no client":       func(in *IssueInput) { in.ClientID = "" },
		"no sub":          func(in *IssueInput) { in.Sub = "" },
		"no username":     func(in *IssueInput) { in.Username = "" },
		"tiny validity":   func(in *IssueInput) { in.IDValidity = time.Millisecond },
		"negative access": func(in *IssueInput) { in.AccessValidity = -time.Hour },
	} {
		in := basicInput()
		mod(&in)
		if _, _, err := e.is.IssuePair(context.Background(), in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestGroupClaims(t *testing.T) {
	t.Parallel()
	g := func(name string, p *int64, role string) store.Group {
		return store.Group{Name: name, Precedence: p, RoleArn: role}
	}
	tests := []struct {
		name      string
		groups    []store.Group
		names     []string
		roles     []string
		preferred string
	}{
		{name: "none"},
		{
			name:   "single without role",
			groups: []store.Group{g("admin", nil, "")},
			names:  []string{"admin"},
		},
		{
			name:      "lowest precedence wins",
			groups:    []store.Group{g("b", prec(5), roleB), g("a", prec(10), roleA), g("c", prec(0), roleC)},
			names:     []string{"c", "b", "a"},
			roles:     []string{roleC, roleB, roleA},
			preferred: roleC,
		},
		{
			name:      "tie with same arn keeps it",
			groups:    []store.Group{g("x", prec(1), roleA), g("y", prec(1), roleA), g("z", prec(2), roleB)},
			names:     []string{"x", "y", "z"},
			roles:     []string{roleA, roleB},
			preferred: roleA,
		},
		{
			name:   "tie with different arns omits",
			groups: []store.Group{g("y", prec(1), roleB), g("x", prec(1), roleA), g("z", prec(0), "")},
			names:  []string{"z", "x", "y"},
			roles:  []string{roleA, roleB},
		},
		{
			name:      "number beats null",
			groups:    []store.Group{g("n", nil, roleA), g("p", prec(99), roleB)},
			names:     []string{"p", "n"},
			roles:     []string{roleB, roleA},
			preferred: roleB,
		},
		{
			name:      "group without role does not block",
			groups:    []store.Group{g("top", prec(0), ""), g("mid", prec(3), roleB)},
			names:     []string{"top", "mid"},
			roles:     []string{roleB},
			preferred: roleB,
		},
		{
			name:      "only nulls, one arn",
			groups:    []store.Group{g("b", nil, roleA), g("a", nil, roleA), g("c", nil, "")},
			names:     []string{"a", "b", "c"},
			roles:     []string{roleA},
			preferred: roleA,
		},
		{
			name:   "only nulls, different arns",
			groups: []store.Group{g("b", nil, roleB), g("a", nil, roleA)},
			names:  []string{"a", "b"},
			roles:  []string{roleA, roleB},
		},
		{
			name:      "tie broken elsewhere does not matter",
			groups:    []store.Group{g("a", prec(1), roleA), g("b", prec(2), roleB), g("c", prec(2), roleC)},
			names:     []string{"a", "b", "c"},
			roles:     []string{roleA, roleB, roleC},
			preferred: roleA,
		},
		{
			name:   "null ties with different arns after numbers without roles",
			groups: []store.Group{g("a", prec(1), ""), g("b", nil, roleA), g("c", nil, roleB)},
			names:  []string{"a", "b", "c"},
			roles:  []string{roleA, roleB},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]store.Group(nil), tc.groups...)
			names, roles, preferred := GroupClaims(tc.groups)
			if !reflect.DeepEqual(names, tc.names) {
				t.Errorf("names %v, want %v", names, tc.names)
			}
			if !reflect.DeepEqual(roles, tc.roles) {
				t.Errorf("roles %v, want %v", roles, tc.roles)
			}
			if preferred != tc.preferred {
				t.Errorf("preferred %q, want %q", preferred, tc.preferred)
			}
			if !reflect.DeepEqual(in, tc.groups) {
				t.Error("GroupClaims modified its input")
			}
		})
	}
}

func TestPreferredRoleClaimOmittedOnTie(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in := basicInput()
	in.Groups = []store.Group{{Name: "a", Precedence: prec(1), RoleArn: roleA}, {Name: "b", Precedence: prec(1), RoleArn: roleB}}
	id, access, err := e.is.IssuePair(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.is.Verify(context.Background(), testPool, id, UseID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Raw["cognito:preferred_role"]; ok {
		t.Error("cognito:preferred_role present on a tie")
	}
	if !reflect.DeepEqual(c.Groups, []string{"a", "b"}) {
		t.Errorf("groups %v", c.Groups)
	}
	ca, err := e.is.Verify(context.Background(), testPool, access, UseAccess)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ca.Raw["cognito:roles"]; ok {
		t.Error("access token carries cognito:roles")
	}
	if !reflect.DeepEqual(ca.Groups, []string{"a", "b"}) {
		t.Errorf("access groups %v", ca.Groups)
	}
}

func TestJWKSShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	b, err := e.is.JWKS(ctx, testPool)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"keys":[]}` {
		t.Errorf("JWKS of a pool without keys: %s", b)
	}
	if e.ks.count(testPool) != 0 {
		t.Error("JWKS created keys")
	}
	if err := e.is.EnsureKeys(ctx, testPool); err != nil {
		t.Fatal(err)
	}
	b, err = e.is.JWKS(ctx, testPool)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Keys) != 2 {
		t.Fatalf("%d keys, want 2: %s", len(doc.Keys), b)
	}
	kids := map[string]bool{}
	for _, k := range doc.Keys {
		var names []string
		for n := range k {
			names = append(names, n)
		}
		sort.Strings(names)
		if want := []string{"alg", "e", "kid", "kty", "n", "use"}; !reflect.DeepEqual(names, want) {
			t.Errorf("members %v, want %v", names, want)
		}
		if k["alg"] != "RS256" || k["e"] != "AQAB" || k["kty"] != "RSA" || k["use"] != "sig" {
			t.Errorf("key %v", k)
		}
		n, err := base64.RawURLEncoding.DecodeString(k["n"].(string))
		if err != nil || len(n) != 128 {
			t.Errorf("n: %d bytes, %v", len(n), err)
		}
		kid := k["kid"].(string)
		if raw, err := base64.StdEncoding.DecodeString(kid); err != nil || len(raw) != 32 || len(kid) != 44 {
			t.Errorf("kid %q", kid)
		}
		kids[kid] = true
	}
	if len(kids) != 2 {
		t.Error("kids not distinct")
	}
	if !strings.HasPrefix(string(b), `{"keys":[{"alg":"RS256","e":"AQAB","kid":"`) {
		t.Errorf("member order: %s", b)
	}
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	b, err := e.is.Discovery("us-east-1_abc", "http://localhost:9229/")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"authorization_endpoint":"http://localhost:9229/us-east-1_abc/authorize",` +
		`"id_token_signing_alg_values_supported":["RS256"],` +
		`"issuer":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",` +
		`"jwks_uri":"http://localhost:9229/us-east-1_abc/.well-known/jwks.json",` +
		`"response_types_supported":["code","token"],` +
		`"scopes_supported":["openid","email","phone","profile"],` +
		`"subject_types_supported":["public"],` +
		`"token_endpoint":"http://localhost:9229/us-east-1_abc/token",` +
		`"token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post"],` +
		`"userinfo_endpoint":"http://localhost:9229/us-east-1_abc/userInfo"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}

	// Issuer of the "<base>/<poolId>" form; no base URL: URLs under the issuer.
	e2 := newEnv(t, func(o *Options) { o.IssuerURL = BaseIssuerURL("https://auth.example.com/") })
	b, err = e2.is.Discovery("eu-west-1_X", "")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["issuer"] != "https://auth.example.com/eu-west-1_X" || m["jwks_uri"] != "https://auth.example.com/eu-west-1_X/.well-known/jwks.json" {
		t.Errorf("issuer %v jwks_uri %v", m["issuer"], m["jwks_uri"])
	}
}

func TestCognitoIssuerURL(t *testing.T) {
	t.Parallel()
	if got := CognitoIssuerURL("eu-central-1_PaHE1tWNZ"); got != "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_PaHE1tWNZ" {
		t.Error(got)
	}
}

func TestNewIssuerRejectsBadOptions(t *testing.T) {
	t.Parallel()
	ks := newMemKeyStore()
	seal := func(b []byte) ([]byte, error) { return b, nil }
	for name, o := range map[string]Options{
		"seal without open": {Seal: seal},
		"open without seal": {Open: seal},
		"small keys":        {KeyBits: 512},
		"negative leeway":   {Leeway: -time.Second},
	} {
		if _, err := NewIssuer(ks, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewIssuer(nil, Options{}); err == nil {
		t.Error("nil store accepted")
	}
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	xor := func(b []byte) ([]byte, error) {
		out := make([]byte, len(b))
		for i := range b {
			out[i] = b[i] ^ 0x5a
		}
		return out, nil
	}
	e := newEnv(t, func(o *Options) { o.Seal, o.Open = xor, xor })
	ctx := context.Background()
	id, _, err := e.is.IssuePair(ctx, basicInput())
	if err != nil {
		t.Fatal(err)
	}
	for _, recs := range e.ks.keys {
		for _, r := range recs {
			if r.PrivateKey[0] == 0x30 { // a DER SEQUENCE: stored in the clear
				t.Error("private key stored unsealed")
			}
		}
	}
	// Another instance with the same Open verifies; one without cannot load.
	other := e.issuer(t, func(o *Options) { o.Seal, o.Open = xor, xor })
	if _, err := other.Verify(ctx, testPool, id, UseID); err != nil {
		t.Errorf("sealed key: %v", err)
	}
	plain := e.issuer(t, nil)
	_, err = plain.Verify(ctx, testPool, id, UseID)
	if err == nil || errors.Is(err, ErrInvalid) || errors.Is(err, ErrExpired) {
		t.Errorf("unopenable key: want an internal error, got %v", err)
	}
}
