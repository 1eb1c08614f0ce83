package adminqueries_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"userpool/internal/adminqueries"
	"userpool/internal/token"
)

func TestAuthorizer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	root := e.user("root", "Admins")
	res := e.signIn("root")
	good := res.AccessToken

	// Another enabled pool with its own admin.
	p2, c2 := e.newPool("other")
	e.setConfig(p2.ID, adminCfg())
	e.userIn(p2, "eve", "CONFIRMED", "Admins")
	other := e.signInTo(c2, "eve").AccessToken

	noScope, _, err := func() (string, string, error) {
		_, at, err := e.is.IssuePair(context.Background(), token.IssueInput{
			PoolID: e.pool.ID, ClientID: e.client.ID, Sub: root.Sub, Username: "root", Scope: "openid email",
		})
		return at, "", err
	}()
	if err != nil {
		t.Fatal(err)
	}
	tampered := good[:len(good)-4] + flip(good[len(good)-4:])
	// Swap the payload of another token: signature no longer matches.
	parts, oparts := strings.Split(good, "."), strings.Split(other, ".")
	spliced := parts[0] + "." + oparts[1] + "." + parts[2]

	cases := []struct {
		name   string
		header string
	}{
		{"missing", ""},
		{"id token", res.IDToken},
		{"bearer id token", "Bearer " + res.IDToken},
		{"another pool's token", other},
		{"tampered signature", tampered},
		{"spliced payload", spliced},
		{"no admin scope", noScope},
		{"docs bug: payload object", "[object Object]"},
		{"bearer only", "Bearer "},
		{"garbage", "a.b.c"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(req{method: "GET", path: "/listUsers", header: map[string]string{"Authorization": c.header}})
			expect(t, r, 401, "Unauthorized")
			if r.header.Get("x-amzn-ErrorType") != "UnauthorizedException" {
				t.Fatalf("x-amzn-ErrorType %q", r.header.Get("x-amzn-ErrorType"))
			}
			if r.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatal("401 without CORS headers")
			}
		})
	}
	// The raw token and "Bearer <token>" (any case) both pass.
	expect(t, e.do(req{method: "GET", path: "/listUsers", token: good}), 200, "")
	expect(t, e.do(req{method: "GET", path: "/listUsers", token: good, bearer: true}), 200, "")
	expect(t, e.do(req{method: "GET", path: "/listUsers", header: map[string]string{"Authorization": "bearer " + good}}), 200, "")
	// The other pool's token works on its own pool.
	expect(t, e.do(req{method: "GET", pool: p2.ID, path: "/listUsers", token: other}), 200, "")

	// Expired.
	e.clk.Advance(61 * time.Minute)
	expect(t, e.do(req{method: "GET", path: "/listUsers", token: good}), 401, "Unauthorized")
	if !strings.Contains(e.logs.String(), "Access Token has expired") {
		t.Fatal("the reason of a 401 is not logged")
	}
	if strings.Contains(e.logs.String(), good) {
		t.Fatal("a token was logged")
	}

	// Revoked by a global sign-out.
	fresh := e.signIn("root").AccessToken
	expect(t, e.get(fresh, "/listUsers", nil), 200, "")
	e.clk.Advance(2 * time.Second)
	if err := e.svc.AdminUserGlobalSignOut(context.Background(), e.pool.ID, "root"); err != nil {
		t.Fatal(err)
	}
	expect(t, e.get(fresh, "/listUsers", nil), 401, "Unauthorized")
}

func flip(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	}
	return string(b)
}

