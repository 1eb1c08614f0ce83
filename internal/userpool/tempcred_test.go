package userpool

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"

	cognitosrp "github.com/alexrudd/cognito-srp/v4"

	"userpool/internal/iam"
	"userpool/internal/password"
	"userpool/internal/srp"
)

// tcEnv is an auEnv whose Service seals with a master key.
func newTCEnv(t *testing.T) (*auEnv, *Pool, *Client) {
	t.Helper()
	e := newAuEnv(t, password.InsecureTestParams)
	key := make([]byte, iam.MasterKeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	sealer, err := iam.NewSealer(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = New(e.st, Options{Now: e.now, PasswordParams: password.InsecureTestParams, Tokens: e.svc.tokens, Sealer: sealer, Sender: exNopSender{}})
	ctx := context.Background()
	p, err := e.svc.CreatePool(ctx, PoolInput{Name: "p", CaseSensitive: new(bool)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.CreateClient(ctx, p.ID, ClientInput{Name: "c", ExplicitAuthFlows: []string{
		FlowAllowUserPasswordAuth, FlowAllowUserSRPAuth, FlowAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	return e, p, c
}

func tcPasswordAuth(e *auEnv, c *Client, user, pw string) (*AuthOutput, error) {
	return e.svc.InitiateAuth(context.Background(), InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": pw}})
}

func tcSRPAuth(e *auEnv, p *Pool, c *Client, user, pw string) (*AuthOutput, error) {
	ctx := context.Background()
	cl, err := cognitosrp.NewCognitoSRP(user, pw, p.ID, c.ID, nil)
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

// A generated temporary password that nobody receives is not stored at all:
// no hash, no verifier, and no flow signs in with it.
func TestGeneratedSuppressedPasswordNotStored(t *testing.T) {
	t.Parallel()
	e, p, c := newTCEnv(t)
	ctx := context.Background()
	res, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "sam", MessageAction: "SUPPRESS"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.GetUser(ctx, p.ID, "sam")
	if err != nil {
		t.Fatal(err)
	}
	if u.Password.Hash != "" || len(u.Password.SRPVerifier) != 0 || len(u.Password.SRPSalt) != 0 {
		t.Fatalf("suppressed generated password stored: %+v", u.Password)
	}
	if !u.Password.Temporary || u.Status != StatusForceChangePassword || u.Password.ExpiresAt.IsZero() {
		t.Fatalf("status %s, credential %+v", u.Status, u.Password)
	}
	if _, err := tcPasswordAuth(e, c, "sam", res.TemporaryPassword); exAnswer(err) != "NotAuthorizedException: Incorrect username or password." {
		t.Fatalf("USER_PASSWORD_AUTH: %v", err)
	}
	if _, err := tcSRPAuth(e, p, c, "sam", res.TemporaryPassword); exAnswer(err) != "NotAuthorizedException: Incorrect username or password." {
		t.Fatalf("USER_SRP_AUTH: %v", err)
	}
	// An administrator can still give the user a password.
	if err := e.svc.AdminSetUserPassword(ctx, p.ID, "sam", "Chosen-pass1", false); err != nil {
		t.Fatal(err)
	}
	if out, err := tcPasswordAuth(e, c, "sam", "Chosen-pass1"); err != nil || out.ChallengeName != ChallengeNewPasswordRequired {
		t.Fatalf("after AdminSetUserPassword: %+v, %v", out, err)
	}
}

// A delivered generated password is sealed (no argon2id, no verifier at
// creation), signs in with USER_PASSWORD_AUTH and with SRP (the verifier
// computed at the first SRP start), and a wrong password still fails.
func TestGeneratedDeliveredPasswordSealed(t *testing.T) {
	t.Parallel()
	e, p, c := newTCEnv(t)
	ctx := context.Background()
	res, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "dee",
		Attributes: []Attribute{{"email", "dee@example.com"}}, DeliveryMediums: []string{"EMAIL"}})
	if err != nil {
		t.Fatal(err)
	}
	pw := res.TemporaryPassword
	u, err := e.st.GetUser(ctx, p.ID, "dee")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.Password.Hash, sealedTemporaryPrefix) || strings.Contains(u.Password.Hash, pw) || len(u.Password.SRPVerifier) != 0 {
		t.Fatalf("delivered generated password not sealed: %+v", u.Password)
	}
	if _, err := tcPasswordAuth(e, c, "dee", pw+"x"); exAnswer(err) != "NotAuthorizedException: Incorrect username or password." {
		t.Fatalf("wrong password: %v", err)
	}
	out, err := tcPasswordAuth(e, c, "dee", pw)
	if err != nil || out.ChallengeName != ChallengeNewPasswordRequired {
		t.Fatalf("USER_PASSWORD_AUTH: %+v, %v", out, err)
	}
	if _, err := tcSRPAuth(e, p, c, "dee", pw+"x"); exAnswer(err) != "NotAuthorizedException: Incorrect username or password." {
		t.Fatalf("SRP, wrong password: %v", err)
	}
	u, err = e.st.GetUser(ctx, p.ID, "dee")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Password.SRPSalt) != 16 || !bytes.Equal(u.Password.SRPVerifier, srp.Verifier(p.PoolName(), "dee", pw, u.Password.SRPSalt)) {
		t.Fatalf("verifier not computed at the first SRP start: %+v", u.Password)
	}
	out, err = tcSRPAuth(e, p, c, "dee", pw)
	if err != nil || out.ChallengeName != ChallengeNewPasswordRequired {
		t.Fatalf("USER_SRP_AUTH: %+v, %v", out, err)
	}
	// The sealed value is bound to its user: copied to another, it opens nothing.
	other := u
	other.UsernameKey = "eve"
	if _, err := e.svc.verifyStoredPassword(p, other, pw); err == nil {
		t.Fatal("a sealed temporary password opened for another user")
	}
}

// A temporary password an administrator chose still gets argon2id and a
// verifier at creation.
func TestChosenTemporaryPasswordHashed(t *testing.T) {
	t.Parallel()
	e, p, c := newTCEnv(t)
	ctx := context.Background()
	if _, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "cat", TemporaryPassword: "Admin-chosen1", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	u, err := e.st.GetUser(ctx, p.ID, "cat")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.Password.Hash, "$argon2id$") || len(u.Password.SRPVerifier) == 0 {
		t.Fatalf("chosen temporary password: %+v", u.Password)
	}
	if out, err := tcPasswordAuth(e, c, "cat", "Admin-chosen1"); err != nil || out.ChallengeName != ChallengeNewPasswordRequired {
		t.Fatalf("USER_PASSWORD_AUTH: %+v, %v", out, err)
	}
}
