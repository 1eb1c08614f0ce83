package adminqueries_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"userpool/internal/adminqueries"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

func TestCreateAndDeleteUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	r := e.post(tok, "/createUser", map[string]any{
		"username":   "dave",
		"password":   "Temp-Pass-123",
		"attributes": []map[string]string{{"Name": "email", "Value": "dave@example.com"}, {"Name": "name", "Value": "Dave"}},
	})
	expect(t, r, 200, "Created user dave")
	if strings.Contains(string(r.body), "Temp-Pass-123") {
		t.Fatal("the password is echoed")
	}
	u := r.json(t)["User"].(map[string]any)
	if u["Username"] != "dave" || u["UserStatus"] != "FORCE_CHANGE_PASSWORD" || u["Enabled"] != true || !isoMillis.MatchString(u["UserCreateDate"].(string)) {
		t.Fatalf("User = %v", u)
	}
	got := mustUser(t, e, "dave")
	if attrOf(got, "name") != "Dave" || attrOf(got, "email") != "dave@example.com" {
		t.Fatalf("stored attributes %v", got.Attributes(nil))
	}
	if ev := e.lastAudit(); ev.Action != "adminqueries:createUser" || ev.Target != "dave" || ev.Outcome != "allowed" {
		t.Fatalf("audit %+v", ev)
	}
	// Form body with attributes as JSON text; no password (one is generated).
	r = e.do(req{method: "POST", path: "/createUser", token: tok, contentType: "application/x-www-form-urlencoded",
		body: `username=erin&attributes=` + `%5B%7B%22Name%22%3A%22email%22%2C%22Value%22%3A%22erin%40example.com%22%7D%5D`})
	expect(t, r, 200, "Created user erin")
	if attrOf(mustUser(t, e, "erin"), "email") != "erin@example.com" {
		t.Fatal("form attributes not applied")
	}

	expect(t, e.post(tok, "/createUser", map[string]any{"username": "dave"}), 400, "User account already exists")
	expect(t, e.post(tok, "/createUser", map[string]any{}), 400, "username is required")
	expect(t, e.post(tok, "/createUser", map[string]any{"username": "x", "attributes": "nope"}), 400, `attributes must be an array of {"Name": ..., "Value": ...} objects.`)
	expect(t, e.post(tok, "/createUser", map[string]any{"username": "x", "attributes": []any{map[string]any{"Name": 3}}}), 400, "attributes[0].Name must be a string.")
	expect(t, e.post(tok, "/createUser", map[string]any{"username": "x", "attributes": []any{map[string]any{"Name": "", "Value": "v"}}}), 400,
		"1 validation error detected: Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1")
	expect(t, e.post(tok, "/createUser", map[string]any{"username": "x", "password": "short"}), 400, "")
	if _, err := e.svc.AdminGetUser(context.Background(), e.pool.ID, "x"); err == nil {
		t.Fatal("a refused createUser created the user")
	}

	e.user("gone", "Admins")
	expect(t, e.post(tok, "/deleteUser", map[string]string{"username": "gone"}), 200, "Deleted user gone")
	if _, err := e.svc.AdminGetUser(context.Background(), e.pool.ID, "gone"); userpool.KindOf(err) != userpool.KindUserNotFound {
		t.Fatalf("after delete: %v", err)
	}
	expect(t, e.post(tok, "/deleteUser", map[string]string{"username": "gone"}), 404, "User does not exist.")
	expect(t, e.post(tok, "/deleteUser", map[string]string{}), 400, "username is required")
}

func TestUserAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.user("bob")
	attrs := []map[string]string{{"Name": "name", "Value": "Bob"}, {"Name": "family_name", "Value": "Builder"}}
	expect(t, e.post(tok, "/updateUserAttributes", map[string]any{"username": "bob", "attributes": attrs}), 200, "Updated attributes of bob")
	if a := attrMap(mustUser(t, e, "bob")); a["name"] != "Bob" || a["family_name"] != "Builder" {
		t.Fatalf("attributes %v", a)
	}
	expect(t, e.post(tok, "/deleteUserAttributes", map[string]any{"username": "bob", "attributenames": []string{"family_name"}}), 200, "Deleted attributes of bob")
	if a := attrMap(mustUser(t, e, "bob")); a["name"] != "Bob" || a["family_name"] != "" {
		t.Fatalf("attributes %v", a)
	}
	// Repeated form fields are a list.
	r := e.do(req{method: "POST", path: "/deleteUserAttributes", token: tok, contentType: "application/x-www-form-urlencoded", body: "username=bob&attributenames=name&attributenames=nickname"})
	expect(t, r, 200, "Deleted attributes of bob")
	if a := attrMap(mustUser(t, e, "bob")); a["name"] != "" {
		t.Fatalf("attributes %v", a)
	}
	if ev := e.lastAudit(); ev.Action != "adminqueries:deleteUserAttributes" || ev.Target != "bob" || ev.Outcome != "allowed" {
		t.Fatalf("audit %+v", ev)
	}

	expect(t, e.post(tok, "/updateUserAttributes", map[string]any{"username": "bob"}), 400, "username and attributes are required")
	expect(t, e.post(tok, "/updateUserAttributes", map[string]any{"attributes": attrs}), 400, "username and attributes are required")
	expect(t, e.post(tok, "/updateUserAttributes", map[string]any{"username": "bob", "attributes": []any{}}), 400, "username and attributes are required")
	expect(t, e.post(tok, "/updateUserAttributes", map[string]any{"username": "ghost", "attributes": attrs}), 404, "User does not exist.")
	r = e.post(tok, "/updateUserAttributes", map[string]any{"username": "bob", "attributes": []map[string]string{{"Name": "shoe_size", "Value": "9"}}})
	if r.status != 400 || !strings.Contains(r.message(t), "shoe_size") {
		t.Fatalf("unknown attribute: %d %s", r.status, r.body)
	}
	expect(t, e.post(tok, "/updateUserAttributes", map[string]any{"username": "bob", "attributes": []map[string]string{{"Name": "name", "Value": strings.Repeat("v", 2049)}}}), 400,
		"1 validation error detected: Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048")
	expect(t, e.post(tok, "/deleteUserAttributes", map[string]any{"username": "bob"}), 400, "username and attributenames are required")
	expect(t, e.post(tok, "/deleteUserAttributes", map[string]any{"username": "bob", "attributenames": []any{1}}), 400, "attributenames must be an array of strings.")
	expect(t, e.post(tok, "/deleteUserAttributes", map[string]any{"username": "ghost", "attributenames": []string{"name"}}), 404, "User does not exist.")
}

