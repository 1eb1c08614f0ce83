package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"userpool/internal/store"
	"userpool/internal/token"
)

// ---------------------------------------------------------------- shared test helpers (lc = account lifecycle)

// lcSender captures delivered messages.
type lcSender struct {
	mu   sync.Mutex
	msgs []Message
	fail error
}

func (c *lcSender) Send(_ context.Context, m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	c.msgs = append(c.msgs, m)
	return nil
}

func (c *lcSender) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.msgs)
}

// last returns the last message sent to dest.
func (c *lcSender) last(t *testing.T, dest string) Message {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if c.msgs[i].Destination == dest {
			return c.msgs[i]
		}
	}
	t.Fatalf("no message sent to %s (have %d messages)", dest, len(c.msgs))
	return Message{}
}

type lcEnv struct {
	*utEnv
	sender *lcSender
}

func newLCEnv(t *testing.T) *lcEnv {
	t.Helper()
	ue := newUTEnv(t, Limits{})
	e := &lcEnv{utEnv: ue, sender: &lcSender{}}
	ue.svc.sender = e.sender
	is, err := token.NewIssuer(ue.st, token.Options{Now: func() time.Time { return ue.now }, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	ue.svc.tokens = is
	return e
}

// client creates an app client of poolID.
func (e *lcEnv) client(t *testing.T, poolID string, in ClientInput) *Client {
	t.Helper()
	if in.Name == "" {
		in.Name = "app"
	}
	c, err := e.svc.CreateClient(context.Background(), poolID, in)
	if err != nil {
		t.Fatalf("CreateClient: %v", err)
	}
	return c
}

// signUp registers a user and fails the test on error.
func (e *lcEnv) signUp(t *testing.T, c *Client, username, pw string, attrs ...Attribute) *SignUpResult {
	t.Helper()
	res, err := e.svc.SignUp(context.Background(), SignUpInput{ClientID: c.ID, SecretHash: lcSecretHash(c, username), Username: username, Password: pw, Attributes: attrs})
	if err != nil {
		t.Fatalf("SignUp(%q): %v", username, err)
	}
	return res
}

// user reads a user straight from the store.
func (e *lcEnv) user(t *testing.T, poolID, key string) store.User {
	t.Helper()
	u, err := e.st.GetUser(context.Background(), poolID, key)
	if err != nil {
		t.Fatalf("GetUser(%s): %v", key, err)
	}
	return u
}

// accessToken mints an access token for u issued to client c, as sign-in would.
func (e *lcEnv) accessToken(t *testing.T, c *Client, u store.User) string {
	t.Helper()
	_, at, err := e.svc.tokens.IssuePair(context.Background(), token.IssueInput{
		PoolID: c.PoolID, ClientID: c.ID, Sub: u.Sub, Username: u.Username, Attributes: u.Attributes,
	})
	if err != nil {
		t.Fatalf("IssuePair: %v", err)
	}
	return at
}

func lcSecretHash(c *Client, username string) string {
	if !c.HasSecret() {
		return ""
	}
	m := hmac.New(sha256.New, []byte(c.Secret))
	m.Write([]byte(username + c.ID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

const lcPassword = "Passw0rd!"

// ---------------------------------------------------------------- codes

// seqReader yields the given bytes, then zeros.
type seqReader struct{ b []byte }

func (r *seqReader) Read(p []byte) (int, error) {
	n := copy(p, r.b)
	r.b = r.b[n:]
	for i := n; i < len(p); i++ {
		p[i] = 0
	}
	return len(p), nil
}

func TestNewVerificationCode(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	// 0xFFFFFFFF is above the largest multiple of 10^6 below 2^32 and must be
	// rejected; 1234567 = 0x0012D687 gives 234567.
	e.svc.rand = &seqReader{b: []byte{0xff, 0xff, 0xff, 0xff, 0x00, 0x12, 0xd6, 0x87}}
	code, err := e.svc.newVerificationCode()
	if err != nil {
		t.Fatal(err)
	}
	if code != "234567" {
		t.Fatalf("code %q, want 234567 (rejection sampling, 6 digits)", code)
	}
	code, err = e.svc.newVerificationCode() // all zero bytes
	if err != nil || code != "000000" {
		t.Fatalf("zero code %q %v: want zero-padded 000000", code, err)
	}
}

func TestMaskDestination(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ attr, in, want string }{
		{"email", "alice@example.com", "a***@e***"},
		{"email", "Ünal@ëxample.org", "Ü***@ë***"},
		{"phone_number", "+15555551234", "+*******1234"},
		{"phone_number", "+441234", "+**1234"},
		{"phone_number", "+123", "+***"},
	} {
		if got := MaskDestination(tc.attr, tc.in); got != tc.want {
			t.Errorf("MaskDestination(%s, %q) = %q, want %q", tc.attr, tc.in, got, tc.want)
		}
	}
}

func TestVerificationCodeLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_codes0001", PoolSettings{CaseSensitive: true})
	u := e.create(t, p.ID, "bob", Attribute{Name: "email", Value: "bob@example.com"})

	t.Run("stored hashed", func(t *testing.T) {
		code, err := e.svc.issueVerificationCode(ctx, p, u, purposeSignUp, "email", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.st.GetCode(ctx, p.ID, u.UsernameKey, purposeSignUp)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(c.CodeHash, code) || !strings.HasPrefix(c.CodeHash, "v2:email:") || len(c.CodeHash) != len("v2:email:")+64 {
			t.Fatalf("stored record %q for code %s", c.CodeHash, code)
		}
		if !c.ExpiresAt.Equal(e.now.Add(time.Hour)) {
			t.Fatalf("expires %v", c.ExpiresAt)
		}
	})

	t.Run("wrong, right, reused", func(t *testing.T) {
		code, _ := e.svc.issueVerificationCode(ctx, p, u, purposeSignUp, "email", time.Hour)
		_, err := e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, lcOtherCode(code))
		utWantErr(t, err, KindCodeMismatch, "Invalid verification code provided, please try again.")
		attr, err := e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, code)
		if err != nil || attr != "email" {
			t.Fatalf("right code: %q %v", attr, err)
		}
		_, err = e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, code)
		utWantErr(t, err, KindExpiredCode, "Invalid code provided, please request a code again.")
	})

	t.Run("purpose and user bound", func(t *testing.T) {
		code, _ := e.svc.issueVerificationCode(ctx, p, u, purposeSignUp, "email", time.Hour)
		_, err := e.svc.consumeVerificationCode(ctx, p, u, purposeReset, code)
		utWantErr(t, err, KindExpiredCode, "")
		other := e.create(t, p.ID, "carol", Attribute{Name: "email", Value: "bob@example.com"})
		if _, err := e.svc.issueVerificationCode(ctx, p, other, purposeSignUp, "email", time.Hour); err != nil {
			t.Fatal(err)
		}
		// Codes are per user: carol's new code leaves bob's in place.
		if _, err := e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, code); err != nil {
			t.Fatalf("bob's code after carol got one: %v", err)
		}
	})

	t.Run("expired", func(t *testing.T) {
		code, _ := e.svc.issueVerificationCode(ctx, p, u, purposeReset, "email", time.Hour)
		e.now = e.now.Add(time.Hour)
		defer func() { e.now = utStart }()
		_, err := e.svc.consumeVerificationCode(ctx, p, u, purposeReset, code)
		utWantErr(t, err, KindExpiredCode, "Invalid code provided, please request a code again.")
	})

	t.Run("attempt limit burns the code", func(t *testing.T) {
		code, _ := e.svc.issueVerificationCode(ctx, p, u, purposeSignUp, "email", time.Hour)
		for i := 0; i < MaxCodeAttempts; i++ {
			_, err := e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, lcOtherCode(code))
			utWantErr(t, err, KindCodeMismatch, "")
		}
		_, err := e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, code)
		utWantErr(t, err, KindLimitExceeded, "Attempt limit exceeded, please try after some time.")
		// A new code starts afresh.
		code, _ = e.svc.issueVerificationCode(ctx, p, u, purposeSignUp, "email", time.Hour)
		if _, err := e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, code); err != nil {
			t.Fatalf("new code after burn: %v", err)
		}
	})

	t.Run("bound to the destination", func(t *testing.T) {
		code, _ := e.svc.issueVerificationCode(ctx, p, u, purposeVerifyPrefix+"email", "email", time.Hour)
		moved := u
		moved.Attributes = map[string]string{"email": "new@example.com"}
		_, err := e.svc.consumeVerificationCode(ctx, p, moved, purposeVerifyPrefix+"email", code)
		utWantErr(t, err, KindCodeMismatch, "")
	})

	t.Run("exactly one concurrent winner", func(t *testing.T) {
		code, _ := e.svc.issueVerificationCode(ctx, p, u, purposeSignUp, "email", time.Hour)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, expired := 0, 0
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.svc.consumeVerificationCode(ctx, p, u, purposeSignUp, code)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case KindOf(err) == KindExpiredCode:
					expired++
				default:
					t.Errorf("unexpected %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || expired != 3 {
			t.Fatalf("wins %d expired %d, want 1 and 3", wins, expired)
		}
	})
}

