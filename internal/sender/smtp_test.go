package sender

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"userpool/internal/userpool"
)

// ---------------------------------------------------------------- a tiny SMTP server

type received struct {
	from, to string
	data     string
	tls      bool
	authUser string
}

type testServer struct {
	ln        net.Listener
	tlsConfig *tls.Config // nil: no STARTTLS offered
	user      string      // "": no AUTH offered
	pass      string
	silent    bool // accept connections and never answer

	mu    sync.Mutex
	mails []received
	wg    sync.WaitGroup
}

func startServer(t *testing.T, s *testServer) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.ln = ln
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer conn.Close()
				s.serve(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *testServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *testServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.mails...)
}

func (s *testServer) serve(conn net.Conn) {
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if s.silent {
		_, _ = io.Copy(io.Discard, conn)
		return
	}
	tp := textproto.NewConn(conn)
	var cur received
	reply := func(format string, args ...any) { _ = tp.PrintfLine(format, args...) }
	reply("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"250-test", "250-8BITMIME"}
			if s.tlsConfig != nil && !cur.tls {
				lines = append(lines, "250-STARTTLS")
			}
			if s.user != "" {
				lines = append(lines, "250-AUTH PLAIN")
			}
			lines = append(lines, "250 OK")
			for _, l := range lines {
				reply("%s", l)
			}
		case "STARTTLS":
			if s.tlsConfig == nil {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(conn, s.tlsConfig)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn = tc
			tp = textproto.NewConn(tc)
			cur = received{tls: true}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if mech != "PLAIN" || err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass {
				reply("535 5.7.8 authentication failed")
				continue
			}
			cur.authUser = parts[1]
			reply("235 ok")
		case "MAIL":
			if s.user != "" && cur.authUser == "" {
				reply("530 authentication required")
				continue
			}
			cur.from = angle(arg)
			reply("250 ok")
		case "RCPT":
			cur.to = angle(arg)
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			data, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			cur.data = string(data)
			s.mu.Lock()
			s.mails = append(s.mails, cur)
			s.mu.Unlock()
			cur = received{tls: cur.tls, authUser: cur.authUser}
			reply("250 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown")
		}
	}
}

// angle returns the address between < and > of a MAIL/RCPT argument.
func angle(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// selfSigned makes a certificate for 127.0.0.1 and the client pool trusting it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test smtp"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// parsed is a received message decoded.
type parsed struct {
	header mail.Header
	body   string
}

func parse(t *testing.T, data string) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, data)
	}
	if msg.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Fatalf("transfer encoding %q", msg.Header.Get("Content-Transfer-Encoding"))
	}
	b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return parsed{header: msg.Header, body: strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")}
}

