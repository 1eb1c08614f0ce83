package userpool

import (
	"context"
	"testing"
	"time"

	"userpool/internal/store"
)

const msgSendLimit = "Attempt limit exceeded, please try after some time."

// slEnv is a pool with email auto-verification, a client, and one user per
// limited operation in the state that operation needs.
type slEnv struct {
	*lcEnv
	p *Pool
	c *Client
}

func newSLEnv(t *testing.T) *slEnv {
	t.Helper()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_sendlimit", PoolSettings{CaseSensitive: true, AutoVerifiedAttributes: []string{"email"}})
	return &slEnv{lcEnv: e, p: p, c: e.client(t, p.ID, ClientInput{})}
}

// confirmed creates a CONFIRMED user with a verified email.
func (e *slEnv) confirmed(t *testing.T, username string) store.User {
	t.Helper()
	return e.confirmedUser(t, e.p.ID, username, Attribute{Name: "email", Value: username + "@example.com"}, Attribute{Name: "email_verified", Value: "true"})
}

// op is one limited operation, set up for a fresh user; send requests one code.
type slOp struct {
	name  string
	setup func(t *testing.T, e *slEnv, username string) (send func(svc *Service) error)
}

var slOps = []slOp{
	{"ResendConfirmationCode", func(t *testing.T, e *slEnv, username string) func(*Service) error {
		e.signUp(t, e.c, username, lcPassword, Attribute{Name: "email", Value: username + "@example.com"})
		return func(svc *Service) error {
			_, err := svc.ResendConfirmationCode(context.Background(), ResendConfirmationCodeInput{ClientID: e.c.ID, Username: username})
			return err
		}
	}},
	{"ForgotPassword", func(t *testing.T, e *slEnv, username string) func(*Service) error {
		e.confirmed(t, username)
		return func(svc *Service) error {
			_, err := svc.ForgotPassword(context.Background(), ForgotPasswordInput{ClientID: e.c.ID, Username: username})
			return err
		}
	}},
	{"GetUserAttributeVerificationCode", func(t *testing.T, e *slEnv, username string) func(*Service) error {
		u := e.confirmed(t, username)
		return func(svc *Service) error {
			at := e.accessToken(t, e.c, u) // fresh: the test moves the clock past an hour
			_, err := svc.GetUserAttributeVerificationCode(context.Background(), at, "email")
			return err
		}
	}},
}

// Each operation sends one user at most MaxCodeSends codes in a window of
// CodeSendWindow from the first send; a refused request sends nothing and
// leaves the last code in place; the next window starts afresh.
func TestCodeSendLimit(t *testing.T) {
	t.Parallel()
	for _, op := range slOps {
		t.Run(op.name, func(t *testing.T) {
			e := newSLEnv(t)
			send := op.setup(t, e, "user1")
			start := e.now
			for i := 1; i <= MaxCodeSends; i++ {
				e.now = start.Add(time.Duration(i) * time.Minute)
				if err := send(e.svc); err != nil {
					t.Fatalf("send %d: %v", i, err)
				}
			}
			sent := e.sender.count()
			codes := func() []store.Code {
				var out []store.Code
				for _, purpose := range []string{purposeSignUp, purposeReset, purposeVerifyPrefix + "email"} {
					if c, err := e.st.GetCode(context.Background(), e.p.ID, "user1", purpose); err == nil {
						out = append(out, c)
					}
				}
				return out
			}
			before := codes()
			utWantErr(t, send(e.svc), KindLimitExceeded, msgSendLimit)
			if e.sender.count() != sent {
				t.Fatal("a refused request sent a code")
			}
			if after := codes(); len(after) != len(before) || len(after) == 0 || after[0] != before[0] {
				t.Fatalf("a refused request replaced the code: %+v -> %+v", before, after)
			}
			// The window opened at the first send (start + 1 minute).
			e.now = start.Add(time.Minute + CodeSendWindow - time.Millisecond)
			utWantErr(t, send(e.svc), KindLimitExceeded, msgSendLimit)
			e.now = start.Add(time.Minute + CodeSendWindow)
			for i := 1; i <= MaxCodeSends; i++ {
				if err := send(e.svc); err != nil {
					t.Fatalf("new window, send %d: %v", i, err)
				}
			}
			utWantErr(t, send(e.svc), KindLimitExceeded, msgSendLimit)
			if got, want := e.sender.count(), sent+MaxCodeSends; got != want {
				t.Fatalf("%d messages, want %d", got, want)
			}
		})
	}
}

// The limit counts one user's sends by all three operations together, is
// kept per user, and lives in the store: a second Service over the same
// store (another instance) sees the same count.
func TestCodeSendLimitSharedAcrossOperationsAndInstances(t *testing.T) {
	t.Parallel()
	e := newSLEnv(t)
	u := e.confirmed(t, "shared")
	at := e.accessToken(t, e.c, u)
	forgot := func(svc *Service, username string) error {
		_, err := svc.ForgotPassword(context.Background(), ForgotPasswordInput{ClientID: e.c.ID, Username: username})
		return err
	}
	verify := func(svc *Service) error {
		_, err := svc.GetUserAttributeVerificationCode(context.Background(), at, "email")
		return err
	}
	other := New(e.st, Options{Now: func() time.Time { return e.now }, Tokens: e.svc.tokens, Sender: e.sender})

	for i, send := range []func() error{
		func() error { return forgot(e.svc, "shared") },
		func() error { return verify(e.svc) },
		func() error { return forgot(other, "shared") },
		func() error { return verify(other) },
		func() error { return forgot(e.svc, "shared") },
	} {
		if err := send(); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	utWantErr(t, verify(e.svc), KindLimitExceeded, msgSendLimit)
	utWantErr(t, forgot(other, "shared"), KindLimitExceeded, msgSendLimit)

	// Another user of the pool is not limited by it.
	e.confirmed(t, "neighbour")
	if err := forgot(other, "neighbour"); err != nil {
		t.Fatalf("another user: %v", err)
	}
	// Codes that are not limited still go out (UpdateUserAttributes sends
	// a verification code for a changed email).
	if _, err := e.svc.UpdateUserAttributes(context.Background(), at, []Attribute{{Name: "email", Value: "shared2@example.com"}}); err != nil {
		t.Fatalf("UpdateUserAttributes: %v", err)
	}
	if m := e.sender.last(t, "shared2@example.com"); m.Purpose != MessageVerifyAttribute {
		t.Fatalf("message %+v", m)
	}
}
