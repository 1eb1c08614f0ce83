package userpool

import (
	"context"
	"log/slog"
)

// Message is a code or notice to deliver to a user.
type Message struct {
	PoolID   string
	Username string
	// Medium is "EMAIL" or "SMS"; Destination the address or number.
	Medium      string
	Destination string
	// Purpose: "signup", "forgot_password", "verify_attribute", "invite", "mfa".
	Purpose string
	// Code is the one-time code (or temporary password for "invite").
	Code    string
	Subject string
	Body    string
}

// Sender delivers messages to users.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender writes messages to the log instead of delivering them, so local
// use needs no mail server. It logs the code on purpose: that is its job; it
// is the default only because userpool is often run as a local stand-in, and
// production installs configure SMTP.
type LogSender struct{ Logger *slog.Logger }

// Send implements Sender.
func (l LogSender) Send(_ context.Context, m Message) error {
	l.Logger.Info("message for user (log delivery; configure SMTP to send it)",
		"pool", m.PoolID, "username", m.Username, "medium", m.Medium,
		"destination", m.Destination, "purpose", m.Purpose, "code", m.Code)
	return nil
}
