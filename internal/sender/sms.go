package sender

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"time"

	"userpool/internal/function/webhook"
	"userpool/internal/userpool"
)

// SMS webhook defaults and header.
const (
	DefaultSMSTimeout = 10 * time.Second
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of
	// "<t>.<body>">": the function webhooks' scheme, signed by webhook.Sign
	// and checked by webhook.Verify.
	SignatureHeader = webhook.SignatureHeader
	// minSecret is the shortest secret accepted (bytes).
	minSecret = 16
)

// SMSWebhookConfig configures an SMSWebhook.
type SMSWebhookConfig struct {
	// URL receives a POST per message (http or https).
	URL string
	// SecretEnv names the environment variable holding the HMAC secret
	// (at least 16 bytes); the secret is never logged.
	SecretEnv string
	// Timeout bounds one delivery (DefaultSMSTimeout when 0).
	Timeout time.Duration
	// Client is the HTTP client (a new one when nil).
	Client *http.Client
	// Logger gets one line per delivery, never the code or the message.
	Logger *slog.Logger
	// Getenv reads SecretEnv (os.Getenv when nil); Now stamps signatures.
	Getenv func(string) string
	Now    func() time.Time
}

// SMSPayload is the JSON body of an SMS webhook request.
type SMSPayload struct {
	// To is the phone number in E.164 form ("+15555550100").
	To string `json:"to"`
	// Message is the text to send, code included.
	Message string `json:"message"`
	// Pool is the user pool id.
	Pool string `json:"pool"`
	// Purpose is the domain's message purpose: "signup",
	// "forgot_password", "verify_attribute", "invite" or "mfa" (SMS_OTP
	// sign-in and SMS_MFA codes).
	Purpose string `json:"purpose"`
}

// SMSWebhook delivers SMS messages by POSTing SMSPayload to an HTTP
// endpoint, which hands them to a provider (Twilio, Vonage, SNS, a modem).
// A 2xx answer is a delivery; any other answer, a transport error or no
// answer within the timeout is a failure, which the domain answers as
// CodeDeliveryFailureException, as it answers SMTP failures.
type SMSWebhook struct {
	cfg    SMSWebhookConfig
	secret []byte
}

var _ userpool.SMSSender = (*SMSWebhook)(nil)

// NewSMSWebhook checks cfg and reads the secret from the environment.
func NewSMSWebhook(cfg SMSWebhookConfig) (*SMSWebhook, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sender: SMS webhook url %q is not an http(s) URL", cfg.URL)
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.SecretEnv == "" {
		return nil, errors.New("sender: the SMS webhook needs secret_env")
	}
	secret := cfg.Getenv(cfg.SecretEnv)
	if len(secret) < minSecret {
		return nil, fmt.Errorf("sender: environment variable %s (SMS webhook secret) must hold at least %d bytes", cfg.SecretEnv, minSecret)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSMSTimeout
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &SMSWebhook{cfg: cfg, secret: []byte(secret)}, nil
}

// SendSMS implements userpool.SMSSender.
func (w *SMSWebhook) SendSMS(ctx context.Context, m userpool.Message) error {
	if m.Destination == "" {
		return errors.New("sender: SMS message without a phone number")
	}
	_, text := Render(m)
	body, err := json.Marshal(SMSPayload{To: m.Destination, Message: text, Pool: m.PoolID, Purpose: m.Purpose})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, webhook.Sign(w.secret, w.cfg.Now(), body))
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("sender: SMS webhook did not answer within %s", w.cfg.Timeout)
		}
		return fmt.Errorf("sender: SMS webhook: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sender: SMS webhook answered %d", resp.StatusCode)
	}
	w.cfg.Logger.Info("message sent", "pool", m.PoolID, "purpose", m.Purpose, "medium", "SMS",
		"destination", userpool.MaskDestination("phone_number", m.Destination))
	return nil
}
