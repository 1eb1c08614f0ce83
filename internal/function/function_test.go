package function

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// funcRunner is a Runner over a Go func.
type funcRunner func(ctx context.Context, event []byte) ([]byte, error)

func (f funcRunner) Run(ctx context.Context, event []byte) ([]byte, error) { return f(ctx, event) }
func (f funcRunner) Close() error                                          { return nil }

func TestRegistryResolvesNamesAndARNs(t *testing.T) {
	r := NewRegistry()
	echo := funcRunner(func(_ context.Context, e []byte) ([]byte, error) { return e, nil })
	if err := r.Add("add-user-to-group", echo); err != nil {
		t.Fatal(err)
	}
	if err := r.Add("add-user-to-group", echo); err == nil {
		t.Error("duplicate name accepted")
	}
	if err := r.Add("bad name", echo); err == nil {
		t.Error("invalid name accepted")
	}
	for _, tc := range []struct {
		ref   string
		found bool
	}{
		{"add-user-to-group", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:add-user-to-group", true},
		{"arn:aws:lambda:eu-west-1:000000000000:function:add-user-to-group:$LATEST", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:add-user-to-group:prod", true},
		{"123456789012:function:add-user-to-group", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:other", false},
		{"arn:aws:s3:::add-user-to-group", false},
		{"other", false},
	} {
		out, err := r.Invoke(context.Background(), tc.ref, []byte(`{"x":1}`))
		if tc.found && (err != nil || string(out) != `{"x":1}`) {
			t.Errorf("%s: %s, %v", tc.ref, out, err)
		}
		if !tc.found && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", tc.ref, err)
		}
	}
	if got := r.Names(); len(got) != 1 || got[0] != "add-user-to-group" {
		t.Errorf("Names = %v", got)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	c := Credentials{AccessKeyID: "AKID", SecretAccessKey: "s3cr3t-value", Region: "us-east-1"}
	s := Secret("hmac-key-value")
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, nil))
	log.Info("x", "creds", c, "secret", s)
	out := b.String() + fmt.Sprint(c, s) + fmt.Sprintf("%v %+v %#v %#v", c, s, s, c)
	for _, leak := range []string{"s3cr3t-value", "hmac-key-value"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q printed: %s", leak, out)
		}
	}
	env := strings.Join(c.Env(), "\n")
	if !strings.Contains(env, "AWS_SECRET_ACCESS_KEY=s3cr3t-value") || !strings.Contains(env, "AWS_ENDPOINT_URL") == (c.Endpoint != "") {
		t.Errorf("Env: %s", env)
	}
}
