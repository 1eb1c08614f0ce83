package reqctx

import (
	"context"
	"testing"
)

func TestRecordSeenByTheMiddleware(t *testing.T) {
	t.Parallel()
	ctx := WithRequest(context.Background(), "req-1")
	// A face derives its own context; what it sets must reach the
	// middleware's context, which holds the same record.
	face, cancel := context.WithCancel(ctx)
	defer cancel()
	SetOperation(face, "AdminGetUser")
	SetErrorType(face, "UserNotFoundException")
	SetCaller(face, Caller{Principal: "arn:aws:iam::123456789012:user/ops"})

	if got := RequestID(face); got != "req-1" {
		t.Errorf("RequestID = %q", got)
	}
	if got := Operation(ctx); got != "AdminGetUser" {
		t.Errorf("Operation = %q", got)
	}
	if got := ErrorType(ctx); got != "UserNotFoundException" {
		t.Errorf("ErrorType = %q", got)
	}
	if got := CallerOf(ctx); got.Principal != "arn:aws:iam::123456789012:user/ops" || got.User != "" || got.IsZero() {
		t.Errorf("CallerOf = %+v", got)
	}
}

func TestRequestsDoNotShareARecord(t *testing.T) {
	t.Parallel()
	a := WithRequest(context.Background(), "a")
	b := WithRequest(context.Background(), "b")
	SetOperation(a, "SignUp")
	if Operation(b) != "" || RequestID(b) != "b" {
		t.Errorf("b sees a's record: op %q id %q", Operation(b), RequestID(b))
	}
}

func TestWithoutARecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Setters are no-ops, accessors answer zero values: a face served
	// without the server (unit tests) works unchanged.
	SetOperation(ctx, "x")
	SetErrorType(ctx, "y")
	SetCaller(ctx, Caller{User: "sub"})
	if RequestID(ctx) != "" || Operation(ctx) != "" || ErrorType(ctx) != "" || !CallerOf(ctx).IsZero() {
		t.Error("accessors without a record must answer zero values")
	}
}

func TestRegion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if Region(ctx) != "" {
		t.Fatal("a context without a region must answer \"\"")
	}
	signed := WithRegion(ctx, "us-west-2")
	if got := Region(signed); got != "us-west-2" {
		t.Errorf("Region = %q, want us-west-2", got)
	}
	if WithRegion(ctx, "") != ctx {
		t.Error("WithRegion with no region must return ctx unchanged")
	}
}
