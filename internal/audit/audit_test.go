package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"userpool/internal/awsjson"
	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/userpool"
)

// memWriter stores batches in memory.
type memWriter struct {
	mu      sync.Mutex
	events  []userpool.AuditEvent
	batches int
	err     error
}

func (m *memWriter) AppendAudit(ctx context.Context, es []userpool.AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.batches++
	m.events = append(m.events, es...)
	return nil
}

func (m *memWriter) all() []userpool.AuditEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]userpool.AuditEvent(nil), m.events...)
}

// wrapped is an error that wraps another, as a face's wire error does.
type wrapped struct{ err error }

func (w wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

func TestOutcome(t *testing.T) {
	t.Parallel()
	denied := &iam.DeniedError{Message: "User: x is not authorized"}
	tests := []struct {
		err           error
		outcome, want string
	}{
		{nil, "allowed", ""},
		{denied, "denied", "User: x is not authorized"},
		{wrapped{denied}, "denied", "User: x is not authorized"},
		{&sigv4.Error{Code: sigv4.CodeInvalidSignature, Message: "mismatch"}, "denied", "InvalidSignatureException: mismatch"},
		{&awsjson.Error{Type: "AccessDeniedException", Message: "no"}, "denied", "no"},
		{userpool.Errorf(userpool.KindUserNotFound, "User does not exist."), "error:UserNotFoundException", ""},
		{&awsjson.Error{Type: "SerializationException"}, "error:SerializationException", ""},
		{errors.New("disk on fire"), "error:InternalErrorException", ""},
	}
	for _, tc := range tests {
		o, d := Outcome(tc.err)
		if o != tc.outcome || d != tc.want {
			t.Errorf("Outcome(%v) = %q, %q; want %q, %q", tc.err, o, d, tc.outcome, tc.want)
		}
		if !ValidOutcome(o) {
			t.Errorf("Outcome(%v) = %q, which ValidOutcome refuses", tc.err, o)
		}
	}
}

func TestParseOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"allowed", "allowed"},
		{"Denied", "denied"},
		{" allowed ", "allowed"},
		{"error:UserNotFoundException", "error:UserNotFoundException"},
		{"ERROR:UserNotFoundException", "error:UserNotFoundException"},
		{"error: UserNotFoundException", "error:UserNotFoundException"}, // the old spelling
		{"weird", ""},
		{"", ""},
		{"error:", ""},
		{"error: ", ""},
		{"error:User NotFound", ""},
		{"error:%", ""},
		{"allowed2", ""},
	}
	for _, tc := range tests {
		got, err := ParseOutcome(tc.in)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("ParseOutcome(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "allowed, denied or error:<ErrorType>") {
			t.Errorf("ParseOutcome(%q): unclear error %q", tc.in, err)
		}
		if tc.want != "" && !ValidOutcome(got) {
			t.Errorf("ParseOutcome(%q) = %q, which ValidOutcome refuses", tc.in, got)
		}
	}
	for _, s := range []string{"error: UserNotFoundException", "Allowed", "error:", "weird"} {
		if ValidOutcome(s) {
			t.Errorf("ValidOutcome(%q) = true; not a stored spelling", s)
		}
	}
	if got := ErrorOutcome("UserNotFoundException"); got != "error:UserNotFoundException" {
		t.Errorf("ErrorOutcome = %q", got)
	}
}

