package sender

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"userpool/internal/function/webhook"
	"userpool/internal/userpool"
)

const testSecret = "sixteen-bytes-or-more-secret"

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestNewSMSWebhookRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  SMSWebhookConfig
		want string
	}{
		{"no url", SMSWebhookConfig{SecretEnv: "S", Getenv: env(map[string]string{"S": testSecret})}, "not an http(s) URL"},
		{"ftp url", SMSWebhookConfig{URL: "ftp://x/", SecretEnv: "S", Getenv: env(map[string]string{"S": testSecret})}, "not an http(s) URL"},
		{"no secret_env", SMSWebhookConfig{URL: "http://127.0.0.1/"}, "needs secret_env"},
		{"empty variable", SMSWebhookConfig{URL: "http://127.0.0.1/", SecretEnv: "S", Getenv: env(nil)}, "at least 16 bytes"},
		{"short secret", SMSWebhookConfig{URL: "http://127.0.0.1/", SecretEnv: "S", Getenv: env(map[string]string{"S": "short"})}, "at least 16 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSMSWebhook(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), testSecret) {
				t.Fatal("the error names the secret")
			}
		})
	}
}

func TestSMSWebhookSignsAndFails(t *testing.T) {
	var gotSig string
	var gotBody []byte
	status := http.StatusOK
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-block:
			}
			return
		}
		gotSig = r.Header.Get(SignatureHeader)
		buf := new(bytes.Buffer)
		_, _ = buf.ReadFrom(r.Body)
		gotBody = buf.Bytes()
		w.WriteHeader(status)
	}))
	defer srv.Close()
	defer close(block)
	var logs bytes.Buffer
	mk := func(path string) *SMSWebhook {
		w, err := NewSMSWebhook(SMSWebhookConfig{URL: srv.URL + path, SecretEnv: "S", Getenv: env(map[string]string{"S": testSecret}),
			Timeout: 200 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	w := mk("/sms")
	m := userpool.Message{PoolID: "us-east-1_X", Username: "u", Medium: "SMS", Destination: "+15555550100", Purpose: "mfa", Code: "123456"}
	if err := w.SendSMS(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := webhook.Verify([]byte(testSecret), gotSig, gotBody, time.Now(), time.Minute); err != nil {
		t.Fatalf("signature %q does not verify: %v", gotSig, err)
	}
	if webhook.Verify([]byte("another-secret-of-16+"), gotSig, gotBody, time.Now(), time.Minute) == nil {
		t.Fatal("verified under another secret")
	}
	if webhook.Verify([]byte(testSecret), gotSig, append(gotBody, ' '), time.Now(), time.Minute) == nil {
		t.Fatal("verified another body")
	}
	if webhook.Verify([]byte(testSecret), gotSig, gotBody, time.Now().Add(time.Hour), time.Minute) == nil {
		t.Fatal("verified a stale timestamp")
	}
	if want := `{"to":"+15555550100","message":"Your authentication code is 123456.","pool":"us-east-1_X","purpose":"mfa"}`; string(gotBody) != want {
		t.Fatalf("body %s, want %s", gotBody, want)
	}
	status = http.StatusInternalServerError
	if err := w.SendSMS(context.Background(), m); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("500 answer: %v", err)
	}
	if err := mk("/slow").SendSMS(context.Background(), m); err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("no answer: %v", err)
	}
	if s := logs.String(); strings.Contains(s, "123456") || strings.Contains(s, testSecret) || !strings.Contains(s, "medium=SMS") {
		t.Fatalf("log %q", s)
	}
}
