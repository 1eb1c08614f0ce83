package userpool

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	cognitosrp "github.com/alexrudd/cognito-srp/v4"

	"userpool/internal/password"
	"userpool/internal/store"
)

func TestRehashOnSignIn(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t, password.InsecureTestParams)
	p, c, u := e.setup(t)
	if !strings.Contains(u.Password.Hash, "m=64,t=1") {
		t.Fatalf("setup hash %s", u.Password.Hash)
	}
	newParams := password.Params{Memory: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	e.svc.pwp = newParams
	// A failed sign-in does not re-hash.
	if _, err := e.passwordSignIn(c, "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	got, _ := e.st.GetUser(context.Background(), p.ID, u.UsernameKey)
	if got.Password.Hash != u.Password.Hash {
		t.Fatal("re-hashed after a failed sign-in")
	}
	if _, err := e.passwordSignIn(c, auPassword); err != nil {
		t.Fatal(err)
	}
	got, _ = e.st.GetUser(context.Background(), p.ID, u.UsernameKey)
	if password.NeedsRehash(got.Password.Hash, newParams) || got.Password.Hash == u.Password.Hash {
		t.Fatalf("hash not upgraded: %s", got.Password.Hash)
	}
	if !got.UpdatedAt.Equal(u.UpdatedAt) || got.FailedLogins != 0 {
		t.Fatalf("sign-in changed UpdatedAt (%v -> %v) or left FailedLogins %d", u.UpdatedAt, got.UpdatedAt, got.FailedLogins)
	}
	// The new hash verifies, as does SRP (the verifier is untouched).
	if _, err := e.passwordSignIn(c, auPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srpSignIn(p, c, auPassword); err != nil {
		t.Fatal(err)
	}
}

func TestChallengeSessionSealing(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t, password.InsecureTestParams)
	p, c, _ := e.setup(t)
	cl, _ := cognitosrp.NewCognitoSRP("alice", auPassword, p.ID, c.ID, nil)
	out, err := e.svc.InitiateAuth(context.Background(), InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserSRP, AuthParameters: cl.GetAuthParams()})
	if err != nil {
		t.Fatal(err)
	}
	raw := parseSessionToken(out.ChallengeParameters["SECRET_BLOCK"])
	if raw == nil {
		t.Fatal("SECRET_BLOCK does not parse")
	}
	id := sessionID(raw)
	sess, err := e.st.GetSession(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	// The store holds neither the token nor the plaintext state.
	if strings.Contains(string(sess.State), "alice") || strings.Contains(sess.ID, out.ChallengeParameters["SECRET_BLOCK"]) {
		t.Fatal("session state or id leaks the token or the user")
	}
	if _, err := openState(raw, id, sess.State); err != nil {
		t.Fatalf("open: %v", err)
	}
	other := append([]byte(nil), raw...)
	other[0] ^= 1
	if _, err := openState(other, id, sess.State); err == nil {
		t.Fatal("opened with another token")
	}
	if _, err := openState(raw, id+"x", sess.State); err == nil {
		t.Fatal("opened under another session id")
	}
	flipped := append([]byte(nil), sess.State...)
	flipped[len(flipped)-1] ^= 1
	if _, err := openState(raw, id, flipped); err == nil {
		t.Fatal("opened a tampered state")
	}
	// Session tokens are 64 base64url characters (boto3 needs >= 20).
	tok := sessionString(raw)
	if len(tok) != 64 || parseSessionToken(tok) == nil || parseSessionToken(base64.StdEncoding.EncodeToString(raw[:20])) != nil {
		t.Fatalf("session token %q", tok)
	}
}

func TestSameUser(t *testing.T) {
	t.Parallel()
	p := &Pool{ID: "us-east-1_X", Settings: PoolSettings{AliasAttributes: []string{"email"}}}
	u := store.User{Username: "Alice", UsernameKey: "alice", Sub: "0b0c-11", Aliases: map[string]string{"email": "a@example.com"}}
	for name, want := range map[string]bool{"alice": true, "ALICE": true, "0B0C-11": true, "A@Example.com": true, "bob": false, "": false} {
		if got := sameUser(p, u, name); got != want {
			t.Errorf("sameUser(%q) = %v", name, got)
		}
	}
	p.Settings.CaseSensitive = true
	u.UsernameKey = "Alice"
	if sameUser(p, u, "alice") || !sameUser(p, u, "Alice") {
		t.Error("case-sensitive pool")
	}
}

// Benchmarks of complete sign-ins through the domain (SQLite store in a
// temporary directory, 1024-bit signing keys). SRP includes the client's
// maths (alexrudd/cognito-srp); BenchmarkSRPClientOnly measures that part.

func benchSignIn(b *testing.B, pwp password.Params, srp bool) {
	e := newAuEnv(b, pwp)
	p, c, _ := e.setup(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out *AuthOutput
		var err error
		if srp {
			out, err = e.srpSignIn(p, c, auPassword)
		} else {
			out, err = e.passwordSignIn(c, auPassword)
		}
		if err != nil || out.Result == nil {
			b.Fatalf("sign-in: %v", err)
		}
	}
}

func BenchmarkSignIn(b *testing.B) {
	for _, tc := range []struct {
		name string
		pwp  password.Params
	}{{"DefaultParams", password.DefaultParams}, {"InsecureTestParams", password.InsecureTestParams}} {
		b.Run("USER_PASSWORD_AUTH/"+tc.name, func(b *testing.B) { benchSignIn(b, tc.pwp, false) })
		b.Run("USER_SRP_AUTH/"+tc.name, func(b *testing.B) { benchSignIn(b, tc.pwp, true) })
	}
}

func BenchmarkSRPClientOnly(b *testing.B) {
	e := newAuEnv(b, password.InsecureTestParams)
	p, c, _ := e.setup(b)
	cl, _ := cognitosrp.NewCognitoSRP("alice", auPassword, p.ID, c.ID, nil)
	out, err := e.svc.InitiateAuth(context.Background(), InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserSRP, AuthParameters: cl.GetAuthParams()})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cl, _ := cognitosrp.NewCognitoSRP("alice", auPassword, p.ID, c.ID, nil)
		cl.GetAuthParams()
		if _, err := cl.PasswordVerifierChallenge(out.ChallengeParameters, e.now()); err != nil {
			b.Fatal(err)
		}
	}
}