func TestPasswords(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.user("bob")
	expect(t, e.post(tok, "/setUserPassword", map[string]any{"username": "bob", "password": "Brand-New-Pass-1", "permanent": true}), 200, "Set password of bob")
	if u := mustUser(t, e, "bob"); u.Status != userpool.StatusConfirmed {
		t.Fatalf("status %s", u.Status)
	}
	out, err := e.svc.InitiateAuth(context.Background(), userpool.InitiateAuthInput{ClientID: e.client.ID, AuthFlow: userpool.FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Brand-New-Pass-1"}})
	if err != nil || out.Result == nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	if ev := e.lastAudit(); ev.Action != "adminqueries:setUserPassword" || ev.Detail != "permanent=true" || strings.Contains(fmt.Sprint(ev), "Brand-New") {
		t.Fatalf("audit %+v", ev)
	}
	expect(t, e.post(tok, "/setUserPassword", map[string]any{"username": "bob", "password": "Temp-Pass-2222"}), 200, "Set password of bob")
	if u := mustUser(t, e, "bob"); u.Status != userpool.StatusForceChangePassword {
		t.Fatalf("status %s after a temporary password", u.Status)
	}
	expect(t, e.post(tok, "/setUserPassword", map[string]any{"username": "bob", "password": "Temp-Pass-3333", "permanent": "yes"}), 400, "permanent must be true or false.")
	expect(t, e.post(tok, "/setUserPassword", map[string]any{"username": "bob"}), 400, "username and password are required")
	expect(t, e.post(tok, "/setUserPassword", map[string]any{"password": "Temp-Pass-3333"}), 400, "username and password are required")
	expect(t, e.post(tok, "/setUserPassword", map[string]any{"username": "bob", "password": " lead"}), 400,
		"1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+")
	r := e.post(tok, "/setUserPassword", map[string]any{"username": "bob", "password": "weak", "permanent": true})
	if r.status != 400 || r.header.Get("x-amzn-ErrorType") != "InvalidPasswordException" {
		t.Fatalf("weak password: %d %v %s", r.status, r.header, r.body)
	}
	if strings.Contains(e.logs.String(), "Temp-Pass-2222") {
		t.Fatal("a password was logged")
	}
	expect(t, e.post(tok, "/setUserPassword", map[string]any{"username": "ghost", "password": "Temp-Pass-3333"}), 404, "User does not exist.")

	e.user("carl")
	expect(t, e.post(tok, "/resetUserPassword", map[string]any{"username": "carl"}), 200, "Reset password of carl")
	if u := mustUser(t, e, "carl"); u.Status != userpool.StatusResetRequired {
		t.Fatalf("status %s after reset", u.Status)
	}
	expect(t, e.post(tok, "/resetUserPassword", map[string]any{}), 400, "username is required")
	expect(t, e.post(tok, "/resetUserPassword", map[string]any{"username": "ghost"}), 404, "User does not exist.")
}

func TestGroupRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	r := e.post(tok, "/createGroup", map[string]any{"groupname": "Editors", "description": "edit", "precedence": 2, "rolearn": "arn:aws:iam::123456789012:role/Ed"})
	expect(t, r, 200, "Created group Editors")
	g := r.json(t)["Group"].(map[string]any)
	if g["GroupName"] != "Editors" || g["Description"] != "edit" || g["Precedence"] != 2.0 || g["RoleArn"] != "arn:aws:iam::123456789012:role/Ed" || g["UserPoolId"] != e.pool.ID {
		t.Fatalf("Group %v", g)
	}
	expect(t, e.post(tok, "/createGroup", map[string]any{"groupname": "Editors"}), 400, "A group with the name already exists.")
	expect(t, e.post(tok, "/createGroup", map[string]any{}), 400, "groupname is required")
	expect(t, e.post(tok, "/createGroup", map[string]any{"groupname": "X", "precedence": -1}), 400,
		"1 validation error detected: Value '-1' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0")
	expect(t, e.post(tok, "/createGroup", map[string]any{"groupname": "X", "precedence": "high"}), 400, "precedence must be an integer.")
	r = e.post(tok, "/createGroup", map[string]any{"groupname": "X", "rolearn": "not-an-arn-at-all-really"})
	if r.status != 400 || !strings.Contains(r.message(t), "at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern") {
		t.Fatalf("bad arn: %d %s", r.status, r.body)
	}
	if _, err := e.svc.GetGroup(context.Background(), e.pool.ID, "X"); err == nil {
		t.Fatal("a refused createGroup created the group")
	}

	// updateGroup changes only what is given (form body, precedence as text).
	r = e.do(req{method: "POST", path: "/updateGroup", token: tok, contentType: "application/x-www-form-urlencoded", body: "groupname=Editors&precedence=7"})
	expect(t, r, 200, "Updated group Editors")
	got, err := e.svc.GetGroup(context.Background(), e.pool.ID, "Editors")
	if err != nil || got.Description != "edit" || got.Precedence == nil || *got.Precedence != 7 || got.RoleArn == "" {
		t.Fatalf("after update %+v %v", got, err)
	}
	expect(t, e.post(tok, "/updateGroup", map[string]any{"groupname": "Editors", "description": ""}), 200, "Updated group Editors")
	if got, _ := e.svc.GetGroup(context.Background(), e.pool.ID, "Editors"); got.Description != "" {
		t.Fatalf("description not cleared: %+v", got)
	}
	expect(t, e.post(tok, "/updateGroup", map[string]any{"groupname": "Nope", "description": "x"}), 404, "Group not found.")

	r = e.get(tok, "/getGroup", q("groupname", "Editors"))
	expect(t, r, 200, "")
	m := r.json(t)
	if _, ok := m["$metadata"]; !ok || m["Group"].(map[string]any)["GroupName"] != "Editors" {
		t.Fatalf("getGroup %s", r.body)
	}
	expect(t, e.get(tok, "/getGroup", nil), 400, "groupname is required")
	expect(t, e.get(tok, "/getGroup", q("groupname", "Nope")), 404, "Group not found.")

	e.user("bob", "Editors")
	expect(t, e.post(tok, "/deleteGroup", map[string]any{"groupname": "Editors"}), 200, "Deleted group Editors")
	if gs := groupsOf(t, e, "bob"); len(gs) != 0 {
		t.Fatalf("membership survived: %v", gs)
	}
	expect(t, e.post(tok, "/deleteGroup", map[string]any{"groupname": "Editors"}), 404, "Group not found.")
	if ev := e.lastAudit(); ev.Action != "adminqueries:deleteGroup" || ev.Target != "Editors" || ev.Outcome != "error:ResourceNotFoundException" {
		t.Fatalf("audit %+v", ev)
	}
}

func TestDevices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	bob := e.user("bob")
	ctx := context.Background()
	var keys []string
	for i := 0; i < 3; i++ {
		k := fmt.Sprintf("%s_0000000%d-aaaa-bbbb-cccc-dddddddddddd", "us-east-1", i)
		keys = append(keys, k)
		now := e.clk.Now()
		if err := e.st.CreateDevice(ctx, store.Device{PoolID: e.pool.ID, UsernameKey: bob.UsernameKey, Key: k, GroupKey: "g",
			Attributes: map[string]string{"device_name": "phone"}, CreatedAt: now, UpdatedAt: now, LastAuthAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	names, sizes := pageAll(t, e, tok, "/listDevices", "Devices", "DeviceKey", map[string]string{"username": "bob"}, "2")
	if !slices.Equal(names, keys) || !slices.Equal(sizes, []int{2, 1}) {
		t.Fatalf("devices %v %v", names, sizes)
	}
	r := e.get(tok, "/listDevices", q("username", "bob", "limit", "1"))
	d := r.json(t)["Devices"].([]any)[0].(map[string]any)
	if d["DeviceCreateDate"] != "2024-03-05T10:20:30.000Z" || fmt.Sprint(d["DeviceAttributes"]) != "[map[Name:device_name Value:phone]]" {
		t.Fatalf("device %v", d)
	}
	expect(t, e.get(tok, "/listDevices", nil), 400, "username is required")
	expect(t, e.get(tok, "/listDevices", q("username", "ghost")), 404, "User does not exist.")

	expect(t, e.post(tok, "/forgetDevice", map[string]any{"username": "bob", "devicekey": keys[0]}), 200, "Forgot device "+keys[0]+" of bob")
	if _, err := e.st.GetDevice(ctx, e.pool.ID, bob.UsernameKey, keys[0]); err == nil {
		t.Fatal("device still there")
	}
	if ev := e.lastAudit(); ev.Action != "adminqueries:forgetDevice" || ev.Target != "bob" || ev.Detail != "device="+keys[0] {
		t.Fatalf("audit %+v", ev)
	}
	expect(t, e.post(tok, "/forgetDevice", map[string]any{"username": "bob", "devicekey": keys[0]}), 404, "Device does not exist.")
	expect(t, e.post(tok, "/forgetDevice", map[string]any{"username": "bob"}), 400, "username and devicekey are required")
	expect(t, e.post(tok, "/forgetDevice", map[string]any{"username": "bob", "devicekey": "bad key"}), 400,
		"1 validation error detected: Value 'bad key' at 'deviceKey' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-f-]+")
}

func TestListUsersFilter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	for _, n := range []string{"anna", "andy", "bert"} {
		e.user(n)
	}
	r := e.get(tok, "/listUsers", q("filter", `email ^= "an"`))
	expect(t, r, 200, "")
	var names []string
	for _, u := range r.json(t)["Users"].([]any) {
		names = append(names, u.(map[string]any)["Username"].(string))
	}
	if !slices.Equal(names, []string{"andy", "anna"}) {
		t.Fatalf("filtered %v", names)
	}
	names, _ = pageAll(t, e, tok, "/listUsers", "Users", "Username", map[string]string{"filter": `username ^= "a"`}, "1")
	if !slices.Equal(names, []string{"andy", "anna"}) {
		t.Fatalf("filtered pages %v", names)
	}
	expect(t, e.get(tok, "/listUsers", q("filter", `email = `)), 400, "Error while parsing filter.")
	expect(t, e.get(tok, "/listUsers", q("filter", strings.Repeat("a", 257))), 400,
		"1 validation error detected: Value '"+strings.Repeat("a", 257)+"' at 'filter' failed to satisfy constraint: Member must have length less than or equal to 256")

	// Switched off: strict refuses, template ignores it as the template does.
	e.setConfig(e.pool.ID, adminqueries.PoolConfig{Groups: []string{"Admins"}, DisabledRoutes: []string{"filter"}})
	expect(t, e.get(tok, "/listUsers", q("filter", `email ^= "an"`)), 400, "The filter parameter is disabled for this user pool.")
	e.setConfig(e.pool.ID, adminqueries.PoolConfig{Groups: []string{"Admins"}, DisabledRoutes: []string{"filter"}, Compat: adminqueries.CompatTemplate})
	r = e.get(tok, "/listUsers", q("filter", `email ^= "an"`))
	expect(t, r, 200, "")
	if n := len(r.json(t)["Users"].([]any)); n != 4 {
		t.Fatalf("template with filter off: %d users", n)
	}
}

// extensionCalls is one valid call per extension route.
var extensionCalls = map[string]req{
	"createUser":           {method: "POST", body: map[string]any{"username": "newbie"}},
	"deleteUser":           {method: "POST", body: map[string]any{"username": "bob"}},
	"updateUserAttributes": {method: "POST", body: map[string]any{"username": "bob", "attributes": []map[string]string{{"Name": "name", "Value": "B"}}}},
	"deleteUserAttributes": {method: "POST", body: map[string]any{"username": "bob", "attributenames": []string{"name"}}},
	"resetUserPassword":    {method: "POST", body: map[string]any{"username": "bob"}},
	"setUserPassword":      {method: "POST", body: map[string]any{"username": "bob", "password": "Another-Pass-1"}},
	"createGroup":          {method: "POST", body: map[string]any{"groupname": "New"}},
	"updateGroup":          {method: "POST", body: map[string]any{"groupname": "Editors", "description": "d"}},
	"deleteGroup":          {method: "POST", body: map[string]any{"groupname": "Editors"}},
	"getGroup":             {method: "GET", query: q("groupname", "Editors")},
	"listDevices":          {method: "GET", query: q("username", "bob")},
	"forgetDevice":         {method: "POST", body: map[string]any{"username": "bob", "devicekey": "us-east-1_00000000-aaaa"}},
}

func TestExtensionsCommon(t *testing.T) {
	t.Parallel()
	core, ext := adminqueries.Routes()
	if len(core) != 11 || len(ext) != len(extensionCalls) {
		t.Fatalf("routes: %d core, %d extensions", len(core), len(ext))
	}
	for _, name := range ext {
		t.Run(name, func(t *testing.T) {
			call, ok := extensionCalls[name]
			if !ok {
				t.Fatalf("no test call for %s", name)
			}
			call.path = "/" + name
			e := newEnv(t, adminCfg())
			tok := e.admin("root")
			e.user("bob", "Editors")
			e.user("reader", "Readers")
			reader := e.signIn("reader").AccessToken
			before := len(e.audits())

			// Behind the group check; a denied change is audited.
			call.token = reader
			expect(t, e.do(call), 403, "User does not have permissions to perform administrative tasks")
			mutates := call.method == http.MethodPost
			if mutates {
				if ev := e.lastAudit(); ev.Action != "adminqueries:"+name || ev.Outcome != "denied" || ev.Actor != "reader" {
					t.Fatalf("audit %+v", ev)
				}
			}
			// No token: 401.
			call.token = ""
			expect(t, e.do(call), 401, "Unauthorized")
			// Wrong method.
			wrong := call
			wrong.token = tok
			if mutates {
				wrong.method = http.MethodGet
			} else {
				wrong.method = http.MethodPost
			}
			if r := e.do(wrong); r.status != 405 {
				t.Fatalf("wrong method: %d %s", r.status, r.body)
			}
			// Switched off: 404 for everyone in the group.
			e.setConfig(e.pool.ID, adminqueries.PoolConfig{Groups: []string{"Admins"}, DisabledRoutes: []string{strings.ToUpper(name)}})
			call.token = tok
			expect(t, e.do(call), 404, fmt.Sprintf("The route %s is disabled for this user pool.", name))
			e.setConfig(e.pool.ID, adminCfg())

			// Enabled: the call reaches the domain (forgetDevice of an unknown device is 404).
			r := e.do(call)
			if name == "forgetDevice" {
				expect(t, r, 404, "Device does not exist.")
			} else {
				expect(t, r, 200, "")
			}
			n := len(e.audits()) - before
			want := 0
			if mutates {
				want = 2 // the denied attempt and the call
			}
			if n != want {
				t.Fatalf("%d audit events, want %d", n, want)
			}
		})
	}
}

func TestDisableCoreRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminqueries.PoolConfig{Groups: []string{"Admins"}, DisabledRoutes: []string{"/signUserOut"}})
	tok := e.admin("root")
	expect(t, e.post(tok, "/signUserOut", map[string]string{"username": "root"}), 404, "The route signUserOut is disabled for this user pool.")
	expect(t, e.get(tok, "/listUsers", nil), 200, "")
}
