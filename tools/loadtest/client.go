package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const targetPrefix = "AWSCognitoIdentityProviderService."

// Client speaks the Cognito JSON 1.1 protocol (POST / with X-Amz-Target) and
// the Admin Queries REST routes. Signed calls use SigV4 when credentials are
// set. Everything that does not depend on the request (URL, header slices,
// the signer and its derived-key cache) is prepared once so the client stays
// cheap next to the server it measures.
type Client struct {
	base    *url.URL
	host    string
	http    *http.Client
	signer  *v4.Signer
	creds   *aws.Credentials
	region  string
	targets map[string][]string
	ct      []string
}

// APIError is a non-2xx answer.
type APIError struct {
	Status  int
	Type    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Message)
}

// errType is the short label used in error counts.
func errType(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		if ae.Type != "" {
			return ae.Type
		}
		return fmt.Sprintf("HTTP%d", ae.Status)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return "net"
	}
	s := err.Error()
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// checkLoopback refuses endpoints that are not on this machine: the tool
// sends load only to 127.0.0.1 / ::1.
func checkLoopback(u *url.URL) error {
	h := u.Hostname()
	if h == "localhost" {
		return nil
	}
	ip := net.ParseIP(h)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("endpoint %q is not a loopback address; this tool only sends load to 127.0.0.1", u.Host)
	}
	return nil
}

// NewClient returns a client for endpoint (http://127.0.0.1:PORT). conns is
// the number of keep-alive connections to allow (the concurrency).
func NewClient(endpoint, region, accessKey, secretKey string, conns int) (*Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	if err := checkLoopback(u); err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		MaxConnsPerHost:     0,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}
	c := &Client{
		base:    u,
		host:    u.Host,
		http:    &http.Client{Transport: tr, Timeout: 60 * time.Second},
		region:  region,
		targets: map[string][]string{},
		ct:      []string{"application/x-amz-json-1.1"},
	}
	if accessKey != "" {
		c.creds = &aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey, Source: "loadtest"}
		c.signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	}
	for _, op := range allTargets {
		c.targets[op] = []string{targetPrefix + op}
	}
	return c, nil
}

// allTargets are the operations whose X-Amz-Target headers are prepared up front.
var allTargets = []string{
	"CreateUserPool", "DescribeUserPool", "ListUserPools", "CreateUserPoolClient", "ListUserPoolClients",
	"CreateGroup", "AdminCreateUser", "AdminGetUser", "AdminSetUserPassword", "AdminAddUserToGroup",
	"AdminRemoveUserFromGroup", "AdminListGroupsForUser", "ListUsersInGroup", "ListUsers",
	"InitiateAuth", "RespondToAuthChallenge", "GetUser", "AdminDeleteUser", "DeleteUserPool",
}

// TrustRoots makes the client verify HTTPS servers against roots (a
// self-signed server certificate) instead of the system's.
func (c *Client) TrustRoots(roots *x509.CertPool) {
	if tr, ok := c.http.Transport.(*http.Transport); ok {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
}

// Signed reports whether the client signs admin calls.
func (c *Client) Signed() bool { return c.creds != nil }

// Call sends one operation. in is marshalled to JSON; out (may be nil) receives
// the decoded answer. signed selects SigV4 (admin operations) or anonymous.
func (c *Client) Call(ctx context.Context, op string, in, out any, signed bool) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return c.CallRaw(ctx, op, body, out, signed)
}

// CallRaw is Call with a pre-encoded body.
func (c *Client) CallRaw(ctx context.Context, op string, body []byte, out any, signed bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	tgt := c.targets[op]
	if tgt == nil {
		tgt = []string{targetPrefix + op}
	}
	req.Header["Content-Type"] = c.ct
	req.Header["X-Amz-Target"] = tgt
	if signed && c.creds != nil {
		sum := sha256.Sum256(body)
		if err := c.signer.SignHTTP(ctx, *c.creds, req, hex.EncodeToString(sum[:]), "cognito-idp", c.region, time.Now()); err != nil {
			return err
		}
	}
	return c.do(req, out)
}

// Get sends a GET to path (Admin Queries) with extra headers.
func (c *Client) Get(ctx context.Context, path string, hdr map[string]string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base.String()+path, nil)
	if err != nil {
		return err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return c.do(req, out)
}

func (c *Client) do(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		ae := &APIError{Status: resp.StatusCode}
		var env struct {
			Type     string `json:"__type"`
			Message  string `json:"message"`
			Message2 string `json:"Message"`
		}
		if json.Unmarshal(b, &env) == nil {
			ae.Type = env.Type
			ae.Message = env.Message + env.Message2
		}
		if ae.Type == "" {
			ae.Type = resp.Header.Get("X-Amzn-Errortype")
		}
		if i := strings.LastIndexByte(ae.Type, '#'); i >= 0 {
			ae.Type = ae.Type[i+1:]
		}
		if i := strings.IndexByte(ae.Type, ':'); i >= 0 {
			ae.Type = ae.Type[:i]
		}
		if ae.Message == "" && len(b) < 300 {
			ae.Message = string(b)
		}
		return ae
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

// CloseIdle drops keep-alive connections.
func (c *Client) CloseIdle() { c.http.CloseIdleConnections() }