func (p parsed) subject(t *testing.T) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var fixedNow = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func newSender(t *testing.T, cfg Config) *SMTP {
	t.Helper()
	cfg.Host = "127.0.0.1"
	if cfg.From == "" {
		cfg.From = "Auth <no-reply@example.com>"
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func codeMessage(dest, code string) userpool.Message {
	return userpool.Message{PoolID: "us-east-1_abc", Username: "alice", Medium: "EMAIL", Destination: dest, Purpose: "signup", Code: code}
}

// ---------------------------------------------------------------- tests

func TestSendPlainDefaultText(t *testing.T) {
	srv := startServer(t, &testServer{})
	s := newSender(t, Config{Port: srv.port()})
	if err := s.Send(context.Background(), codeMessage("Alice <alice@example.com>", "123456")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("received %d messages", len(got))
	}
	r := got[0]
	if r.from != "no-reply@example.com" || r.to != "alice@example.com" || r.tls {
		t.Fatalf("envelope %+v", r)
	}
	p := parse(t, r.data)
	if p.body != "Your verification code is 123456." || p.subject(t) != "Your verification code" {
		t.Fatalf("subject %q body %q", p.subject(t), p.body)
	}
	if p.header.Get("From") != `"Auth" <no-reply@example.com>` || !strings.Contains(p.header.Get("To"), "alice@example.com") ||
		p.header.Get("Date") != fixedNow.Format(time.RFC1123Z) || !strings.HasSuffix(p.header.Get("Message-ID"), "@example.com>") ||
		!strings.HasPrefix(p.header.Get("Content-Type"), "text/plain; charset=UTF-8") {
		t.Fatalf("headers %v", p.header)
	}
}

func TestSendSTARTTLSAndAuth(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	srv := startServer(t, &testServer{tlsConfig: serverTLS, user: "mailer", pass: "s3cret"})
	env := map[string]string{"SMTP_PASSWORD": "s3cret"}
	s := newSender(t, Config{Port: srv.port(), Username: "mailer", PasswordEnv: "SMTP_PASSWORD", RequireTLS: true,
		TLSConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}, Getenv: func(k string) string { return env[k] }})
	if err := s.Send(context.Background(), codeMessage("bob@example.com", "654321")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.received()
	if len(got) != 1 || !got[0].tls || got[0].authUser != "mailer" {
		t.Fatalf("want one message over TLS, authenticated: %+v", got)
	}

	// A wrong password fails, without the code in the error.
	env["SMTP_PASSWORD"] = "wrong"
	bad := newSender(t, Config{Port: srv.port(), Username: "mailer", PasswordEnv: "SMTP_PASSWORD",
		TLSConfig: &tls.Config{RootCAs: roots}, Getenv: func(k string) string { return env[k] }})
	err := bad.Send(context.Background(), codeMessage("bob@example.com", "777777"))
	if err == nil || !strings.Contains(err.Error(), "535") || strings.Contains(err.Error(), "777777") {
		t.Fatalf("wrong password: %v", err)
	}
	// An untrusted certificate fails the handshake.
	untrusted := newSender(t, Config{Port: srv.port(), Username: "mailer", PasswordEnv: "SMTP_PASSWORD", Getenv: func(k string) string { return "s3cret" }})
	if err := untrusted.Send(context.Background(), codeMessage("bob@example.com", "1")); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("untrusted certificate: %v", err)
	}
	if n := len(srv.received()); n != 1 {
		t.Fatalf("%d messages delivered, want only the first", n)
	}
}

func TestRequireTLSWithoutSTARTTLS(t *testing.T) {
	srv := startServer(t, &testServer{})
	s := newSender(t, Config{Port: srv.port(), RequireTLS: true})
	err := s.Send(context.Background(), codeMessage("c@example.com", "111111"))
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("want a TLS error, got %v", err)
	}
	if len(srv.received()) != 0 {
		t.Fatal("message sent in clear text despite RequireTLS")
	}
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name          string
		m             userpool.Message
		subject, body string
	}{
		{"default", userpool.Message{Purpose: "signup", Code: "123456"}, "Your verification code", "Your verification code is 123456."},
		{"pool template", userpool.Message{Purpose: "forgot_password", Code: "123456", Username: "al", Subject: "Hello {username}", Body: "Code for {username}: {####}"},
			"Hello al", "Code for al: 123456"},
		{"template without placeholder", userpool.Message{Purpose: "signup", Code: "123456", Body: "Welcome!"}, "Your verification code", "Your verification code is 123456."},
		{"invite default", userpool.Message{Purpose: "invite", Code: "Tmp-Pw1!", Username: "al"}, "Your temporary password", "Your username is al and temporary password is Tmp-Pw1!."},
		{"invite with the password inline", userpool.Message{Purpose: "invite", Code: "Tmp-Pw1!", Body: "Password: Tmp-Pw1!"}, "Your temporary password", "Password: Tmp-Pw1!"},
		{"mfa", userpool.Message{Purpose: "mfa", Code: "42"}, "Your verification code", "Your authentication code is 42."},
	} {
		s, b := Render(tc.m)
		if s != tc.subject || b != tc.body {
			t.Errorf("%s: got %q / %q, want %q / %q", tc.name, s, b, tc.subject, tc.body)
		}
	}
}

