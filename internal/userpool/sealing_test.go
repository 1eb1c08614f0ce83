package userpool

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/totp"
)

// testSealer is a master-key sealer over a fresh random key.
func testSealer(t *testing.T) *iam.Sealer {
	t.Helper()
	key := make([]byte, iam.MasterKeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	s, err := iam.NewSealer(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newSealedEnv is newLCEnv with a master key.
func newSealedEnv(t *testing.T) (*lcEnv, *iam.Sealer) {
	t.Helper()
	e := newLCEnv(t)
	sealer := testSealer(t)
	e.svc.secrets.sealer = sealer
	return e, sealer
}

// Issue 13, finding 1: a one-time code's stored digest is keyed with a
// secret sealed by the master key. The known inputs and SHA-256 do not
// reproduce it, the code still verifies, and a copy of the database without
// the master key cannot check a guess.
func TestCodesKeyedWithSealedKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, sealer := newSealedEnv(t)
	p := e.pool(t, "us-east-1_codekey01", PoolSettings{AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})
	e.signUp(t, c, "alice", lcPassword, Attribute{"email", "alice@example.com"})
	code := e.sender.last(t, "alice@example.com").Code

	rec, err := e.st.GetCode(ctx, p.ID, "alice", purposeSignUp)
	if err != nil {
		t.Fatal(err)
	}
	version, attr, digest, ok := decodeCodeRecord(rec.CodeHash)
	if !ok || version != "v2" || attr != "email" {
		t.Fatalf("stored code %q: want a v2 record for email", rec.CodeHash)
	}
	// Everything but the key is known to whoever holds a copy: SHA-256 of it
	// (the old scheme) must not give the stored digest.
	if codeDigestV1(p.ID, "alice", purposeSignUp, "email", "alice@example.com", code) == digest {
		t.Fatal("the stored digest is the unkeyed SHA-256 of known inputs and the code")
	}

	// The code key is stored sealed: its bytes are not in the row.
	r, err := e.st.GetResource(ctx, p.ID, codeKeyKind, codeKeyName)
	if err != nil {
		t.Fatalf("code key resource: %v", err)
	}
	key, err := e.svc.codeKey(ctx, p.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(r.Body, key) || !bytes.HasPrefix(r.Body, []byte(sealedPrefix)) {
		t.Fatalf("code key stored unsealed: %q", r.Body)
	}
	if codeDigest(key, p.ID, "alice", purposeSignUp, "email", "alice@example.com", code) != digest {
		t.Fatal("the digest is not the HMAC under the pool's code key")
	}

	// A copy of the database served without the master key (here: with
	// another one) cannot check the right code, let alone a guess.
	other := New(e.st, Options{Now: func() time.Time { return e.now }, Sealer: testSealer(t)})
	if err := other.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, Username: "alice", Code: code}); KindOf(err) != KindInternal {
		t.Fatalf("ConfirmSignUp under another master key: %v, want an internal error", err)
	}
	noKey := New(e.st, Options{Now: func() time.Time { return e.now }})
	if err := noKey.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, Username: "alice", Code: code}); KindOf(err) != KindInternal {
		t.Fatalf("ConfirmSignUp without a master key: %v, want an internal error", err)
	}

	// With the master key the code verifies (a new Service: nothing cached).
	same := New(e.st, Options{Now: func() time.Time { return e.now }, Sealer: sealer})
	if err := same.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, Username: "alice", Code: code}); err != nil {
		t.Fatalf("ConfirmSignUp with the right code: %v", err)
	}
	if u := e.user(t, p.ID, "alice"); u.Status != StatusConfirmed {
		t.Fatalf("status %s", u.Status)
	}
}

// A code stored before keyed codes (v1, unkeyed) still verifies until it
// expires or is used.
func TestLegacyUnkeyedCodeStillVerifies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _ := newSealedEnv(t)
	p := e.pool(t, "us-east-1_codekey02", PoolSettings{AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})
	e.signUp(t, c, "bob", lcPassword, Attribute{"email", "bob@example.com"})
	const code = "424242"
	err := e.st.PutCode(ctx, store.Code{PoolID: p.ID, UsernameKey: "bob", Purpose: purposeSignUp,
		CodeHash:  "v1:email:" + codeDigestV1(p.ID, "bob", purposeSignUp, "email", "bob@example.com", code),
		CreatedAt: e.now, ExpiresAt: e.now.Add(SignUpCodeTTL)})
	if err != nil {
		t.Fatal(err)
	}
	err = e.svc.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, Username: "bob", Code: "000001"})
	utWantErr(t, err, KindCodeMismatch, msgVerifyCodeMismatch)
	if err := e.svc.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, Username: "bob", Code: code}); err != nil {
		t.Fatalf("ConfirmSignUp with a v1 code: %v", err)
	}
}

