package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/e2e/browser"
	"userpool/internal/tlscert"
)

// createPasskey runs navigator.credentials.create in the page with the
// CredentialCreationOptions of StartWebAuthnRegistration and returns the
// RegistrationResponseJSON (DevTools evaluation is not bound by the page's CSP).
const createPasskey = `(async (o) => {
  const buf = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0)).buffer;
  const b64 = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const pk = { ...o, challenge: buf(o.challenge), user: { ...o.user, id: buf(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: buf(c.id) })) };
  try {
    const c = await navigator.credentials.create({ publicKey: pk });
    return JSON.stringify({ id: c.id, rawId: b64(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(),
      authenticatorAttachment: c.authenticatorAttachment,
      response: { clientDataJSON: b64(c.response.clientDataJSON), attestationObject: b64(c.response.attestationObject),
        transports: c.response.getTransports() } });
  } catch (e) { return "error " + e.name + ": " + e.message; }
})(OPTIONS)`

// Issue 19's last bullet in a real browser: the hosted login offers the
// pool's choices. Chromium on https://localhost (the relying party) with a
// DevTools virtual authenticator: a passkey registered through the Cognito
// API (StartWebAuthnRegistration, navigator.credentials.create in the
// browser, CompleteWebAuthnRegistration) signs in through the hosted page's
// "Sign in with a passkey" (the page's own script runs
// navigator.credentials.get and posts the assertion), and the code is
// exchanged with PKCE; a passwordless e-mail code signs in another user
// with the code from the log sender. Pages are screenshotted at 1440 and
// 360 px, checked for overflow and run through axe-core.
func TestHostedLoginChoicesInBrowser(t *testing.T) {
	t.Parallel()
	browser.Require(t)
	s := startHTTPS(t)
	base := strings.Replace(s.Base, "127.0.0.1", "localhost", 1)
	data := filepath.Dir(s.CertFile)
	app := appServer(t, s.CertFile, filepath.Join(data, tlscert.KeyFileName), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><html lang="en"><title>App</title><main><h1>Signed in</h1></main></html>`)
	}))
	callback := strings.Replace(app.URL, "127.0.0.1", "localhost", 1) + "/callback"
	ctx := context.Background()

	pool, err := s.SDK.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("choices"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{
			types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeWebAuthn}}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := s.SDK.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"), UserVerification: types.UserVerificationTypePreferred}}); err != nil {
		t.Fatal(err)
	}
	a := oauthApp{PoolID: poolID, Domain: "e2e-choices", Callback: callback}
	if _, err := s.SDK.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolID), Domain: aws.String(a.Domain)}); err != nil {
		t.Fatal(err)
	}
	c, err := s.SDK.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		SupportedIdentityProviders: []string{"COGNITO"}, CallbackURLs: []string{callback},
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid", "email"},
		AllowedOAuthFlowsUserPoolClient: true,
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{"ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
	})
	if err != nil {
		t.Fatal(err)
	}
	a.ClientID = aws.ToString(c.UserPoolClient.ClientId)
	const password = "Passk3y-Passw0rd!"
	for _, name := range []string{"pia", "otto"} {
		if _, err := s.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String(name + "@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			Password: aws.String(password), Permanent: true}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("passkey", func(t *testing.T) {
		b := browser.New(t, browser.Options{TrustCert: s.CertFile})
		authn := b.AddVirtualAuthenticator(browser.DefaultAuthenticator)
		// Register pia's passkey through the API, the browser creating it.
		auth, err := s.SDK.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(a.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "pia", "PASSWORD": password}})
		if err != nil || auth.AuthenticationResult == nil {
			t.Fatalf("password sign-in: %+v %v", auth, err)
		}
		at := auth.AuthenticationResult.AccessToken
		start, err := s.SDK.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: at})
		if err != nil {
			t.Fatal(err)
		}
		opts, err := start.CredentialCreationOptions.MarshalSmithyDocument()
		if err != nil {
			t.Fatal(err)
		}
		verifier, challenge := pkce(t)
		b.Navigate(a.authorizeURL(base, "state-pk", "nonce-pk", challenge))
		if u := b.URL(); !strings.HasPrefix(u, base+"/"+a.Domain+"/login?") {
			t.Fatalf("authorize went to %s", u)
		}
		reg := browser.Eval[string](b, strings.Replace(createPasskey, "OPTIONS", string(opts), 1))
		var cred map[string]any
		if err := json.Unmarshal([]byte(reg), &cred); err != nil {
			t.Fatalf("navigator.credentials.create: %s", reg)
		}
		if _, err := s.SDK.CompleteWebAuthnRegistration(ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: at, Credential: document.NewLazyDocument(cred)}); err != nil {
			t.Fatalf("CompleteWebAuthnRegistration: %v", err)
		}
		if creds := b.Credentials(authn); len(creds) != 1 {
			t.Fatalf("the authenticator holds %d credentials", len(creds))
		}
		checkPage(b, "login-choices")
		b.Fill("Username", "pia")
		b.Click("Sign in with a passkey")
		q := callbackResult(t, b, a.Callback)
		if q.Get("state") != "state-pk" || q.Get("code") == "" {
			t.Fatalf("callback query = %v%s", q, strings.Join(b.Console(), "\n"))
		}
		if claims := a.exchange(t, s, q.Get("code"), verifier); claims["cognito:username"] != "pia" || claims["nonce"] != "nonce-pk" {
			t.Errorf("ID token claims = %v", claims)
		}
		if creds := b.Credentials(authn); len(creds) != 1 || creds[0].SignCount < 1 {
			t.Errorf("credential after sign-in: %+v", creds)
		}
	})

	t.Run("passkey page without an authenticator", func(t *testing.T) {
		// A browser that cannot answer: the page waits and says so; it is
		// still screenshotted and checked.
		b := browser.New(t, browser.Options{TrustCert: s.CertFile})
		_, challenge := pkce(t)
		b.Navigate(a.authorizeURL(base, "state-w", "nonce-w", challenge))
		b.Fill("Username", "pia")
		b.ClickAndWaitLoad("Sign in with a passkey")
		waitText(t, b, "#passkey-status", "Waiting for your passkey")
		checkPage(b, "passkey")
	})

	t.Run("email code", func(t *testing.T) {
		b := browser.New(t, browser.Options{TrustCert: s.CertFile})
		verifier, challenge := pkce(t)
		b.Navigate(a.authorizeURL(base, "state-otp", "nonce-otp", challenge))
		b.Fill("Username", "otto")
		b.ClickAndWaitLoad("Sign in with a code sent by email")
		code := waitCode(t, s.proc, "otto")
		checkPage(b, "code")
		b.Fill("Enter the code we sent by email to o***@e***", wrongOTP(code))
		b.ClickAndWaitLoad("Sign in")
		if msg := b.Text("#error"); msg != "Invalid code received for user" {
			t.Errorf("wrong code: %q", msg)
		}
		checkPage(b, "code-error")
		b.Fill("Enter the code we sent by email to o***@e***", code)
		b.Click("Sign in")
		q := callbackResult(t, b, a.Callback)
		if claims := a.exchange(t, s, q.Get("code"), verifier); claims["cognito:username"] != "otto" {
			t.Errorf("ID token claims = %v", claims)
		}
	})
}

func wrongOTP(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}