func TestSendTemplateEncodingAndDotStuffing(t *testing.T) {
	srv := startServer(t, &testServer{})
	s := newSender(t, Config{Port: srv.port()})
	m := codeMessage("d@example.com", "246810")
	m.Subject = "Vérification"
	m.Body = "Bonjour {username},\n.{####}\n..\nÀ bientôt"
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	p := parse(t, srv.received()[0].data)
	if p.subject(t) != "Vérification" {
		t.Fatalf("subject %q (raw %q)", p.subject(t), p.header.Get("Subject"))
	}
	if want := "Bonjour alice,\n.246810\n..\nÀ bientôt"; p.body != want {
		t.Fatalf("body %q, want %q", p.body, want)
	}
}

func TestSendRejectsBadRecipientsAndHeaderInjection(t *testing.T) {
	srv := startServer(t, &testServer{})
	s := newSender(t, Config{Port: srv.port()})
	for _, dest := range []string{"not an address", "a@example.com\r\nBcc: evil@example.com", ""} {
		if err := s.Send(context.Background(), codeMessage(dest, "1")); err == nil {
			t.Errorf("recipient %q accepted", dest)
		}
	}
	m := codeMessage("e@example.com", "1")
	m.Subject = "Hi\r\nBcc: evil@example.com"
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	p := parse(t, srv.received()[0].data)
	if p.header.Get("Bcc") != "" || strings.Count(srv.received()[0].data, "evil@example.com") != 1 {
		t.Fatalf("subject injected a header: %v", p.header)
	}
}

type fallback struct{ got []userpool.Message }

func (f *fallback) Send(_ context.Context, m userpool.Message) error {
	f.got = append(f.got, m)
	return nil
}

func TestSMSGoesToFallback(t *testing.T) {
	srv := startServer(t, &testServer{})
	sms := userpool.Message{Medium: "SMS", Destination: "+15555550100", Code: "1", Purpose: "signup"}
	s := newSender(t, Config{Port: srv.port()})
	if err := s.Send(context.Background(), sms); !errors.Is(err, ErrUnsupportedMedium) {
		t.Fatalf("SMS without fallback: %v", err)
	}
	f := &fallback{}
	s = newSender(t, Config{Port: srv.port(), SMS: f})
	if err := s.Send(context.Background(), sms); err != nil || len(f.got) != 1 || f.got[0].Destination != "+15555550100" {
		t.Fatalf("fallback: %v %+v", err, f.got)
	}
	if len(srv.received()) != 0 {
		t.Fatal("SMS went to SMTP")
	}
}

func TestLogsNeverContainTheCode(t *testing.T) {
	srv := startServer(t, &testServer{})
	var buf bytes.Buffer
	s := newSender(t, Config{Port: srv.port(), Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err := s.Send(context.Background(), codeMessage("frank@example.com", "918273")); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	if !strings.Contains(log, "message sent") || strings.Contains(log, "918273") || strings.Contains(log, "frank@example.com") {
		t.Fatalf("log line %q", log)
	}
	if !strings.Contains(log, "f***@e***") {
		t.Fatalf("log line lacks the masked destination: %q", log)
	}
}

func TestTimeoutAndCancellation(t *testing.T) {
	srv := startServer(t, &testServer{silent: true})
	s := newSender(t, Config{Port: srv.port(), Timeout: 100 * time.Millisecond})
	if err := s.Send(context.Background(), codeMessage("g@example.com", "1")); err == nil {
		t.Fatal("a silent server must time out")
	}
	s = newSender(t, Config{Port: srv.port()})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	if err := s.Send(ctx, codeMessage("g@example.com", "1")); err == nil {
		t.Fatal("a cancelled send must fail")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no host", Config{From: "a@example.com"}},
		{"bad from", Config{Host: "h", From: "nope"}},
		{"bad port", Config{Host: "h", From: "a@example.com", Port: 70000}},
		{"user without env", Config{Host: "h", From: "a@example.com", Username: "u"}},
		{"empty password env", Config{Host: "h", From: "a@example.com", Username: "u", PasswordEnv: "X", Getenv: func(string) string { return "" }}},
	} {
		if _, err := New(tc.cfg); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	s, err := New(Config{Host: "h", From: "a@example.com"})
	if err != nil || s.cfg.Port != DefaultPort || s.cfg.Timeout != DefaultTimeout {
		t.Fatalf("defaults: %+v %v", s, err)
	}
}
