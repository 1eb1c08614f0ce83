package e2e

import (
	"context"
	"html/template"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/e2e/browser"
)

// The passkey app page: aws-amplify v6 (ES modules through the import map)
// configured for the pool on https://localhost, with two functions the test
// calls: register (password sign-in, associateWebAuthnCredential,
// listWebAuthnCredentials, signOut) and passkeySignIn (signIn USER_AUTH
// with WEB_AUTHN, which runs navigator.credentials.get, then the user).
var passkeyPage = template.Must(template.New("passkeys").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Passkeys</title>
<script type="importmap">IMPORT-MAP</script>
</head><body><main><h1>Passkeys</h1><p id="out" role="status">loading</p></main>
<script type="module">
import { Amplify } from "aws-amplify";
import { signIn, signOut, getCurrentUser, fetchAuthSession, associateWebAuthnCredential, listWebAuthnCredentials } from "aws-amplify/auth";
Amplify.configure({ Auth: { Cognito: { userPoolId: {{.PoolID}}, userPoolClientId: {{.ClientID}}, userPoolEndpoint: {{.Endpoint}} } } });
const username = {{.Username}}, password = {{.Password}};
const fail = (e) => "error " + (e?.name ?? "") + ": " + (e?.message ?? String(e));
window.register = async () => {
  try {
    const first = await signIn({ username, password, options: { authFlowType: "USER_SRP_AUTH" } });
    if (!first.isSignedIn) return "password sign-in: " + first.nextStep.signInStep;
    await associateWebAuthnCredential();
    const { credentials } = await listWebAuthnCredentials();
    await signOut();
    return "registered " + credentials.length + " " + (credentials[0]?.relyingPartyId ?? "");
  } catch (e) { return fail(e); }
};
window.passkeySignIn = async () => {
  try {
    const out = await signIn({ username, options: { authFlowType: "USER_AUTH", preferredChallenge: "WEB_AUTHN" } });
    if (!out.isSignedIn) return "not signed in: " + out.nextStep.signInStep;
    const user = await getCurrentUser();
    const session = await fetchAuthSession();
    return "signed in " + user.username + " " + session.tokens.accessToken.payload.token_use;
  } catch (e) { return fail(e); }
};
document.getElementById("out").textContent = "ready";
</script></body></html>`))

// A passkey in a real browser with Amplify: Chromium's DevTools virtual
// authenticator, userpool and the app page on https://localhost (WebAuthn
// refuses IP addresses; the relying party is "localhost"). Amplify's
// associateWebAuthnCredential registers the passkey
// (StartWebAuthnRegistration, navigator.credentials.create,
// CompleteWebAuthnRegistration), the authenticator then holds it, and
// signIn USER_AUTH + WEB_AUTHN signs in with it (navigator.credentials.get
// against the WEB_AUTHN challenge's options), twice (a fresh challenge and
// a higher sign counter each time).
func TestAmplifyPasskeyInBrowser(t *testing.T) {
	t.Parallel()
	browser.Require(t)
	s := startHTTPS(t)
	endpoint := strings.Replace(s.Base, "127.0.0.1", "localhost", 1)
	app := startAmplifyApp(t, s)
	appURL := strings.Replace(app.URL, "127.0.0.1", "localhost", 1) + "/"

	ctx := context.Background()
	pool, err := s.SDK.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("passkeys"),
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn}}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := s.SDK.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"), UserVerification: types.UserVerificationTypeRequired}}); err != nil {
		t.Fatal(err)
	}
	client, err := s.SDK.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	const username, password = "pia", "Passk3y-Passw0rd!"
	if _, err := s.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(username),
		Password: aws.String(password), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	app.setPage(t, passkeyPage, map[string]any{"PoolID": poolID, "ClientID": aws.ToString(client.UserPoolClient.ClientId),
		"Endpoint": endpoint, "Username": username, "Password": password})

	b := browser.New(t, browser.Options{TrustCert: s.CertFile})
	authn := b.AddVirtualAuthenticator(browser.DefaultAuthenticator)
	b.Navigate(appURL)
	waitText(t, b, "#out", "ready")

	if got := browser.Eval[string](b, `window.register()`); got != "registered 1 localhost" {
		t.Fatalf("associateWebAuthnCredential: %q\n%s", got, strings.Join(b.Console(), "\n"))
	}
	if creds := b.Credentials(authn); len(creds) != 1 || !creds[0].IsResidentCredential {
		t.Fatalf("the authenticator holds %+v, want one discoverable credential", creds)
	}
	if got := browser.Eval[string](b, `window.passkeySignIn()`); got != "signed in "+username+" access" {
		t.Fatalf("signIn WEB_AUTHN: %q\n%s", got, strings.Join(b.Console(), "\n"))
	}
	// A second sign-in with the same passkey (a fresh challenge, a higher
	// sign counter) works too.
	_ = browser.Eval[string](b, `(async () => { const { signOut } = await import("aws-amplify/auth"); await signOut(); return "out"; })()`)
	if got := browser.Eval[string](b, `window.passkeySignIn()`); got != "signed in "+username+" access" {
		t.Fatalf("second signIn WEB_AUTHN: %q", got)
	}
}
