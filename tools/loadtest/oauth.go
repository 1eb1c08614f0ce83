package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The "oauth" scenario (issue 15, Performance): the token endpoint of a
// pool's domain, POST <endpoint>/<domain>/oauth2/token, measured beside
// the bare-HTTP ceiling (same scheme, same client, a token-shaped answer)
// in one run:
//
//   - client_credentials: a confidential client's grant with HTTP Basic and
//     one custom scope (one RS256 access token per grant).
//   - authorization_code: the exchange of a fresh code with PKCE by a public
//     client, scope "openid email" (an ID and an access token, a refresh
//     token and its grant row; the code is taken). The codes are minted
//     before the phase through the real flow: the authorize request, the
//     hosted login form once (its cookies kept), then one authorize request
//     per code, which the login session answers with a redirect carrying a
//     code, as a returning user's browser gets it. Minting is not measured.
//   - *-new-conn: the same without keep-alive, so each grant pays a TCP (and
//     over HTTPS a TLS) handshake.
//
// Over HTTPS the client trusts --ca-cert (the server's --tls-self-signed
// certificate, <data>/tls-self-signed.crt) and speaks HTTP/1.1, one
// keep-alive connection per client; the ceiling serves the same
// certificate and key (--ceiling-cert/--ceiling-key, by default the files
// beside --ca-cert).

// oauthFixture is the pool, domain, clients and user the scenario uses.
type oauthFixture struct {
	PoolID, Domain               string
	M2MID, M2MSecret, WebID      string
	Scope, Callback, User, Passw string
}

const (
	oauthPoolName   = "loadtest-oauth"
	oauthResourceID = "https://api.loadtest.example"
	oauthCallback   = "https://app.loadtest.example/cb"
	oauthUser       = "oauth-user@example.com"
)