// Two instances issuing the first code of a pool at once end up with one
// code key.
func TestCodeKeySingleWinner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, sealer := newSealedEnv(t)
	p := e.pool(t, "us-east-1_codekey03", PoolSettings{})
	const n = 6
	keys := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		svc := New(e.st, Options{Sealer: sealer})
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := svc.codeKey(ctx, p.ID, true)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if !bytes.Equal(keys[i], keys[0]) || len(keys[0]) != codeKeySize {
			t.Fatalf("instance %d has another code key", i)
		}
	}
}

// totpSignIn signs alice in with USER_PASSWORD_AUTH and answers the
// SOFTWARE_TOKEN_MFA challenge with secret's code at the current time.
func totpSignIn(t *testing.T, e *lcEnv, c *Client, username, secret string) {
	t.Helper()
	ctx := context.Background()
	out, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": lcPassword}})
	if err != nil || out.ChallengeName != ChallengeSoftwareTokenMFA {
		t.Fatalf("InitiateAuth: %+v %v", out, err)
	}
	code, err := totp.Code(secret, e.now)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: c.ID, ChallengeName: ChallengeSoftwareTokenMFA, Session: out.Session,
		Responses: map[string]string{"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code}})
	if err != nil || res.Result == nil {
		t.Fatalf("RespondToAuthChallenge: %+v %v", res, err)
	}
}

// Issue 13, finding 2: TOTP secrets are stored sealed; setup and sign-in
// still work; secrets stored in plaintext before are sealed by
// SealStoredSecrets (and by the user's next TOTP sign-in) and keep working.
func TestTOTPSecretSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _ := newSealedEnv(t)
	p := e.pool(t, "us-east-1_totpseal1", PoolSettings{MfaConfiguration: "OPTIONAL", SoftwareTokenMfa: true})
	c := e.client(t, p.ID, ClientInput{ExplicitAuthFlows: []string{FlowAllowUserPasswordAuth, FlowAllowRefreshTokenAuth}})

	u := e.confirmedUser(t, p.ID, "uma")
	at := e.accessToken(t, c, u)
	a, err := e.svc.AssociateSoftwareToken(ctx, at, "")
	if err != nil {
		t.Fatal(err)
	}
	if raw := e.user(t, p.ID, "uma").MFA; bytes.Contains(raw, []byte(a.SecretCode)) || !bytes.Contains(raw, []byte(sealedPrefix)) {
		t.Fatalf("the stored MFA document holds the secret in plaintext: %s", raw)
	}
	code, _ := totp.Code(a.SecretCode, e.now)
	if _, err := e.svc.VerifySoftwareToken(ctx, at, "", code); err != nil {
		t.Fatalf("VerifySoftwareToken: %v", err)
	}
	if err := e.svc.SetUserMFAPreference(ctx, at, MFAPreference{TOTP: &MFAFactorSetting{Enabled: true, Preferred: true}}); err != nil {
		t.Fatal(err)
	}
	if raw := e.user(t, p.ID, "uma").MFA; bytes.Contains(raw, []byte(a.SecretCode)) {
		t.Fatalf("plaintext after verification: %s", raw)
	}
	e.now = e.now.Add(totp.Period)
	totpSignIn(t, e, c, "uma", a.SecretCode)

	// A sealed secret moved to another user does not open.
	other := e.confirmedUser(t, p.ID, "otto")
	_, err = e.st.UpdateUser(ctx, p.ID, "otto", func(x *store.User) error { x.MFA = e.user(t, p.ID, "uma").MFA; return nil })
	if err != nil {
		t.Fatal(err)
	}
	_ = other
	out, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": "otto", "PASSWORD": lcPassword}})
	if err == nil {
		code, _ := totp.Code(a.SecretCode, e.now.Add(totp.Period))
		_, err = e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: c.ID, ChallengeName: ChallengeSoftwareTokenMFA, Session: out.Session,
			Responses: map[string]string{"USERNAME": "otto", "SOFTWARE_TOKEN_MFA_CODE": code}})
	}
	if KindOf(err) != KindInternal {
		t.Fatalf("another user's sealed secret: %v, want an internal error", err)
	}

	// Rows written before sealing: plaintext secrets.
	const legacy = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	plant := func(username string) {
		e.confirmedUser(t, p.ID, username)
		_, err := e.st.UpdateUser(ctx, p.ID, username, func(x *store.User) error {
			x.MFA = MFASettings{TOTPEnabled: true, TOTPPreferred: true, TOTPVerified: true, TOTPSecret: legacy}.Encode()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	plant("lea")
	plant("leo")
	before := e.user(t, p.ID, "lea")
	rep, err := e.svc.SealStoredSecrets(ctx)
	if err != nil {
		t.Fatalf("SealStoredSecrets: %v", err)
	}
	if rep.TOTPSecrets != 2 || rep.Pools != 1 {
		t.Fatalf("report %+v, want 2 secrets in 1 pool", rep)
	}
	for _, name := range []string{"lea", "leo"} {
		if raw := e.user(t, p.ID, name).MFA; bytes.Contains(raw, []byte(legacy)) {
			t.Fatalf("%s still holds the plaintext secret: %s", name, raw)
		}
	}
	if after := e.user(t, p.ID, "lea"); !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("sealing changed UpdatedAt: %v -> %v", before.UpdatedAt, after.UpdatedAt)
	}
	e.now = e.now.Add(totp.Period)
	totpSignIn(t, e, c, "lea", legacy)

	// The pool is marked: a second run does nothing. A plaintext row that
	// appears later (an old instance still running) is sealed at its next
	// TOTP sign-in.
	plant("lou")
	if rep, err := e.svc.SealStoredSecrets(ctx); err != nil || rep != (SealReport{}) {
		t.Fatalf("second run: %+v %v", rep, err)
	}
	e.now = e.now.Add(totp.Period)
	totpSignIn(t, e, c, "lou", legacy)
	if raw := e.user(t, p.ID, "lou").MFA; bytes.Contains(raw, []byte(legacy)) || !strings.Contains(string(raw), sealedPrefix) {
		t.Fatalf("lou not sealed by the sign-in: %s", raw)
	}
}

// Issue 13, finding 2: app-client secrets are stored sealed; SECRET_HASH
// still works; a secret column stored in plaintext before sealing keeps
// working and is sealed by SealStoredSecrets.
func TestClientSecretSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _ := newSealedEnv(t)
	p := e.pool(t, "us-east-1_clientsec1", PoolSettings{})
	c := e.client(t, p.ID, ClientInput{GenerateSecret: true, ExplicitAuthFlows: []string{FlowAllowUserPasswordAuth, FlowAllowRefreshTokenAuth}})
	if c.Secret == "" {
		t.Fatal("no secret generated")
	}
	raw, err := e.st.GetClient(ctx, p.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw.Secret, c.Secret) || !strings.HasPrefix(raw.Secret, sealedPrefix) {
		t.Fatalf("stored secret column %q holds the secret in plaintext", raw.Secret)
	}
	got, err := e.svc.GetClient(ctx, p.ID, c.ID)
	if err != nil || got.Secret != c.Secret {
		t.Fatalf("GetClient secret %q (%v), want the generated one", got.Secret, err)
	}

	signIn := func(c *Client, username string) error {
		_, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword,
			AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": lcPassword, "SECRET_HASH": lcSecretHash(c, username)}})
		return err
	}
	e.confirmedUser(t, p.ID, "sam")
	if err := signIn(c, "sam"); err != nil {
		t.Fatalf("sign-in with SECRET_HASH: %v", err)
	}
	_, err = e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": lcPassword, "SECRET_HASH": lcSecretHash(&Client{ID: c.ID, Secret: "wrong"}, "sam")}})
	if KindOf(err) != KindNotAuthorized {
		t.Fatalf("wrong SECRET_HASH: %v", err)
	}

	// A client stored before sealing: its column holds the secret itself.
	old := e.client(t, p.ID, ClientInput{Name: "old", GenerateSecret: true, ExplicitAuthFlows: []string{FlowAllowUserPasswordAuth, FlowAllowRefreshTokenAuth}})
	if _, err := e.st.UpdateClient(ctx, p.ID, old.ID, func(x *store.Client) error { x.Secret = old.Secret; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := signIn(old, "sam"); err != nil {
		t.Fatalf("sign-in through a client stored before sealing: %v", err)
	}
	rep, err := e.svc.SealStoredSecrets(ctx)
	if err != nil || rep.ClientSecrets != 1 {
		t.Fatalf("SealStoredSecrets: %+v %v, want 1 client sealed", rep, err)
	}
	raw, err = e.st.GetClient(ctx, p.ID, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw.Secret, old.Secret) || !strings.HasPrefix(raw.Secret, sealedPrefix) {
		t.Fatalf("migrated secret column %q still plaintext", raw.Secret)
	}
	if err := signIn(old, "sam"); err != nil {
		t.Fatalf("sign-in after sealing: %v", err)
	}
}
