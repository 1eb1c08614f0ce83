package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/e2e/browser"
)

// Issue 20 in a real browser: a pool's admin signs in to the console
// through the hosted login, finds a user by e-mail prefix, adds them to a
// group, disables and enables them, resets their password and sees each
// action in the audit log; a user outside the admin group is refused. Every
// page is screenshotted at 1440 and 360 px, checked for horizontal overflow
// and run through axe-core.
func TestConsoleInBrowser(t *testing.T) {
	t.Parallel()
	browser.Require(t)
	cfg := writeConfig(t, fastConfig+"console:\n  admin_groups: [Admins]\n")
	s := startHTTPS(t, "--config", cfg)
	cert, base, sdk := s.CertFile, s.Base, s.SDK
	ctx := context.Background()

	out, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("console-e2e")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(out.UserPool.Id)
	if _, err := sdk.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolID), Domain: aws.String("console-e2e")}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"Admins", "Editors"} {
		if _, err := sdk.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	const password = "Console-Passw0rd!"
	mkUser := func(name, email string, groups ...string) {
		t.Helper()
		if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			MessageAction:  types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := sdk.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			Password: aws.String(password), Permanent: true}); err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if _, err := sdk.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(poolID), Username: aws.String(name), GroupName: aws.String(g)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	mkUser("root-admin", "root-admin@example.com", "Admins")
	mkUser("ann", "ann.smith@example.com")
	mkUser("bob", "bob@example.com")

	b := browser.New(t, browser.Options{TrustCert: cert})
	check := func(name string) {
		t.Helper()
		for _, w := range []int{browser.Desktop, browser.Phone} {
			b.Screenshot("console-"+name, w)
			b.CheckNoOverflow("console " + name)
		}
		b.SetWidth(browser.Desktop)
		b.CheckAccessible("console " + name)
	}
	signInAsPoolUser := func(b *browser.Browser, user string) {
		t.Helper()
		b.Navigate(base + "/console/")
		b.Fill("User pool id", poolID)
		b.ClickAndWaitLoad("Continue to the hosted login")
		b.Fill("Username", user)
		b.Fill("Password", password)
		b.Click("Sign in")
	}

	b.Navigate(base + "/console/login")
	check("login")
	signInAsPoolUser(b, "root-admin")
	b.WaitURLPrefix(base + "/console/pools/" + poolID + "/users")
	if h := b.Text("h1"); h != "Users" {
		t.Fatalf("after the sign-in: %q", h)
	}
	check("users")

	b.Fill("Filter", `email ^= "ann."`)
	b.ClickAndWaitLoad("Search")
	if rows := b.Text("table.users tbody"); !strings.Contains(rows, "ann.smith@example.com") || strings.Contains(rows, "bob@") {
		t.Fatalf("filtered users: %q", rows)
	}
	b.ClickAndWaitLoad("ann")
	check("user")

	browser.Eval[bool](b, `(s => { s.value = "Editors"; return true })(document.getElementById("add-group"))`)
	b.ClickAndWaitLoad("Add to group")
	if g := b.Text("#groups"); !strings.Contains(g, "Editors") {
		t.Errorf("groups after adding: %q", g)
	}
	b.ClickAndWaitLoad("Disable user")
	if v := b.Text("#user-enabled"); v != "No" {
		t.Errorf("enabled after disabling: %q", v)
	}
	b.ClickAndWaitLoad("Enable user")
	if v := b.Text("#user-enabled"); v != "Yes" {
		t.Errorf("enabled after enabling: %q", v)
	}
	b.ClickAndWaitLoad("Reset password")
	if v := b.Text("#user-status"); v != "RESET_REQUIRED" {
		t.Errorf("status after the reset: %q (page: %q)", v, b.Text("#state"))
	}
	u, err := sdk.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ann")})
	if err != nil || !u.Enabled || u.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("ann through the API: %+v %v", u, err)
	}

	b.Navigate(base + "/console/pools/" + poolID + "/groups/Editors")
	check("group")
	b.Navigate(base + "/console/pools/" + poolID)
	check("pool")

	// The audit log: group-committed, so reload until the last action is in.
	var audit string
	for deadline := time.Now().Add(10 * time.Second); ; {
		b.Navigate(base + "/console/audit")
		audit = b.Text("table.audit tbody")
		if strings.Contains(audit, "console:AdminResetUserPassword") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, action := range []string{"console:AdminAddUserToGroup", "console:AdminDisableUser", "console:AdminEnableUser", "console:AdminResetUserPassword"} {
		if !strings.Contains(audit, action) {
			t.Errorf("audit page lacks %s:\n%s", action, audit)
		}
	}
	if !strings.Contains(audit, "user: root-admin") {
		t.Errorf("audit page does not name the actor:\n%s", audit)
	}
	check("audit")

	// A user outside the admin group is refused, visibly.
	b2 := browser.New(t, browser.Options{TrustCert: cert})
	signInAsPoolUser(b2, "bob")
	b2.WaitURLPrefix(base + "/console/login?error=notadmin")
	b2.Text("h1")
	if msg := b2.Text("#pool-err"); !strings.Contains(msg, "not a member of an admin group") {
		t.Errorf("refusal: %q", msg)
	}
	b2.Screenshot("console-refused", browser.Desktop)
	b2.Navigate(base + "/console/pools/" + poolID + "/users")
	b2.WaitURLPrefix(base + "/console/login")
}
