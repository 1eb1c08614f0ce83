package adminqueries_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"userpool/internal/adminqueries"
	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

var isoMillis = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func groupsOf(t *testing.T, e *env, name string) []string {
	t.Helper()
	gs, _, err := e.svc.AdminListGroupsForUser(context.Background(), e.pool.ID, name, 60, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func TestAddAndRemoveUserFromGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.user("bob")
	e.group(e.pool, "Editors")

	r := e.post(tok, "/addUserToGroup", map[string]any{"username": "bob", "groupname": "Editors"})
	expect(t, r, 200, "Success adding bob to Editors")
	if got := groupsOf(t, e, "bob"); !slices.Equal(got, []string{"Editors"}) {
		t.Fatalf("groups after add = %v", got)
	}
	// Form-urlencoded bodies work as with the template's urlencoded parser.
	r = e.do(req{method: "POST", path: "/removeUserFromGroup", token: tok, body: "username=bob&groupname=Editors", contentType: "application/x-www-form-urlencoded"})
	expect(t, r, 200, "Removed bob from Editors")
	if got := groupsOf(t, e, "bob"); len(got) != 0 {
		t.Fatalf("groups after remove = %v", got)
	}

	missing := []any{
		map[string]any{},
		map[string]any{"username": "bob"},
		map[string]any{"groupname": "Editors"},
		map[string]any{"username": "", "groupname": "Editors"},
		map[string]any{"username": "bob", "groupname": nil},
		map[string]any{"username": 0, "groupname": "Editors"},
		map[string]any{"username": "bob", "groupname": false},
	}
	for _, route := range []string{"/addUserToGroup", "/removeUserFromGroup"} {
		for i, b := range missing {
			t.Run(fmt.Sprintf("%s/missing%d", route, i), func(t *testing.T) {
				expect(t, e.post(tok, route, b), 400, "username and groupname are required")
			})
		}
		expect(t, e.post(tok, route, map[string]any{"username": "bob", "groupname": "Nope"}), 404, "Group not found.")
		expect(t, e.post(tok, route, map[string]any{"username": "nobody", "groupname": "Editors"}), 404, "User does not exist.")
		r := e.post(tok, route, map[string]any{"username": "bob", "groupname": "two words"})
		expect(t, r, 400, `1 validation error detected: Value 'two words' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
		r = e.post(tok, route, map[string]any{"username": 12, "groupname": "Editors"})
		expect(t, r, 400, "username must be a string.")
	}
	if got := groupsOf(t, e, "bob"); len(got) != 0 {
		t.Fatalf("failed calls changed memberships: %v", got)
	}
}

func TestConfirmDisableEnable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.userIn(e.pool, "new", userpool.StatusUnconfirmed)
	e.user("bob")

	expect(t, e.post(tok, "/confirmUserSignUp", map[string]string{"username": "new"}), 200, "Confirmed new registration")
	if u := mustUser(t, e, "new"); u.Status != userpool.StatusConfirmed {
		t.Fatalf("status %s after confirm", u.Status)
	}
	expect(t, e.post(tok, "/confirmUserSignUp", map[string]string{"username": "new"}), 400, "User cannot be confirmed. Current status is CONFIRMED")

	bobTok := e.signIn("bob").AccessToken
	e.clk.Advance(2 * time.Second)
	expect(t, e.post(tok, "/disableUser", map[string]string{"username": "bob"}), 200, "Disabled bob")
	if mustUser(t, e, "bob").Enabled {
		t.Fatal("bob still enabled")
	}
	// A disabled user's tokens no longer pass the authorizer.
	expect(t, e.post(bobTok, "/signUserOut", map[string]string{"username": "bob"}), 401, "Unauthorized")
	expect(t, e.post(tok, "/enableUser", map[string]string{"username": "bob"}), 200, "Enabled bob")
	if !mustUser(t, e, "bob").Enabled {
		t.Fatal("bob still disabled")
	}

	for _, route := range []string{"/confirmUserSignUp", "/disableUser", "/enableUser"} {
		expect(t, e.post(tok, route, map[string]string{}), 400, "username is required")
		expect(t, e.post(tok, route, map[string]string{"username": "ghost"}), 404, "User does not exist.")
		long := strings.Repeat("x", 129)
		expect(t, e.post(tok, route, map[string]string{"username": long}), 400,
			"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128")
	}
}

func TestGetUserShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.clk.Advance(1500 * time.Millisecond)
	bob := e.user("bob")

	r := e.get(tok, "/getUser", q("username", "bob"))
	expect(t, r, 200, "")
	m := r.json(t)
	md, ok := m["$metadata"].(map[string]any)
	if !ok {
		t.Fatalf("no $metadata: %s", r.body)
	}
	if md["httpStatusCode"] != 200.0 || md["attempts"] != 1.0 || md["totalRetryDelay"] != 0.0 || md["requestId"] != r.header.Get("x-amzn-RequestId") || md["requestId"] == "" {
		t.Fatalf("$metadata = %v (request id header %q)", md, r.header.Get("x-amzn-RequestId"))
	}
	if m["Username"] != "bob" || m["Enabled"] != true || m["UserStatus"] != "CONFIRMED" {
		t.Fatalf("user = %s", r.body)
	}
	if m["UserCreateDate"] != "2024-03-05T10:20:31.500Z" || m["UserLastModifiedDate"] != "2024-03-05T10:20:31.500Z" {
		t.Fatalf("dates = %v %v", m["UserCreateDate"], m["UserLastModifiedDate"])
	}
	want := []any{
		map[string]any{"Name": "sub", "Value": bob.Sub},
		map[string]any{"Name": "email", "Value": "bob@example.com"},
		map[string]any{"Name": "email_verified", "Value": "true"},
	}
	if fmt.Sprint(m["UserAttributes"]) != fmt.Sprint(want) {
		t.Fatalf("UserAttributes = %v, want %v", m["UserAttributes"], want)
	}
	for _, k := range []string{"PaginationToken", "MFAOptions", "PreferredMfaSetting"} {
		if _, ok := m[k]; ok {
			t.Fatalf("unexpected %s in %s", k, r.body)
		}
	}
	// Key order follows the SDK: $metadata first, then members alphabetically.
	if !strings.HasPrefix(string(r.body), `{"$metadata":{"httpStatusCode":200,"requestId":"`) {
		t.Fatalf("body starts %s", r.body)
	}
	expect(t, e.get(tok, "/getUser", nil), 400, "username is required")
	expect(t, e.get(tok, "/getUser", q("username", "ghost")), 404, "User does not exist.")
}

func TestOmitMetadata(t *testing.T) {
	t.Parallel()
	cfg := adminCfg()
	cfg.OmitMetadata = true
	e := newEnv(t, cfg)
	tok := e.admin("root")
	for _, path := range []string{"/getUser?username=root", "/listUsers", "/listGroups", "/listGroupsForUser?username=root", "/listUsersInGroup?groupname=Admins"} {
		p, query, _ := strings.Cut(path, "?")
		vals := q()
		if query != "" {
			k, v, _ := strings.Cut(query, "=")
			vals = q(k, v)
		}
		r := e.get(tok, p, vals)
		expect(t, r, 200, "")
		if _, ok := r.json(t)["$metadata"]; ok {
			t.Fatalf("%s: $metadata present: %s", path, r.body)
		}
	}
}

// pageAll follows NextToken through a list route and returns the item
// names and the page sizes.
func pageAll(t *testing.T, e *env, tok, path, key, nameKey string, base map[string]string, limit string) ([]string, []int) {
	t.Helper()
	var names []string
	var sizes []int
	next := ""
	for i := 0; i < 50; i++ {
		vals := q("limit", limit)
		for k, v := range base {
			vals.Set(k, v)
		}
		if next != "" {
			vals.Set("token", next)
		}
		r := e.get(tok, path, vals)
		expect(t, r, 200, "")
		m := r.json(t)
		if _, ok := m["PaginationToken"]; ok {
			t.Fatalf("PaginationToken leaked: %s", r.body)
		}
		items, _ := m[key].([]any)
		sizes = append(sizes, len(items))
		for _, it := range items {
			names = append(names, it.(map[string]any)[nameKey].(string))
		}
		n, ok := m["NextToken"].(string)
		if !ok {
			return names, sizes
		}
		if n == "" {
			t.Fatalf("empty NextToken present: %s", r.body)
		}
		next = n
	}
	t.Fatal("pagination did not end")
	return nil, nil
}

func TestListUsersPaginationAndLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	var want []string
	for i := 0; i < 29; i++ {
		n := fmt.Sprintf("user%02d", i)
		e.user(n)
		want = append(want, n)
	}
	want = append(want, "root")
	sort.Strings(want)

	names, sizes := pageAll(t, e, tok, "/listUsers", "Users", "Username", nil, "7")
	if !slices.Equal(names, want) {
		t.Fatalf("paged users = %v", names)
	}
	if !slices.Equal(sizes, []int{7, 7, 7, 7, 2}) {
		t.Fatalf("page sizes = %v", sizes)
	}

	count := func(vals map[string]string) (int, bool) {
		v := q()
		for k, x := range vals {
			v.Set(k, x)
		}
		r := e.get(tok, "/listUsers", v)
		expect(t, r, 200, "")
		m := r.json(t)
		_, more := m["NextToken"]
		return len(m["Users"].([]any)), more
	}
	// limit parsed like parseInt; absent/empty → 25; 0 or NaN → omitted
	// (the pool's page of 60).
	cases := []struct {
		limit string // "-" = absent
		n     int
		more  bool
	}{
		{"-", 25, true}, {"", 25, true}, {"10abc", 10, true}, {"abc", 30, false}, {"0", 30, false},
		{" 3", 3, true}, {"0x4", 4, true}, {"60", 30, false}, {"2.9", 2, true}, {"+5", 5, true}, {"-0", 30, false},
	}
	for _, c := range cases {
		vals := map[string]string{}
		if c.limit != "-" {
			vals["limit"] = c.limit
		}
		n, more := count(vals)
		if n != c.n || more != c.more {
			t.Errorf("limit %q: %d users (more %v), want %d (more %v)", c.limit, n, more, c.n, c.more)
		}
	}
	expect(t, e.get(tok, "/listUsers", q("limit", "61")), 400,
		"1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	expect(t, e.get(tok, "/listUsers", q("limit", "100abc")), 400,
		"1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	expect(t, e.get(tok, "/listUsers", q("limit", "-1")), 400,
		"1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0")
	expect(t, e.get(tok, "/listUsers", q("token", "garbage")), 400, "Invalid pagination token.")

	// A token of another list is refused.
	e.group(e.pool, "G1")
	e.group(e.pool, "G2")
	r := e.get(tok, "/listGroups", q("limit", "1"))
	gt, _ := r.json(t)["NextToken"].(string)
	if gt == "" {
		t.Fatalf("no group token: %s", r.body)
	}
	expect(t, e.get(tok, "/listUsers", q("token", gt)), 400, "Invalid pagination token.")
}

func TestListUsersTemplateStatus(t *testing.T) {
	t.Parallel()
	cfg := adminCfg()
	cfg.Compat = adminqueries.CompatTemplate
	e := newEnv(t, cfg)
	tok := e.admin("root")
	// The current template answers every user-pool error with 500.
	expect(t, e.get(tok, "/listUsers", q("limit", "61")), 500,
		"1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	expect(t, e.get(tok, "/getUser", q("username", "ghost")), 500, "User does not exist.")
	expect(t, e.post(tok, "/addUserToGroup", map[string]string{"username": "root", "groupname": "Nope"}), 500, "Group not found.")
	// The template's own checks stay 400.
	expect(t, e.get(tok, "/getUser", nil), 400, "username is required")
}

func TestListGroupsShapeAndPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	ctx := context.Background()
	prec := int64(3)
	desc, role := "the editors", "arn:aws:iam::123456789012:role/Editors"
	if _, err := e.svc.CreateGroup(ctx, userpool.GroupInput{PoolID: e.pool.ID, Name: "Editors", Description: &desc, RoleArn: &role, Precedence: &prec}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		e.group(e.pool, fmt.Sprintf("G%d", i))
	}
	r := e.get(tok, "/listGroups", nil)
	expect(t, r, 200, "")
	m := r.json(t)
	if _, ok := m["$metadata"]; !ok {
		t.Fatal("no $metadata")
	}
	gs := m["Groups"].([]any)
	if len(gs) != 6 {
		t.Fatalf("%d groups", len(gs))
	}
	var ed map[string]any
	for _, g := range gs {
		if g.(map[string]any)["GroupName"] == "Editors" {
			ed = g.(map[string]any)
		}
	}
	if ed["Description"] != desc || ed["RoleArn"] != role || ed["Precedence"] != 3.0 || ed["UserPoolId"] != e.pool.ID ||
		!isoMillis.MatchString(ed["CreationDate"].(string)) || !isoMillis.MatchString(ed["LastModifiedDate"].(string)) {
		t.Fatalf("Editors = %v", ed)
	}
	names, sizes := pageAll(t, e, tok, "/listGroups", "Groups", "GroupName", nil, "4")
	if !slices.Equal(names, []string{"Admins", "Editors", "G0", "G1", "G2", "G3"}) || !slices.Equal(sizes, []int{4, 2}) {
		t.Fatalf("paged groups %v sizes %v", names, sizes)
	}
	expect(t, e.get(tok, "/listGroups", q("limit", "99")), 400,
		"1 validation error detected: Value '99' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
}

func TestListGroupsForUserStripsFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	ctx := context.Background()
	desc, role := "the editors", "arn:aws:iam::123456789012:role/Editors"
	prec := int64(1)
	if _, err := e.svc.CreateGroup(ctx, userpool.GroupInput{PoolID: e.pool.ID, Name: "Editors", Description: &desc, RoleArn: &role, Precedence: &prec}); err != nil {
		t.Fatal(err)
	}
	e.user("bob", "Editors", "A1", "A2")
	r := e.get(tok, "/listGroupsForUser", q("username", "bob"))
	expect(t, r, 200, "")
	gs := r.json(t)["Groups"].([]any)
	if len(gs) != 3 {
		t.Fatalf("groups %s", r.body)
	}
	for _, g := range gs {
		for k := range g.(map[string]any) {
			if k != "GroupName" && k != "Description" {
				t.Fatalf("field %s not stripped: %s", k, r.body)
			}
		}
	}
	if ed := gs[2].(map[string]any); ed["GroupName"] != "Editors" || ed["Description"] != desc {
		t.Fatalf("Editors = %v", ed)
	}
	if _, ok := gs[0].(map[string]any)["Description"]; ok {
		t.Fatalf("empty Description present: %s", r.body)
	}
	names, sizes := pageAll(t, e, tok, "/listGroupsForUser", "Groups", "GroupName", map[string]string{"username": "bob"}, "2")
	if !slices.Equal(names, []string{"A1", "A2", "Editors"}) || !slices.Equal(sizes, []int{2, 1}) {
		t.Fatalf("paged %v %v", names, sizes)
	}
	expect(t, e.get(tok, "/listGroupsForUser", nil), 400, "username is required")
	expect(t, e.get(tok, "/listGroupsForUser", q("username", "ghost")), 404, "User does not exist.")
}

func TestListUsersInGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		e.user(n, "Editors")
	}
	e.user("outsider")
	names, sizes := pageAll(t, e, tok, "/listUsersInGroup", "Users", "Username", map[string]string{"groupname": "Editors"}, "2")
	if !slices.Equal(names, []string{"a", "b", "c", "d", "e"}) || !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Fatalf("paged %v %v", names, sizes)
	}
	r := e.get(tok, "/listUsersInGroup", q("groupname", "Editors", "limit", "1"))
	u := r.json(t)["Users"].([]any)[0].(map[string]any)
	for _, k := range []string{"Attributes", "Enabled", "UserCreateDate", "UserLastModifiedDate", "UserStatus", "Username"} {
		if _, ok := u[k]; !ok {
			t.Fatalf("user lacks %s: %v", k, u)
		}
	}
	expect(t, e.get(tok, "/listUsersInGroup", nil), 400, "groupname is required")
	expect(t, e.get(tok, "/listUsersInGroup", q("groupname", "Nope")), 404, "Group not found.")
}

func TestSignUserOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	admin := e.admin("root")
	e.user("bob", "Readers")
	bob := e.signIn("bob")
	e.clk.Advance(2 * time.Second)

	// Not in Admins, yet allowed at the exact path: the rule is "only yourself".
	expect(t, e.post(bob.AccessToken, "/signUserOut", map[string]string{"username": "root"}), 400, "only the user can sign themselves out")
	expect(t, e.post(bob.AccessToken, "/signUserOut", map[string]string{}), 400, "only the user can sign themselves out")
	expect(t, e.post(bob.AccessToken, "/signUserOut", map[string]any{"username": 5}), 400, "only the user can sign themselves out")
	// An admin cannot sign someone else out either.
	expect(t, e.post(admin, "/signUserOut", map[string]string{"username": "bob"}), 400, "only the user can sign themselves out")
	// Other spellings of the path route to signUserOut but are not exempt.
	expect(t, e.post(bob.AccessToken, "/signuserout", map[string]string{"username": "bob"}), 403, "User does not have permissions to perform administrative tasks")
	expect(t, e.post(bob.AccessToken, "/signUserOut/", map[string]string{"username": "bob"}), 403, "User does not have permissions to perform administrative tasks")

	expect(t, e.post(bob.AccessToken, "/signUserOut", map[string]string{"username": "bob"}), 200, "Signed out bob from all devices")
	// Access token and refresh token are revoked.
	expect(t, e.post(bob.AccessToken, "/signUserOut", map[string]string{"username": "bob"}), 401, "Unauthorized")
	_, err := e.svc.InitiateAuth(context.Background(), userpool.InitiateAuthInput{
		ClientID: e.client.ID, AuthFlow: userpool.FlowRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": bob.RefreshToken},
	})
	if err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("refresh after sign-out: %v", err)
	}
	ev := e.lastAudit()
	if ev.Action != "adminqueries:signUserOut" || ev.Actor != "bob" || ev.Target != "bob" || ev.Outcome != "allowed" {
		t.Fatalf("audit %+v", ev)
	}
	// The admin's own session is untouched.
	expect(t, e.get(admin, "/listUsers", nil), 200, "")
}

