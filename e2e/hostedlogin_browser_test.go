package e2e

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/e2e/browser"
	"userpool/internal/tlscert"
)

// httpsServer is a userpool serve --tls-self-signed process with what a
// browser test needs: its https base URL, the certificate to trust, an
// HTTP client and an SDK client that trust it.
type httpsServer struct {
	*proc
	Data     string // the data directory
	Base     string // https://127.0.0.1:port
	CertFile string
	HTTP     *http.Client
	SDK      *cip.Client
}

// startHTTPS starts userpool serve --tls-self-signed with extra serve args.
func startHTTPS(t *testing.T, args ...string) *httpsServer {
	t.Helper()
	data := t.TempDir()
	p := startServer(t, data, append([]string{"--tls-self-signed"}, args...)...)
	cert := filepath.Join(data, tlscert.CertFileName)
	pool, err := tlscert.Pool(cert)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		// The token endpoint is called directly; redirects are the browser's.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	base := "https://" + strings.TrimPrefix(p.URL, "http://")
	return &httpsServer{proc: p, Data: data, Base: base, CertFile: cert, HTTP: hc, SDK: cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(base),
		Credentials:  credentials.NewStaticCredentialsProvider(p.AccessKeyID, p.SecretKey, ""),
		HTTPClient:   hc,
	})}
}

// appServer is the relying party's own HTTPS origin (the same certificate):
// /callback is where the hosted login sends the browser back.
func appServer(t *testing.T, certFile, keyFile string, h http.Handler) *httptest.Server {
	t.Helper()
	cfg, err := tlscert.ServerConfig(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// oauthApp is a pool with a domain and an app client allowed the code flow.
type oauthApp struct {
	PoolID, ClientID, Domain, Callback string
}

func setupOAuthApp(t *testing.T, s *httpsServer, domain, callback string) oauthApp {
	t.Helper()
	ctx := context.Background()
	pool, err := s.SDK.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String("hosted-" + domain),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
	})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := s.SDK.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolID), Domain: aws.String(domain)}); err != nil {
		t.Fatal(err)
	}
	c, err := s.SDK.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId:                      aws.String(poolID),
		ClientName:                      aws.String("web"),
		SupportedIdentityProviders:      []string{"COGNITO"},
		CallbackURLs:                    []string{callback},
		LogoutURLs:                      []string{callback},
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes:              []string{"openid", "email", "aws.cognito.signin.user.admin"},
		AllowedOAuthFlowsUserPoolClient: true,
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	return oauthApp{PoolID: poolID, ClientID: aws.ToString(c.UserPoolClient.ClientId), Domain: domain, Callback: callback}
}

// pkce returns a verifier and its S256 challenge.
func pkce(t *testing.T) (verifier, challenge string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeURL is the hosted login's authorization request for app.
func (a oauthApp) authorizeURL(base, state, nonce, challenge string) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {a.ClientID}, "redirect_uri": {a.Callback},
		"scope": {"openid email"}, "state": {state}, "nonce": {nonce},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}
	return base + "/" + a.Domain + "/oauth2/authorize?" + q.Encode()
}