func cmdOAuth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("oauth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "base URL of userpool, http:// or https:// (loopback only)")
	credFile := fs.String("credentials", "", "AWS shared-credentials file (admin calls that set the pool up)")
	prof := fs.String("profile", "userpool", "profile in --credentials")
	caCert := fs.String("ca-cert", "", "PEM certificate to trust for https:// (the server's self-signed one)")
	ceilCert := fs.String("ceiling-cert", "", "certificate the HTTPS ceiling serves (default: --ca-cert)")
	ceilKey := fs.String("ceiling-key", "", "its key (default: --ca-cert with .key for .crt)")
	conc := fs.Int("concurrency", 16, "concurrent clients")
	dur := fs.Duration("duration", 5*time.Second, "measured time per phase")
	warmup := fs.Duration("warmup", time.Second, "unrecorded warm-up per phase")
	codes := fs.Int("codes", 6000, "authorization codes minted before the authorization_code phase (bounds it)")
	ops := fs.String("ops", "", "comma-separated phases (default all): ceiling, client_credentials, authorization_code, ceiling-new-conn, client_credentials-new-conn, ceiling-after")
	password := fs.String("password", "Load-Test-Passw0rd!", "the signing-in user's password")
	serverPID := fs.Int("server-pid", 0, "server process id (its CPU per grant)")
	version := fs.String("target-version", "", "version of the server (recorded)")
	jsonOut := fs.String("json", "", "write the JSON report here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *endpoint == "" || *credFile == "" {
		return errors.New("--endpoint and --credentials are required")
	}
	ak, sk, err := readCredentials(*credFile, *prof)
	if err != nil {
		return err
	}
	admin, err := NewClient(*endpoint, "us-east-1", ak, sk, 8)
	if err != nil {
		return err
	}
	base := strings.TrimRight(*endpoint, "/")
	https := strings.HasPrefix(base, "https://")
	var roots *x509.CertPool
	if https {
		if *caCert == "" {
			return errors.New("--ca-cert is required for https:// (the server's certificate to trust)")
		}
		if roots, err = certPool(*caCert); err != nil {
			return err
		}
		admin.TrustRoots(roots)
		if *ceilCert == "" {
			*ceilCert = *caCert
		}
		if *ceilKey == "" {
			*ceilKey = strings.TrimSuffix(*ceilCert, ".crt") + ".key"
		}
	} else {
		*ceilCert, *ceilKey = "", ""
	}
	fx, err := oauthSetup(ctx, admin, *password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "pool %s, domain %s, m2m client %s, web client %s\n", fx.PoolID, fx.Domain, fx.M2MID, fx.WebID)

	ceilURL, ceilCmd, err := startCeilingProcess(*ceilCert, *ceilKey)
	if err != nil {
		return err
	}
	defer func() { _ = ceilCmd.Process.Kill(); _ = ceilCmd.Wait() }()

	keep := grantClient(roots, *conc, false)
	fresh := grantClient(roots, *conc, true)
	tokenURL := base + "/" + fx.Domain + "/oauth2/token"
	ceilTokenURL := ceilURL + "/" + fx.Domain + "/oauth2/token"
	ccBody := []byte(url.Values{"grant_type": {"client_credentials"}, "scope": {fx.Scope}}.Encode())
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(fx.M2MID)+":"+url.QueryEscape(fx.M2MSecret)))
	verifier := pkceVerifier()

	scheme := "HTTP"
	if https {
		scheme = "HTTPS"
	}
	rep := &Report{
		Time: time.Now().UTC().Format(time.RFC3339), Target: "userpool-oauth-" + strings.ToLower(scheme), TargetVersion: *version,
		Endpoint: base, Concurrency: *conc, DurationS: dur.Seconds(), Machine: machineInfo(),
		Command: "loadtest oauth " + strings.Join(args, " "), Server: ServerStats{PID: *serverPID},
		Notes: []string{scheme + "/1.1, one keep-alive connection per client unless -new-conn; ceiling: bare net/http answering a token-shaped body (~960 bytes) over the same scheme"},
	}

	var codeCh chan string
	phases := []struct {
		name, note string
		prepare    func() error
		serverSide bool
		max        int64
		fn         func(ctx context.Context, w *Worker) error
	}{
		{name: "ceiling", note: "bare net/http, same client and form body, " + scheme,
			fn: func(ctx context.Context, w *Worker) error {
				return postForm(ctx, keep, ceilTokenURL, basic, ccBody, "access_token")
			}},
		{name: "client_credentials", note: "HTTP Basic, one custom scope; one RS256-2048 access token", serverSide: true,
			fn: func(ctx context.Context, w *Worker) error {
				return postForm(ctx, keep, tokenURL, basic, ccBody, "access_token")
			}},
		{name: "authorization_code", note: "fresh code + PKCE (public client), openid email: ID + access (2 × RS256) + refresh token", serverSide: true,
			prepare: func() error {
				t0 := time.Now()
				cs, err := mintCodes(ctx, base, roots, fx, verifier, *codes)
				if err != nil {
					return err
				}
				fmt.Fprintf(stderr, "minted %d codes through authorize + login in %.1fs\n", len(cs), time.Since(t0).Seconds())
				codeCh = make(chan string, len(cs))
				for _, c := range cs {
					codeCh <- c
				}
				return nil
			},
			fn: func(ctx context.Context, w *Worker) error {
				var code string
				select {
				case code = <-codeCh:
				default:
					return errPhaseDone
				}
				body := []byte(url.Values{"grant_type": {"authorization_code"}, "client_id": {fx.WebID}, "code": {code},
					"redirect_uri": {fx.Callback}, "code_verifier": {verifier}}.Encode())
				return postForm(ctx, keep, tokenURL, "", body, "id_token")
			}},
		{name: "ceiling-new-conn", note: "the ceiling with a new connection per request (" + scheme + " handshake each)",
			fn: func(ctx context.Context, w *Worker) error {
				return postForm(ctx, fresh, ceilTokenURL, basic, ccBody, "access_token")
			}},
		{name: "client_credentials-new-conn", note: "a new connection per grant (" + scheme + " handshake each)", serverSide: true,
			fn: func(ctx context.Context, w *Worker) error {
				return postForm(ctx, fresh, tokenURL, basic, ccBody, "access_token")
			}},
		{name: "ceiling-after", note: "the ceiling again, to bracket the machine's drift during the run",
			fn: func(ctx context.Context, w *Worker) error {
				return postForm(ctx, keep, ceilTokenURL, basic, ccBody, "access_token")
			}},
	}
	want := map[string]bool{}
	for _, o := range strings.Split(*ops, ",") {
		if o = strings.TrimSpace(o); o != "" {
			want[o] = true
		}
	}
	for _, ph := range phases {
		if (len(want) > 0 && !want[ph.name]) || ctx.Err() != nil {
			continue
		}
		if ph.prepare != nil {
			if err := ph.prepare(); err != nil {
				rep.Ops = append(rep.Ops, OpResult{Name: ph.name, Skipped: err.Error()})
				fmt.Fprintf(stderr, "%-28s skipped: %v\n", ph.name, err)
				continue
			}
		}
		pid := 0
		if ph.serverSide {
			pid = *serverPID
		} else {
			pid = ceilCmd.Process.Pid
		}
		fmt.Fprintf(stderr, "%-28s %d clients × %s …", ph.name, *conc, *dur)
		sc0, cc0, mb0, t0 := procCPU(pid), selfCPU(), machineBusy(), time.Now()
		maxIter := int64(0)
		if codeCh != nil && ph.name == "authorization_code" {
			maxIter = int64(cap(codeCh))
		}
		res := Run(ctx, RunSpec{Name: ph.name, Concurrency: *conc, Duration: *dur, Warmup: *warmup, MaxIter: maxIter, Fn: ph.fn})
		res.Note = ph.note
		wall := time.Since(t0)
		srv, self := procCPU(pid)-sc0, selfCPU()-cc0
		if pid > 0 && wall > 0 {
			res.OtherCPU = max(0, float64(machineBusy()-mb0-srv-self)/float64(wall))
		}
		if res.Ops > 0 && res.Seconds > 0 {
			// Over warm-up + measurement; the warm-up ran about as fast.
			total := float64(res.Ops) * wall.Seconds() / res.Seconds
			if pid > 0 {
				res.ServerCPUMS = ms(srv) / total
			}
			res.ClientCPUMS = ms(self) / total
		}
		if ph.name == "authorization_code" && res.Seconds < dur.Seconds()*0.9 {
			res.Note += fmt.Sprintf("; the minted codes ran out after %.1fs of the phase", res.Seconds)
		}
		fmt.Fprintf(stderr, " %.0f/s p50 %.2f ms p99 %.2f ms errors %d (server CPU %.3f ms/op, other processes %.2f cores)\n",
			res.Throughput, res.P50MS, res.P99MS, res.Errors, res.ServerCPUMS, res.OtherCPU)
		rep.Ops = append(rep.Ops, res)
	}
	// Ratios to the ceiling measured before the grants in this run.
	var ceil *OpResult
	for i := range rep.Ops {
		if rep.Ops[i].Name == "ceiling" {
			ceil = &rep.Ops[i]
		}
	}
	for i := range rep.Ops {
		o := &rep.Ops[i]
		c := ceil
		if strings.HasSuffix(o.Name, "-new-conn") {
			c = nil
			for j := range rep.Ops {
				if rep.Ops[j].Name == "ceiling-new-conn" {
					c = &rep.Ops[j]
				}
			}
		}
		if c != nil && c != o && c.Throughput > 0 && o.Throughput > 0 && !strings.HasPrefix(o.Name, "ceiling") {
			o.RatioCeiling = o.Throughput / c.Throughput
			o.P99VsCeiling = o.P99MS / c.P99MS
		}
	}
	if *serverPID > 0 {
		rep.Server.RSSEndKB = procStatusKB(*serverPID, "VmRSS")
		rep.Server.RSSPeakKB = procStatusKB(*serverPID, "VmHWM")
		rep.Server.EndAnonKB = procStatusKB(*serverPID, "RssAnon")
		rep.Server.EndFileKB = procStatusKB(*serverPID, "RssFile")
	}
	printTable(stdout, rep)
	for _, o := range rep.Ops {
		if o.ServerCPUMS > 0 && !strings.HasPrefix(o.Name, "ceiling") {
			fmt.Fprintf(stdout, "%s: %.0f grants/s per core of server CPU (%.3f ms of server CPU per grant)\n", o.Name, 1000/o.ServerCPUMS, o.ServerCPUMS)
		}
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// certPool reads a PEM certificate file into a pool of roots.
func certPool(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s: no PEM certificate", file)
	}
	return p, nil
}

