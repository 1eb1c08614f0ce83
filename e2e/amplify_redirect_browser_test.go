package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/e2e/browser"
	"userpool/internal/tlscert"
)

// amplifyImportMap returns the import map that loads aws-amplify's ES
// modules from e2e/js/node_modules in a browser (js/lib/importmap.mjs).
// It skips without Node or the npm packages, and fails instead under CI.
// amplifyApp is the HTTPS app server of a browser test: it serves e2e/js's
// node_modules (Amplify's ES modules, as JavaScript) and one page, rendered
// by setPage once the test knows its pool and client.
type amplifyApp struct {
	*httptest.Server
	importMap []byte
	page      atomic.Pointer[[]byte]
}

// startAmplifyApp starts the app server with the certificate of s.
func startAmplifyApp(t *testing.T, s *httpsServer) *amplifyApp {
	t.Helper()
	a := &amplifyApp{importMap: amplifyImportMap(t)}
	nodeModules, err := filepath.Abs(filepath.Join("js", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	files := http.StripPrefix("/node_modules/", http.FileServer(http.Dir(nodeModules)))
	mux.Handle("/node_modules/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".js") || strings.HasSuffix(r.URL.Path, ".mjs") {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		files.ServeHTTP(w, r)
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if p := a.page.Load(); p != nil {
			_, _ = w.Write(*p)
		}
	})
	a.Server = appServer(t, s.CertFile, filepath.Join(filepath.Dir(s.CertFile), tlscert.KeyFileName), mux)
	return a
}

// setPage renders the app page; the import map (JSON) replaces IMPORT-MAP
// as is, since html/template would escape it.
func (a *amplifyApp) setPage(t *testing.T, tmpl *template.Template, data any) {
	t.Helper()
	var buf strings.Builder
	if err := tmpl.Execute(&buf, data); err != nil {
		t.Fatal(err)
	}
	page := []byte(strings.Replace(buf.String(), "IMPORT-MAP", string(a.importMap), 1))
	a.page.Store(&page)
}

func amplifyImportMap(t *testing.T) []byte {
	t.Helper()
	missing := func(msg string) {
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set)")
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join("js", "node_modules", "aws-amplify", "package.json")); err != nil {
		missing("e2e/js/node_modules has no aws-amplify: run npm ci in e2e/js")
	}
	out, err := exec.Command("node", filepath.Join("js", "lib", "importmap.mjs"), "aws-amplify", "aws-amplify/utils", "aws-amplify/auth", "aws-amplify/auth/enable-oauth-listener").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("import map: %v\n%s", err, stderr)
	}
	return out
}

// The app page: aws-amplify v6 configured for the pool's hosted login under
// userpool's path-prefix domain form (domain "127.0.0.1:PORT/<prefix>", so
// Amplify's https://<domain>/oauth2/... URLs reach userpool), a button that
// calls signInWithRedirect, and on the way back the Hub event and the
// signed-in user written into #out.
var amplifyPage = template.Must(template.New("app").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Amplify app</title>
<script type="importmap">IMPORT-MAP</script>
</head><body><main>
<h1>Amplify app</h1>
<button id="signin" type="button" disabled>Sign in with the hosted UI</button>
<p id="out" role="status">loading</p>
</main>
<script type="module">
import { Amplify } from "aws-amplify";
import { Hub } from "aws-amplify/utils";
import { signInWithRedirect, getCurrentUser, fetchAuthSession } from "aws-amplify/auth";
import "aws-amplify/auth/enable-oauth-listener";
const out = document.getElementById("out");
const show = (s) => { out.textContent = s; };
Hub.listen("auth", async ({ payload }) => {
  if (payload.event === "signInWithRedirect") {
    const user = await getCurrentUser();
    const session = await fetchAuthSession();
    show("signed in " + user.username + " " + session.tokens.idToken.payload.email);
  } else if (payload.event === "signInWithRedirect_failure") {
    show("failure " + (payload.data?.error?.message ?? JSON.stringify(payload.data)));
  }
});
Amplify.configure({ Auth: { Cognito: {
  userPoolId: {{.PoolID}}, userPoolClientId: {{.ClientID}}, userPoolEndpoint: {{.Endpoint}},
  loginWith: { oauth: { domain: {{.Domain}}, scopes: ["openid", "email"],
    redirectSignIn: [{{.AppURL}}], redirectSignOut: [{{.AppURL}}], responseType: "code" } } } } });
const button = document.getElementById("signin");
button.onclick = () => signInWithRedirect().catch((e) => show("error " + e.message));
button.disabled = false;
if (!location.search.includes("code=")) show("ready");
</script></body></html>`))

// aws-amplify v6 signInWithRedirect completes in a real browser against
// userpool on HTTPS: the app page (served by this test, Amplify's ES modules
// loaded from node_modules through an import map, no bundler) redirects to
// the hosted login, the user signs in, and Amplify exchanges the code with
// PKCE at the token endpoint (a cross-origin fetch) and reports the user.
func TestAmplifySignInWithRedirect(t *testing.T) {
	t.Parallel()
	browser.Require(t)
	s := startHTTPS(t)
	app := startAmplifyApp(t, s)
	appURL := app.URL + "/"
	a := setupOAuthApp(t, s, "e2e-amplify", appURL)
	ctx := context.Background()
	const password = "Corr3ct-Horse!"
	if _, err := s.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(a.PoolID), Username: aws.String("lin"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("lin@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(a.PoolID), Username: aws.String("lin"), Password: aws.String(password), Permanent: true,
	}); err != nil {
		t.Fatal(err)
	}
	app.setPage(t, amplifyPage, map[string]any{
		"PoolID": a.PoolID, "ClientID": a.ClientID, "Endpoint": s.Base, "AppURL": appURL,
		"Domain": strings.TrimPrefix(s.Base, "https://") + "/" + a.Domain,
	})

	b := browser.New(t, browser.Options{TrustCert: s.CertFile})
	b.Navigate(appURL)
	waitText(t, b, "#out", "ready")
	b.Click("Sign in with the hosted UI")
	b.WaitURLPrefix(s.Base + "/" + a.Domain + "/login?")
	b.Fill("Username", "lin")
	b.Fill("Password", password)
	b.Click("Sign in")
	b.WaitURLPrefix(appURL)
	got := waitText(t, b, "#out", "signed in ")
	if got != "signed in lin lin@example.com" {
		t.Errorf("after the redirect: %q, want signed in lin lin@example.com", got)
	}
	// Amplify stored the tokens it received for the client.
	keys := browser.Eval[[]string](b, `Object.keys(localStorage).filter(k => k.startsWith("CognitoIdentityServiceProvider.`+a.ClientID+`.") && (k.endsWith(".idToken") || k.endsWith(".refreshToken")))`)
	if len(keys) != 2 {
		t.Errorf("Amplify's stored tokens: %v, want the ID and refresh tokens", keys)
	}
}

// waitText waits until the element's text starts with prefix (or a
// failure is shown) and returns it.
func waitText(t *testing.T, b *browser.Browser, css, prefix string) string {
	t.Helper()
	var last string
	b.WaitURL(func(string) bool {
		last = browser.Eval[string](b, fmt.Sprintf(`document.querySelector(%s)?.textContent ?? ""`, jsString(css)))
		return strings.HasPrefix(last, prefix) || strings.HasPrefix(last, "failure") || strings.HasPrefix(last, "error")
	})
	if !strings.HasPrefix(last, prefix) {
		t.Fatalf("%s: %q, want %q...", css, last, prefix)
	}
	return last
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
