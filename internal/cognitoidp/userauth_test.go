package cognitoidp_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// userAuthPool makes a pool whose SignInPolicy allows factors, and a client
// allowing USER_AUTH with a 15-minute session (so codes expire first).
func (e *lcEnv) userAuthPool(t *testing.T, pue bool, factors ...types.AuthFactorType) (string, types.UserPoolClientType) {
	t.Helper()
	pool := e.pool(t, &cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{
		SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: factors}}})
	in := &cip.CreateUserPoolClientInput{AuthSessionValidity: aws.Int32(15),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}
	if pue {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	}
	return pool, e.client(t, pool, in)
}

func (e *lcEnv) userAuth(c types.UserPoolClientType, kv ...string) (*cip.InitiateAuthOutput, error) {
	return e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: c.ClientId, AuthParameters: params(kv...)})
}

func (e *lcEnv) respond(c types.UserPoolClientType, name types.ChallengeNameType, session *string, kv ...string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ClientId: c.ClientId, ChallengeName: name,
		Session: session, ChallengeResponses: params(kv...)})
}

func TestUserAuthEmailOTP(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool, c := e.userAuthPool(t, false, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp)
	e.confirmedUser(t, pool, "ann", lcAttr("email", "ann@example.com"), lcAttr("email_verified", "true"))

	sel, err := e.userAuth(c, "USERNAME", "ann")
	if err != nil || sel.ChallengeName != types.ChallengeNameTypeSelectChallenge || sel.Session == nil {
		t.Fatalf("USER_AUTH: %+v %v", sel, err)
	}
	want := []types.ChallengeNameType{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}
	if !slices.Equal(sel.AvailableChallenges, want) {
		t.Fatalf("AvailableChallenges %v, want %v", sel.AvailableChallenges, want)
	}
	otp, err := e.respond(c, types.ChallengeNameTypeSelectChallenge, sel.Session, "USERNAME", "ann", "ANSWER", "EMAIL_OTP")
	if err != nil || otp.ChallengeName != types.ChallengeNameTypeEmailOtp || otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "a***@e***" ||
		otp.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" {
		t.Fatalf("SELECT_CHALLENGE EMAIL_OTP: %+v %v", otp, err)
	}
	code := e.sender.code(t, "ann@example.com")
	// Wrong challenge name for the session.
	_, err = e.respond(c, types.ChallengeNameTypeSmsOtp, otp.Session, "USERNAME", "ann", "SMS_OTP_CODE", code)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
	_, err = e.respond(c, types.ChallengeNameTypeEmailOtp, otp.Session, "USERNAME", "ann", "EMAIL_OTP_CODE", lcWrong(code))
	wantErr(t, err, "CodeMismatchException", "")
	ok, err := e.respond(c, types.ChallengeNameTypeEmailOtp, otp.Session, "USERNAME", "ann", "EMAIL_OTP_CODE", code)
	if err != nil || ok.AuthenticationResult == nil {
		t.Fatalf("EMAIL_OTP answer: %+v %v", ok, err)
	}
	// Reused: the session is spent, and the code does not open a new one.
	_, err = e.respond(c, types.ChallengeNameTypeEmailOtp, otp.Session, "USERNAME", "ann", "EMAIL_OTP_CODE", code)
	wantErr(t, err, "NotAuthorizedException", "")
	again, err := e.userAuth(c, "USERNAME", "ann", "PREFERRED_CHALLENGE", "EMAIL_OTP")
	if err != nil || again.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("PREFERRED_CHALLENGE EMAIL_OTP: %+v %v", again, err)
	}
	if fresh := e.sender.code(t, "ann@example.com"); fresh == code {
		t.Skip("the new code happens to equal the old one")
	}
	_, err = e.respond(c, types.ChallengeNameTypeEmailOtp, again.Session, "USERNAME", "ann", "EMAIL_OTP_CODE", code)
	wantErr(t, err, "CodeMismatchException", "")
	// Expired: the code lives 5 minutes, the session 15.
	e.advance(6 * time.Minute)
	_, err = e.respond(c, types.ChallengeNameTypeEmailOtp, again.Session, "USERNAME", "ann", "EMAIL_OTP_CODE", e.sender.code(t, "ann@example.com"))
	wantErr(t, err, "ExpiredCodeException", "")

	// PASSWORD in one call; PASSWORD through SELECT_CHALLENGE.
	pw, err := e.userAuth(c, "USERNAME", "ann", "PREFERRED_CHALLENGE", "PASSWORD", "PASSWORD", lcPW)
	if err != nil || pw.AuthenticationResult == nil {
		t.Fatalf("PREFERRED_CHALLENGE PASSWORD: %+v %v", pw, err)
	}
	sel, _ = e.userAuth(c, "USERNAME", "ann")
	_, err = e.respond(c, types.ChallengeNameTypeSelectChallenge, sel.Session, "USERNAME", "ann", "ANSWER", "PASSWORD", "PASSWORD", "nope-Passw0rd!")
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// A factor the pool does not allow.
	sel, _ = e.userAuth(c, "USERNAME", "ann")
	_, err = e.respond(c, types.ChallengeNameTypeSelectChallenge, sel.Session, "USERNAME", "ann", "ANSWER", "SMS_OTP")
	wantErr(t, err, "InvalidParameterException", "")

	_, err = e.userAuth(c, "USERNAME", "nobody")
	wantErr(t, err, "UserNotFoundException", "")
	noUA := e.client(t, pool, nil)
	_, err = e.userAuth(noUA, "USERNAME", "ann")
	wantErr(t, err, "InvalidParameterException", "")
}

