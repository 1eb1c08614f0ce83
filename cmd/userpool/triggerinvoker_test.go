package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"userpool/internal/function"
	"userpool/internal/userpool"
)

// The function runtimes' errors, as the domain's triggers classify them
// (userpool.TriggerInvoker's contract), through function.Late.
func TestTriggerErrorClassification(t *testing.T) {
	t.Parallel()
	var late function.Late
	_, err := late.Invoke(context.Background(), "f", []byte(`{}`))
	var coded interface{ ErrorCode() string }
	if !errors.Is(err, function.ErrNotFound) || !errors.As(err, &coded) || coded.ErrorCode() != "ResourceNotFoundException" {
		t.Fatalf("before Set: %v", err)
	}
	reg := function.NewRegistry()
	late.Set(reg)
	_, err = late.Invoke(context.Background(), "arn:aws:lambda:us-east-1:000000000000:function:missing", []byte(`{}`))
	if !errors.As(err, &coded) || coded.ErrorCode() != "ResourceNotFoundException" {
		t.Fatalf("unknown function: %v", err)
	}

	cases := []struct {
		name     string
		err      error
		threw    string
		timeout  bool
		codeKind string
	}{
		{"function error", fmt.Errorf("run: %w", &function.FunctionError{Message: "Sign-up closed.", Type: "Error"}), "Sign-up closed.", false, ""},
		{"timeout", fmt.Errorf("%w: function f did not answer within 5s", function.ErrTimeout), "", true, ""},
		{"not found", fmt.Errorf("%w: %q", function.ErrNotFound, "f"), "", false, "ResourceNotFoundException"},
		{"other", errors.New("connection refused"), "", false, ""},
	}
	for _, c := range cases {
		msg, threw := userpool.IsFunctionError(c.err)
		if threw != (c.threw != "") || msg != c.threw {
			t.Errorf("%s: IsFunctionError = %q, %v", c.name, msg, threw)
		}
		if got := userpool.IsTimeout(c.err); got != c.timeout {
			t.Errorf("%s: IsTimeout = %v", c.name, got)
		}
		var ec interface{ ErrorCode() string }
		code := ""
		if errors.As(c.err, &ec) {
			code = ec.ErrorCode()
		}
		if code != c.codeKind {
			t.Errorf("%s: ErrorCode = %q", c.name, code)
		}
	}
}
