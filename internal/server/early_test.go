package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"userpool/internal/awsjson"
	"userpool/internal/ratelimit"
)

// bodyWatch records whether the handler read the request body.
type bodyWatch struct {
	io.Reader
	read bool
}

func (b *bodyWatch) Read(p []byte) (int, error) { b.read = true; return b.Reader.Read(p) }

func TestEarlySourceLimit(t *testing.T) {
	allowed := map[string]bool{"192.0.2.1:1000": true}
	var refused []string
	var marked []bool
	cognito := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		marked = append(marked, ratelimit.SourceChecked(r.Context()))
		awsjson.WriteJSON(w, "id", map[string]string{})
	})
	h := Handler(Options{
		Logger:  quietLog(),
		Cognito: cognito,
		SourceLimit: func(addr, op string) bool {
			if !allowed[addr] {
				refused = append(refused, op)
			}
			return allowed[addr]
		},
	})
	call := func(addr, target, auth string) (*httptest.ResponseRecorder, *bodyWatch) {
		body := &bodyWatch{Reader: strings.NewReader(`{"ClientId":"c"}`)}
		r := httptest.NewRequest(http.MethodPost, "/", body)
		r.RemoteAddr = addr
		r.Header.Set("X-Amz-Target", target)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w, body
	}

	// Refused: Cognito's answer, the same as the face's own refusal,
	// without the body being read.
	w, body := call("192.0.2.9:1000", "AWSCognitoIdentityProviderService.InitiateAuth", "")
	want := httptest.NewRecorder()
	awsjson.WriteError(want, "", &awsjson.Error{Type: "TooManyRequestsException", Message: "Rate exceeded", Status: 400})
	if w.Code != 400 || w.Body.String() != want.Body.String() {
		t.Fatalf("refusal: %d %q, want 400 %q", w.Code, w.Body.String(), want.Body.String())
	}
	for _, k := range []string{"Content-Type", "X-Amzn-Errortype", "X-Amzn-Errormessage", "Content-Length"} {
		if got := w.Header().Get(k); got != want.Header().Get(k) {
			t.Errorf("header %s = %q, want %q", k, got, want.Header().Get(k))
		}
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("refusal without CORS")
	}
	if body.read {
		t.Error("refused request's body was read")
	}
	if len(refused) != 1 || refused[0] != "InitiateAuth" || len(marked) != 0 {
		t.Fatalf("refused %v, face called %d times", refused, len(marked))
	}

	// Allowed, signed, other services: served; only the first is marked.
	cases := []struct {
		name, addr, target, auth string
		mark                     bool
	}{
		{"allowed source", "192.0.2.1:1000", "AWSCognitoIdentityProviderService.InitiateAuth", "", true},
		{"signed call", "192.0.2.9:1000", "AWSCognitoIdentityProviderService.AdminGetUser", "AWS4-HMAC-SHA256 Credential=x", false},
		{"other target", "192.0.2.9:1000", "Foo.Bar", "", false},
	}
	for _, c := range cases {
		marked = nil
		w, _ := call(c.addr, c.target, c.auth)
		if c.target == "Foo.Bar" {
			if len(marked) != 1 || marked[0] {
				t.Errorf("%s: marked %v", c.name, marked)
			}
			continue
		}
		if w.Code != 200 || len(marked) != 1 || marked[0] != c.mark {
			t.Errorf("%s: %d, marked %v (want %v)", c.name, w.Code, marked, c.mark)
		}
	}
}

// A refusal is held back for the configured delay while a slot is free;
// with every slot taken, the next refusal is answered at once; allowed and
// signed calls are never held.
func TestRefusalHold(t *testing.T) {
	var mu sync.Mutex
	var slept []time.Duration
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	var held atomic.Int64
	h := Handler(Options{
		Logger: quietLog(),
		Cognito: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			awsjson.WriteJSON(w, "id", map[string]string{})
		}),
		SourceLimit: func(addr, op string) bool { return addr == "192.0.2.1:1000" },
		RefusalHold: RefusalHold{Delay: 250 * time.Millisecond, Max: 2, Held: &held, Rand: func(n int64) int64 {
			if n != int64(250*time.Millisecond) {
				t.Errorf("jitter drawn from [0, %d), want [0, 250ms)", n)
			}
			return n / 5
		}, Sleep: func(ctx context.Context, d time.Duration) {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			entered <- struct{}{}
			<-release
		}},
	})
	call := func(addr, auth string) int {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
		r.RemoteAddr = addr
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	// Two refusals take the two slots and wait in Sleep.
	codes := make(chan int, 2)
	for range 2 {
		go func() { codes <- call("192.0.2.9:1000", "") }()
	}
	<-entered
	<-entered
	if n := held.Load(); n != 2 {
		t.Fatalf("held gauge %d while two refusals wait, want 2", n)
	}
	// The third finds no slot: answered at once, not held.
	if c := call("192.0.2.9:1000", ""); c != 400 {
		t.Fatalf("unheld refusal: %d", c)
	}
	// Allowed and signed calls pass without a hold.
	if c := call("192.0.2.1:1000", ""); c != 200 {
		t.Fatalf("allowed call: %d", c)
	}
	if c := call("192.0.2.9:1000", "AWS4-HMAC-SHA256 Credential=x"); c != 200 {
		t.Fatalf("signed call: %d", c)
	}
	close(release)
	for range 2 {
		if c := <-codes; c != 400 {
			t.Fatalf("held refusal answered %d", c)
		}
	}
	mu.Lock()
	if n := held.Load(); n != 0 {
		t.Fatalf("held gauge %d after the holds ended, want 0", n)
	}
	// Each hold is Delay/2 plus the drawn jitter: 125ms + 50ms.
	if len(slept) != 2 || slept[0] != 175*time.Millisecond || slept[1] != 175*time.Millisecond {
		t.Fatalf("held %v, want two holds of 175ms", slept)
	}
	mu.Unlock()
	// The slots were given back: the next refusal is held again.
	if c := call("192.0.2.9:1000", ""); c != 400 {
		t.Fatalf("refusal: %d", c)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(slept) != 3 {
		t.Fatalf("%d holds, want 3: the slots were not given back", len(slept))
	}
}
