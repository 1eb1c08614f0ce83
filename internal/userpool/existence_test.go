package userpool

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cognitosrp "github.com/alexrudd/cognito-srp/v4"

	"userpool/internal/password"
	"userpool/internal/store/sqlite"
)

// With PreventUserExistenceErrors ENABLED an unknown username must be
// answered exactly as an existing user is, step by step: lockout after
// wrong passwords (both flows), the send limit of ForgotPassword and
// ResendConfirmationCode, the attempt limit and absence of codes of
// ConfirmSignUp and ConfirmForgotPassword, with and without
// auto-verification.

type exEnv struct {
	svc *Service
	mu  sync.Mutex
	t   time.Time
}

func (e *exEnv) now() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.t }
func (e *exEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.t = e.t.Add(d)
	e.mu.Unlock()
}

type exNopSender struct{}

func (exNopSender) Send(context.Context, Message) error { return nil }

// exPool is a pool with an ENABLED client; autoVerify lists its
// AutoVerifiedAttributes. The existing user "known" has a verified email,
// is CONFIRMED with exPassword when confirmed, else UNCONFIRMED (signed up).
type exPool struct {
	p *Pool
	c *Client
}

const exPassword = "Corr3ct-horse!"

func newExEnv(t *testing.T) *exEnv {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := &exEnv{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	e.svc = New(st, Options{Now: e.now, PasswordParams: password.InsecureTestParams, Sender: exNopSender{}})
	return e
}

func (e *exEnv) pool(t *testing.T, autoVerify []string, confirmed bool) exPool {
	t.Helper()
	ctx := context.Background()
	p, err := e.svc.CreatePool(ctx, PoolInput{Name: "p", CaseSensitive: new(bool), AutoVerifiedAttributes: autoVerify})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.CreateClient(ctx, p.ID, ClientInput{Name: "c", PreventUserExistenceErrors: "ENABLED",
		ExplicitAuthFlows: []string{FlowAllowUserPasswordAuth, FlowAllowUserSRPAuth, FlowAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	if confirmed {
		if _, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "known", MessageAction: "SUPPRESS",
			Attributes: []Attribute{{"email", "known@example.com"}, {"email_verified", "true"}}}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.AdminSetUserPassword(ctx, p.ID, "known", exPassword, true); err != nil {
			t.Fatal(err)
		}
	} else {
		if _, err := e.svc.SignUp(ctx, SignUpInput{ClientID: c.ID, Username: "known", Password: exPassword,
			Attributes: []Attribute{{"email", "known@example.com"}}}); err != nil {
			t.Fatal(err)
		}
	}
	return exPool{p: p, c: c}
}

// exAnswer is what a step answered: the error's kind and message ("" for
// success).
func exAnswer(err error) string {
	if err == nil {
		return "ok"
	}
	e := AsError(err)
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

func TestUnknownUsernamesIndistinguishable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	signInPw := func(e *exEnv, x exPool, user string) error {
		_, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: x.c.ID, AuthFlow: FlowUserPassword,
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Wrong-pass1"}})
		return err
	}
	signInSRP := func(e *exEnv, x exPool, user string) error {
		cl, err := cognitosrp.NewCognitoSRP(user, "Wrong-pass1", x.p.ID, x.c.ID, nil)
		if err != nil {
			return err
		}
		out, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: x.c.ID, AuthFlow: FlowUserSRP, AuthParameters: cl.GetAuthParams()})
		if err != nil {
			return err
		}
		resp, err := cl.PasswordVerifierChallenge(out.ChallengeParameters, e.now())
		if err != nil {
			return err
		}
		_, err = e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: x.c.ID, ChallengeName: ChallengePasswordVerifier, Responses: resp})
		return err
	}
	forgot := func(e *exEnv, x exPool, user string) error {
		_, err := e.svc.ForgotPassword(ctx, ForgotPasswordInput{ClientID: x.c.ID, Username: user})
		return err
	}
	confirmForgot := func(e *exEnv, x exPool, user string) error {
		return e.svc.ConfirmForgotPassword(ctx, ConfirmForgotPasswordInput{ClientID: x.c.ID, Username: user, Code: "000000", Password: "New-passw0rd!"})
	}
	resend := func(e *exEnv, x exPool, user string) error {
		_, err := e.svc.ResendConfirmationCode(ctx, ResendConfirmationCodeInput{ClientID: x.c.ID, Username: user})
		return err
	}
	confirm := func(e *exEnv, x exPool, user string) error {
		return e.svc.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: x.c.ID, Username: user, Code: "000000"})
	}
	type step func(e *exEnv, x exPool, user string) error
	wait := func(d time.Duration) step {
		return func(e *exEnv, _ exPool, _ string) error { e.advance(d); return nil }
	}
	times := func(n int, s step) []step {
		out := make([]step, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	seq := func(parts ...[]step) []step {
		var out []step
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	one := func(s step) []step { return []step{s} }

	for _, tc := range []struct {
		name       string
		autoVerify []string
		confirmed  bool
		steps      []step
		// want, when set, is the answer the last step must give (proof that
		// the sequence reaches the limit it is about).
		want string
	}{
		{name: "password lockout", confirmed: true, autoVerify: []string{"email"},
			steps: seq(times(7, signInPw), one(wait(3*time.Second)), times(2, signInPw), one(wait(16*time.Minute)), times(2, signInPw)),
			want:  "NotAuthorizedException: Incorrect username or password."},
		{name: "password lockout holds", confirmed: true, autoVerify: []string{"email"},
			steps: times(6, signInPw), want: "NotAuthorizedException: Password attempts exceeded"},
		{name: "srp lockout", confirmed: true, autoVerify: []string{"email"},
			steps: times(7, signInSRP), want: "NotAuthorizedException: Password attempts exceeded"},
		{name: "forgot password send limit", confirmed: true, autoVerify: []string{"email"},
			steps: seq(times(6, forgot), one(wait(time.Hour)), one(forgot), times(5, forgot)),
			want:  "LimitExceededException: Attempt limit exceeded, please try after some time."},
		{name: "confirm forgot password without a code", confirmed: true, autoVerify: []string{"email"},
			steps: times(2, confirmForgot), want: "ExpiredCodeException: Invalid code provided, please request a code again."},
		{name: "confirm forgot password attempt limit", confirmed: true, autoVerify: []string{"email"},
			steps: seq(one(forgot), times(7, confirmForgot), one(forgot), one(confirmForgot), one(wait(2*time.Hour)), one(confirmForgot)),
			want:  "ExpiredCodeException: Invalid code provided, please request a code again."},
		{name: "resend without auto-verification", confirmed: false,
			steps: times(2, resend), want: "InvalidParameterException: Auto verification not turned on."},
		{name: "confirm sign-up without auto-verification", confirmed: false,
			steps: times(7, confirm), want: "ExpiredCodeException: Invalid code provided, please request a code again."},
		{name: "confirm sign-up attempt limit", confirmed: false, autoVerify: []string{"email"},
			steps: seq(times(6, confirm), one(resend), times(2, confirm)),
			want:  "CodeMismatchException: Invalid verification code provided, please try again."},
		{name: "resend send limit", confirmed: false, autoVerify: []string{"email"},
			steps: times(6, resend), want: "LimitExceededException: Attempt limit exceeded, please try after some time."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			run := func(user string) []string {
				e := newExEnv(t)
				x := e.pool(t, tc.autoVerify, tc.confirmed)
				var out []string
				for _, s := range tc.steps {
					out = append(out, exAnswer(s(e, x, user)))
				}
				return out
			}
			known, unknown := run("known"), run("nobody")
			for i := range known {
				if known[i] != unknown[i] {
					t.Errorf("step %d: known user %q, unknown username %q\nknown:   %q\nunknown: %q", i, known[i], unknown[i], known, unknown)
					return
				}
			}
			if last := known[len(known)-1]; last != tc.want {
				t.Errorf("last answer %q, want %q (all: %q)", last, tc.want, known)
			}
		})
	}
}

// The counters of unknown usernames are bounded: the least recently used
// name is forgotten when the table is full, and an expired entry counts as
// absent.
func TestGhostCountersBounded(t *testing.T) {
	t.Parallel()
	e := newExEnv(t)
	x := e.pool(t, []string{"email"}, true)
	e.svc.ghosts.cap = 3
	for i := range 10 {
		if err := e.svc.ghostAttempt(x.p, fmt.Sprintf("user%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.svc.ghosts.len(); n != 3 {
		t.Fatalf("%d entries held, want 3", n)
	}
	for range LockoutFreeAttempts - 1 {
		if err := e.svc.ghostAttempt(x.p, "user9"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.ghostAttempt(x.p, "user9"); exAnswer(err) != "NotAuthorizedException: Password attempts exceeded" {
		t.Fatalf("sixth attempt: %v", err)
	}
	e.advance(LockoutReset + time.Minute)
	if err := e.svc.ghostAttempt(x.p, "user9"); err != nil {
		t.Fatalf("after the reset period: %v", err)
	}
}
