package cognitoidp_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"userpool/internal/awsjson"
	"userpool/internal/cognitoidp"
	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

// signed builds a request for op on poolID signed by the SDK's SigV4 signer.
func signed(t *testing.T, akid, secret, op, poolID string) *cognitoidp.Request {
	t.Helper()
	body := []byte(`{"UserPoolId":"` + poolID + `"}`)
	r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", cognitoidp.TargetPrefix+"."+op)
	sum := sha256.Sum256(body)
	if akid != "" {
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}, r, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return &cognitoidp.Request{HTTP: r, Body: body, Operation: op, Auth: cognitoidp.AuthSigV4, PoolID: poolID}
}

func wireType(err error) string {
	var ae *awsjson.Error
	if errors.As(err, &ae) {
		return ae.Type
	}
	return ""
}

func TestSigV4Auth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = st.Close()
		}
	})
	svc := userpool.New(st, userpool.Options{})
	sealer, _ := iam.NewSealer(bytes.Repeat([]byte{7}, 32), nil)
	keys := iam.NewKeyring(st, sealer, time.Hour, nil)
	auth := cognitoidp.NewSigV4Auth(cognitoidp.SigV4AuthOptions{Keyring: keys, Service: svc})
	pool, err := svc.CreatePool(ctx, userpool.PoolInput{Name: "named"})
	if err != nil {
		t.Fatal(err)
	}
	principal := func(name string, g store.Grant) (string, string) {
		if err := st.PutPrincipal(ctx, store.Principal{Name: name, Grants: []store.Grant{g}}); err != nil {
			t.Fatal(err)
		}
		id, secret, err := iam.CreateAccessKey(ctx, st, sealer, nil, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return id, secret
	}
	byID, byIDSecret := principal("by-id", store.Grant{Pool: pool.ID, Actions: []string{"listUsers"}})
	byName, byNameSecret := principal("by-name", store.Grant{Pool: "named", Actions: []string{"listUsers"}})
	star, starSecret := principal("star", store.Grant{Pool: "*", Actions: []string{"listUsers"}})
	const missing = "us-east-1_Missing00"

	tests := []struct {
		name, akid, secret, op, pool string
		wantType                     string // "" allowed
		wantCaller                   string
	}{
		{"grant by id", byID, byIDSecret, "ListUsers", pool.ID, "", "by-id"},
		{"grant by name", byName, byNameSecret, "ListUsers", pool.ID, "", "by-name"},
		{"grant on *", star, starSecret, "ListUsers", pool.ID, "", "star"},
		{"other operation", byID, byIDSecret, "AdminGetUser", pool.ID, "AccessDeniedException", "by-id"},
		{"name grant, missing pool", byName, byNameSecret, "ListUsers", missing, "AccessDeniedException", "by-name"},
		{"id grant, missing pool", byID, byIDSecret, "ListUsers", missing, "AccessDeniedException", "by-id"},
		{"* grant, missing pool: the operation answers", star, starSecret, "ListUsers", missing, "", "star"},
		{"account-scoped needs * with the action", star, starSecret, "ListUserPools", "", "AccessDeniedException", "star"},
		{"unknown key", "AKIAZZZZZZZZZZZZZZZZ", "x", "ListUsers", pool.ID, sigv4.CodeUnrecognizedClient, ""},
		{"wrong secret", byID, "not-the-secret", "ListUsers", pool.ID, sigv4.CodeInvalidSignature, ""},
		{"unsigned", "", "", "ListUsers", pool.ID, sigv4.CodeMissingAuthenticationToken, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			caller, err := auth.Authenticate(ctx, signed(t, tc.akid, tc.secret, tc.op, tc.pool))
			if got := wireType(err); got != tc.wantType || (tc.wantType == "" && err != nil) {
				t.Fatalf("err = %v (type %q), want %q", err, got, tc.wantType)
			}
			if caller.Principal != tc.wantCaller {
				t.Errorf("caller %q, want %q", caller.Principal, tc.wantCaller)
			}
			var de *iam.DeniedError
			if tc.wantType == "AccessDeniedException" {
				if !errors.As(err, &de) || !strings.Contains(wireMessage(err), "user/"+tc.wantCaller+" is not authorized to perform: cognito-idp:"+tc.op) {
					t.Errorf("denial: %v", err)
				}
			}
			var se *sigv4.Error
			if strings.HasSuffix(tc.wantType, "Exception") && tc.wantType != "AccessDeniedException" && !errors.As(err, &se) {
				t.Errorf("the sigv4 cause is not reachable: %v", err)
			}
		})
	}

	// A failing store while looking up the pool's name is an internal error,
	// not a denial (the credential is cached, the pool lookup is not).
	if _, err := auth.Authenticate(ctx, signed(t, byName, byNameSecret, "ListUsers", pool.ID)); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	closed = true
	_, err = auth.Authenticate(ctx, signed(t, byName, byNameSecret, "ListUsers", pool.ID))
	if userpool.KindOf(err) != userpool.KindInternal || wireType(err) != "" {
		t.Fatalf("store failure: %v", err)
	}
}

func wireMessage(err error) string {
	var ae *awsjson.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return ""
}

type countHandler struct {
	slog.Handler
	n *int
}

func (h countHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		*h.n++
	}
	return nil
}

func TestDevAuth(t *testing.T) {
	t.Parallel()
	var warns int
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	d := &cognitoidp.DevAuth{Logger: slog.New(countHandler{slog.NewTextHandler(nil, nil), &warns}), Now: func() time.Time { return now }}
	ctx := context.Background()

	if _, err := d.Authenticate(ctx, signed(t, "", "", "ListUsers", "")); wireType(err) != sigv4.CodeMissingAuthenticationToken {
		t.Fatalf("unsigned: %v", err)
	}
	bad := signed(t, "", "", "ListUsers", "")
	bad.HTTP.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID")
	if _, err := d.Authenticate(ctx, bad); wireType(err) != sigv4.CodeIncompleteSignature {
		t.Fatalf("malformed: %v", err)
	}
	if warns != 0 {
		t.Fatalf("%d warnings before any accepted call", warns)
	}
	for i := 0; i < 3; i++ {
		c, err := d.Authenticate(ctx, signed(t, "AKIDANY", "whatever", "DeleteUserPool", "us-east-1_Whatever1"))
		if err != nil || c.Principal != "dev:AKIDANY" {
			t.Fatalf("dev call: %v %+v", err, c)
		}
	}
	if warns != 1 {
		t.Fatalf("%d warnings for 3 calls within a minute, want 1", warns)
	}
	now = now.Add(time.Minute)
	_, _ = d.Authenticate(ctx, signed(t, "AKIDANY", "whatever", "ListUsers", ""))
	if warns != 2 {
		t.Fatalf("%d warnings after a minute, want 2", warns)
	}
}
