package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSMSConfig(t *testing.T) {
	c, err := Parse(strings.NewReader(`sms: {webhook_url: "https://sms.example.com/send", secret_env: SMS_WEBHOOK_SECRET, timeout: 3s}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid sms: %v", err)
	}
	if c.SMS == nil || c.SMS.WebhookURL != "https://sms.example.com/send" || c.SMS.SecretEnv != "SMS_WEBHOOK_SECRET" || c.SMS.Timeout != 3*time.Second {
		t.Fatalf("sms %+v", c.SMS)
	}
	c, err = Parse(strings.NewReader(`sms: {webhook_url: "ftp://sms", secret_env: "1BAD", timeout: 1h}`))
	if err != nil {
		t.Fatal(err)
	}
	var p Problems
	if !errors.As(c.Validate(), &p) {
		t.Fatal("want Problems")
	}
	got := p.Error()
	for _, want := range []string{"sms.webhook_url:", "sms.secret_env:", "sms.timeout:"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
	if _, err := Parse(strings.NewReader(`sms: {webhook_url: "https://x", secret: inline}`)); err == nil {
		t.Error("an inline secret field was accepted")
	}
}
