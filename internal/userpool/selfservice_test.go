package userpool

import (
	"context"
	"testing"
	"time"
)

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_chpass001", PoolSettings{CaseSensitive: true})
	c := e.client(t, p.ID, ClientInput{})
	u := e.confirmedUser(t, p.ID, "olga")
	at := e.accessToken(t, c, u)
	pw := func(s string) *string { return &s }

	utWantErr(t, e.svc.ChangePassword(ctx, "not-a-token", pw(lcPassword), "N3w-Passw0rd"), KindNotAuthorized, "Invalid Access Token")
	utWantErr(t, e.svc.ChangePassword(ctx, at, pw("Wr0ng-Passw0rd"), "N3w-Passw0rd"), KindNotAuthorized, "Incorrect username or password.")
	utWantErr(t, e.svc.ChangePassword(ctx, at, pw(lcPassword), "weak"), KindInvalidPassword, "Password did not conform with policy: Password not long enough")
	utWantErr(t, e.svc.ChangePassword(ctx, at, nil, "N3w-Passw0rd"), KindInvalidParameter, "")
	utWantErr(t, e.svc.ChangePassword(ctx, at, pw(lcPassword), "trailing-Spac3 "), KindInvalidParameter, "")
	if err := e.svc.ChangePassword(ctx, at, pw(lcPassword), "N3w-Passw0rd"); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	after := e.user(t, p.ID, "olga")
	if !lcPasswordIs(t, p, after, "N3w-Passw0rd") || after.Status != StatusConfirmed || after.FailedLogins != 0 {
		t.Fatalf("after change %+v", after)
	}
	// The access token keeps working (Cognito revokes nothing here).
	if err := e.svc.ChangePassword(ctx, at, pw("N3w-Passw0rd"), "Th1rd-Passw0rd"); err != nil {
		t.Fatalf("second change: %v", err)
	}

	// Wrong previous passwords count towards the lockout.
	for i := 0; i < LockoutFreeAttempts; i++ {
		utWantErr(t, e.svc.ChangePassword(ctx, at, pw("Wr0ng-Passw0rd"), "N3w-Passw0rd"), KindNotAuthorized, "Incorrect username or password.")
	}
	utWantErr(t, e.svc.ChangePassword(ctx, at, pw("Th1rd-Passw0rd"), "N3w-Passw0rd"), KindLimitExceeded, "Attempt limit exceeded, please try after some time.")
	e.now = e.now.Add(LockoutMaxDuration)
	if err := e.svc.ChangePassword(ctx, at, pw("Th1rd-Passw0rd"), "N3w-Passw0rd"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
}

func TestUpdateUserAttributesAndVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_selfattr1", PoolSettings{CaseSensitive: true, AliasAttributes: []string{"email"}, AutoVerifiedAttributes: []string{"email"}, Schema: standardSchema()})
	c := e.client(t, p.ID, ClientInput{})
	limited := e.client(t, p.ID, ClientInput{WriteAttributes: []string{"name", "email"}})
	u := e.confirmedUser(t, p.ID, "pete", Attribute{Name: "email", Value: "pete@example.com"}, Attribute{Name: "email_verified", Value: "true"})
	at := e.accessToken(t, c, u)
	lat := e.accessToken(t, limited, u)

	_, err := e.svc.UpdateUserAttributes(ctx, at, []Attribute{{Name: "email_verified", Value: "true"}})
	utWantErr(t, err, KindNotAuthorized, "A client attempted to write unauthorized attribute")
	_, err = e.svc.UpdateUserAttributes(ctx, lat, []Attribute{{Name: "nickname", Value: "p"}})
	utWantErr(t, err, KindNotAuthorized, "A client attempted to write unauthorized attribute")
	_, err = e.svc.UpdateUserAttributes(ctx, at, []Attribute{{Name: "sub", Value: "x"}})
	utWantErr(t, err, KindInvalidParameter, "")

	// A non-verifiable change sends nothing.
	ds, err := e.svc.UpdateUserAttributes(ctx, lat, []Attribute{{Name: "name", Value: "Pete"}})
	if err != nil || len(ds) != 0 {
		t.Fatalf("name change: %+v %v", ds, err)
	}
	// Changing the email unverifies it, drops the alias and sends a code.
	ds, err = e.svc.UpdateUserAttributes(ctx, at, []Attribute{{Name: "email", Value: "pete@new.example"}})
	if err != nil || len(ds) != 1 || ds[0] != (CodeDelivery{Destination: "p***@n***", DeliveryMedium: "EMAIL", AttributeName: "email"}) {
		t.Fatalf("email change: %+v %v", ds, err)
	}
	got := e.user(t, p.ID, "pete")
	if got.Attributes["email"] != "pete@new.example" || got.Attributes["email_verified"] != "false" || got.Aliases["email"] != "" || got.Attributes["name"] != "Pete" {
		t.Fatalf("after change %+v", got)
	}
	m := e.sender.last(t, "pete@new.example")
	if m.Purpose != MessageVerifyAttribute {
		t.Fatalf("message %+v", m)
	}
	utWantErr(t, e.svc.VerifyUserAttribute(ctx, at, "email", lcOtherCode(m.Code)), KindCodeMismatch, "Invalid verification code provided, please try again.")
	utWantErr(t, e.svc.VerifyUserAttribute(ctx, at, "name", m.Code), KindInvalidParameter, "")
	if err := e.svc.VerifyUserAttribute(ctx, at, "email", m.Code); err != nil {
		t.Fatalf("VerifyUserAttribute: %v", err)
	}
	got = e.user(t, p.ID, "pete")
	if got.Attributes["email_verified"] != "true" || got.Aliases["email"] != "pete@new.example" {
		t.Fatalf("after verify %+v", got)
	}
	utWantErr(t, e.svc.VerifyUserAttribute(ctx, at, "email", m.Code), KindExpiredCode, "")

	// GetUserAttributeVerificationCode, with an expiry.
	_, err = e.svc.GetUserAttributeVerificationCode(ctx, at, "phone_number")
	utWantErr(t, err, KindInvalidParameter, "")
	d, err := e.svc.GetUserAttributeVerificationCode(ctx, at, "email")
	if err != nil || d.AttributeName != "email" {
		t.Fatalf("GetUserAttributeVerificationCode: %+v %v", d, err)
	}
	code := e.sender.last(t, "pete@new.example").Code
	e.now = e.now.Add(AttributeCodeTTL)
	at = e.accessToken(t, c, got) // the old tokens expired meanwhile
	lat = e.accessToken(t, limited, got)
	utWantErr(t, e.svc.VerifyUserAttribute(ctx, at, "email", code), KindExpiredCode, "")

	// Verifying an email another user holds as an alias: AliasExistsException.
	other := e.confirmedUser(t, p.ID, "quinn", Attribute{Name: "email", Value: "q@example.com"}, Attribute{Name: "email_verified", Value: "true"})
	oat := e.accessToken(t, c, other)
	if _, err := e.svc.UpdateUserAttributes(ctx, oat, []Attribute{{Name: "email", Value: "pete@new.example"}}); err != nil {
		t.Fatal(err)
	}
	code = e.sender.last(t, "pete@new.example").Code
	utWantErr(t, e.svc.VerifyUserAttribute(ctx, oat, "email", code), KindAliasExists, "An account with the given email already exists.")

	// DeleteUserAttributes: the email goes with its verified flag and alias.
	if err := e.svc.DeleteUserAttributes(ctx, at, []string{"email"}); err != nil {
		t.Fatalf("DeleteUserAttributes: %v", err)
	}
	got = e.user(t, p.ID, "pete")
	if _, ok := got.Attributes["email"]; ok || got.Attributes["email_verified"] != "" || got.Aliases["email"] != "" {
		t.Fatalf("after delete %+v", got)
	}
	utWantErr(t, e.svc.DeleteUserAttributes(ctx, lat, []string{"nickname"}), KindNotAuthorized, "A client attempted to write unauthorized attribute")
}

func TestSelfServiceUsernameAttributesPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_selfattr2", PoolSettings{CaseSensitive: false, UsernameAttributes: []string{"email"}, Schema: standardSchema()})
	c := e.client(t, p.ID, ClientInput{})
	res := e.signUp(t, c, "rose@example.com", lcPassword)
	if err := e.svc.AdminConfirmSignUp(ctx, p.ID, "rose@example.com"); err != nil {
		t.Fatal(err)
	}
	u := e.user(t, p.ID, res.UserSub)
	at := e.accessToken(t, c, u)
	utWantErr(t, e.svc.DeleteUserAttributes(ctx, at, []string{"email"}), KindInvalidParameter, "")
	// Not auto-verified: changed, unverified, no code.
	ds, err := e.svc.UpdateUserAttributes(ctx, at, []Attribute{{Name: "email", Value: "rose@new.example"}})
	if err != nil || len(ds) != 0 {
		t.Fatalf("%+v %v", ds, err)
	}
	if got, err := e.svc.ResolveUser(ctx, p, "rose@new.example"); err != nil || got.Sub != res.UserSub {
		t.Fatalf("sign-in email moved: %v", err)
	}
}

func TestDeleteUserAndSetUserSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_deluser01", PoolSettings{CaseSensitive: true})
	c := e.client(t, p.ID, ClientInput{})
	u := e.confirmedUser(t, p.ID, "sam", Attribute{Name: "phone_number", Value: "+15555550100"})
	at := e.accessToken(t, c, u)

	if err := e.svc.SetUserSettings(ctx, at, []MFAOption{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}); err != nil {
		t.Fatalf("SetUserSettings: %v", err)
	}
	m, err := decodeMFA(e.user(t, p.ID, "sam").MFA)
	if err != nil || !m.SMSEnabled || len(m.MFAOptions) != 1 {
		t.Fatalf("mfa %+v %v", m, err)
	}
	if err := e.svc.DeleteUser(ctx, at); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, err := e.st.GetUser(ctx, p.ID, "sam"); err == nil {
		t.Fatal("user still there")
	}
	utWantErr(t, e.svc.DeleteUser(ctx, at), KindNotAuthorized, "User does not exist.")

	// An expired token is refused before anything happens.
	u2 := e.confirmedUser(t, p.ID, "tina")
	at2 := e.accessToken(t, c, u2)
	e.now = e.now.Add(2 * time.Hour)
	utWantErr(t, e.svc.DeleteUser(ctx, at2), KindNotAuthorized, "Access Token has expired")
	e.user(t, p.ID, "tina")
}
