package userpool

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"userpool/internal/password"
	"userpool/internal/srp"
	"userpool/internal/store"
)

// lcConfirmedUser creates a CONFIRMED user with a permanent password and
// the given (verified) attributes.
func (e *lcEnv) confirmedUser(t *testing.T, poolID, username string, attrs ...Attribute) store.User {
	t.Helper()
	ctx := context.Background()
	e.create(t, poolID, username, attrs...)
	if err := e.svc.AdminSetUserPassword(ctx, poolID, username, lcPassword, true); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
	u, err := e.svc.userRecord(ctx, poolID, username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func lcPasswordIs(t *testing.T, p *Pool, u store.User, pw string) bool {
	t.Helper()
	ok, err := password.Verify(pw, u.Password.Hash)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	srpOK := bytes.Equal(srp.Verifier(p.PoolName(), u.Username, pw, u.Password.SRPSalt), u.Password.SRPVerifier)
	if ok != srpOK {
		t.Fatalf("hash says %v, SRP verifier says %v", ok, srpOK)
	}
	return ok
}

func TestForgotPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_forgot001", PoolSettings{CaseSensitive: true})
	c := e.client(t, p.ID, ClientInput{})
	hidden := e.client(t, p.ID, ClientInput{PreventUserExistenceErrors: "ENABLED"})
	secret := e.client(t, p.ID, ClientInput{GenerateSecret: true})
	u := e.confirmedUser(t, p.ID, "ivan", Attribute{Name: "email", Value: "ivan@example.com"}, Attribute{Name: "email_verified", Value: "true"},
		Attribute{Name: "phone_number", Value: "+15555559876"}, Attribute{Name: "phone_number_verified", Value: "true"})
	e.confirmedUser(t, p.ID, "judy", Attribute{Name: "email", Value: "judy@example.com"})

	forgot := func(cl *Client, username string) (*CodeDelivery, error) {
		return e.svc.ForgotPassword(ctx, ForgotPasswordInput{ClientID: cl.ID, SecretHash: lcSecretHash(cl, username), Username: username})
	}
	confirm := func(username, code, pw string) error {
		return e.svc.ConfirmForgotPassword(ctx, ConfirmForgotPasswordInput{ClientID: c.ID, Username: username, Code: code, Password: pw})
	}

	_, err := forgot(c, "judy")
	utWantErr(t, err, KindInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	_, err = forgot(c, "nobody")
	utWantErr(t, err, KindUserNotFound, "Username/client id combination not found.")
	d, err := forgot(hidden, "nobody")
	if err != nil || d == nil || d.AttributeName == "" {
		t.Fatalf("ENABLED unknown user: %+v %v", d, err)
	}
	_, err = e.svc.ForgotPassword(ctx, ForgotPasswordInput{ClientID: secret.ID, Username: "ivan"})
	utWantErr(t, err, KindNotAuthorized, "Client "+secret.ID+" is configured with secret but SECRET_HASH was not received")

	d, err = forgot(secret, "ivan")
	if err != nil || *d != (CodeDelivery{Destination: "i***@e***", DeliveryMedium: "EMAIL", AttributeName: "email"}) {
		t.Fatalf("ForgotPassword: %+v %v", d, err)
	}
	m := e.sender.last(t, "ivan@example.com")
	if m.Purpose != MessageForgotPassword {
		t.Fatalf("message %+v", m)
	}
	code := m.Code

	// Policy failures do not spend the code; a wrong code does not change the password.
	utWantErr(t, confirm("ivan", code, "weak"), KindInvalidPassword, "Password did not conform with policy: Password not long enough")
	utWantErr(t, confirm("ivan", lcOtherCode(code), "N3w-Passw0rd"), KindCodeMismatch, "Invalid verification code provided, please try again.")
	utWantErr(t, e.svc.ConfirmForgotPassword(ctx, ConfirmForgotPasswordInput{ClientID: c.ID, Username: "nobody", Code: code, Password: "N3w-Passw0rd"}),
		KindUserNotFound, "Username/client id combination not found.")
	utWantErr(t, e.svc.ConfirmForgotPassword(ctx, ConfirmForgotPasswordInput{ClientID: hidden.ID, Username: "nobody", Code: code, Password: "N3w-Passw0rd"}),
		KindCodeMismatch, "")
	if !lcPasswordIs(t, p, e.user(t, p.ID, "ivan"), lcPassword) {
		t.Fatal("password changed before a valid code")
	}
	if err := confirm("ivan", code, "N3w-Passw0rd"); err != nil {
		t.Fatalf("ConfirmForgotPassword: %v", err)
	}
	after := e.user(t, p.ID, "ivan")
	if !lcPasswordIs(t, p, after, "N3w-Passw0rd") || lcPasswordIs(t, p, after, lcPassword) || after.Status != StatusConfirmed {
		t.Fatalf("after reset %+v", after)
	}
	if bytes.Equal(after.Password.SRPSalt, u.Password.SRPSalt) {
		t.Fatal("SRP salt reused across passwords")
	}
	utWantErr(t, confirm("ivan", code, "An0ther-Passw0rd"), KindExpiredCode, "Invalid code provided, please request a code again.")

	// Reset codes live one hour.
	if _, err := forgot(c, "ivan"); err != nil {
		t.Fatal(err)
	}
	code = e.sender.last(t, "ivan@example.com").Code
	e.now = e.now.Add(ResetCodeTTL)
	utWantErr(t, confirm("ivan", code, "An0ther-Passw0rd"), KindExpiredCode, "")
	e.now = utStart

	// Attempt limit.
	if _, err := forgot(c, "ivan"); err != nil {
		t.Fatal(err)
	}
	code = e.sender.last(t, "ivan@example.com").Code
	for i := 0; i < MaxCodeAttempts; i++ {
		utWantErr(t, confirm("ivan", lcOtherCode(code), "An0ther-Passw0rd"), KindCodeMismatch, "")
	}
	utWantErr(t, confirm("ivan", code, "An0ther-Passw0rd"), KindLimitExceeded, "Attempt limit exceeded, please try after some time.")

	// FORCE_CHANGE_PASSWORD users cannot use ForgotPassword.
	e.create(t, p.ID, "kim", Attribute{Name: "email", Value: "kim@example.com"}, Attribute{Name: "email_verified", Value: "true"})
	_, err = forgot(c, "kim")
	utWantErr(t, err, KindNotAuthorized, "User password cannot be reset in the current state.")
}

func TestRecoveryTargetOrder(t *testing.T) {
	t.Parallel()
	both := store.User{Attributes: map[string]string{"email": "a@b.c", "email_verified": "true", "phone_number": "+15555550000", "phone_number_verified": "true"}}
	phoneOnly := store.User{Attributes: map[string]string{"email": "a@b.c", "email_verified": "false", "phone_number": "+15555550000", "phone_number_verified": "true"}}
	phoneFirst := &Pool{Settings: PoolSettings{Extra: map[string]json.RawMessage{"AccountRecoverySetting": json.RawMessage(
		`{"RecoveryMechanisms":[{"Priority":2,"Name":"verified_email"},{"Priority":1,"Name":"verified_phone_number"}]}`)}}}
	adminOnly := &Pool{Settings: PoolSettings{Extra: map[string]json.RawMessage{"AccountRecoverySetting": json.RawMessage(
		`{"RecoveryMechanisms":[{"Priority":1,"Name":"admin_only"}]}`)}}}
	for _, tc := range []struct {
		name string
		p    *Pool
		u    store.User
		want string
	}{
		{"default prefers email", &Pool{}, both, "email"},
		{"default falls back to phone", &Pool{}, phoneOnly, "phone_number"},
		{"setting priority", phoneFirst, both, "phone_number"},
		{"admin only", adminOnly, both, ""},
	} {
		got, err := recoveryTarget(tc.p, tc.u, byUser)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
	// admin_only refuses the user as Cognito does, not as "no channel"; an
	// administrator's reset still reaches the verified contact.
	_, err := recoveryTarget(adminOnly, both, byUser)
	utWantErr(t, err, KindNotAuthorized, "Contact administrator to reset password.")
	if got, err := recoveryTarget(adminOnly, both, byAdmin); got != "email" || err != nil {
		t.Errorf("admin reset in an admin_only pool: %q %v", got, err)
	}
}

func TestAdminResetUserPasswordRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_areset002", PoolSettings{})
	verified := []Attribute{{Name: "email", Value: "x@example.com"}, {Name: "email_verified", Value: "true"}}
	e.confirmedUser(t, p.ID, "off", verified...)
	if err := e.svc.AdminDisableUser(ctx, p.ID, "off"); err != nil {
		t.Fatal(err)
	}
	utWantErr(t, e.svc.AdminResetUserPassword(ctx, p.ID, "off"), KindNotAuthorized, "User is disabled.")
	if u := e.user(t, p.ID, "off"); u.Status != StatusConfirmed || u.Password.Hash == "" {
		t.Fatalf("refused reset changed the disabled user: %s", u.Status)
	}
	before := e.create(t, p.ID, "fresh", verified[0], verified[1])
	utWantErr(t, e.svc.AdminResetUserPassword(ctx, p.ID, "fresh"), KindNotAuthorized, "User password cannot be reset in the current state.")
	if u := e.user(t, p.ID, "fresh"); u.Status != StatusForceChangePassword || !u.Password.SetAt.Equal(before.Password.SetAt) || !u.Password.Temporary {
		t.Fatalf("refused reset changed the invited user: %s", u.Status)
	}
}

func TestAdminResetUserPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_areset001", PoolSettings{CaseSensitive: true})
	c := e.client(t, p.ID, ClientInput{})
	e.confirmedUser(t, p.ID, "liam", Attribute{Name: "email", Value: "liam@example.com"}, Attribute{Name: "email_verified", Value: "true"})
	e.confirmedUser(t, p.ID, "mia")

	utWantErr(t, e.svc.AdminResetUserPassword(ctx, p.ID, "nobody"), KindUserNotFound, "User does not exist.")
	utWantErr(t, e.svc.AdminResetUserPassword(ctx, p.ID, "mia"), KindInvalidParameter, msgNoRecoveryContact)
	if u := e.user(t, p.ID, "mia"); u.Status != StatusConfirmed || u.Password.Hash == "" {
		t.Fatalf("failed reset changed the user: %+v", u)
	}

	if err := e.svc.AdminResetUserPassword(ctx, p.ID, "liam"); err != nil {
		t.Fatalf("AdminResetUserPassword: %v", err)
	}
	u := e.user(t, p.ID, "liam")
	if u.Status != StatusResetRequired || u.Password.Hash != "" || len(u.Password.SRPVerifier) != 0 {
		t.Fatalf("after reset: status %s, credential %+v", u.Status, u.Password)
	}
	m := e.sender.last(t, "liam@example.com")
	if m.Purpose != MessageForgotPassword {
		t.Fatalf("message %+v", m)
	}
	if err := e.svc.ConfirmForgotPassword(ctx, ConfirmForgotPasswordInput{ClientID: c.ID, Username: "liam", Code: m.Code, Password: "N3w-Passw0rd"}); err != nil {
		t.Fatalf("ConfirmForgotPassword: %v", err)
	}
	if u := e.user(t, p.ID, "liam"); u.Status != StatusConfirmed || !lcPasswordIs(t, p, u, "N3w-Passw0rd") {
		t.Fatalf("after confirm %+v", u)
	}
}

func TestAdminSetUserPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_aset00001", PoolSettings{CaseSensitive: true, PasswordPolicy: PasswordPolicy{MinimumLength: 10, RequireNumbers: true, TemporaryPasswordValidityDays: 3}})
	e.create(t, p.ID, "noah")
	// Lockout counters are cleared by a new password.
	if _, err := e.st.UpdateUser(ctx, p.ID, "noah", func(u *store.User) error {
		u.FailedLogins, u.LockedUntil = 7, utStart.Add(time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	utWantErr(t, e.svc.AdminSetUserPassword(ctx, p.ID, "noah", "short1", true), KindInvalidPassword, "Password did not conform with policy: Password not long enough")
	utWantErr(t, e.svc.AdminSetUserPassword(ctx, p.ID, "noah", "longenoughbutnonumber", true), KindInvalidPassword, "Password did not conform with policy: Password must have numeric characters")
	utWantErr(t, e.svc.AdminSetUserPassword(ctx, p.ID, "noah", " leading1234", true), KindInvalidParameter, "")
	utWantErr(t, e.svc.AdminSetUserPassword(ctx, p.ID, "nobody", "longenough1", true), KindUserNotFound, "User does not exist.")

	if err := e.svc.AdminSetUserPassword(ctx, p.ID, "noah", "longenough1", true); err != nil {
		t.Fatal(err)
	}
	u := e.user(t, p.ID, "noah")
	if u.Status != StatusConfirmed || u.Password.Temporary || !u.Password.ExpiresAt.IsZero() || !lcPasswordIs(t, p, u, "longenough1") || u.FailedLogins != 0 || !u.LockedUntil.IsZero() {
		t.Fatalf("permanent: %+v", u)
	}
	if err := e.svc.AdminSetUserPassword(ctx, p.ID, "noah", "temporary12", false); err != nil {
		t.Fatal(err)
	}
	u = e.user(t, p.ID, "noah")
	if u.Status != StatusForceChangePassword || !u.Password.Temporary || !u.Password.ExpiresAt.Equal(utStart.Add(3*24*time.Hour)) || !lcPasswordIs(t, p, u, "temporary12") {
		t.Fatalf("temporary: status %s %+v", u.Status, u.Password)
	}
}
