package userpool

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"userpool/internal/totp"
)

func TestSoftwareTokenWithAccessToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_totp00001", PoolSettings{CaseSensitive: true, MfaConfiguration: "OPTIONAL", SoftwareTokenMfa: true})
	c := e.client(t, p.ID, ClientInput{})
	u := e.confirmedUser(t, p.ID, "uma")
	at := e.accessToken(t, c, u)

	_, err := e.svc.VerifySoftwareToken(ctx, at, "", "123456")
	utWantErr(t, err, KindSoftwareTokenMFANotFound, "")
	utWantErr(t, e.svc.SetUserMFAPreference(ctx, at, MFAPreference{TOTP: &MFAFactorSetting{Enabled: true, Preferred: true}}),
		KindInvalidParameter, "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
	_, err = e.svc.AssociateSoftwareToken(ctx, at, "some-session-token-xxxxxxxxxx")
	utWantErr(t, err, KindInvalidParameter, "")
	_, err = e.svc.AssociateSoftwareToken(ctx, "", "")
	utWantErr(t, err, KindInvalidParameter, "")

	a, err := e.svc.AssociateSoftwareToken(ctx, at, "")
	if err != nil {
		t.Fatalf("AssociateSoftwareToken: %v", err)
	}
	if len(a.SecretCode) != 32 || a.Session != "" {
		t.Fatalf("association %+v", a)
	}
	m, _ := decodeMFA(e.user(t, p.ID, "uma").MFA)
	if m.TOTPSecret != a.SecretCode || m.TOTPVerified || m.TOTPEnabled {
		t.Fatalf("stored %+v", m)
	}

	code := func(at time.Time) string {
		c, err := totp.Code(a.SecretCode, at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Wrong code, and a code two steps old.
	wrong := "000000"
	if code(e.now) == wrong {
		wrong = "111111"
	}
	_, err = e.svc.VerifySoftwareToken(ctx, at, "", wrong)
	utWantErr(t, err, KindEnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
	_, err = e.svc.VerifySoftwareToken(ctx, at, "", code(e.now.Add(-2*totp.Period)))
	utWantErr(t, err, KindEnableSoftwareTokenMFA, "")

	// One step of skew is accepted.
	v, err := e.svc.VerifySoftwareToken(ctx, at, "", code(e.now.Add(-totp.Period)))
	if err != nil || v.Status != "SUCCESS" || v.Session != "" {
		t.Fatalf("VerifySoftwareToken: %+v %v", v, err)
	}
	m, _ = decodeMFA(e.user(t, p.ID, "uma").MFA)
	if !m.TOTPVerified || !m.TOTPEnabled || m.LastTOTPStep != totp.Step(e.now)-1 {
		t.Fatalf("after verify %+v", m)
	}
	// The same step (replay) and an older one are refused; a later one is not.
	_, err = e.svc.VerifySoftwareToken(ctx, at, "", code(e.now.Add(-totp.Period)))
	utWantErr(t, err, KindEnableSoftwareTokenMFA, "")
	if _, err := e.svc.VerifySoftwareToken(ctx, at, "", code(e.now)); err != nil {
		t.Fatalf("next step: %v", err)
	}

	if err := e.svc.SetUserMFAPreference(ctx, at, MFAPreference{TOTP: &MFAFactorSetting{Enabled: true, Preferred: true}}); err != nil {
		t.Fatalf("SetUserMFAPreference: %v", err)
	}
	m, _ = decodeMFA(e.user(t, p.ID, "uma").MFA)
	if m.PreferredMFA() != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("preference %+v", m)
	}
	if err := e.svc.SetUserMFAPreference(ctx, at, MFAPreference{TOTP: &MFAFactorSetting{Enabled: false}}); err != nil {
		t.Fatal(err)
	}
	if m, _ = decodeMFA(e.user(t, p.ID, "uma").MFA); m.TOTPEnabled || m.PreferredMFA() != "" {
		t.Fatalf("disabled %+v", m)
	}
}

func TestSoftwareTokenWithMFASetupSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_totp00002", PoolSettings{CaseSensitive: true, MfaConfiguration: "ON", SoftwareTokenMfa: true})
	c := e.client(t, p.ID, ClientInput{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	e.confirmedUser(t, p.ID, "vera")

	out, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": "vera", "PASSWORD": lcPassword}})
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	if out.ChallengeName != ChallengeMFASetup || out.Session == "" {
		t.Fatalf("want MFA_SETUP, got %+v", out)
	}
	_, err = e.svc.AssociateSoftwareToken(ctx, "", "not-a-real-session-token-at-all")
	utWantErr(t, err, KindNotAuthorized, "Invalid session for the user, session is expired.")

	a, err := e.svc.AssociateSoftwareToken(ctx, "", out.Session)
	if err != nil {
		t.Fatalf("AssociateSoftwareToken(Session): %v", err)
	}
	if a.Session == "" {
		t.Fatal("no Session returned")
	}
	code, _ := totp.Code(a.SecretCode, e.now)
	v, err := e.svc.VerifySoftwareToken(ctx, "", a.Session, code)
	if err != nil || v.Status != "SUCCESS" || v.Session == "" {
		t.Fatalf("VerifySoftwareToken(Session): %+v %v", v, err)
	}
	res, err := e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: c.ID, ChallengeName: ChallengeMFASetup, Session: v.Session,
		Responses: map[string]string{"USERNAME": "vera"}})
	if err != nil || res.Result == nil || res.Result.AccessToken == "" {
		t.Fatalf("RespondToAuthChallenge MFA_SETUP: %+v %v", res, err)
	}
}

func TestUserPoolMfaConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_mfacfg001", PoolSettings{CaseSensitive: true, MfaConfiguration: "OFF"})

	got, err := e.svc.GetUserPoolMfaConfig(ctx, p.ID)
	if err != nil || got.MfaConfiguration != "OFF" || got.SoftwareTokenEnabled || got.SMS != nil || got.Email != nil {
		t.Fatalf("initial %+v %v", got, err)
	}
	_, err = e.svc.GetUserPoolMfaConfig(ctx, "us-east-1_missing01")
	utWantErr(t, err, KindResourceNotFound, "User pool us-east-1_missing01 does not exist.")
	_, err = e.svc.SetUserPoolMfaConfig(ctx, p.ID, PoolMfaConfigInput{MfaConfiguration: "SOMETIMES"})
	utWantErr(t, err, KindInvalidParameter, "")
	_, err = e.svc.SetUserPoolMfaConfig(ctx, p.ID, PoolMfaConfigInput{MfaConfiguration: "ON"})
	utWantErr(t, err, KindInvalidParameter, "")

	on := true
	got, err = e.svc.SetUserPoolMfaConfig(ctx, p.ID, PoolMfaConfigInput{
		MfaConfiguration:     "OPTIONAL",
		SoftwareTokenEnabled: &on,
		SMS:                  &SmsMfaConfig{SmsAuthenticationMessage: "Code {####}", SmsConfiguration: json.RawMessage(`{"SnsCallerArn":"arn:aws:iam::123456789012:role/sns","ExternalId":"x"}`)},
		Email:                json.RawMessage(`{"Message":"Code {####}","Subject":"Sign-in"}`),
	})
	if err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	if got.MfaConfiguration != "OPTIONAL" || !got.SoftwareTokenEnabled || got.SMS == nil || got.SMS.SmsAuthenticationMessage != "Code {####}" || string(got.Email) != `{"Message":"Code {####}","Subject":"Sign-in"}` {
		t.Fatalf("answer %+v", got)
	}
	// Stored: the pool settings and the SMS members DescribeUserPool shows.
	pp, _ := e.svc.GetPool(ctx, p.ID)
	if pp.Settings.MfaConfiguration != "OPTIONAL" || !pp.Settings.SoftwareTokenMfa || string(pp.Settings.Extra["SmsAuthenticationMessage"]) != `"Code {####}"` {
		t.Fatalf("settings %+v", pp.Settings)
	}
	// Omitted members are kept.
	got, err = e.svc.SetUserPoolMfaConfig(ctx, p.ID, PoolMfaConfigInput{MfaConfiguration: "ON"})
	if err != nil || got.MfaConfiguration != "ON" || !got.SoftwareTokenEnabled || got.SMS == nil || got.Email == nil {
		t.Fatalf("partial update %+v %v", got, err)
	}
	if again, _ := e.svc.GetUserPoolMfaConfig(ctx, p.ID); again.MfaConfiguration != "ON" || string(again.SMS.SmsConfiguration) != string(got.SMS.SmsConfiguration) {
		t.Fatalf("get after set %+v", again)
	}
	// UpdateUserPool has no member for the email MFA configuration, so it keeps it.
	if _, err := e.svc.UpdatePool(ctx, p.ID, PoolInput{MfaConfiguration: "OPTIONAL"}); err != nil {
		t.Fatalf("UpdatePool: %v", err)
	}
	if after, _ := e.svc.GetUserPoolMfaConfig(ctx, p.ID); after.MfaConfiguration != "OPTIONAL" || string(after.Email) != `{"Message":"Code {####}","Subject":"Sign-in"}` {
		t.Fatalf("after UpdateUserPool: %+v (email %s)", after, after.Email)
	}
}