func TestUserAuthOTPLockout(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool, c := e.userAuthPool(t, false, types.AuthFactorTypeEmailOtp)
	e.confirmedUser(t, pool, "bo", lcAttr("email", "bo@example.com"), lcAttr("email_verified", "true"))
	wrong := 0
	var last *cip.InitiateAuthOutput
	for wrong < 5 {
		out, err := e.userAuth(c, "USERNAME", "bo", "PREFERRED_CHALLENGE", "EMAIL_OTP")
		if err != nil {
			t.Fatalf("sign-in: %v", err)
		}
		last = out
		code := e.sender.code(t, "bo@example.com")
		for i := 0; i < 3 && wrong < 5; i++ {
			_, err = e.respond(c, types.ChallengeNameTypeEmailOtp, out.Session, "USERNAME", "bo", "EMAIL_OTP_CODE", lcWrong(code))
			wantErr(t, err, "CodeMismatchException", "")
			wrong++
		}
	}
	// Locked like a password: even the right code is refused now.
	_, err := e.respond(c, types.ChallengeNameTypeEmailOtp, last.Session, "USERNAME", "bo", "EMAIL_OTP_CODE", e.sender.code(t, "bo@example.com"))
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
}

func TestUserAuthUnknownUserLooksKnown(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool, c := e.userAuthPool(t, true, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp)
	e.confirmedUser(t, pool, "cy@example.com", lcAttr("email", "cy@example.com"), lcAttr("email_verified", "true"))
	for _, name := range []string{"cy@example.com", "ghost@example.com"} {
		sel, err := e.userAuth(c, "USERNAME", name)
		if err != nil || !slices.Equal(sel.AvailableChallenges, []types.ChallengeNameType{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}) {
			t.Fatalf("%s: %+v %v", name, sel, err)
		}
		otp, err := e.respond(c, types.ChallengeNameTypeSelectChallenge, sel.Session, "USERNAME", name, "ANSWER", "EMAIL_OTP")
		if err != nil || otp.ChallengeName != types.ChallengeNameTypeEmailOtp || otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"] == "" {
			t.Fatalf("%s EMAIL_OTP: %+v %v", name, otp, err)
		}
		_, err = e.respond(c, types.ChallengeNameTypeEmailOtp, otp.Session, "USERNAME", name, "EMAIL_OTP_CODE", "00000000")
		wantErr(t, err, "CodeMismatchException", "Invalid code received for user")
	}
}

