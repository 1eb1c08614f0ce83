package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"userpool/internal/cognitoidp"
	"userpool/internal/reqctx"
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

// panickingAuth makes the real Cognito face panic in the middle of a call,
// after it has resolved the operation.
type panickingAuth struct{}

func (panickingAuth) Authenticate(context.Context, *cognitoidp.Request) (cognitoidp.Caller, error) {
	panic("boom in the face")
}

// The Cognito face has no recovery of its own: the server's answers its
// panic as AWS JSON 1.1 InternalErrorException, with the request id in
// the header, nothing of the panic in the answer, and the access log
// naming the operation and error type.
func TestCognitoFacePanicIsAWSJSONInternalError(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	cog := cognitoidp.New(nil, cognitoidp.Options{Authenticator: panickingAuth{}})
	h := Handler(Options{Cognito: cog, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"MaxResults":10}`))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500: %s", w.Code, w.Body.String())
	}
	if got, want := w.Body.String(), `{"__type":"InternalErrorException","message":"Internal server error."}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type %q", ct)
	}
	if et := w.Header().Get("x-amzn-ErrorType"); et != "InternalErrorException:" {
		t.Errorf("x-amzn-ErrorType %q", et)
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("the CORS headers set before the panic are lost")
	}
	id := w.Header().Get("x-amzn-RequestId")
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["msg"] == "request" {
			line = m
		}
	}
	if id == "" || line["request_id"] != id {
		t.Errorf("request id %q, access log %v", id, line)
	}
	if line["status"] != float64(500) || line["operation"] != "ListUserPools" || line["error_type"] != "InternalErrorException" {
		t.Errorf("access log line: %v", line)
	}
	if !strings.Contains(logs.String(), "boom in the face") {
		t.Error("the panic is not logged")
	}
}

// answeringFace answers its own panics, as a face with a protocol of its
// own does (Admin Queries).
type answeringFace struct{ http.HandlerFunc }

func (answeringFace) AnswerPanic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Answered-By", "face")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(`{"message":"face says ` + reqctx.RequestID(r.Context()) + `"}`))
}

func TestPanicAnswerIsTheFacesOwn(t *testing.T) {
	t.Parallel()
	boom := func(w http.ResponseWriter, r *http.Request) { panic("boom") }
	h := Handler(Options{
		AdminQueries: answeringFace{boom},
		WellKnown:    http.HandlerFunc(boom),
		Logger:       slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
	})
	cases := []struct {
		path, body, answeredBy string
	}{
		{"/adminqueries/us-east-1_abc/listUsers", `{"message":"face says `, "face"},
		// A face without its own answer gets the server's plain one.
		{"/us-east-1_abc/.well-known/jwks.json", `{"message":"Internal server error"}`, ""},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", c.path, nil))
		if w.Code != 500 || !strings.HasPrefix(w.Body.String(), c.body) || w.Header().Get("X-Answered-By") != c.answeredBy {
			t.Errorf("%s: %d %v %s", c.path, w.Code, w.Header(), w.Body.String())
		}
	}
}

// A panic after the face has started its answer cannot be answered again.
func TestPanicAfterWriteKeepsTheAnswer(t *testing.T) {
	t.Parallel()
	h := Handler(Options{
		Cognito: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			panic("late")
		}),
		Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	if w.Code != http.StatusAccepted || w.Body.Len() != 0 {
		t.Errorf("%d %q", w.Code, w.Body.String())
	}
}

type principalFace struct{}

func (principalFace) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqctx.SetOperation(r.Context(), "DescribeUserPool")
	reqctx.SetCaller(r.Context(), reqctx.Caller{Principal: "arn:aws:iam::123456789012:user/ops"})
	w.WriteHeader(http.StatusOK)
}

func TestAccessLogNamesTheCaller(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := Handler(Options{Cognito: principalFace{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil))
	for _, want := range []string{"operation=DescribeUserPool", "principal=arn:aws:iam::123456789012:user/ops"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("access log lacks %s: %s", want, logs.String())
		}
	}
}
