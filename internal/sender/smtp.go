package sender

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"

	"userpool/internal/userpool"
)

// Defaults.
const (
	DefaultPort        = 587
	DefaultDialTimeout = 10 * time.Second
	DefaultTimeout     = 30 * time.Second
)

// ErrUnsupportedMedium is returned for SMS messages when no SMS fallback is configured.
var ErrUnsupportedMedium = errors.New("sender: SMS delivery is not configured")

// Config configures an SMTP sender.
type Config struct {
	Host string
	Port int // DefaultPort when 0
	// From is the sender address ("Name <addr@example.com>" or "addr@example.com").
	From string
	// Username enables PLAIN authentication; the password is read from the
	// environment variable named by PasswordEnv.
	Username    string
	PasswordEnv string
	// RequireTLS refuses to send when the server does not offer STARTTLS.
	RequireTLS bool
	// ImplicitTLS connects with TLS from the start (SMTPS, usually port 465).
	ImplicitTLS bool
	// TLSConfig is used for STARTTLS and implicit TLS (ServerName defaults to Host).
	TLSConfig *tls.Config
	// HeloName is the name sent with EHLO ("localhost" when empty).
	HeloName string
	// DialTimeout bounds connecting; Timeout bounds the whole conversation.
	DialTimeout time.Duration
	Timeout     time.Duration
	// SMS, when set, receives the SMS messages this sender cannot deliver.
	SMS userpool.Sender
	// Logger gets one line per delivery (never the code); slog.Default when nil.
	Logger *slog.Logger
	// Getenv reads the password variable (os.Getenv when nil).
	Getenv func(string) string
	// Now stamps the Date header (time.Now when nil).
	Now func() time.Time
}

// SMTP sends messages over SMTP. It is safe for concurrent use: each Send
// opens its own connection.
type SMTP struct {
	cfg      Config
	from     *mail.Address
	password string
}

var _ userpool.Sender = (*SMTP)(nil)

// New checks cfg and returns a sender.
func New(cfg Config) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("sender: SMTP host is required")
	}
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("sender: invalid SMTP port %d", cfg.Port)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("sender: invalid from address: %w", err)
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.HeloName == "" {
		cfg.HeloName = "localhost"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &SMTP{cfg: cfg, from: from}
	if cfg.Username != "" {
		if cfg.PasswordEnv == "" {
			return nil, errors.New("sender: an SMTP username needs password_env")
		}
		s.password = cfg.Getenv(cfg.PasswordEnv)
		if s.password == "" {
			return nil, fmt.Errorf("sender: environment variable %s (SMTP password) is empty", cfg.PasswordEnv)
		}
	}
	return s, nil
}

// Send implements userpool.Sender.
func (s *SMTP) Send(ctx context.Context, m userpool.Message) error {
	if m.Medium == "SMS" {
		if s.cfg.SMS != nil {
			return s.cfg.SMS.Send(ctx, m)
		}
		return ErrUnsupportedMedium
	}
	if strings.ContainsAny(m.Destination, "\r\n") {
		return errors.New("sender: invalid recipient address")
	}
	to, err := mail.ParseAddress(m.Destination)
	if err != nil {
		return fmt.Errorf("sender: invalid recipient address: %w", err)
	}
	subject, body := Render(m)
	msg, err := s.compose(to, subject, body)
	if err != nil {
		return err
	}
	if err := s.deliver(ctx, to.Address, msg); err != nil {
		return err
	}
	s.cfg.Logger.Info("message sent", "pool", m.PoolID, "purpose", m.Purpose, "medium", "EMAIL",
		"destination", userpool.MaskDestination("email", to.Address))
	return nil
}

// Default texts (Cognito's defaults for its own email and SMS messages).
const (
	defaultSubject       = "Your verification code"
	defaultBody          = "Your verification code is {####}."
	defaultInviteSubject = "Your temporary password"
	defaultInviteBody    = "Your username is {username} and temporary password is {####}."
	defaultMFABody       = "Your authentication code is {####}."
)

// Render returns the subject and body of m: its own Subject/Body (the pool's
// templates) when set, otherwise the default text for its purpose, with
// "{####}" replaced by the code and "{username}" by the username. A body
// that carries neither the placeholder nor the code is replaced by the
// default, so that a code is never sent without the code.
func Render(m userpool.Message) (subject, body string) {
	defSubject, defBody := defaultSubject, defaultBody
	switch m.Purpose {
	case "invite":
		defSubject, defBody = defaultInviteSubject, defaultInviteBody
	case "mfa":
		defBody = defaultMFABody
	}
	subject, body = m.Subject, m.Body
	if subject == "" {
		subject = defSubject
	}
	if body == "" || (m.Code != "" && !strings.Contains(body, "{####}") && !strings.Contains(body, m.Code)) {
		body = defBody
	}
	r := strings.NewReplacer("{####}", m.Code, "{username}", m.Username)
	return r.Replace(subject), r.Replace(body)
}

// compose builds the RFC 5322 message with CRLF line endings.
func (s *SMTP) compose(to *mail.Address, subject, body string) ([]byte, error) {
	id := make([]byte, 16)
	if _, err := io.ReadFull(rand.Reader, id); err != nil {
		return nil, err
	}
	domain := "localhost"
	if at := strings.LastIndexByte(s.from.Address, '@'); at >= 0 {
		domain = s.from.Address[at+1:]
	}
	contentType := "text/plain"
	if lower := strings.ToLower(body); strings.Contains(lower, "<html") || strings.Contains(lower, "<br") || strings.Contains(lower, "<p>") {
		contentType = "text/html"
	}
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", s.from.String())
	hdr("To", to.String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", strings.NewReplacer("\r", " ", "\n", " ").Replace(subject)))
	hdr("Date", s.cfg.Now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", contentType+"; charset=UTF-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	var c *tls.Config
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	} else {
		c = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	return c
}

// deliver runs one SMTP conversation.
func (s *SMTP) deliver(ctx context.Context, rcpt string, msg []byte) (err error) {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	dialer := &net.Dialer{Timeout: s.cfg.DialTimeout}
	var conn net.Conn
	if s.cfg.ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("sender: connect %s: %w", addr, err)
	}
	deadline := time.Now().Add(s.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	// Cancelling the context aborts a conversation in progress.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("sender: greeting: %w", err)
	}
	defer c.Close()
	step := func(name string, err error) error {
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("sender: %s: %w", name, ctx.Err())
		}
		return fmt.Errorf("sender: %s: %w", name, err)
	}
	if err := step("EHLO", c.Hello(s.cfg.HeloName)); err != nil {
		return err
	}
	if !s.cfg.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := step("STARTTLS", c.StartTLS(s.tlsConfig())); err != nil {
				return err
			}
		} else if s.cfg.RequireTLS {
			return errors.New("sender: the SMTP server does not offer STARTTLS and TLS is required")
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("sender: the SMTP server does not offer AUTH")
		}
		if err := step("AUTH", c.Auth(smtp.PlainAuth("", s.cfg.Username, s.password, s.cfg.Host))); err != nil {
			return err
		}
	}
	if err := step("MAIL FROM", c.Mail(s.from.Address)); err != nil {
		return err
	}
	if err := step("RCPT TO", c.Rcpt(rcpt)); err != nil {
		return err
	}
	w, err := c.Data()
	if err := step("DATA", err); err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return step("DATA", err)
	}
	if err := step("DATA", w.Close()); err != nil {
		return err
	}
	// The message is accepted; a failed QUIT does not undo that.
	_ = c.Quit()
	return nil
}