func TestClaimedKeyID(t *testing.T) {
	t.Parallel()
	tests := []struct{ header, want string }{
		{"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE0000000/20240501/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00", "AKIAEXAMPLE0000000"},
		{"Credential=AKIA'; DROP TABLE/x", ""},
		{"Credential= AKIAX /x", "AKIAX"},
		{"Bearer abc", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := ClaimedKeyID(tc.header); got != tc.want {
			t.Errorf("ClaimedKeyID(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))
	w := &memWriter{}
	r := New(w, nil, func() time.Time { return at })
	defer r.Close()
	given := time.Date(2023, 1, 2, 3, 4, 5, 0, time.FixedZone("y", -7200))

	in := []userpool.AuditEvent{
		{ActorType: ActorPrincipal, Actor: "fn", Action: "cognito-idp:AdminAddUserToGroup", PoolID: "us-east-1_AbCdEfGhI", Target: "alice", Outcome: OutcomeAllowed, RequestID: "rid-1"},
		{ID: 99, Time: given, ActorType: ActorUser, Actor: "admin", Action: "adminqueries:addUserToGroup", Target: "bob", Outcome: ErrorOutcome("UserNotFoundException"), RequestID: "rid-2"},
	}
	for _, e := range in {
		r.Record(context.Background(), e)
	}
	want := []userpool.AuditEvent{
		{Time: at.UTC(), ActorType: "principal", Actor: "fn", Action: "cognito-idp:AdminAddUserToGroup", PoolID: "us-east-1_AbCdEfGhI", Target: "alice", Outcome: "allowed", RequestID: "rid-1"},
		{Time: given.UTC(), ActorType: "user", Actor: "admin", Action: "adminqueries:addUserToGroup", Target: "bob", Outcome: "error:UserNotFoundException", RequestID: "rid-2"},
	}
	got := w.all()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestRecordClipsAndSanitises(t *testing.T) {
	t.Parallel()
	w := &memWriter{}
	r := New(w, nil, nil)
	defer r.Close()
	r.Record(context.Background(), userpool.AuditEvent{
		ActorType: ActorUser,
		Actor:     "a\x00b",
		Action:    "adminqueries:addUserToGroup",
		Target:    strings.Repeat("é", 200), // 400 bytes: clipped to 256 at a rune boundary
		PoolID:    "bad\xffutf8",
		Outcome:   OutcomeAllowed,
		Detail:    strings.Repeat("d", 5000),
	})
	e := w.all()[0]
	if e.Actor != "a\uFFFDb" || e.PoolID != "bad\uFFFDutf8" {
		t.Errorf("actor %q, pool %q: NUL and invalid UTF-8 not replaced", e.Actor, e.PoolID)
	}
	if len(e.Target) != maxField || !utf8.ValidString(e.Target) {
		t.Errorf("target: %d bytes, valid %v", len(e.Target), utf8.ValidString(e.Target))
	}
	if len(e.Detail) != maxDetail {
		t.Errorf("detail: %d bytes", len(e.Detail))
	}
	if e.Time.IsZero() || e.Time.Location() != time.UTC {
		t.Errorf("time %v: want now in UTC", e.Time)
	}
}

func TestRecordFailureIsLoggedNotFatal(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	w := &memWriter{err: errors.New("database is locked")}
	r := New(w, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	r.Record(context.Background(), userpool.AuditEvent{Action: "cognito-idp:CreateGroup", RequestID: "rid-2"})
	r.Close()
	if !strings.Contains(logs.String(), "audit: recording failed") || !strings.Contains(logs.String(), "rid-2") {
		t.Fatalf("log: %s", logs.String())
	}
}

// A cancelled request context does not stop its event from being stored.
func TestRecordOutlivesTheRequest(t *testing.T) {
	t.Parallel()
	w := &memWriter{}
	r := New(w, nil, nil)
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.Record(ctx, userpool.AuditEvent{Action: "cognito-idp:AdminDeleteUser", RequestID: "gone"})
	if got := w.all(); len(got) != 1 || got[0].RequestID != "gone" {
		t.Fatalf("stored %+v", got)
	}
}

// blockingWriter holds the first batch until released, so the events
// recorded meanwhile queue up behind it.
type blockingWriter struct {
	memWriter
	first   chan struct{} // closed when the first batch arrives
	release chan struct{}
	once    sync.Once
}

func (b *blockingWriter) AppendAudit(ctx context.Context, es []userpool.AuditEvent) error {
	b.once.Do(func() {
		close(b.first)
		<-b.release
	})
	return b.memWriter.AppendAudit(ctx, es)
}

func TestGroupCommit(t *testing.T) {
	t.Parallel()
	w := &blockingWriter{first: make(chan struct{}), release: make(chan struct{})}
	r := New(w, nil, nil)
	defer r.Close()
	ctx := context.Background()

	var wg sync.WaitGroup
	wg.Go(func() { r.Record(ctx, userpool.AuditEvent{RequestID: "first"}) })
	<-w.first // the writer is busy with "first"
	const n = 50
	var returned sync.WaitGroup
	returned.Add(n)
	for i := range n {
		wg.Go(func() {
			r.Record(ctx, userpool.AuditEvent{RequestID: fmt.Sprintf("rid-%02d", i)})
			returned.Done()
		})
	}
	// Wait until all n are queued (the queue holds maxBatch > n), then let
	// the writer go: they are stored together.
	for len(r.queue) < n {
		time.Sleep(time.Millisecond)
	}
	close(w.release)
	returned.Wait()
	wg.Wait()
	if got := len(w.all()); got != n+1 {
		t.Fatalf("%d events stored, want %d", got, n+1)
	}
	if w.batches != 2 {
		t.Errorf("%d transactions for 1 + %d queued events, want 2", w.batches, n)
	}
}

func TestCloseStoresWhatIsQueuedAndLaterRecordsStillWrite(t *testing.T) {
	t.Parallel()
	w := &memWriter{}
	r := New(w, nil, nil)
	r.Record(context.Background(), userpool.AuditEvent{RequestID: "before"})
	r.Close()
	r.Close() // idempotent
	r.Record(context.Background(), userpool.AuditEvent{RequestID: "after"})
	got := w.all()
	if len(got) != 2 || got[0].RequestID != "before" || got[1].RequestID != "after" {
		t.Fatalf("stored %+v", got)
	}
}
