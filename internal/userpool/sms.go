package userpool

import (
	"context"
	"log/slog"
)

// SMSSender delivers the messages whose Medium is "SMS": SMS_OTP sign-in
// codes, SMS_MFA codes, phone-number verification codes and invitations by
// text message. It is the seam an SMS provider plugs into (Cognito sends
// these through Amazon SNS); internal/sender's SMSWebhook POSTs them to an
// HTTP endpoint the operator runs in front of a provider.
type SMSSender interface {
	SendSMS(ctx context.Context, m Message) error
}

// SendSMS implements SMSSender: the log is the default SMS delivery.
func (l LogSender) SendSMS(ctx context.Context, m Message) error { return l.Send(ctx, m) }

// ByMedium is the Sender that routes each message by its Medium: "SMS" to
// SMS, every other medium to Email. A nil member is the log (LogSender over
// slog.Default). A failure of either is returned as it is, so the domain
// maps it as it maps any delivery failure (CodeDeliveryFailureException).
type ByMedium struct {
	Email Sender
	SMS   SMSSender
}

// Send implements Sender.
func (b ByMedium) Send(ctx context.Context, m Message) error {
	if m.Medium == "SMS" {
		if b.SMS == nil {
			return LogSender{Logger: slog.Default()}.SendSMS(ctx, m)
		}
		return b.SMS.SendSMS(ctx, m)
	}
	if b.Email == nil {
		return LogSender{Logger: slog.Default()}.Send(ctx, m)
	}
	return b.Email.Send(ctx, m)
}
