package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"userpool/internal/function"
	"userpool/internal/sigv4"
)

// invokeServer is a small Lambda Invoke API written for the tests: it
// verifies the SigV4 signature (service lambda) with the real verifier
// and runs Go funcs by name.
type invokeServer struct {
	t     *testing.T
	funcs map[string]func(event map[string]any) (any, error)
	seen  chan *http.Request
}

func (s *invokeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	v := sigv4.Verifier{Service: "lambda", Lookup: func(_ context.Context, akid string) (string, error) {
		if akid != "AKIDLAMBDA" {
			return "", sigv4.ErrUnknownAccessKey
		}
		return "lambda-secret", nil
	}}
	if _, err := v.Verify(r.Context(), r, body); err != nil {
		w.Header().Set("X-Amzn-ErrorType", "InvalidSignatureException")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message":%q}`, err.Error())
		return
	}
	select {
	case s.seen <- r:
	default:
	}
	const prefix, suffix = "/2015-03-31/functions/", "/invocations"
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, prefix) || !strings.HasSuffix(r.URL.Path, suffix) ||
		r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" {
		s.t.Errorf("unexpected request %s %s %v", r.Method, r.URL, r.Header)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, prefix), suffix)
	fn, ok := s.funcs[name]
	if !ok {
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:%s"}`, name)
		return
	}
	var event map[string]any
	_ = json.Unmarshal(body, &event)
	res, err := fn(event)
	if err != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		_ = json.NewEncoder(w).Encode(map[string]any{"errorType": "Error", "errorMessage": err.Error(), "trace": []string{}})
		return
	}
	_ = json.NewEncoder(w).Encode(res)
}

func TestInvokeAPI(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	s := &invokeServer{t: t, seen: make(chan *http.Request, 1), funcs: map[string]func(map[string]any) (any, error){
		"pre-sign-up": func(e map[string]any) (any, error) {
			e["response"] = map[string]any{"autoConfirmUser": true}
			return e, nil
		},
		"reject": func(map[string]any) (any, error) {
			return nil, errors.New("Registration from this domain is not allowed.")
		},
		"slow": func(map[string]any) (any, error) { <-release; return nil, nil },
	}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // before srv.Close, which waits for the handler
	client := func(name string, mod func(*Config)) *Client {
		cfg := Config{Name: name, Endpoint: srv.URL, AccessKeyID: "AKIDLAMBDA", SecretAccessKey: function.Secret("lambda-secret"), Timeout: 20 * time.Second}
		if mod != nil {
			mod(&cfg)
		}
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}

	out, err := client("pre-sign-up", nil).Run(context.Background(), []byte(`{"triggerSource":"PreSignUp_SignUp","response":{}}`))
	if err != nil || !strings.Contains(string(out), `"autoConfirmUser":true`) || !strings.Contains(string(out), `"triggerSource":"PreSignUp_SignUp"`) {
		t.Errorf("result %s, %v", out, err)
	}
	r := <-s.seen
	if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "/us-east-1/lambda/aws4_request") {
		t.Errorf("Authorization %q is not scoped to lambda", auth)
	}

	_, err = client("reject", nil).Run(context.Background(), []byte(`{}`))
	var fe *function.FunctionError
	if !errors.As(err, &fe) || fe.Message != "Registration from this domain is not allowed." || fe.Type != "Error" {
		t.Errorf("function error: %v", err)
	}

	// a declared name mapped to another remote name
	if _, err := client("local-name", func(c *Config) { c.FunctionName = "pre-sign-up" }).Run(context.Background(), []byte(`{}`)); err != nil {
		t.Errorf("FunctionName: %v", err)
	}

	_, err = client("missing", nil).Run(context.Background(), []byte(`{}`))
	if !errors.Is(err, function.ErrNotFound) || errors.As(err, &fe) {
		t.Errorf("unknown function: %v", err)
	}

	_, err = client("pre-sign-up", func(c *Config) { c.SecretAccessKey = function.Secret("wrong") }).Run(context.Background(), []byte(`{}`))
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "InvalidSignatureException") {
		t.Errorf("bad signature: %v", err)
	}

	_, err = client("slow", func(c *Config) { c.Timeout = 200 * time.Millisecond }).Run(context.Background(), []byte(`{}`))
	if !errors.Is(err, function.ErrTimeout) {
		t.Errorf("slow function: %v, want ErrTimeout", err)
	}
}

func TestNewRefusesBadEndpoints(t *testing.T) {
	for _, e := range []string{"", "localhost:3001", "ftp://x", "http://"} {
		if _, err := New(Config{Name: "f", Endpoint: e}); err == nil {
			t.Errorf("endpoint %q accepted", e)
		}
	}
}
