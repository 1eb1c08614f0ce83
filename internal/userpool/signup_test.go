package userpool

import (
	"bytes"
	"context"
	"testing"

	"userpool/internal/password"
	"userpool/internal/srp"
)

func TestSignUpCredentialStatusAndDelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_signup001", PoolSettings{CaseSensitive: false, AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})

	res := e.signUp(t, c, "Alice", lcPassword, Attribute{Name: "email", Value: "alice@example.com"}, Attribute{Name: "name", Value: "Alice A"})
	if res.UserConfirmed || res.UserSub == "" {
		t.Fatalf("result %+v", res)
	}
	if res.Delivery == nil || *res.Delivery != (CodeDelivery{Destination: "a***@e***", DeliveryMedium: "EMAIL", AttributeName: "email"}) {
		t.Fatalf("delivery %+v", res.Delivery)
	}
	u := e.user(t, p.ID, "alice")
	if u.Status != StatusUnconfirmed || u.Sub != res.UserSub || u.Username != "Alice" || u.Attributes["name"] != "Alice A" || u.Attributes["email_verified"] != "" {
		t.Fatalf("user %+v", u)
	}
	if ok, err := password.Verify(lcPassword, u.Password.Hash); !ok || err != nil {
		t.Fatalf("password hash does not verify: %v", err)
	}
	if u.Password.Temporary || len(u.Password.SRPSalt) != 16 {
		t.Fatalf("credential %+v", u.Password)
	}
	if want := srp.Verifier(p.PoolName(), "Alice", lcPassword, u.Password.SRPSalt); !bytes.Equal(want, u.Password.SRPVerifier) {
		t.Fatal("SRP verifier not computed for the internal username")
	}
	m := e.sender.last(t, "alice@example.com")
	if m.Purpose != MessageSignUp || m.Medium != "EMAIL" || len(m.Code) != 6 {
		t.Fatalf("message %+v", m)
	}

	// Without AutoVerifiedAttributes: no code, no delivery details.
	p2 := e.pool(t, "us-east-1_signup002", PoolSettings{CaseSensitive: true})
	c2 := e.client(t, p2.ID, ClientInput{})
	before := e.sender.count()
	res = e.signUp(t, c2, "bob", lcPassword, Attribute{Name: "email", Value: "bob@example.com"})
	if res.Delivery != nil || e.sender.count() != before {
		t.Fatalf("sent a code without AutoVerifiedAttributes: %+v", res)
	}
	// Phone is used when email is not auto-verified.
	p3 := e.pool(t, "us-east-1_signup003", PoolSettings{CaseSensitive: true, AutoVerifiedAttributes: []string{"phone_number"}})
	c3 := e.client(t, p3.ID, ClientInput{})
	res = e.signUp(t, c3, "carol", lcPassword, Attribute{Name: "email", Value: "c@example.com"}, Attribute{Name: "phone_number", Value: "+15555550123"})
	if res.Delivery == nil || res.Delivery.DeliveryMedium != "SMS" || res.Delivery.Destination != "+*******0123" {
		t.Fatalf("phone delivery %+v", res.Delivery)
	}
	_ = ctx
}

func TestSignUpErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_signerr01", PoolSettings{CaseSensitive: true, AliasAttributes: []string{"email"}, Schema: standardSchema()})
	c := e.client(t, p.ID, ClientInput{})
	secret := e.client(t, p.ID, ClientInput{GenerateSecret: true})
	limited := e.client(t, p.ID, ClientInput{WriteAttributes: []string{"name"}})
	e.signUp(t, c, "taken", lcPassword)
	adminOnly := e.pool(t, "us-east-1_signerr02", PoolSettings{CaseSensitive: true, AdminCreateUserConfig: AdminCreateUserConfig{AllowAdminCreateUserOnly: true}})
	adminOnlyClient := e.client(t, adminOnly.ID, ClientInput{})

	for _, tc := range []struct {
		name string
		in   SignUpInput
		kind Kind
		msg  string
	}{
		{"unknown client", SignUpInput{ClientID: "nope", Username: "x", Password: lcPassword}, KindResourceNotFound, "User pool client nope does not exist."},
		{"secret hash missing", SignUpInput{ClientID: secret.ID, Username: "x", Password: lcPassword}, KindNotAuthorized,
			"Client " + secret.ID + " is configured with secret but SECRET_HASH was not received"},
		{"secret hash wrong", SignUpInput{ClientID: secret.ID, SecretHash: lcSecretHash(secret, "y"), Username: "x", Password: lcPassword}, KindNotAuthorized,
			"Unable to verify secret hash for client " + secret.ID},
		{"admin only", SignUpInput{ClientID: adminOnlyClient.ID, Username: "x", Password: lcPassword}, KindNotAuthorized, "SignUp is not permitted for this user pool"},
		{"duplicate", SignUpInput{ClientID: c.ID, Username: "taken", Password: lcPassword}, KindUsernameExists, "User already exists"},
		{"short", SignUpInput{ClientID: c.ID, Username: "x", Password: "Aa1!"}, KindInvalidPassword, "Password did not conform with policy: Password not long enough"},
		{"no upper", SignUpInput{ClientID: c.ID, Username: "x", Password: "passw0rd!"}, KindInvalidPassword, "Password did not conform with policy: Password must have uppercase characters"},
		{"no lower", SignUpInput{ClientID: c.ID, Username: "x", Password: "PASSW0RD!"}, KindInvalidPassword, "Password did not conform with policy: Password must have lowercase characters"},
		{"no number", SignUpInput{ClientID: c.ID, Username: "x", Password: "Password!"}, KindInvalidPassword, "Password did not conform with policy: Password must have numeric characters"},
		{"no symbol", SignUpInput{ClientID: c.ID, Username: "x", Password: "Passw0rdd"}, KindInvalidPassword, "Password did not conform with policy: Password must have symbol characters"},
		{"no password", SignUpInput{ClientID: c.ID, Username: "x"}, KindInvalidParameter, ""},
		{"email-format username in alias pool", SignUpInput{ClientID: c.ID, Username: "x@example.com", Password: lcPassword}, KindInvalidParameter,
			"Username cannot be of email format, since user pool is configured for email alias."},
		{"self-verified email", SignUpInput{ClientID: c.ID, Username: "x", Password: lcPassword, Attributes: []Attribute{{Name: "email", Value: "x@example.com"}, {Name: "email_verified", Value: "true"}}},
			KindNotAuthorized, "A client attempted to write unauthorized attribute"},
		{"write attributes", SignUpInput{ClientID: limited.ID, Username: "x", Password: lcPassword, Attributes: []Attribute{{Name: "email", Value: "x@example.com"}}},
			KindNotAuthorized, "A client attempted to write unauthorized attribute"},
		{"unknown attribute", SignUpInput{ClientID: c.ID, Username: "x", Password: lcPassword, Attributes: []Attribute{{Name: "custom:nope", Value: "1"}}}, KindInvalidParameter, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.SignUp(ctx, tc.in)
			utWantErr(t, err, tc.kind, tc.msg)
		})
	}
	// The right hash works, computed over the username as sent.
	if _, err := e.svc.SignUp(ctx, SignUpInput{ClientID: secret.ID, SecretHash: lcSecretHash(secret, "withsecret"), Username: "withsecret", Password: lcPassword}); err != nil {
		t.Fatalf("SignUp with the right SECRET_HASH: %v", err)
	}
	if _, err := e.svc.SignUp(ctx, SignUpInput{ClientID: limited.ID, Username: "limited", Password: lcPassword, Attributes: []Attribute{{Name: "name", Value: "ok"}}}); err != nil {
		t.Fatalf("writable attribute refused: %v", err)
	}
}

func TestSignUpEmailAsUsername(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_signemail", PoolSettings{CaseSensitive: false, UsernameAttributes: []string{"email"}, AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})

	_, err := e.svc.SignUp(ctx, SignUpInput{ClientID: c.ID, Username: "notanemail", Password: lcPassword})
	utWantErr(t, err, KindInvalidParameter, "Username should be an email.")

	res := e.signUp(t, c, "Dana@Example.com", lcPassword)
	u := e.user(t, p.ID, res.UserSub)
	if u.Username != res.UserSub || u.Attributes["email"] != "Dana@Example.com" || u.Aliases["email"] != "dana@example.com" {
		t.Fatalf("user %+v", u)
	}
	if want := srp.Verifier(p.PoolName(), res.UserSub, lcPassword, u.Password.SRPSalt); !bytes.Equal(want, u.Password.SRPVerifier) {
		t.Fatal("SRP verifier must use the sub (USER_ID_FOR_SRP)")
	}
	_, err = e.svc.SignUp(ctx, SignUpInput{ClientID: c.ID, Username: "dana@example.com", Password: lcPassword})
	utWantErr(t, err, KindUsernameExists, "An account with the given email already exists.")

	// Confirm by the email the user typed.
	code := e.sender.last(t, "Dana@Example.com").Code
	if err := e.svc.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, Username: "dana@example.com", Code: code}); err != nil {
		t.Fatalf("ConfirmSignUp: %v", err)
	}
	if u := e.user(t, p.ID, res.UserSub); u.Status != StatusConfirmed || u.Attributes["email_verified"] != "true" {
		t.Fatalf("after confirm %+v", u)
	}
}

func TestConfirmSignUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_confirm01", PoolSettings{CaseSensitive: true, AliasAttributes: []string{"email"}, AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})
	hidden := e.client(t, p.ID, ClientInput{PreventUserExistenceErrors: "ENABLED"})
	e.signUp(t, c, "erin", lcPassword, Attribute{Name: "email", Value: "erin@example.com"})
	code := e.sender.last(t, "erin@example.com").Code

	confirm := func(cl *Client, username, code string) error {
		return e.svc.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: cl.ID, Username: username, Code: code})
	}
	utWantErr(t, confirm(c, "erin", lcOtherCode(code)), KindCodeMismatch, "Invalid verification code provided, please try again.")
	utWantErr(t, confirm(c, "nobody", code), KindUserNotFound, "Username/client id combination not found.")
	utWantErr(t, confirm(hidden, "nobody", code), KindCodeMismatch, "Invalid verification code provided, please try again.")
	// Unverified email is not yet an alias.
	if _, err := e.svc.ResolveUser(ctx, p, "erin@example.com"); KindOf(err) != KindUserNotFound {
		t.Fatalf("unverified email resolves: %v", err)
	}
	if err := confirm(c, "erin", code); err != nil {
		t.Fatalf("ConfirmSignUp: %v", err)
	}
	u := e.user(t, p.ID, "erin")
	if u.Status != StatusConfirmed || u.Attributes["email_verified"] != "true" || u.Aliases["email"] != "erin@example.com" {
		t.Fatalf("after confirm %+v", u)
	}
	utWantErr(t, confirm(c, "erin", code), KindNotAuthorized, "User cannot be confirmed. Current status is CONFIRMED")

	// Expired code.
	e.signUp(t, c, "frank", lcPassword, Attribute{Name: "email", Value: "frank@example.com"})
	code = e.sender.last(t, "frank@example.com").Code
	e.now = e.now.Add(SignUpCodeTTL)
	utWantErr(t, confirm(c, "frank", code), KindExpiredCode, "Invalid code provided, please request a code again.")
	e.now = utStart

	// Resend replaces the code: the old one stops working.
	d, err := e.svc.ResendConfirmationCode(ctx, ResendConfirmationCodeInput{ClientID: c.ID, Username: "frank"})
	if err != nil || d.Destination != "f***@e***" {
		t.Fatalf("resend: %+v %v", d, err)
	}
	newCode := e.sender.last(t, "frank@example.com").Code
	if newCode != code {
		utWantErr(t, confirm(c, "frank", code), KindCodeMismatch, "")
	}
	// An alias taken meanwhile blocks confirmation (without spending the code)...
	e.signUp(t, c, "grace", lcPassword, Attribute{Name: "email", Value: "frank@example.com"})
	graceCode := e.sender.last(t, "frank@example.com").Code
	if err := confirm(c, "grace", graceCode); err != nil {
		t.Fatal(err)
	}
	utWantErr(t, confirm(c, "frank", newCode), KindAliasExists, "An account with the given email already exists.")
	// ...and ForceAliasCreation moves it.
	if err := e.svc.ConfirmSignUp(ctx, ConfirmSignUpInput{ClientID: c.ID, Username: "frank", Code: newCode, ForceAliasCreation: true}); err != nil {
		t.Fatalf("ForceAliasCreation: %v", err)
	}
	if g := e.user(t, p.ID, "grace"); g.Attributes["email_verified"] != "false" || g.Aliases["email"] != "" {
		t.Fatalf("previous holder %+v", g)
	}
	if f, err := e.svc.ResolveUser(ctx, p, "frank@example.com"); err != nil || f.Username != "frank" {
		t.Fatalf("alias moved: %v %v", f.Username, err)
	}

	// Resend errors and existence hiding.
	_, err = e.svc.ResendConfirmationCode(ctx, ResendConfirmationCodeInput{ClientID: c.ID, Username: "erin"})
	utWantErr(t, err, KindInvalidParameter, "User is already confirmed.")
	_, err = e.svc.ResendConfirmationCode(ctx, ResendConfirmationCodeInput{ClientID: c.ID, Username: "nobody"})
	utWantErr(t, err, KindUserNotFound, "Username/client id combination not found.")
	d, err = e.svc.ResendConfirmationCode(ctx, ResendConfirmationCodeInput{ClientID: hidden.ID, Username: "nobody"})
	if err != nil || d == nil || d.DeliveryMedium != "EMAIL" {
		t.Fatalf("ENABLED resend for unknown user: %+v %v", d, err)
	}
	noAuto := e.pool(t, "us-east-1_confirm02", PoolSettings{CaseSensitive: true})
	nc := e.client(t, noAuto.ID, ClientInput{})
	e.signUp(t, nc, "henry", lcPassword, Attribute{Name: "email", Value: "h@example.com"})
	_, err = e.svc.ResendConfirmationCode(ctx, ResendConfirmationCodeInput{ClientID: nc.ID, Username: "henry"})
	utWantErr(t, err, KindInvalidParameter, "Auto verification not turned on.")
}
