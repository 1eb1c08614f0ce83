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

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"userpool/internal/awsjson"
	"userpool/internal/metrics"
	"userpool/internal/reqctx"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)) }

func TestReadyz(t *testing.T) {
	storeErr := errors.New("disk full: /var/lib/userpool/userpool.db")
	var keysErr error
	h := Handler(Options{
		Logger: quietLog(),
		Readiness: []ReadinessCheck{
			{Name: "store-writable", Check: func(context.Context) error { return storeErr }},
			{Name: "signing-keys", Check: func(context.Context) error { return keysErr }},
		},
	})
	get := func() (int, map[string]string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		var body map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("body %q: %v", w.Body.String(), err)
		}
		return w.Code, body
	}
	tests := []struct {
		store, keys error
		status      int
		failed      string
	}{
		{storeErr, nil, 503, "store-writable"},
		{nil, errors.New("sealed with another master key"), 503, "signing-keys"},
		{nil, nil, 200, ""},
	}
	for _, tc := range tests {
		storeErr, keysErr = tc.store, tc.keys
		code, body := get()
		if code != tc.status || body["failed"] != tc.failed {
			t.Errorf("store %v keys %v: %d %v, want %d failed=%q", tc.store, tc.keys, code, body, tc.status, tc.failed)
		}
		if strings.Contains(body["failed"], "/var/lib") {
			t.Error("the check's error reached the answer")
		}
	}
	// /healthz (liveness) does not run the readiness checks.
	storeErr = errors.New("down")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != 200 {
		t.Errorf("/healthz answered %d while only readiness fails", w.Code)
	}
}

// fakeCognito answers like the Cognito face: it records the operation and,
// for failures, the error type, and writes the AWS JSON envelope.
func fakeCognito(w http.ResponseWriter, r *http.Request) {
	op, _ := awsjson.ParseTarget(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService")
	reqctx.SetOperation(r.Context(), op)
	var e *awsjson.Error
	switch r.URL.Query().Get("answer") {
	case "locked":
		e = &awsjson.Error{Type: "NotAuthorizedException", Message: "Password attempts exceeded", Status: 400}
	case "wrong":
		e = &awsjson.Error{Type: "NotAuthorizedException", Message: "Incorrect username or password.", Status: 400}
	case "throttled":
		e = &awsjson.Error{Type: "TooManyRequestsException", Message: "Rate exceeded", Status: 400}
	}
	if e != nil {
		reqctx.SetErrorType(r.Context(), e.Type)
		awsjson.WriteError(w, "rid", e)
		return
	}
	awsjson.WriteJSON(w, "rid", nil)
}

func scrape(t *testing.T, h http.Handler, path string) map[string]float64 {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	if w.Code != 200 {
		t.Fatalf("GET %s: %d", path, w.Code)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatalf("parsing the exposition: %v", err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			key := name
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case m.GetCounter() != nil:
				out[key] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				out[key] = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				out[key+",count"] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

func TestMetricsScrapedAndMoving(t *testing.T) {
	m := metrics.New([]string{"InitiateAuth", "AdminGetUser"})
	depth := 3
	m.GaugeFunc("audit_queue_depth", "Audit events waiting.", func() float64 { return float64(depth) })
	h := Handler(Options{
		Cognito: http.HandlerFunc(fakeCognito),
		Metrics: m.Handler(),
		Observe: func(ri RequestInfo) {
			m.ObserveRequest(metrics.Request{Operation: ri.Operation, ErrorType: ri.ErrorType, ErrorMessage: ri.ErrorMessage, Duration: ri.Duration})
		},
		Logger: quietLog(),
	})
	call := func(op, answer string) {
		r := httptest.NewRequest("POST", "/?answer="+answer, strings.NewReader("{}"))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	before := scrape(t, h, "/metrics")
	if _, ok := before["go_goroutines"]; !ok {
		t.Error("no Go collector series")
	}
	if _, ok := before["process_start_time_seconds"]; !ok {
		t.Error("no process collector series")
	}
	call("InitiateAuth", "")
	call("InitiateAuth", "wrong")
	call("InitiateAuth", "locked")
	call("InitiateAuth", "locked")
	call("AdminGetUser", "throttled")
	call("NoSuchOperationMadeUpByAClient", "")
	m.Throttled("AdminGetUser", "category")
	after := scrape(t, h, "/metrics")
	for key, want := range map[string]float64{
		"userpool_requests_total,operation=InitiateAuth,outcome=ok":                       1,
		"userpool_requests_total,operation=InitiateAuth,outcome=NotAuthorizedException":   3,
		"userpool_requests_total,operation=AdminGetUser,outcome=TooManyRequestsException": 1,
		"userpool_requests_total,operation=other,outcome=ok":                              1,
		"userpool_request_duration_seconds,operation=InitiateAuth,count":                  4,
		"userpool_sign_ins_total,result=ok":                                               1,
		"userpool_sign_ins_total,result=NotAuthorizedException":                           3,
		"userpool_sign_in_lockouts_total":                                                 2,
		"userpool_throttled_requests_total,limit=category,operation=AdminGetUser":         1,
	} {
		if got := after[key] - before[key]; got != want {
			t.Errorf("%s moved by %v, want %v", key, got, want)
		}
	}
	if after["userpool_audit_queue_depth"] != 3 {
		t.Errorf("audit queue depth %v, want 3", after["userpool_audit_queue_depth"])
	}
	for key := range after {
		if strings.Contains(key, "NoSuchOperation") {
			t.Errorf("a client-chosen operation name became a label: %s", key)
		}
	}
}

func TestAccessLogLevelAndSampling(t *testing.T) {
	seq := []float64{0.005, 0.5, 0.9, 0.001}
	next := func() float64 { v := seq[0]; seq = append(seq[1:], v); return v }
	tests := []struct {
		name   string
		access AccessLog
		answer string
		n      int
		want   int // lines at INFO or above
	}{
		{"default: every request", AccessLog{}, "", 4, 4},
		{"off: successes not logged", AccessLog{Off: true}, "", 4, 0},
		{"off: errors still logged", AccessLog{Off: true}, "wrong", 4, 4},
		{"debug: successes below info", AccessLog{Level: slog.LevelDebug}, "", 4, 0},
		{"debug: errors at info", AccessLog{Level: slog.LevelDebug}, "wrong", 2, 2},
		{"sample 1%", AccessLog{Sample: 0.01, Rand: next}, "", 4, 2},
		{"sample: errors all", AccessLog{Sample: 0.01, Rand: next}, "wrong", 4, 4},
		{"throttled: 1% by default", AccessLog{Rand: next}, "throttled", 4, 2},
		{"throttled: even with the log off", AccessLog{Off: true, ThrottledSample: 0.5, Rand: next}, "throttled", 4, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq = []float64{0.005, 0.5, 0.9, 0.001}
			var logs bytes.Buffer
			h := Handler(Options{
				Cognito:   http.HandlerFunc(fakeCognito),
				AccessLog: tc.access,
				Logger:    slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
			})
			for range tc.n {
				r := httptest.NewRequest("POST", "/?answer="+tc.answer, strings.NewReader("{}"))
				r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
			if got := strings.Count(logs.String(), "msg=request "); got != tc.want {
				t.Errorf("%d access-log lines, want %d:\n%s", got, tc.want, logs.String())
			}
		})
	}
}
