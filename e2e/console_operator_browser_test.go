package e2e

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/e2e/browser"
)

// Issue 20's operator path in a real browser: the root principal signs in
// with its access key, sees the principals and their grants, filters the
// audit log (actor, action, pool, outcome, time), rotates a pool's signing
// keys (the new key is listed, the rotation is in the audit log) and reads
// the pool's settings, clients, groups and domains; a read-only principal
// sees no write button and is refused, visibly, when it posts a write form
// anyway. Every console page is screenshotted at 1440 and 360 px, checked
// for horizontal overflow and run through axe-core.
func TestConsoleOperatorInBrowser(t *testing.T) {
	t.Parallel()
	browser.Require(t)
	cfg := writeConfig(t, fastConfig+"console:\n  admin_groups: [Admins]\n")
	s := startHTTPS(t, "--config", cfg)
	p, data, cert, hc, base, sdk := s.proc, s.Data, s.CertFile, s.HTTP, s.Base, s.SDK
	ctx := context.Background()

	out, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("ops-e2e")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(out.UserPool.Id)
	if _, err := sdk.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolID), Domain: aws.String("ops-e2e")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web-app")}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"Admins", "Editors"} {
		if _, err := sdk.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(g),
			Description: aws.String(g + " of the shop")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"ann", "bob"} {
		if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(u),
			MessageAction:  types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(u + "@example.com")}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sdk.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(poolID), Username: aws.String("ann"), GroupName: aws.String("Editors")}); err != nil {
		t.Fatal(err)
	}
	// A read-only principal: list and get operations on this pool only.
	readOps := []string{"DescribeUserPool", "ListUsers", "AdminGetUser", "ListGroups", "GetGroup", "ListUsersInGroup",
		"AdminListGroupsForUser", "AdminListDevices", "ListUserPoolClients"}
	allow := make([]string, len(readOps))
	for i, op := range readOps {
		allow[i] = "cognito-idp:" + op
	}
	envOut, stderr, code := runCLI(t, nil, "principal", "create", "--data", data, "--name", "reader", "--pool", poolID,
		"--allow", strings.Join(allow, ","), "--endpoint", base)
	if code != 0 {
		t.Fatalf("principal create: %d\n%s", code, stderr)
	}
	reader := parseEnv(t, envOut)

	b := browser.New(t, browser.Options{TrustCert: cert})
	check := func(b *browser.Browser, name string) {
		t.Helper()
		for _, w := range []int{browser.Desktop, browser.Phone} {
			b.Screenshot("console-operator-"+name, w)
			b.CheckNoOverflow("console (operator) " + name)
		}
		b.SetWidth(browser.Desktop)
		b.CheckAccessible("console (operator) " + name)
	}
	signIn := func(b *browser.Browser, id, secret string) {
		t.Helper()
		b.Navigate(base + "/console/login")
		b.Fill("Access key id", id)
		b.Fill("Secret access key", secret)
		b.ClickAndWaitLoad("Sign in")
		b.WaitURL(func(u string) bool { return u == base+"/console/" })
	}

	b.Navigate(base + "/console/login")
	check(b, "login")
	signIn(b, p.AccessKeyID, p.SecretKey)
	if who := b.Text(".who"); !strings.Contains(who, "Principal root") {
		t.Errorf("header after the sign-in: %q", who)
	}
	if pools := b.Text("main table"); !strings.Contains(pools, "ops-e2e") || !strings.Contains(pools, poolID) {
		t.Errorf("pools page: %q", pools)
	}
	check(b, "pools")

	// Principals and their grants.
	b.ClickAndWaitLoad("Principals")
	princ := b.Text("main table")
	for _, want := range []string{"root", "reader", poolID, "cognito-idp:ListUsers", "cognito-idp:AdminGetUser", reader["AWS_ACCESS_KEY_ID"], p.AccessKeyID} {
		if !strings.Contains(princ, want) {
			t.Errorf("principals page lacks %q:\n%s", want, princ)
		}
	}
	if strings.Contains(princ, p.SecretKey) || strings.Contains(princ, reader["AWS_SECRET_ACCESS_KEY"]) {
		t.Error("the principals page shows a secret")
	}
	check(b, "principals")

	// The pool: settings summary, app clients, groups, domains.
	b.Navigate(base + "/console/pools/" + poolID)
	if h := b.Text("h1"); h != "ops-e2e" {
		t.Errorf("pool page title: %q", h)
	}
	for sel, wants := range map[string][]string{
		"dl.facts":                           {poolID, "Estimated users", "2", "Minimum password length", "8"},
		"section[aria-labelledby=domains-h]": {"Prefix domain", "ops-e2e"},
		"section[aria-labelledby=clients-h]": {"web-app"},
		"section[aria-labelledby=groups-h]":  {"Admins", "Editors", "Editors of the shop"},
	} {
		got := b.Text(sel)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("pool page %s lacks %q: %q", sel, w, got)
			}
		}
	}
	check(b, "pool")

	// Users, a user, a group (the operator's view of them).
	b.ClickAndWaitLoad("Users")
	if rows := b.Text("table.users tbody"); !strings.Contains(rows, "ann@example.com") || !strings.Contains(rows, "bob@example.com") {
		t.Errorf("users page: %q", rows)
	}
	check(b, "users")
	b.ClickAndWaitLoad("ann")
	if g := b.Text("#groups"); !strings.Contains(g, "Editors") {
		t.Errorf("ann's groups: %q", g)
	}
	check(b, "user")
	b.Navigate(base + "/console/pools/" + poolID + "/groups/Editors")
	if m := b.Text("main"); !strings.Contains(m, "ann") {
		t.Errorf("group page: %q", m)
	}
	check(b, "group")

	// Signing keys: rotate, and the new key is listed.
	b.Navigate(base + "/console/pools/" + poolID)
	b.ClickAndWaitLoad("Signing keys")
	kidsBefore := browser.Eval[[]string](b, `Array.from(document.querySelectorAll("main td code")).map(e => e.textContent)`)
	check(b, "keys")
	browser.Eval[bool](b, `(() => { window.confirm = () => true; return true })()`) // the rotation asks first
	b.ClickAndWaitLoad("Rotate keys")
	if f := b.Text(".flash"); f != "Signing keys rotated." {
		t.Errorf("after rotating: %q", f)
	}
	kidsAfter := browser.Eval[[]string](b, `Array.from(document.querySelectorAll("main td code")).map(e => e.textContent)`)
	var newKid string
	for _, k := range kidsAfter {
		found := false
		for _, o := range kidsBefore {
			found = found || o == k
		}
		if !found {
			newKid = k
		}
	}
	if newKid == "" {
		t.Errorf("no new key after rotating: before %v, after %v", kidsBefore, kidsAfter)
	}
	// The API's JWKS serves the new key too.
	resp, err := hc.Get(base + "/" + poolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || newKid == "" || !strings.Contains(string(jwks), newKid) {
		t.Errorf("JWKS (%d, %v) lacks the new key %q: %s", resp.StatusCode, err, newKid, jwks)
	}

	// The audit log with each filter. Events are group-committed: reload
	// until the rotation is in.
	auditRows := func(q string) string {
		b.Navigate(base + "/console/audit" + q)
		return b.Text("table.audit tbody")
	}
	var rows string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		rows = auditRows("")
		if strings.Contains(rows, "console:rotateKeys") || time.Now().After(deadline) {
			break
		}
	}
	if first := b.Text("table.audit tbody tr"); !strings.Contains(first, "console:rotateKeys") {
		t.Errorf("newest first: the first row is %q, not the rotation", first)
	}
	b.Fill("Actor", "root")
	b.Fill("Action", "console:rotateKeys")
	b.Fill("Pool id", poolID)
	b.Fill("Outcome", "allowed")
	now := time.Now().UTC()
	browser.Eval[bool](b, `(() => { document.getElementById("f-since").value = "`+now.Add(-time.Hour).Format("2006-01-02T15:04")+
		`"; document.getElementById("f-until").value = "`+now.Add(time.Hour).Format("2006-01-02T15:04")+`"; return true })()`)
	b.ClickAndWaitLoad("Filter")
	rows = b.Text("table.audit tbody")
	n := browser.Eval[int](b, `document.querySelectorAll("table.audit tbody tr").length`)
	if n != 1 || !strings.Contains(rows, "principal: root") || !strings.Contains(rows, "console:rotateKeys") || !strings.Contains(rows, poolID) || !strings.Contains(rows, "allowed") {
		t.Errorf("filtered audit log (%d rows):\n%s", n, rows)
	}
	if u := b.URL(); !strings.Contains(u, "actor=root") || !strings.Contains(u, "outcome=allowed") || !strings.Contains(u, "since=") {
		t.Errorf("the filter's URL: %s", u)
	}
	check(b, "audit")
	// Each filter narrows: another outcome, another action, an earlier window.
	for _, q := range []string{
		"?action=console:rotateKeys&outcome=denied",
		"?actor=reader&action=console:rotateKeys",
		"?action=console:rotateKeys&until=" + now.Add(-time.Hour).Format("2006-01-02T15:04"),
		"?action=console:rotateKeys&pool=us-east-1_NoSuchPool",
	} {
		if rows := auditRows(q); !strings.Contains(rows, "No events match.") {
			t.Errorf("audit %s: %q", q, rows)
		}
	}

	// A read-only principal: no write buttons, refused when posting anyway.
	r := browser.New(t, browser.Options{TrustCert: cert})
	signIn(r, reader["AWS_ACCESS_KEY_ID"], reader["AWS_SECRET_ACCESS_KEY"])
	if nav := r.Text("header.top"); strings.Contains(nav, "Principals") || strings.Contains(nav, "Audit log") {
		t.Errorf("a reader's navigation: %q", nav)
	}
	buttons := func() []string {
		return browser.Eval[[]string](r, `Array.from(document.querySelectorAll("main button")).map(e => e.textContent.trim())`)
	}
	r.Navigate(base + "/console/pools/" + poolID + "/users/ann")
	if got := buttons(); len(got) != 0 {
		t.Errorf("a reader sees buttons on the user page: %v", got)
	}
	if inputs := browser.Eval[int](r, `document.querySelectorAll("main input:not([readonly]):not([disabled]):not([type=hidden])").length`); inputs != 0 {
		t.Errorf("a reader sees %d editable fields on the user page", inputs)
	}
	r.Screenshot("console-operator-reader-user", browser.Desktop)
	r.Navigate(base + "/console/pools/" + poolID + "/groups/Editors")
	if got := buttons(); len(got) != 0 {
		t.Errorf("a reader sees buttons on the group page: %v", got)
	}
	// The keys are public (JWKS): a reader may list them, not rotate them.
	r.Navigate(base + "/console/pools/" + poolID + "/keys")
	if got := buttons(); len(got) != 0 {
		t.Errorf("a reader sees buttons on the keys page: %v", got)
	}
	// Post write forms directly, with the session's own CSRF token.
	postDirectly := func(action string) string {
		t.Helper()
		browser.Eval[bool](r, `((action) => {
			const f = document.createElement("form");
			f.method = "post";
			f.action = action;
			const t = document.createElement("input");
			t.type = "hidden"; t.name = "_csrf";
			t.value = document.querySelector("input[name=_csrf]").value;
			f.appendChild(t);
			document.body.appendChild(f);
			f.submit();
			return true })("`+action+`")`)
		r.WaitURLPrefix(base + action)
		return r.Text("main")
	}
	if msg := postDirectly("/console/pools/" + poolID + "/keys/rotate"); !strings.Contains(msg, "rotateKeys needs cognito-idp:* on every pool") {
		t.Errorf("rotation by a reader: %q", msg)
	}
	r.Navigate(base + "/console/pools/" + poolID + "/users/ann")
	if msg := postDirectly("/console/pools/" + poolID + "/users/ann/disable"); !strings.Contains(msg, "is not authorized to perform: cognito-idp:AdminDisableUser") {
		t.Errorf("the refusal: %q", msg)
	}
	check(r, "refused")
	if u, err := sdk.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ann")}); err != nil || !u.Enabled {
		t.Errorf("ann after the refused disable: %+v %v", u, err)
	}
	// And the operator pages are refused to it, visibly.
	for _, path := range []string{"/console/principals", "/console/audit"} {
		r.Navigate(base + path)
		if msg := r.Text("main"); !strings.Contains(msg, "needs cognito-idp:* on every pool; principal reader does not have it") {
			t.Errorf("%s for a reader: %q", path, msg)
		}
	}
	// The refused write is in the operator's audit log.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		rows = auditRows("?actor=reader&outcome=denied")
		if strings.Contains(rows, "console:AdminDisableUser") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(rows, "console:AdminDisableUser") {
		t.Errorf("the refused disable is not in the audit log:\n%s", rows)
	}
}
