package cognitoidp_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/totp"
)

func TestSoftwareTokenE2E(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	if _, err := e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	c := e.client(t, pool, nil)
	e.confirmedUser(t, pool, "kai")
	at := e.accessToken(t, c, "kai", lcPW)

	_, err := e.anon.SetUserMFAPreference(bg, &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(at),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	wantErr(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")

	a, err := e.anon.AssociateSoftwareToken(bg, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(at)})
	if err != nil || len(aws.ToString(a.SecretCode)) != 32 || a.Session != nil {
		t.Fatalf("AssociateSoftwareToken: %+v %v", a, err)
	}
	secret := *a.SecretCode
	now := e.now()
	good, _ := totp.Code(secret, now)
	verify := func(code string) (*cip.VerifySoftwareTokenOutput, error) {
		return e.anon.VerifySoftwareToken(bg, &cip.VerifySoftwareTokenInput{AccessToken: aws.String(at), UserCode: aws.String(code)})
	}
	_, err = verify(lcWrong(good))
	wantErr(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	_, err = verify("12345")
	wantErr(t, err, "InvalidParameterException", "")
	v, err := verify(good)
	if err != nil || v.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("VerifySoftwareToken: %+v %v", v, err)
	}
	// The same time step cannot be used twice.
	_, err = verify(good)
	wantErr(t, err, "EnableSoftwareTokenMFAException", "")

	if _, err := e.anon.SetUserMFAPreference(bg, &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(at),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatalf("SetUserMFAPreference: %v", err)
	}
	u, err := e.anon.GetUser(bg, &cip.GetUserInput{AccessToken: aws.String(at)})
	if err != nil || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("GetUser %+v %v", u, err)
	}
	// Sign-in now asks for the software token.
	out, err := e.signIn(c, "kai", lcPW)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("sign-in: %+v %v", out, err)
	}
}

func TestMFASetupSessionE2E(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	if _, err := e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool), MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	c := e.client(t, pool, nil)
	e.confirmedUser(t, pool, "lee")
	out, err := e.signIn(c, "lee", lcPW)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeMfaSetup || out.Session == nil {
		t.Fatalf("want MFA_SETUP: %+v %v", out, err)
	}
	a, err := e.anon.AssociateSoftwareToken(bg, &cip.AssociateSoftwareTokenInput{Session: out.Session})
	if err != nil || a.Session == nil {
		t.Fatalf("AssociateSoftwareToken(Session): %+v %v", a, err)
	}
	code, _ := totp.Code(*a.SecretCode, e.now())
	_, err = e.anon.VerifySoftwareToken(bg, &cip.VerifySoftwareTokenInput{Session: a.Session, UserCode: aws.String(lcWrong(code))})
	wantErr(t, err, "EnableSoftwareTokenMFAException", "")
	v, err := e.anon.VerifySoftwareToken(bg, &cip.VerifySoftwareTokenInput{Session: a.Session, UserCode: aws.String(code), FriendlyDeviceName: aws.String("phone")})
	if err != nil || v.Status != types.VerifySoftwareTokenResponseTypeSuccess || v.Session == nil {
		t.Fatalf("VerifySoftwareToken(Session): %+v %v", v, err)
	}
	r, err := e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ClientId: c.ClientId, ChallengeName: types.ChallengeNameTypeMfaSetup,
		Session: v.Session, ChallengeResponses: params("USERNAME", "lee")})
	if err != nil || r.AuthenticationResult == nil {
		t.Fatalf("RespondToAuthChallenge MFA_SETUP: %+v %v", r, err)
	}
	_, err = e.anon.AssociateSoftwareToken(bg, &cip.AssociateSoftwareTokenInput{Session: aws.String("0123456789abcdefghijklmnopqrstuvwxyz")})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
}

func TestUserPoolMfaConfigE2E(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	g, err := e.signed.GetUserPoolMfaConfig(bg, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(pool)})
	if err != nil || g.MfaConfiguration != types.UserPoolMfaTypeOff || g.SoftwareTokenMfaConfiguration == nil || g.SoftwareTokenMfaConfiguration.Enabled || g.SmsMfaConfiguration != nil {
		t.Fatalf("initial %+v %v", g, err)
	}
	s, err := e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{
		UserPoolId:                    aws.String(pool),
		MfaConfiguration:              types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your code {####}"),
			SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"), ExternalId: aws.String("ext")}},
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Your code {####}"), Subject: aws.String("Code")},
	})
	if err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	if s.MfaConfiguration != types.UserPoolMfaTypeOptional || !s.SoftwareTokenMfaConfiguration.Enabled || s.SmsMfaConfiguration == nil || s.EmailMfaConfiguration == nil {
		t.Fatalf("answer %+v", s)
	}
	g, err = e.signed.GetUserPoolMfaConfig(bg, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(pool)})
	if err != nil || g.MfaConfiguration != types.UserPoolMfaTypeOptional || aws.ToString(g.SmsMfaConfiguration.SmsAuthenticationMessage) != "Your code {####}" ||
		aws.ToString(g.SmsMfaConfiguration.SmsConfiguration.ExternalId) != "ext" || aws.ToString(g.EmailMfaConfiguration.Subject) != "Code" {
		t.Fatalf("GetUserPoolMfaConfig %+v %v", g, err)
	}
	d, err := e.signed.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	if err != nil || d.UserPool.MfaConfiguration != types.UserPoolMfaTypeOptional || aws.ToString(d.UserPool.SmsAuthenticationMessage) != "Your code {####}" {
		t.Fatalf("DescribeUserPool %+v %v", d.UserPool, err)
	}
	_, err = e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool), MfaConfiguration: "SOMETIMES"})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool),
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("not-an-arn")}}})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.signed.GetUserPoolMfaConfig(bg, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
}
