package cognitoidp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"userpool/internal/ratelimit"
)

// Every operation of the table has a Cognito quota category, so that the
// limiter never lets an operation through unmetered.
func TestEveryOperationHasAQuotaCategory(t *testing.T) {
	for _, op := range operations {
		if _, ok := ratelimit.CategoryOf(op.name); !ok {
			t.Errorf("%s has no quota category in internal/ratelimit (categoryOf)", op.name)
		}
	}
}

type recordingLimiter struct {
	allow bool
	calls []LimitCall
}

func (l *recordingLimiter) Allow(_ context.Context, c LimitCall) bool {
	l.calls = append(l.calls, c)
	return l.allow
}

func TestThrottledCallAnswersTooManyRequests(t *testing.T) {
	lim := &recordingLimiter{allow: false}
	// The limiter refuses before the domain is called: no service needed.
	h := New(nil, Options{Authenticator: AllowAll{}, Limiter: lim})
	body := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc123","AuthParameters":{"USERNAME":"Alice","PASSWORD":"x"}}`
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", TargetPrefix+".InitiateAuth")
	req.RemoteAddr = "192.0.2.9:4242"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", rec.Code)
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if e.Type != "TooManyRequestsException" || e.Message != "Rate exceeded" {
		t.Fatalf("answer %+v, want TooManyRequestsException: Rate exceeded", e)
	}
	if got := rec.Header().Get("x-amzn-ErrorType"); got != "TooManyRequestsException:" {
		t.Fatalf("x-amzn-ErrorType %q", got)
	}
	want := LimitCall{Operation: "InitiateAuth", Auth: AuthNone, RemoteAddr: "192.0.2.9:4242", ClientID: "abc123", Username: "Alice"}
	if len(lim.calls) != 1 || lim.calls[0] != want {
		t.Fatalf("limiter saw %+v, want [%+v]", lim.calls, want)
	}
}

func TestLimitCallOfChallengeResponse(t *testing.T) {
	in := &AdminRespondToAuthChallengeInput{UserPoolId: "us-east-1_abc", ClientId: "c", ChallengeName: "NEW_PASSWORD_REQUIRED",
		ChallengeResponses: map[string]string{"USERNAME": "bob"}}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	got := limitCall(r, "AdminRespondToAuthChallenge", operationsByName["AdminRespondToAuthChallenge"], "us-east-1_abc", in)
	if got.Username != "bob" || got.ChallengeName != "NEW_PASSWORD_REQUIRED" || got.PoolID != "us-east-1_abc" || got.Auth != AuthSigV4 {
		t.Fatalf("limitCall = %+v", got)
	}
}
