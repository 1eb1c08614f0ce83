package audit

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"userpool/internal/awsjson"
	"userpool/internal/cognitoidp"
	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

type memWriter struct {
	events []store.AuditEvent
	err    error
}

func (m *memWriter) AppendAudit(ctx context.Context, e store.AuditEvent) (int64, error) {
	if m.err != nil {
		return 0, m.err
	}
	m.events = append(m.events, e)
	return int64(len(m.events)), nil
}

func TestOutcome(t *testing.T) {
	denied := &iam.DeniedError{Message: "User: x is not authorized"}
	tests := []struct {
		err           error
		outcome, want string
	}{
		{nil, "allowed", ""},
		{denied, "denied", "User: x is not authorized"},
		{&cognitoidp.AuthError{Wire: &awsjson.Error{Type: "AccessDeniedException"}, Err: denied}, "denied", "User: x is not authorized"},
		{&sigv4.Error{Code: sigv4.CodeInvalidSignature, Message: "mismatch"}, "denied", "InvalidSignatureException: mismatch"},
		{userpool.Errorf(userpool.KindUserNotFound, "User does not exist."), "error:UserNotFoundException", ""},
		{&awsjson.Error{Type: "SerializationException"}, "error:SerializationException", ""},
		{errors.New("disk on fire"), "error:InternalErrorException", ""},
	}
	for _, tc := range tests {
		o, d := Outcome(tc.err)
		if o != tc.outcome || d != tc.want {
			t.Errorf("Outcome(%v) = %q, %q; want %q, %q", tc.err, o, d, tc.outcome, tc.want)
		}
	}
}

func TestRecord(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))
	w := &memWriter{}
	r := New(w, nil, func() time.Time { return at })
	hr, _ := http.NewRequest(http.MethodPost, "/", nil)
	hr.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE0000000/20240501/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00")
	req := &cognitoidp.Request{HTTP: hr, Operation: "AdminAddUserToGroup", PoolID: "us-east-1_AbCdEfGhI", RequestID: "rid-1"}

	r.Record(context.Background(), req, cognitoidp.Caller{Principal: "fn"}, "alice", nil)
	r.Record(context.Background(), req, cognitoidp.Caller{}, "alice", &sigv4.Error{Code: sigv4.CodeUnrecognizedClient, Message: "invalid"})
	hr.Header.Set("Authorization", "Credential=AKIA'; DROP TABLE/x")
	r.Record(context.Background(), req, cognitoidp.Caller{}, strings.Repeat("t", 1000), &sigv4.Error{Code: sigv4.CodeIncompleteSignature})

	want := []store.AuditEvent{
		{Time: at.UTC(), ActorType: "principal", Actor: "fn", Action: "cognito-idp:AdminAddUserToGroup", PoolID: "us-east-1_AbCdEfGhI", Target: "alice", Outcome: "allowed", RequestID: "rid-1"},
		{Time: at.UTC(), ActorType: "access-key", Actor: "AKIAEXAMPLE0000000", Action: "cognito-idp:AdminAddUserToGroup", PoolID: "us-east-1_AbCdEfGhI", Target: "alice", Outcome: "denied", RequestID: "rid-1", Detail: "UnrecognizedClientException: invalid"},
	}
	if len(w.events) != 3 {
		t.Fatalf("%d events", len(w.events))
	}
	for i, e := range want {
		if w.events[i] != e {
			t.Errorf("event %d = %+v\nwant %+v", i, w.events[i], e)
		}
	}
	if e := w.events[2]; e.Actor != "" || len(e.Target) != maxField {
		t.Errorf("hostile input not neutralised: actor %q, target length %d", e.Actor, len(e.Target))
	}
}

func TestRecordFailureIsLoggedNotFatal(t *testing.T) {
	var logs bytes.Buffer
	w := &memWriter{err: errors.New("database is locked")}
	r := New(w, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	r.Record(context.Background(), &cognitoidp.Request{Operation: "CreateGroup", RequestID: "rid-2"}, cognitoidp.Caller{Principal: "fn"}, "g", nil)
	if !strings.Contains(logs.String(), "audit: recording failed") || !strings.Contains(logs.String(), "rid-2") {
		t.Fatalf("log: %s", logs.String())
	}
}
