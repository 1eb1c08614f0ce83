package userpool

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cognitosrp "github.com/alexrudd/cognito-srp/v4"

	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/token"
)

// auEnv is a domain service over SQLite with a real token issuer and a
// clock the test moves (safe for concurrent readers).
type auEnv struct {
	svc  *Service
	st   store.Store
	mu   sync.Mutex
	time time.Time
}

func (e *auEnv) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.time
}

func (e *auEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.time = e.time.Add(d)
	e.mu.Unlock()
}

func newAuEnv(tb testing.TB, pwp password.Params) *auEnv {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	e := &auEnv{st: st, time: time.Now().UTC().Truncate(time.Second)}
	iss, err := token.NewIssuer(st, token.Options{Now: e.now, KeyBits: 1024})
	if err != nil {
		tb.Fatal(err)
	}
	e.svc = New(st, Options{Now: e.now, PasswordParams: pwp, Tokens: iss})
	return e
}

const auPassword = "Corr3ct-horse!"

// setup makes a pool (case-insensitive usernames), a client allowing every
// flow and a confirmed user "alice" with auPassword.
func (e *auEnv) setup(tb testing.TB) (*Pool, *Client, store.User) {
	tb.Helper()
	ctx := context.Background()
	p, err := e.svc.CreatePool(ctx, PoolInput{Name: "p", CaseSensitive: new(bool)})
	if err != nil {
		tb.Fatal(err)
	}
	c, err := e.svc.CreateClient(ctx, p.ID, ClientInput{Name: "c", ExplicitAuthFlows: []string{
		FlowAllowUserPasswordAuth, FlowAllowUserSRPAuth, FlowAllowRefreshTokenAuth, FlowAllowAdminUserPasswordAuth}})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "alice", MessageAction: "SUPPRESS"})
	if err != nil {
		tb.Fatal(err)
	}
	cred, err := e.svc.newPassword(p, "alice", auPassword, false)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := e.st.UpdateUser(ctx, p.ID, res.User.UsernameKey(), func(u *store.User) error {
		u.Password, u.Status = cred, StatusConfirmed
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p, c, u
}

func (e *auEnv) passwordSignIn(c *Client, pw string) (*AuthOutput, error) {
	return e.svc.InitiateAuth(context.Background(), InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": pw}})
}

func (e *auEnv) srpSignIn(p *Pool, c *Client, pw string) (*AuthOutput, error) {
	ctx := context.Background()
	cl, err := cognitosrp.NewCognitoSRP("alice", pw, p.ID, c.ID, nil)
	if err != nil {
		return nil, err
	}
	out, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserSRP, AuthParameters: cl.GetAuthParams()})
	if err != nil {
		return nil, err
	}
	resp, err := cl.PasswordVerifierChallenge(out.ChallengeParameters, e.now())
	if err != nil {
		return nil, err
	}
	return e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: c.ID, ChallengeName: ChallengePasswordVerifier, Responses: resp})
}

func auWant(t *testing.T, err error, kind Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %q", kind, msg)
	}
	de := AsError(err)
	if de.Kind != kind || de.Message != msg {
		t.Fatalf("got %s %q (%v), want %s %q", de.Kind, de.Message, err, kind, msg)
	}
}

const (
	msgIncorrect = "Incorrect username or password."
	msgExceeded  = "Password attempts exceeded"
)

