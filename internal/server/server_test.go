package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func tagged(tag string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(tag)) })
}

func TestRoutingAndMiddleware(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	healthy := true
	h := Handler(Options{
		Cognito:      tagged("cognito"),
		WellKnown:    tagged("wellknown"),
		AdminQueries: tagged("adminqueries"),
		Health: func(context.Context) error {
			if healthy {
				return nil
			}
			return errors.New("db down")
		},
		Logger: log,
	})
	cases := []struct {
		method, path, want string
		status             int
	}{
		{"POST", "/", "cognito", 200},
		{"GET", "/us-east-1_abc/.well-known/jwks.json", "wellknown", 200},
		{"GET", "/adminqueries/us-east-1_abc/listUsers", "adminqueries", 200},
		{"GET", "/adminqueries/.well-known/jwks.json", "adminqueries", 200},
		{"POST", "/adminqueries/us-east-1_abc/addUserToGroup", "adminqueries", 200},
		{"GET", "/healthz", `{"status":"ok"}`, 200},
		{"GET", "/nothing", "", 404},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, strings.NewReader(`{"Password":"hunter2"}`)))
		if w.Code != c.status || (c.want != "" && w.Body.String() != c.want) {
			t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, w.Code, w.Body.String(), c.status, c.want)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("OPTIONS", "/", nil))
	if w.Code != 200 || !strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "x-amz-target") {
		t.Errorf("preflight: %d %v", w.Code, w.Header())
	}
	healthy = false
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != 503 {
		t.Errorf("unhealthy: %d", w.Code)
	}
	if strings.Contains(logs.String(), "hunter2") {
		t.Fatal("a request body reached the log")
	}
	if n := strings.Count(logs.String(), "msg=request "); n != len(cases)+2 {
		t.Errorf("want one access-log line per request (%d), got %d:\n%s", len(cases)+2, n, logs.String())
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	h := Handler(Options{
		Cognito: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }),
		Logger:  slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"__type":"InternalErrorException"`) || strings.Contains(w.Body.String(), "boom") {
		t.Fatalf("panic answer: %d %s", w.Code, w.Body.String())
	}
}