// grantClient is the HTTP client of the measured requests: HTTP/1.1, one
// connection per client kept alive (or a new one per request), roots
// trusted for HTTPS, loopback only (the endpoints were checked).
func grantClient(roots *x509.CertPool, conns int, noKeepAlive bool) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		DisableKeepAlives:   noKeepAlive,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var formCT = []string{"application/x-www-form-urlencoded"}

// postForm posts a form to the token endpoint and checks a 200 answer
// carrying member.
func postForm(ctx context.Context, c *http.Client, target, authz string, body []byte, member string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header["Content-Type"] = formCT
	if authz != "" {
		req.Header["Authorization"] = []string{authz}
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		_ = json.Unmarshal(b, &e)
		return &APIError{Status: resp.StatusCode, Type: e.Error, Message: string(b)}
	}
	if !bytes.Contains(b, []byte(`"`+member+`":"`)) {
		return fmt.Errorf("answer without %s", member)
	}
	return nil
}

func pkceVerifier() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func pkceChallenge(verifier string) string {
	s := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

// oauthSetup finds or creates the scenario's pool (by name), its resource
// server, domain, the two clients and the user, through the admin API.
func oauthSetup(ctx context.Context, c *Client, password string) (*oauthFixture, error) {
	fx := &oauthFixture{Scope: oauthResourceID + "/read", Callback: oauthCallback, User: oauthUser, Passw: password}
	var pools struct{ UserPools []struct{ Id, Name string } }
	if err := c.Call(ctx, "ListUserPools", map[string]any{"MaxResults": 60}, &pools, true); err != nil {
		return nil, fmt.Errorf("ListUserPools: %w", err)
	}
	for _, p := range pools.UserPools {
		if p.Name == oauthPoolName {
			fx.PoolID = p.Id
		}
	}
	if fx.PoolID == "" {
		var out struct{ UserPool struct{ Id string } }
		if err := c.Call(ctx, "CreateUserPool", map[string]any{"PoolName": oauthPoolName}, &out, true); err != nil {
			return nil, fmt.Errorf("CreateUserPool: %w", err)
		}
		fx.PoolID = out.UserPool.Id
	}
	var dp struct{ UserPool struct{ Domain string } }
	if err := c.Call(ctx, "DescribeUserPool", map[string]any{"UserPoolId": fx.PoolID}, &dp, true); err != nil {
		return nil, fmt.Errorf("DescribeUserPool: %w", err)
	}
	fx.Domain = dp.UserPool.Domain
	if err := c.Call(ctx, "DescribeResourceServer", map[string]any{"UserPoolId": fx.PoolID, "Identifier": oauthResourceID}, nil, true); err != nil {
		if err := c.Call(ctx, "CreateResourceServer", map[string]any{"UserPoolId": fx.PoolID, "Identifier": oauthResourceID, "Name": "loadtest",
			"Scopes": []map[string]string{{"ScopeName": "read", "ScopeDescription": "read"}}}, nil, true); err != nil {
			return nil, fmt.Errorf("CreateResourceServer: %w", err)
		}
	}
	if fx.Domain == "" {
		_, suffix, _ := strings.Cut(fx.PoolID, "_")
		fx.Domain = "loadtest-oauth-" + strings.ToLower(suffix)
		if err := c.Call(ctx, "CreateUserPoolDomain", map[string]any{"UserPoolId": fx.PoolID, "Domain": fx.Domain}, nil, true); err != nil {
			return nil, fmt.Errorf("CreateUserPoolDomain: %w", err)
		}
	}
	var lc struct {
		UserPoolClients []struct{ ClientId, ClientName string }
	}
	if err := c.Call(ctx, "ListUserPoolClients", map[string]any{"UserPoolId": fx.PoolID, "MaxResults": 60}, &lc, true); err != nil {
		return nil, fmt.Errorf("ListUserPoolClients: %w", err)
	}
	for _, cl := range lc.UserPoolClients {
		switch cl.ClientName {
		case "loadtest-m2m":
			fx.M2MID = cl.ClientId
		case "loadtest-web":
			fx.WebID = cl.ClientId
		}
	}
	type clientOut struct {
		UserPoolClient struct{ ClientId, ClientSecret string }
	}
	if fx.M2MID == "" {
		var out clientOut
		if err := c.Call(ctx, "CreateUserPoolClient", map[string]any{"UserPoolId": fx.PoolID, "ClientName": "loadtest-m2m", "GenerateSecret": true,
			"AllowedOAuthFlows": []string{"client_credentials"}, "AllowedOAuthScopes": []string{fx.Scope}, "AllowedOAuthFlowsUserPoolClient": true}, &out, true); err != nil {
			return nil, fmt.Errorf("CreateUserPoolClient (m2m): %w", err)
		}
		fx.M2MID, fx.M2MSecret = out.UserPoolClient.ClientId, out.UserPoolClient.ClientSecret
	} else {
		var out clientOut
		if err := c.Call(ctx, "DescribeUserPoolClient", map[string]any{"UserPoolId": fx.PoolID, "ClientId": fx.M2MID}, &out, true); err != nil {
			return nil, fmt.Errorf("DescribeUserPoolClient: %w", err)
		}
		fx.M2MSecret = out.UserPoolClient.ClientSecret
	}
	if fx.WebID == "" {
		var out clientOut
		if err := c.Call(ctx, "CreateUserPoolClient", map[string]any{"UserPoolId": fx.PoolID, "ClientName": "loadtest-web",
			"AllowedOAuthFlows": []string{"code"}, "AllowedOAuthScopes": []string{"openid", "email"}, "AllowedOAuthFlowsUserPoolClient": true,
			"SupportedIdentityProviders": []string{"COGNITO"}, "CallbackURLs": []string{fx.Callback}}, &out, true); err != nil {
			return nil, fmt.Errorf("CreateUserPoolClient (web): %w", err)
		}
		fx.WebID = out.UserPoolClient.ClientId
	}
	err := c.Call(ctx, "AdminCreateUser", map[string]any{"UserPoolId": fx.PoolID, "Username": fx.User, "MessageAction": "SUPPRESS",
		"UserAttributes": []attr{{"email", fx.User}, {"email_verified", "true"}}}, nil, true)
	var ae *APIError
	if err != nil && !(errors.As(err, &ae) && ae.Type == "UsernameExistsException") {
		return nil, fmt.Errorf("AdminCreateUser: %w", err)
	}
	if err := c.Call(ctx, "AdminSetUserPassword", map[string]any{"UserPoolId": fx.PoolID, "Username": fx.User, "Password": password, "Permanent": true}, nil, true); err != nil {
		return nil, fmt.Errorf("AdminSetUserPassword: %w", err)
	}
	return fx, nil
}

var (
	signinFormRe = regexp.MustCompile(`<form method="post" action="([^"]+)" name="signin">`)
	csrfFieldRe  = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
)

// mintCodes signs the user in through the hosted login once (authorize,
// the sign-in form, its POST) and then asks /oauth2/authorize for n codes
// with the login session's cookie, as a returning user's browser does;
// each answer is a redirect to the callback with a fresh code.
func mintCodes(ctx context.Context, base string, roots *x509.CertPool, fx *oauthFixture, verifier string, n int) ([]string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	cb, _ := url.Parse(fx.Callback)
	hc := grantClient(roots, 8, false)
	hc.Jar = jar
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == cb.Host || len(via) > 5 {
			return http.ErrUseLastResponse
		}
		return nil
	}
	authURL := base + "/" + fx.Domain + "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {fx.WebID},
		"redirect_uri": {fx.Callback}, "scope": {"openid email"}, "code_challenge": {pkceChallenge(verifier)},
		"code_challenge_method": {"S256"}, "state": {"loadtest"}}.Encode()
	codeOf := func(resp *http.Response) (string, error) {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			return "", fmt.Errorf("authorize: status %d, want a redirect to the callback", resp.StatusCode)
		}
		u, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || u.Query().Get("code") == "" {
			return "", fmt.Errorf("authorize: redirect without a code: %q", resp.Header.Get("Location"))
		}
		return u.Query().Get("code"), nil
	}
	get := func() (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
		if err != nil {
			return nil, err
		}
		return hc.Do(req)
	}
	// The sign-in form, then its POST.
	resp, err := get()
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var first string
	if resp.StatusCode == http.StatusFound { // a session from an earlier run
		resp.Body = io.NopCloser(bytes.NewReader(nil))
		if first, err = codeOf(resp); err != nil {
			return nil, err
		}
	} else {
		m, c := signinFormRe.FindSubmatch(page), csrfFieldRe.FindSubmatch(page)
		if resp.StatusCode != http.StatusOK || m == nil || c == nil {
			return nil, fmt.Errorf("authorize: no sign-in form (status %d)", resp.StatusCode)
		}
		action, err := url.Parse(html.UnescapeString(string(m[1])))
		if err != nil {
			return nil, err
		}
		form := url.Values{"_csrf": {html.UnescapeString(string(c[1]))}, "username": {fx.User}, "password": {fx.Passw}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, resp.Request.URL.ResolveReference(action).String(), strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header["Content-Type"] = formCT
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		if first, err = codeOf(resp); err != nil {
			return nil, fmt.Errorf("sign-in form: %w", err)
		}
	}
	out := make([]string, 0, n)
	out = append(out, first)
	var mu sync.Mutex
	var left atomic.Int64
	left.Store(int64(n - 1))
	errc := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				resp, err := get()
				if err == nil {
					var code string
					if code, err = codeOf(resp); err == nil {
						mu.Lock()
						out = append(out, code)
						mu.Unlock()
						continue
					}
				}
				errc <- err
				return
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	return out, nil
}