func TestEmailAndSMSMFA(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	_, err := e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool), MfaConfiguration: types.UserPoolMfaTypeOn,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Your code: {####}"), Subject: aws.String("Sign-in code")},
		SmsMfaConfiguration:   &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("code {####}")}})
	if err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	c := e.client(t, pool, nil)
	// MFA ON, no TOTP: a verified email gets EMAIL_OTP.
	e.confirmedUser(t, pool, "di", lcAttr("email", "di@example.com"), lcAttr("email_verified", "true"))
	out, err := e.signIn(c, "di", lcPW)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("password sign-in: %+v %v", out, err)
	}
	code := e.sender.code(t, "di@example.com")
	if m := e.sender.msgs[len(e.sender.msgs)-1]; m.Subject != "Sign-in code" || m.Body != "Your code: {####}" || m.Purpose != "mfa" {
		t.Errorf("message %+v", m)
	}
	res, err := e.respond(c, types.ChallengeNameTypeEmailOtp, out.Session, "USERNAME", "di", "EMAIL_OTP_CODE", code)
	if err != nil || res.AuthenticationResult == nil {
		t.Fatalf("EMAIL_OTP MFA: %+v %v", res, err)
	}
	// SMS MFA enabled and preferred by the user.
	e.confirmedUser(t, pool, "ed", lcAttr("phone_number", "+15555550123"), lcAttr("phone_number_verified", "true"))
	if _, err := e.signed.AdminSetUserMFAPreference(bg, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(pool), Username: aws.String("ed"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	out, err = e.signIn(c, "ed", lcPW)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeSmsMfa || out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" {
		t.Fatalf("SMS MFA: %+v %v", out, err)
	}
	res, err = e.respond(c, types.ChallengeNameTypeSmsMfa, out.Session, "USERNAME", "ed", "SMS_MFA_CODE", e.sender.code(t, "+15555550123"))
	if err != nil || res.AuthenticationResult == nil {
		t.Fatalf("SMS_MFA answer: %+v %v", res, err)
	}
	// Both enabled, none preferred: SELECT_MFA_TYPE.
	if _, err := e.signed.AdminSetUserMFAPreference(bg, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(pool), Username: aws.String("di"),
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.signed.AdminUpdateUserAttributes(bg, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(pool), Username: aws.String("di"),
		UserAttributes: []types.AttributeType{lcAttr("phone_number", "+15555550124"), lcAttr("phone_number_verified", "true")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.signed.AdminSetUserMFAPreference(bg, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(pool), Username: aws.String("di"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	out, err = e.signIn(c, "di", lcPW)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeSelectMfaType {
		t.Fatalf("two factors: %+v %v", out, err)
	}
	sel, err := e.respond(c, types.ChallengeNameTypeSelectMfaType, out.Session, "USERNAME", "di", "ANSWER", "EMAIL_OTP")
	if err != nil || sel.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("SELECT_MFA_TYPE: %+v %v", sel, err)
	}
}

// ---------------------------------------------------------------- passkeys

// softKey is a minimal ES256 platform authenticator with "none" attestation.
type softKey struct {
	key   *ecdsa.PrivateKey
	id    []byte
	count uint32
}

func newSoftKey(t *testing.T) *softKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{key: k, id: id}
}

var b64u = base64.RawURLEncoding

func clientData(typ, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin, "crossOrigin": false})
	return b
}

func authData(rpID string, flags byte, count uint32, attested []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, count)
	return append(out, attested...)
}

// register answers CredentialCreationOptions with a RegistrationResponseJSON.
func (k *softKey) register(t *testing.T, opts map[string]any, rpID, origin string) map[string]any {
	t.Helper()
	pub, err := k.key.PublicKey.Bytes() // 0x04 ‖ X ‖ Y
	if err != nil {
		t.Fatal(err)
	}
	x, y := pub[1:33], pub[33:65]
	cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
	if err != nil {
		t.Fatal(err)
	}
	att := make([]byte, 16) // AAGUID
	att = binary.BigEndian.AppendUint16(att, uint16(len(k.id)))
	att = append(append(att, k.id...), cose...)
	ad := authData(rpID, 0x01|0x04|0x40, k.count, att)
	obj, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": ad})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(clientData("webauthn.create", opts["challenge"].(string), origin)),
			"attestationObject": b64u.EncodeToString(obj), "transports": []string{"internal"}}}
}

