package lambda

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"userpool/internal/function"
)

// Config declares a function served by a Lambda Invoke API endpoint.
type Config struct {
	// Name is the declared name (errors, logs).
	Name string
	// Endpoint is the Invoke API's base URL, e.g. http://127.0.0.1:3001
	// (sam local start-lambda), http://localhost:4566 (LocalStack).
	Endpoint string
	// FunctionName is the name the endpoint knows (default Name); a
	// Qualifier (version or alias) is sent as ?Qualifier=.
	FunctionName string
	Qualifier    string
	// Region and credentials sign the call (defaults: us-east-1 and the
	// key "test"/"test" local emulators accept).
	Region          string
	AccessKeyID     string
	SecretAccessKey function.Secret
	// Timeout per call (default function.DefaultTimeout).
	Timeout time.Duration
	// Client is the HTTP client (default: a new one).
	Client *http.Client
	// Now is the signing clock (tests; default time.Now).
	Now func() time.Time
}

// Client invokes one function. It is a function.Runner.
type Client struct {
	cfg    Config
	url    string
	signer *v4.Signer
}

// New checks cfg and returns its client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("function %s: endpoint %q is not an http(s) URL", cfg.Name, cfg.Endpoint)
	}
	if cfg.FunctionName == "" {
		cfg.FunctionName = cfg.Name
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccessKeyID == "" && len(cfg.SecretAccessKey) == 0 {
		cfg.AccessKeyID, cfg.SecretAccessKey = "test", function.Secret("test")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = function.DefaultTimeout
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	target := strings.TrimRight(cfg.Endpoint, "/") + "/2015-03-31/functions/" + url.PathEscape(cfg.FunctionName) + "/invocations"
	if cfg.Qualifier != "" {
		target += "?Qualifier=" + url.QueryEscape(cfg.Qualifier)
	}
	return &Client{cfg: cfg, url: target, signer: v4.NewSigner()}, nil
}

// Run invokes the function synchronously (RequestResponse) with event.
func (c *Client) Run(ctx context.Context, event []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	sum := sha256.Sum256(event)
	creds := aws.Credentials{AccessKeyID: c.cfg.AccessKeyID, SecretAccessKey: string(c.cfg.SecretAccessKey)}
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", c.cfg.Region, c.cfg.Now()); err != nil {
		return nil, fmt.Errorf("function %s: signing: %w", c.cfg.Name, err)
	}
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: function %s did not answer within %s", function.ErrTimeout, c.cfg.Name, c.cfg.Timeout)
		}
		return nil, fmt.Errorf("function %s: invoke: %w", c.cfg.Name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 6<<20+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: function %s did not answer within %s", function.ErrTimeout, c.cfg.Name, c.cfg.Timeout)
		}
		return nil, fmt.Errorf("function %s: reading the answer: %w", c.cfg.Name, err)
	}
	if len(body) > 6<<20 {
		return nil, fmt.Errorf("function %s: answer over 6 MB", c.cfg.Name)
	}
	if resp.StatusCode == http.StatusOK {
		if resp.Header.Get("X-Amz-Function-Error") != "" {
			return nil, functionError(body)
		}
		return body, nil
	}
	typ, msg := apiError(resp, body)
	err = fmt.Errorf("function %s: Lambda answered %d %s: %s", c.cfg.Name, resp.StatusCode, typ, msg)
	if resp.StatusCode == http.StatusNotFound || typ == "ResourceNotFoundException" {
		return nil, fmt.Errorf("%w: %w", function.ErrNotFound, err)
	}
	return nil, err
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.cfg.Client.CloseIdleConnections()
	return nil
}

// functionError reads the runtimes' error payload {"errorMessage", "errorType", ...}.
func functionError(body []byte) error {
	var p struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.ErrorMessage == "" && p.ErrorType == "" {
		return &function.FunctionError{Message: strings.TrimSpace(string(body))}
	}
	return &function.FunctionError{Message: p.ErrorMessage, Type: p.ErrorType}
}

// apiError reads an AWS REST error: the type from X-Amzn-ErrorType or the
// body's Type/__type, the message from message/Message.
func apiError(resp *http.Response, body []byte) (string, string) {
	var p struct {
		Type     string `json:"Type"`
		UType    string `json:"__type"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(body, &p)
	typ := resp.Header.Get("X-Amzn-ErrorType")
	if typ == "" {
		typ = p.UType
	}
	if typ == "" {
		typ = p.Type
	}
	if i := strings.IndexByte(typ, ':'); i >= 0 {
		typ = typ[:i]
	}
	msg := p.Message
	if msg == "" {
		msg = p.MessageU
	}
	if msg == "" {
		msg = strings.TrimSpace(string(body))
		if len(msg) > 512 {
			msg = msg[:512]
		}
	}
	return typ, msg
}