func TestSignUserOutByAlias(t *testing.T) {
	t.Parallel()
	// A pool with email as an alias: in strict mode the caller may name
	// themselves by that alias; the template compares with the username claim only.
	for _, compat := range []string{adminqueries.CompatStrict, adminqueries.CompatTemplate} {
		t.Run(compat, func(t *testing.T) {
			e := newEnv(t, adminqueries.PoolConfig{Compat: compat})
			ctx := context.Background()
			p, err := e.svc.CreatePool(ctx, userpool.PoolInput{Name: "alias", AliasAttributes: []string{"email"}})
			if err != nil {
				t.Fatal(err)
			}
			c, err := e.svc.CreateClient(ctx, p.ID, userpool.ClientInput{Name: "web", ExplicitAuthFlows: []string{userpool.FlowAllowUserPasswordAuth, userpool.FlowAllowRefreshTokenAuth}})
			if err != nil {
				t.Fatal(err)
			}
			e.setConfig(p.ID, adminqueries.PoolConfig{Compat: compat})
			if _, err := e.svc.AdminCreateUser(ctx, userpool.CreateUserInput{PoolID: p.ID, Username: "carol", MessageAction: "SUPPRESS",
				Attributes: []userpool.Attribute{{Name: "email", Value: "carol@example.com"}, {Name: "email_verified", Value: "true"}}}); err != nil {
				t.Fatal(err)
			}
			setPermanent(t, e, p, "carol")
			tok := e.signInTo(c, "carol").AccessToken
			r := e.do(req{method: "POST", pool: p.ID, path: "/signUserOut", token: tok, body: map[string]string{"username": "carol@example.com"}})
			if compat == adminqueries.CompatStrict {
				expect(t, r, 200, "Signed out carol@example.com from all devices")
			} else {
				expect(t, r, 400, "only the user can sign themselves out")
			}
		})
	}
}