// exchange redeems code at the token endpoint and returns the ID token's claims.
func (a oauthApp) exchange(t *testing.T, s *httpsServer, code, verifier string) map[string]any {
	t.Helper()
	resp, err := s.HTTP.PostForm(s.Base+"/"+a.Domain+"/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {a.ClientID}, "code": {code},
		"redirect_uri": {a.Callback}, "code_verifier": {verifier},
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token endpoint: %d %s", resp.StatusCode, body)
	}
	var tok struct {
		IDToken     string `json:"id_token"`
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.TokenType != "Bearer" {
		t.Errorf("token response: %s", body)
	}
	parts := strings.Split(tok.IDToken, ".")
	if len(parts) != 3 {
		t.Fatalf("id_token is not a JWT: %q", tok.IDToken)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// callbackResult waits for the browser to land on the app's callback and
// returns its query.
func callbackResult(t *testing.T, b *browser.Browser, callback string) url.Values {
	t.Helper()
	u, err := url.Parse(b.WaitURLPrefix(callback + "?"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// checkPage screenshots the current page at both widths and checks it for
// horizontal overflow and serious accessibility violations.
func checkPage(b *browser.Browser, name string) {
	for _, w := range []int{browser.Desktop, browser.Phone} {
		b.Screenshot(name, w)
		b.CheckNoOverflow(name)
	}
	b.SetWidth(browser.Desktop)
	b.CheckAccessible(name)
}

// Issue 15 in a real browser: Chromium, trusting userpool's self-signed
// certificate, signs in through the hosted login (authorize -> /login ->
// back to the app with a code, exchanged with PKCE), and signs up with the
// confirmation code the sender delivered (here: the server's log), then
// signs in as the new user. The pages are screenshotted at 1440 and 360 px,
// checked for horizontal overflow and run through axe-core.
func TestHostedLoginInBrowser(t *testing.T) {
	t.Parallel()
	browser.Require(t)
	s := startHTTPS(t)
	data := filepath.Dir(s.CertFile)
	app := appServer(t, s.CertFile, filepath.Join(data, tlscert.KeyFileName), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><html lang="en"><title>App</title><main><h1>Signed in</h1></main></html>`)
	}))
	a := setupOAuthApp(t, s, "e2e-browser", app.URL+"/callback")
	ctx := context.Background()
	const password = "Corr3ct-Horse!"
	if _, err := s.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(a.PoolID), Username: aws.String("ada"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("ada@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(a.PoolID), Username: aws.String("ada"), Password: aws.String(password), Permanent: true,
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("sign in", func(t *testing.T) {
		b := browser.New(t, browser.Options{TrustCert: s.CertFile})
		verifier, challenge := pkce(t)
		b.Navigate(a.authorizeURL(s.Base, "state-1", "nonce-1", challenge))
		if u := b.URL(); !strings.HasPrefix(u, s.Base+"/"+a.Domain+"/login?") {
			t.Fatalf("authorize without a session went to %s, want the login page", u)
		}
		checkPage(b, "login")
		b.Fill("Username", "ada")
		b.Fill("Password", "wrong-Passw0rd!")
		b.ClickAndWaitLoad("Sign in")
		if msg := b.Text("#error"); !strings.Contains(msg, "Incorrect username or password") {
			t.Errorf("wrong password: error %q", msg)
		}
		checkPage(b, "login-error")
		b.Fill("Password", password)
		b.Click("Sign in")
		q := callbackResult(t, b, a.Callback)
		if q.Get("state") != "state-1" || q.Get("code") == "" {
			t.Fatalf("callback query = %v, want state-1 and a code", q)
		}
		claims := a.exchange(t, s, q.Get("code"), verifier)
		if claims["cognito:username"] != "ada" || claims["email"] != "ada@example.com" || claims["nonce"] != "nonce-1" || claims["aud"] != a.ClientID {
			t.Errorf("ID token claims = %v", claims)
		}
		// A second authorization reuses the login session: no form.
		_, challenge2 := pkce(t)
		b.Navigate(a.authorizeURL(s.Base, "state-2", "nonce-2", challenge2))
		if q := callbackResult(t, b, a.Callback); q.Get("state") != "state-2" || q.Get("code") == "" {
			t.Errorf("second authorize: callback query = %v", q)
		}
	})

	t.Run("sign up with the code", func(t *testing.T) {
		b := browser.New(t, browser.Options{TrustCert: s.CertFile})
		verifier, challenge := pkce(t)
		b.Navigate(a.authorizeURL(s.Base, "state-3", "nonce-3", challenge))
		b.ClickAndWaitLoad("Sign up")
		checkPage(b, "signup")
		b.Fill("Username", "grace")
		b.Fill("Email", "grace@example.com")
		b.Fill("Password", password)
		b.ClickAndWaitLoad("Sign up")
		code := waitCode(t, s.proc, "grace")
		checkPage(b, "confirm")
		b.Fill("Verification code", code)
		b.ClickAndWaitLoad("Confirm account")
		if info := b.Text("#info"); !strings.Contains(info, "confirmed") {
			t.Errorf("after confirming: info %q", info)
		}
		b.Fill("Password", password)
		b.Click("Sign in")
		q := callbackResult(t, b, a.Callback)
		if q.Get("state") != "state-3" {
			t.Fatalf("callback query = %v", q)
		}
		claims := a.exchange(t, s, q.Get("code"), verifier)
		if claims["cognito:username"] != "grace" || claims["email"] != "grace@example.com" || claims["email_verified"] != true {
			t.Errorf("ID token claims = %v", claims)
		}
	})
}

// waitCode reads the confirmation code the log sender wrote for username.
func waitCode(t *testing.T, p *proc, username string) string {
	t.Helper()
	re := regexp.MustCompile(`msg="message for user[^"]*" .*username=` + regexp.QuoteMeta(username) + ` .*code=(\d+)`)
	if !p.waitLog(re) {
		t.Fatalf("no code for %s in the log:\n%s", username, p.Logs())
	}
	return re.FindStringSubmatch(p.Logs())[1]
}