// lcOtherCode is a 6-digit code different from code.
func lcOtherCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestDeliveryUsesPoolTemplatesAndMasks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_tmpl00001", PoolSettings{CaseSensitive: true, Extra: map[string]json.RawMessage{
		"VerificationMessageTemplate": json.RawMessage(`{"EmailSubject":"Welcome","EmailMessage":"Code: {####}","SmsMessage":"SMS {####}"}`),
	}})
	u := e.create(t, p.ID, "bob", Attribute{Name: "email", Value: "bob@example.com"}, Attribute{Name: "phone_number", Value: "+15555551234"})
	d, err := e.svc.sendVerificationCode(ctx, p, u, purposeSignUp, MessageSignUp, "email", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if *d != (CodeDelivery{Destination: "b***@e***", DeliveryMedium: "EMAIL", AttributeName: "email"}) {
		t.Fatalf("delivery %+v", d)
	}
	m := e.sender.last(t, "bob@example.com")
	if m.Subject != "Welcome" || m.Body != "Code: {####}" || m.Medium != "EMAIL" || m.Purpose != MessageSignUp || len(m.Code) != 6 {
		t.Fatalf("message %+v", m)
	}
	d, err = e.svc.sendVerificationCode(ctx, p, u, purposeVerifyPrefix+"phone_number", MessageVerifyAttribute, "phone_number", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if *d != (CodeDelivery{Destination: "+*******1234", DeliveryMedium: "SMS", AttributeName: "phone_number"}) {
		t.Fatalf("delivery %+v", d)
	}
	if m := e.sender.last(t, "+15555551234"); m.Body != "SMS {####}" || m.Medium != "SMS" {
		t.Fatalf("sms %+v", m)
	}

	// Legacy members apply when there is no template; none: empty (sender default).
	p2 := e.pool(t, "us-east-1_tmpl00002", PoolSettings{CaseSensitive: true, Extra: map[string]json.RawMessage{
		"EmailVerificationSubject": json.RawMessage(`"Legacy subject"`),
		"EmailVerificationMessage": json.RawMessage(`"Legacy {####}"`),
	}})
	if s, b := verificationTemplate(p2, "EMAIL"); s != "Legacy subject" || b != "Legacy {####}" {
		t.Fatalf("legacy template %q %q", s, b)
	}
	if s, b := verificationTemplate(p2, "SMS"); s != "" || b != "" {
		t.Fatalf("no sms template: %q %q", s, b)
	}

	// A failing sender is CodeDeliveryFailureException, without the cause.
	e.sender.fail = errors.New("smtp: 554 rejected")
	_, err = e.svc.sendVerificationCode(ctx, p, u, purposeSignUp, MessageSignUp, "email", time.Hour)
	utWantErr(t, err, KindCodeDeliveryFailure, "")
	if strings.Contains(AsError(err).Message, "554") {
		t.Fatalf("delivery error leaks the cause: %q", AsError(err).Message)
	}
}

func TestSimulatedDeliveryIsStable(t *testing.T) {
	t.Parallel()
	p := &Pool{ID: "us-east-1_sim000001"}
	a, b := simulatedDelivery(p, "nobody"), simulatedDelivery(p, "nobody")
	if *a != *b || a.DeliveryMedium != "EMAIL" || !strings.Contains(a.Destination, "***@") {
		t.Fatalf("simulated %+v %+v", a, b)
	}
	if d := simulatedDelivery(p, "ghost@example.com"); d.Destination != "g***@e***" {
		t.Fatalf("email username: %+v", d)
	}
	if d := simulatedDelivery(p, "+15555550000"); d.DeliveryMedium != "SMS" || d.Destination != "+*******0000" {
		t.Fatalf("phone username: %+v", d)
	}
}