func TestLockoutDuration(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{
		0: 0, 1: 0, 4: 0, 5: time.Second, 6: 2 * time.Second, 7: 4 * time.Second,
		14: 512 * time.Second, 15: 15 * time.Minute, 16: 15 * time.Minute, 1000: 15 * time.Minute,
	} {
		if got := lockoutDuration(n); got != want {
			t.Errorf("lockoutDuration(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestLockoutSequential(t *testing.T) {
	t.Parallel()
	for _, flow := range []string{"password", "srp"} {
		t.Run(flow, func(t *testing.T) {
			e := newAuEnv(t, password.InsecureTestParams)
			p, c, u := e.setup(t)
			signIn := func(pw string) error {
				var err error
				if flow == "srp" {
					_, err = e.srpSignIn(p, c, pw)
				} else {
					_, err = e.passwordSignIn(c, pw)
				}
				return err
			}
			for i := 0; i < LockoutFreeAttempts; i++ {
				auWant(t, signIn("wrong"), KindNotAuthorized, msgIncorrect)
			}
			// Locked for 1 s: even the right password is refused, and not counted.
			auWant(t, signIn(auPassword), KindNotAuthorized, msgExceeded)
			auWant(t, signIn("wrong"), KindNotAuthorized, msgExceeded)
			if got, _ := e.st.GetUser(context.Background(), p.ID, u.UsernameKey); got.FailedLogins != LockoutFreeAttempts {
				t.Fatalf("FailedLogins = %d", got.FailedLogins)
			}
			e.advance(time.Second)
			auWant(t, signIn("wrong"), KindNotAuthorized, msgIncorrect) // 6th failure: 2 s
			e.advance(time.Second)
			auWant(t, signIn(auPassword), KindNotAuthorized, msgExceeded)
			e.advance(time.Second)
			if err := signIn(auPassword); err != nil {
				t.Fatalf("after the lock: %v", err)
			}
			// Success resets the count: five fresh guesses.
			for i := 0; i < LockoutFreeAttempts; i++ {
				auWant(t, signIn("wrong"), KindNotAuthorized, msgIncorrect)
			}
			auWant(t, signIn("wrong"), KindNotAuthorized, msgExceeded)
			// Fifteen quiet minutes reset it too.
			e.advance(LockoutReset + time.Second)
			for i := 0; i < LockoutFreeAttempts; i++ {
				auWant(t, signIn("wrong"), KindNotAuthorized, msgIncorrect)
			}
		})
	}
}

// TestLockoutParallel: 50 concurrent wrong guesses are compared no more
// often than sequential ones: exactly LockoutFreeAttempts reach the password
// check (answer "Incorrect ..."), the rest are refused as locked.
func TestLockoutParallel(t *testing.T) {
	t.Parallel()
	for _, flow := range []string{"password", "srp"} {
		t.Run(flow, func(t *testing.T) {
			e := newAuEnv(t, password.InsecureTestParams)
			p, c, u := e.setup(t)
			const n = 50
			var wg sync.WaitGroup
			errs := make([]error, n)
			// SRP: start every handshake first, then answer all at once.
			type pending struct {
				cl  *cognitosrp.CognitoSRP
				out *AuthOutput
			}
			var starts []pending
			if flow == "srp" {
				for i := 0; i < n; i++ {
					cl, _ := cognitosrp.NewCognitoSRP("alice", "wrong", p.ID, c.ID, nil)
					out, err := e.svc.InitiateAuth(context.Background(), InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserSRP, AuthParameters: cl.GetAuthParams()})
					if err != nil {
						t.Fatal(err)
					}
					starts = append(starts, pending{cl, out})
				}
			}
			gate := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-gate
					if flow == "srp" {
						resp, _ := starts[i].cl.PasswordVerifierChallenge(starts[i].out.ChallengeParameters, e.now())
						_, errs[i] = e.svc.RespondToAuthChallenge(context.Background(), RespondInput{ClientID: c.ID, ChallengeName: ChallengePasswordVerifier, Responses: resp})
						return
					}
					_, errs[i] = e.passwordSignIn(c, "wrong")
				}(i)
			}
			close(gate)
			wg.Wait()
			counts := map[string]int{}
			for _, err := range errs {
				de := AsError(err)
				if de.Kind != KindNotAuthorized {
					t.Fatalf("unexpected error %v", err)
				}
				counts[de.Message]++
			}
			if counts[msgIncorrect] != LockoutFreeAttempts || counts[msgExceeded] != n-LockoutFreeAttempts {
				t.Fatalf("answers %v, want %d compared and %d refused", counts, LockoutFreeAttempts, n-LockoutFreeAttempts)
			}
			got, _ := e.st.GetUser(context.Background(), p.ID, u.UsernameKey)
			if got.FailedLogins != LockoutFreeAttempts || !got.LockedUntil.Equal(e.now().Add(time.Second).Truncate(time.Millisecond)) {
				t.Fatalf("FailedLogins %d LockedUntil %v", got.FailedLogins, got.LockedUntil)
			}
		})
	}
}
