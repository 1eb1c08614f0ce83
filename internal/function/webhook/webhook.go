package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"userpool/internal/function"
)

// Header names.
const (
	SignatureHeader = "X-Userpool-Signature"
	FunctionHeader  = "X-Userpool-Function"
)

// Config declares a function served by a webhook.
type Config struct {
	Name string
	// URL receives the POST.
	URL string
	// Secret keys the HMAC (required).
	Secret function.Secret
	// Timeout per call (default function.DefaultTimeout).
	Timeout time.Duration
	// Client is the HTTP client (default: a new one).
	Client *http.Client
	// Now stamps the signature (tests; default time.Now).
	Now func() time.Time
}

// Client calls one webhook. It is a function.Runner.
type Client struct{ cfg Config }

// New checks cfg.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("function %s: url %q is not an http(s) URL", cfg.Name, cfg.URL)
	}
	if len(cfg.Secret) < 16 {
		return nil, fmt.Errorf("function %s: the webhook secret must be at least 16 bytes", cfg.Name)
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
	return &Client{cfg: cfg}, nil
}

// Sign returns the signature header value for body at time t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// ErrBadSignature is Verify's answer to a missing, malformed, wrong or
// stale signature.
var ErrBadSignature = errors.New("webhook: bad signature")

// Verify checks header (the X-Userpool-Signature value) against body: a v1
// signature under secret (compared in constant time) stamped within
// tolerance of now.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrBadSignature
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil {
				return ErrBadSignature
			}
			sigs = append(sigs, b)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp outside %s", ErrBadSignature, tolerance)
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return ErrBadSignature
}

// Run POSTs event and returns the answer.
func (c *Client) Run(ctx context.Context, event []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(FunctionHeader, c.cfg.Name)
	req.Header.Set(SignatureHeader, Sign(c.cfg.Secret, c.cfg.Now(), event))
	resp, err := c.cfg.Client.Do(req)
	if err == nil {
		defer resp.Body.Close()
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, 6<<20+1))
		if err == nil {
			if len(body) > 6<<20 {
				return nil, fmt.Errorf("function %s: answer over 6 MB", c.cfg.Name)
			}
			if resp.StatusCode/100 == 2 {
				return body, nil
			}
			return nil, &function.FunctionError{Message: message(resp.StatusCode, body)}
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: function %s did not answer within %s", function.ErrTimeout, c.cfg.Name, c.cfg.Timeout)
	}
	return nil, fmt.Errorf("function %s: webhook: %w", c.cfg.Name, err)
}

// message is an error answer's message: errorMessage or message of a JSON
// body, else its text (bounded), else the status text.
func message(status int, body []byte) string {
	var p struct {
		ErrorMessage string `json:"errorMessage"`
		Message      string `json:"message"`
	}
	if json.Unmarshal(body, &p) == nil {
		if p.ErrorMessage != "" {
			return p.ErrorMessage
		}
		if p.Message != "" {
			return p.Message
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 512 {
		s = s[:512]
	}
	if s == "" || strings.HasPrefix(s, "{") {
		return fmt.Sprintf("%d %s", status, http.StatusText(status))
	}
	return s
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.cfg.Client.CloseIdleConnections()
	return nil
}