// assert answers CREDENTIAL_REQUEST_OPTIONS with an AuthenticationResponseJSON.
func (k *softKey) assert(t *testing.T, optsJSON, origin string, userHandle []byte) string {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"`
	}
	if err := json.Unmarshal([]byte(optsJSON), &opts); err != nil {
		t.Fatalf("CREDENTIAL_REQUEST_OPTIONS %q: %v", optsJSON, err)
	}
	k.count++
	ad := authData(opts.RPID, 0x01|0x04, k.count, nil)
	cd := clientData("webauthn.get", opts.Challenge, origin)
	h := sha256.Sum256(cd)
	digest := sha256.Sum256(append(slices.Clone(ad), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(cd), "authenticatorData": b64u.EncodeToString(ad),
			"signature": b64u.EncodeToString(sig), "userHandle": b64u.EncodeToString(userHandle)}})
	return string(b)
}

func docMap(t *testing.T, d document.Interface) map[string]any {
	t.Helper()
	var m map[string]any
	if err := d.UnmarshalSmithyDocument(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPasskeys(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	const rp, origin = "localhost", "http://localhost:3000"
	pool, c := e.userAuthPool(t, false, types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn)
	noPasskeys, _ := e.userAuthPool(t, false, types.AuthFactorTypePassword)
	if _, err := e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool),
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String(rp), UserVerification: types.UserVerificationTypePreferred}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	e.confirmedUser(t, pool, "fay")
	e.confirmedUser(t, pool, "gus")
	atF := e.accessToken(t, c, "fay", lcPW)
	atG := e.accessToken(t, c, "gus", lcPW)

	start := func(at string) map[string]any {
		t.Helper()
		out, err := e.anon.StartWebAuthnRegistration(bg, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(at)})
		if err != nil {
			t.Fatalf("StartWebAuthnRegistration: %v", err)
		}
		m := docMap(t, out.CredentialCreationOptions)
		for _, k := range []string{"challenge", "rp", "user", "pubKeyCredParams"} {
			if m[k] == nil {
				t.Fatalf("creation options lack %s: %v", k, m)
			}
		}
		return m
	}
	complete := func(at string, cred map[string]any) error {
		_, err := e.anon.CompleteWebAuthnRegistration(bg, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(at), Credential: document.NewLazyDocument(cred)})
		return err
	}

	_, err := e.anon.CompleteWebAuthnRegistration(bg, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(atF),
		Credential: document.NewLazyDocument(map[string]any{"id": "x"})})
	wantErr(t, err, "WebAuthnChallengeNotFoundException", "")

	kF, kG := newSoftKey(t), newSoftKey(t)
	// An attestation that does not verify: signed for another challenge.
	opts := start(atF)
	bad := kF.register(t, map[string]any{"challenge": b64u.EncodeToString([]byte("another challenge value"))}, rp, origin)
	wantErr(t, complete(atF, bad), "InvalidParameterException", "The credential could not be verified.")
	// The registration is single use: the refused attempt spent it.
	wantErr(t, complete(atF, kF.register(t, opts, rp, origin)), "WebAuthnChallengeNotFoundException", "")
	opts = start(atF)
	wantErr(t, complete(atF, kF.register(t, opts, rp, "https://evil.example")), "WebAuthnOriginNotAllowedException", "")
	opts = start(atF)
	wantErr(t, complete(atF, kF.register(t, opts, "example.org", origin)), "WebAuthnRelyingPartyMismatchException", "")
	opts = start(atF)
	if err := complete(atF, kF.register(t, opts, rp, origin)); err != nil {
		t.Fatalf("CompleteWebAuthnRegistration: %v", err)
	}
	if err := complete(atG, kG.register(t, start(atG), rp, origin)); err != nil {
		t.Fatalf("CompleteWebAuthnRegistration gus: %v", err)
	}
	list, err := e.anon.ListWebAuthnCredentials(bg, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(atF)})
	if err != nil || len(list.Credentials) != 1 || aws.ToString(list.Credentials[0].CredentialId) != b64u.EncodeToString(kF.id) ||
		aws.ToString(list.Credentials[0].RelyingPartyId) != rp {
		t.Fatalf("ListWebAuthnCredentials: %+v %v", list, err)
	}
	f, err := e.anon.GetUserAuthFactors(bg, &cip.GetUserAuthFactorsInput{AccessToken: aws.String(atF)})
	if err != nil || !slices.Contains(f.ConfiguredUserAuthFactors, types.AuthFactorTypeWebAuthn) {
		t.Fatalf("GetUserAuthFactors: %+v %v", f, err)
	}

	challenge := func(user string) *cip.InitiateAuthOutput {
		t.Helper()
		out, err := e.userAuth(c, "USERNAME", user, "PREFERRED_CHALLENGE", "WEB_AUTHN")
		if err != nil || out.ChallengeName != types.ChallengeNameTypeWebAuthn {
			t.Fatalf("WEB_AUTHN challenge: %+v %v", out, err)
		}
		return out
	}
	subF := func() []byte {
		u, err := e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("fay")})
		if err != nil {
			t.Fatal(err)
		}
		return []byte(lcAttrs(u.UserAttributes)["sub"])
	}()
	ch := challenge("fay")
	cred := kF.assert(t, ch.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], origin, subF)
	ok, err := e.respond(c, types.ChallengeNameTypeWebAuthn, ch.Session, "USERNAME", "fay", "CREDENTIAL", cred)
	if err != nil || ok.AuthenticationResult == nil {
		t.Fatalf("WEB_AUTHN answer: %+v %v", ok, err)
	}
	// Replayed assertion: a new challenge does not take the old answer.
	ch = challenge("fay")
	_, err = e.respond(c, types.ChallengeNameTypeWebAuthn, ch.Session, "USERNAME", "fay", "CREDENTIAL", cred)
	wantErr(t, err, "NotAuthorizedException", "")
	// Another user's credential.
	ch = challenge("gus")
	_, err = e.respond(c, types.ChallengeNameTypeWebAuthn, ch.Session, "USERNAME", "gus", "CREDENTIAL",
		kF.assert(t, ch.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], origin, subF))
	wantErr(t, err, "NotAuthorizedException", "")
	// A sign counter that did not advance (a cloned authenticator).
	ch = challenge("fay")
	kF.count -= 2
	_, err = e.respond(c, types.ChallengeNameTypeWebAuthn, ch.Session, "USERNAME", "fay", "CREDENTIAL",
		kF.assert(t, ch.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], origin, subF))
	wantErr(t, err, "NotAuthorizedException", "")
	kF.count += 5
	// The passkey through SELECT_CHALLENGE, as Amplify does.
	sel, err := e.userAuth(c, "USERNAME", "fay")
	if err != nil || !slices.Contains(sel.AvailableChallenges, types.ChallengeNameTypeWebAuthn) {
		t.Fatalf("SELECT_CHALLENGE: %+v %v", sel, err)
	}
	wa, err := e.respond(c, types.ChallengeNameTypeSelectChallenge, sel.Session, "USERNAME", "fay", "ANSWER", "WEB_AUTHN")
	if err != nil || wa.ChallengeName != types.ChallengeNameTypeWebAuthn || !strings.Contains(wa.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], b64u.EncodeToString(kF.id)) {
		t.Fatalf("ANSWER WEB_AUTHN: %+v %v", wa, err)
	}
	ok, err = e.respond(c, types.ChallengeNameTypeWebAuthn, wa.Session, "USERNAME", "fay", "CREDENTIAL",
		kF.assert(t, wa.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], origin, subF))
	if err != nil || ok.AuthenticationResult == nil {
		t.Fatalf("WEB_AUTHN after SELECT_CHALLENGE: %+v %v", ok, err)
	}

	_, err = e.anon.DeleteWebAuthnCredential(bg, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(atG), CredentialId: aws.String(b64u.EncodeToString(kF.id))})
	wantErr(t, err, "ResourceNotFoundException", "")
	if _, err := e.anon.DeleteWebAuthnCredential(bg, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(atF), CredentialId: aws.String(b64u.EncodeToString(kF.id))}); err != nil {
		t.Fatalf("DeleteWebAuthnCredential: %v", err)
	}
	list, err = e.anon.ListWebAuthnCredentials(bg, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(atF)})
	if err != nil || len(list.Credentials) != 0 {
		t.Fatalf("after delete: %+v %v", list, err)
	}

	// A pool without WEB_AUTHN refuses registration.
	npc := e.client(t, noPasskeys, nil)
	e.confirmedUser(t, noPasskeys, "hal")
	_, err = e.anon.StartWebAuthnRegistration(bg, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(e.accessToken(t, npc, "hal", lcPW))})
	wantErr(t, err, "WebAuthnNotEnabledException", "")
}
