package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
