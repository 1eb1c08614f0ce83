package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"userpool/internal/function"
)

const secret = "whsec-0123456789abcdef"

func TestWebhook(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := Verify([]byte(secret), r.Header.Get(SignatureHeader), body, now, 5*time.Minute); err != nil {
			http.Error(w, `{"message":"bad signature"}`, http.StatusUnauthorized)
			return
		}
		switch r.Header.Get(FunctionHeader) {
		case "echo":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		case "reject-json":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"errorMessage":"Registration from this domain is not allowed."}`)
		case "reject-text":
			http.Error(w, "no way", http.StatusForbidden)
		case "slow":
			<-release
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // before srv.Close, which waits for the handler
	client := func(name, key string, timeout time.Duration) *Client {
		c, err := New(Config{Name: name, URL: srv.URL, Secret: function.Secret(key), Timeout: timeout, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	out, err := client("echo", secret, 20*time.Second).Run(context.Background(), []byte(`{"a":1}`))
	if err != nil || string(out) != `{"a":1}` {
		t.Errorf("echo: %s, %v", out, err)
	}
	for _, tc := range []struct{ name, key, msg string }{
		{"reject-json", secret, "Registration from this domain is not allowed."},
		{"reject-text", secret, "no way"},
		{"echo", "another-secret-0123456789", "bad signature"},
	} {
		_, err := client(tc.name, tc.key, 20*time.Second).Run(context.Background(), []byte(`{}`))
		var fe *function.FunctionError
		if !errors.As(err, &fe) || fe.Message != tc.msg {
			t.Errorf("%s: %v, want FunctionError %q", tc.name, err, tc.msg)
		}
	}
	_, err = client("slow", secret, 200*time.Millisecond).Run(context.Background(), []byte(`{}`))
	if !errors.Is(err, function.ErrTimeout) {
		t.Errorf("slow: %v, want ErrTimeout", err)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"x":1}`)
	good := Sign([]byte(secret), now, body)
	if !strings.HasPrefix(good, "t=1800000000,v1=") {
		t.Fatalf("header %q", good)
	}
	for _, tc := range []struct {
		name   string
		header string
		body   []byte
		now    time.Time
		ok     bool
	}{
		{"good", good, body, now, true},
		{"two signatures, one good", good + ",v1=00ff", body, now, true},
		{"other body", good, []byte(`{"x":2}`), now, false},
		{"stale", good, body, now.Add(6 * time.Minute), false},
		{"future", good, body, now.Add(-6 * time.Minute), false},
		{"no v1", "t=1800000000", body, now, false},
		{"garbage", "nonsense", body, now, false},
		{"other key", Sign([]byte("another-secret-0123456789"), now, body), body, now, false},
	} {
		err := Verify([]byte(secret), tc.header, tc.body, tc.now, 5*time.Minute)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestNewChecks(t *testing.T) {
	if _, err := New(Config{Name: "f", URL: "http://x", Secret: function.Secret("short")}); err == nil {
		t.Error("short secret accepted")
	}
	if _, err := New(Config{Name: "f", URL: "x", Secret: function.Secret(secret)}); err == nil {
		t.Error("bad URL accepted")
	}
}
