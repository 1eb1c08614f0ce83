package config

import (
	"net/url"
	"time"
)

// SMS configures delivery of text messages (SMS_OTP sign-in codes, SMS_MFA
// codes, phone-number verification codes, invitations). Absent: they are
// written to the log. See docs/sms.md.
type SMS struct {
	// WebhookURL receives a POST of JSON {to, message, pool, purpose} per
	// message, signed with the X-Userpool-Signature header (HMAC-SHA256 of
	// "<t>.<body>"); any 2xx answer is a delivery.
	WebhookURL string `yaml:"webhook_url"`
	// SecretEnv names the environment variable holding the signing secret
	// (at least 16 bytes; never the secret itself).
	SecretEnv string `yaml:"secret_env"`
	// Timeout bounds one delivery (default 10s); a webhook that does not
	// answer in time fails the delivery (CodeDeliveryFailureException).
	Timeout time.Duration `yaml:"timeout"`
}

func (c *Config) validateSMS(p *Problems) {
	s := c.SMS
	if s == nil {
		return
	}
	if u, err := url.Parse(s.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add("sms.webhook_url", "%q is not an http(s) URL", s.WebhookURL)
	}
	if !envNameRe.MatchString(s.SecretEnv) {
		p.add("sms.secret_env", "name the environment variable that holds the webhook's signing secret (got %q)", s.SecretEnv)
	}
	if s.Timeout < 0 || s.Timeout > 5*time.Minute {
		p.add("sms.timeout", "%s is outside 0-5m", s.Timeout)
	}
}