// setPermanent gives a user testPassword as a permanent password (CONFIRMED).
func setPermanent(t *testing.T, e *env, p *userpool.Pool, name string) {
	t.Helper()
	cred, err := userpool.NewCredential(p, name, testPassword, false, password.InsecureTestParams, rand.Reader, e.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.UpdateUser(context.Background(), p.ID, p.UsernameKey(name), func(u *store.User) error {
		u.Password = cred
		u.Status = userpool.StatusConfirmed
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestRoutingAndMethods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	// Case-insensitive paths with an optional trailing slash.
	for _, p := range []string{"/listUsers", "/LISTUSERS", "/listusers/", "/ListUsers/"} {
		expect(t, e.get(tok, p, nil), 200, "")
	}
	expect(t, e.get(tok, "/nope", nil), 404, "Unknown route: GET /nope")
	expect(t, e.get(tok, "", nil), 404, "Unknown route: GET /")
	expect(t, e.get(tok, "/listUsers/extra", nil), 404, "Unknown route: GET /listUsers/extra")
	// Wrong method: 405 with Allow in strict mode.
	r := e.get(tok, "/addUserToGroup", q("username", "root", "groupname", "Admins"))
	expect(t, r, 405, "Method GET is not allowed for addUserToGroup: use POST.")
	if r.header.Get("Allow") != "POST, OPTIONS" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	r = e.do(req{method: "DELETE", path: "/listUsers", token: tok})
	expect(t, r, 405, "Method DELETE is not allowed for listUsers: use GET.")
	if r.header.Get("Allow") != "GET, HEAD, OPTIONS" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	// HEAD answers like GET without a body.
	r = e.do(req{method: "HEAD", path: "/listUsers", token: tok})
	if r.status != 200 || len(r.body) != 0 {
		t.Fatalf("HEAD: %d %q", r.status, r.body)
	}
	// Pools without Admin Queries.
	expect(t, e.do(req{method: "GET", pool: "us-east-1_unknown", path: "/listUsers", token: tok}), 404, "Admin Queries is not enabled for this user pool.")
	p2, _ := e.newPool("off")
	e.mu.Lock()
	e.cfgs[p2.ID] = adminqueries.PoolConfig{Enabled: false, Groups: []string{"Admins"}}
	e.mu.Unlock()
	expect(t, e.do(req{method: "GET", pool: p2.ID, path: "/listUsers", token: tok}), 404, "Admin Queries is not enabled for this user pool.")
}

func TestTemplateWrongMethodIs404(t *testing.T) {
	t.Parallel()
	cfg := adminCfg()
	cfg.Compat = adminqueries.CompatTemplate
	e := newEnv(t, cfg)
	tok := e.admin("root")
	expect(t, e.get(tok, "/addUserToGroup", nil), 404, "Cannot GET /addUserToGroup")
}

func TestBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.user("bob")
	e.group(e.pool, "Editors")
	add := func(body any, ct string) resp {
		return e.do(req{method: "POST", path: "/addUserToGroup", token: tok, body: body, contentType: ct})
	}
	expect(t, add(`{"username":`, "application/json"), 400, "Malformed JSON body.")
	expect(t, add(`["bob"]`, "application/json"), 400, "The JSON body must be an object.")
	expect(t, add(`{"username":"bob","groupname":"Editors"} x`, "application/json"), 400, "Malformed JSON body: trailing data.")
	expect(t, add(`username=bob`, "text/csv"), 415, "Unsupported Content-Type text/csv: send application/json or application/x-www-form-urlencoded.")
	expect(t, add(``, "application/json"), 400, "username and groupname are required")
	// No Content-Type (e.g. fetch with a string body): a JSON object is read.
	expect(t, add(`{"username":"bob","groupname":"Editors"}`, ""), 200, "Success adding bob to Editors")
	expect(t, add(`{"username":"bob","groupname":"Editors"}`, "application/json; charset=utf-8"), 200, "Success adding bob to Editors")

	// Oversized bodies: 413, nothing changed, audited as an error.
	big := `{"username":"bob","groupname":"Editors","pad":"` + strings.Repeat("x", 5000) + `"}`
	r := e.do(req{method: "POST", path: "/removeUserFromGroup", token: tok, body: big, contentType: "application/json"})
	expect(t, r, 413, "Request body too large (limit 4096 bytes).")
	if got := groupsOf(t, e, "bob"); !slices.Equal(got, []string{"Editors"}) {
		t.Fatalf("oversized call changed memberships: %v", got)
	}
	if ev := e.lastAudit(); ev.Action != "adminqueries:removeUserFromGroup" || ev.Outcome != "error:InvalidParameterException" {
		t.Fatalf("audit %+v", ev)
	}

	// Without a Content-Length the limit is enforced while reading.
	r = e.do(req{method: "POST", path: "/removeUserFromGroup", token: tok, body: io.MultiReader(strings.NewReader(big)), contentType: "application/json"})
	expect(t, r, 413, "Request body too large (limit 4096 bytes).")
	if got := groupsOf(t, e, "bob"); !slices.Equal(got, []string{"Editors"}) {
		t.Fatalf("oversized chunked call changed memberships: %v", got)
	}

	// Template mode ignores bodies it cannot parse, as Express does.
	cfg := adminCfg()
	cfg.Compat = adminqueries.CompatTemplate
	e.setConfig(e.pool.ID, cfg)
	expect(t, add(`username=bob`, "text/csv"), 400, "username and groupname are required")
}