func TestGroupCheck(t *testing.T) {
	t.Parallel()
	for _, compat := range []string{adminqueries.CompatStrict, adminqueries.CompatTemplate} {
		t.Run(compat, func(t *testing.T) {
			cfg := adminqueries.PoolConfig{Groups: []string{"Admins", "Support"}, Compat: compat}
			e := newEnv(t, cfg)
			e.user("admin", "Admins")
			e.user("support", "Support", "Other")
			e.user("reader", "Readers")
			e.user("loner")
			admin, support := e.signIn("admin").AccessToken, e.signIn("support").AccessToken
			reader, loner := e.signIn("reader").AccessToken, e.signIn("loner").AccessToken

			expect(t, e.get(admin, "/listUsers", nil), 200, "")
			expect(t, e.get(support, "/listUsers", nil), 200, "") // second allowed group
			otherStatus := 403
			if compat == adminqueries.CompatTemplate {
				otherStatus = 500 // the template's missing statusCode
			}
			expect(t, e.get(reader, "/listUsers", nil), otherStatus, "User does not have permissions to perform administrative tasks")
			expect(t, e.get(loner, "/listUsers", nil), 403, "User does not have permissions to perform administrative tasks")
			// The group check runs before validation and routing.
			expect(t, e.post(reader, "/addUserToGroup", map[string]string{}), otherStatus, "User does not have permissions to perform administrative tasks")
			expect(t, e.get(loner, "/nope", nil), 403, "User does not have permissions to perform administrative tasks")
			// A denied change is audited, changes nothing.
			expect(t, e.post(loner, "/addUserToGroup", map[string]string{"username": "loner", "groupname": "Admins"}), 403, "")
			if ev := e.lastAudit(); ev.Action != "adminqueries:addUserToGroup" || ev.Actor != "loner" || ev.Outcome != "denied" {
				t.Fatalf("audit %+v", ev)
			}
			if got := groupsOf(t, e, "loner"); len(got) != 0 {
				t.Fatalf("loner got groups %v", got)
			}

			// Membership changes after sign-in: strict mode reads the store
			// now, template mode the token's claim.
			ctx := context.Background()
			if err := e.svc.AdminRemoveUserFromGroup(ctx, e.pool.ID, "admin", "Admins"); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.AdminAddUserToGroup(ctx, e.pool.ID, "loner", "Admins"); err != nil {
				t.Fatal(err)
			}
			if compat == adminqueries.CompatStrict {
				expect(t, e.get(admin, "/listUsers", nil), 403, "User does not have permissions to perform administrative tasks")
				expect(t, e.get(loner, "/listUsers", nil), 200, "")
			} else {
				expect(t, e.get(admin, "/listUsers", nil), 200, "")
				expect(t, e.get(loner, "/listUsers", nil), 403, "User does not have permissions to perform administrative tasks")
			}
		})
	}
}

func TestNoGroupRestriction(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminqueries.PoolConfig{})
	e.user("anyone")
	tok := e.signIn("anyone").AccessToken
	expect(t, e.get(tok, "/listUsers", nil), 200, "")
	expect(t, e.post(tok, "/disableUser", map[string]string{"username": "ghost"}), 404, "User does not exist.")
}

func TestCORS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.user("reader", "Readers")
	reader := e.signIn("reader").AccessToken

	r := e.do(req{method: http.MethodOptions, path: "/addUserToGroup", header: map[string]string{
		"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "content-type,authorization,x-amz-user-agent",
	}})
	if r.status != 200 {
		t.Fatalf("preflight %d %s", r.status, r.body)
	}
	if r.header.Get("Access-Control-Allow-Origin") != "*" ||
		r.header.Get("Access-Control-Allow-Methods") != "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT" ||
		r.header.Get("Access-Control-Allow-Headers") != "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,x-amz-user-agent" {
		t.Fatalf("preflight headers %v", r.header)
	}
	// Every answer carries the Lambda's CORS headers, errors included.
	answers := map[string]resp{
		"200":      e.get(tok, "/listUsers", nil),
		"400":      e.get(tok, "/getUser", nil),
		"401":      e.get("", "/listUsers", nil),
		"403":      e.get(reader, "/listUsers", nil),
		"404":      e.get(tok, "/nope", nil),
		"405":      e.get(tok, "/addUserToGroup", nil),
		"404 pool": e.do(req{method: "GET", pool: "us-east-1_nothere", path: "/listUsers", token: tok}),
	}
	for name, a := range answers {
		if a.header.Get("Access-Control-Allow-Origin") != "*" || a.header.Get("Access-Control-Allow-Headers") != "Origin, X-Requested-With, Content-Type, Accept" {
			t.Errorf("%s: CORS headers %v", name, a.header)
		}
	}

	// A list of origins: the allowed one is echoed, others get no grant.
	e.setConfig(e.pool.ID, adminqueries.PoolConfig{Groups: []string{"Admins"}, AllowedOrigins: []string{"https://admin.example.com/"}})
	ok := e.do(req{method: "GET", path: "/listUsers", token: tok, header: map[string]string{"Origin": "https://admin.example.com"}})
	if ok.header.Get("Access-Control-Allow-Origin") != "https://admin.example.com" || !strings.Contains(ok.header.Get("Vary"), "Origin") {
		t.Fatalf("allowed origin headers %v", ok.header)
	}
	bad := e.do(req{method: "GET", path: "/listUsers", token: "", header: map[string]string{"Origin": "https://evil.example.com"}})
	if bad.status != 401 || bad.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign origin: %d %v", bad.status, bad.header)
	}
	pf := e.do(req{method: http.MethodOptions, path: "/listUsers", header: map[string]string{"Origin": "https://evil.example.com"}})
	expect(t, pf, 403, "CORS: origin not allowed.")
	pf = e.do(req{method: http.MethodOptions, path: "/listUsers", header: map[string]string{"Origin": "https://admin.example.com"}})
	if pf.status != 200 || pf.header.Get("Access-Control-Allow-Origin") != "https://admin.example.com" {
		t.Fatalf("allowed preflight %d %v", pf.status, pf.header)
	}
}

func TestAuditEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	e.user("bob")
	e.group(e.pool, "Editors")
	before := len(e.audits())

	expect(t, e.post(tok, "/addUserToGroup", map[string]string{"username": "bob", "groupname": "Editors"}), 200, "")
	ev := e.lastAudit()
	want := map[string]string{
		"ActorType": ev.ActorType, "Actor": ev.Actor, "Action": ev.Action, "PoolID": ev.PoolID,
		"Target": ev.Target, "Outcome": ev.Outcome, "Detail": ev.Detail,
	}
	if want["ActorType"] != "user" || want["Actor"] != "root" || want["Action"] != "adminqueries:addUserToGroup" ||
		want["PoolID"] != e.pool.ID || want["Target"] != "bob" || want["Outcome"] != "allowed" || want["Detail"] != "group=Editors" || ev.RequestID == "" || !ev.Time.Equal(e.clk.Now()) {
		t.Fatalf("audit %+v", ev)
	}
	r := e.post(tok, "/disableUser", map[string]string{"username": "ghost"})
	expect(t, r, 404, "")
	ev = e.lastAudit()
	if ev.Action != "adminqueries:disableUser" || ev.Target != "ghost" || ev.Outcome != "error:UserNotFoundException" || ev.RequestID != r.header.Get("x-amzn-RequestId") {
		t.Fatalf("audit %+v (request id %s)", ev, r.header.Get("x-amzn-RequestId"))
	}
	expect(t, e.post(tok, "/enableUser", map[string]string{}), 400, "username is required")
	if ev = e.lastAudit(); ev.Action != "adminqueries:enableUser" || ev.Outcome != "error:InvalidParameterException" {
		t.Fatalf("audit %+v", ev)
	}
	// Reads are not audited.
	n := len(e.audits())
	e.get(tok, "/listUsers", nil)
	e.get(tok, "/getUser", q("username", "bob"))
	if len(e.audits()) != n || n != before+3 {
		t.Fatalf("audit count %d (before %d)", len(e.audits()), before)
	}
}

func TestStrictErrorTypeHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t, adminCfg())
	tok := e.admin("root")
	r := e.get(tok, "/getUser", q("username", "ghost"))
	if r.header.Get("x-amzn-ErrorType") != "UserNotFoundException" {
		t.Fatalf("x-amzn-ErrorType %q", r.header.Get("x-amzn-ErrorType"))
	}
	e.setConfig(e.pool.ID, adminqueries.PoolConfig{Groups: []string{"Admins"}, Compat: adminqueries.CompatTemplate})
	if r := e.get(tok, "/getUser", q("username", "ghost")); r.header.Get("x-amzn-ErrorType") != "" {
		t.Fatalf("template mode sets x-amzn-ErrorType %q", r.header.Get("x-amzn-ErrorType"))
	}
}
