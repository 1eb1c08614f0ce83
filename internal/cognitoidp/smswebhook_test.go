package cognitoidp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/function/webhook"
	"userpool/internal/password"
	"userpool/internal/sender"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// smsHook is an httptest SMS webhook receiver: it verifies the signature
// and keeps the payloads; status is what it answers.
type smsHook struct {
	mu     sync.Mutex
	got    []sender.SMSPayload
	status int
	bad    int // requests whose signature did not verify
}

const smsSecret = "0123456789abcdef-sms-secret"

func (h *smsHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := webhook.Verify([]byte(smsSecret), r.Header.Get(webhook.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		h.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p sender.SMSPayload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.got = append(h.got, p)
	if h.status != 0 {
		w.WriteHeader(h.status)
	}
}

var smsCode = regexp.MustCompile(`\b\d{6}\b`)

// last is the payload last received and the code in its message.
func (h *smsHook) last(t *testing.T) (sender.SMSPayload, string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bad != 0 || len(h.got) == 0 {
		t.Fatalf("webhook: %d payloads, %d bad signatures", len(h.got), h.bad)
	}
	p := h.got[len(h.got)-1]
	return p, smsCode.FindString(p.Message)
}

// newSMSEnv is newLCEnv with SMS delivered by the webhook sender to hook
// (e-mail still captured by lcSender).
func newSMSEnv(t *testing.T, hook *smsHook) *lcEnv {
	t.Helper()
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	sms, err := sender.NewSMSWebhook(sender.SMSWebhookConfig{URL: srv.URL, SecretEnv: "SMS_SECRET",
		Getenv: func(string) string { return smsSecret }})
	if err != nil {
		t.Fatal(err)
	}
	e := &lcEnv{sender: &lcSender{}}
	keys := &lcKeys{}
	iss, err := token.NewIssuer(keys, token.Options{Now: e.now, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	client, svc, api := newTestEnvWith(t, userpool.Options{Now: e.now, PasswordParams: password.InsecureTestParams, Tokens: iss,
		Sender: userpool.ByMedium{Email: e.sender, SMS: sms}})
	keys.Store = storeOf(svc)
	e.signed, e.svc = client, svc
	e.anon = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(api.URL), Credentials: aws.AnonymousCredentials{},
		RetryMaxAttempts: 1, HTTPClient: bufferedBodyClient{}})
	return e
}

func TestSMSWebhookDeliversSignInAndMFACodes(t *testing.T) {
	t.Parallel()
	hook := &smsHook{}
	e := newSMSEnv(t, hook)

	// SMS_OTP: passwordless sign-in with a code the webhook received.
	pool, c := e.userAuthPool(t, false, types.AuthFactorTypePassword, types.AuthFactorTypeSmsOtp)
	e.confirmedUser(t, pool, "sam", lcAttr("phone_number", "+15555550142"), lcAttr("phone_number_verified", "true"))
	otp, err := e.userAuth(c, "USERNAME", "sam", "PREFERRED_CHALLENGE", "SMS_OTP")
	if err != nil || otp.ChallengeName != types.ChallengeNameTypeSmsOtp {
		t.Fatalf("USER_AUTH SMS_OTP: %+v %v", otp, err)
	}
	p, code := hook.last(t)
	if p.To != "+15555550142" || p.Pool != pool || p.Purpose != "mfa" || code == "" {
		t.Fatalf("SMS_OTP payload %+v (code %q)", p, code)
	}
	if e.sender.count() != 0 {
		t.Errorf("an SMS went to the e-mail sender")
	}
	ok, err := e.respond(c, types.ChallengeNameTypeSmsOtp, otp.Session, "USERNAME", "sam", "SMS_OTP_CODE", code)
	if err != nil || ok.AuthenticationResult == nil {
		t.Fatalf("SMS_OTP answer: %+v %v", ok, err)
	}

	// SMS_MFA after a password, with the pool's SmsAuthenticationMessage.
	mfaPool := e.pool(t, nil)
	if _, err := e.signed.SetUserPoolMfaConfig(bg, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(mfaPool), MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Shop code {####}")}}); err != nil {
		t.Fatal(err)
	}
	mc := e.client(t, mfaPool, nil)
	e.confirmedUser(t, mfaPool, "ed", lcAttr("phone_number", "+15555550143"), lcAttr("phone_number_verified", "true"))
	if _, err := e.signed.AdminSetUserMFAPreference(bg, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(mfaPool), Username: aws.String("ed"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.signIn(mc, "ed", lcPW)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("SMS MFA: %+v %v", out, err)
	}
	p, code = hook.last(t)
	if p.To != "+15555550143" || p.Message != "Shop code "+code || code == "" {
		t.Fatalf("SMS_MFA payload %+v", p)
	}
	res, err := e.respond(mc, types.ChallengeNameTypeSmsMfa, out.Session, "USERNAME", "ed", "SMS_MFA_CODE", code)
	if err != nil || res.AuthenticationResult == nil {
		t.Fatalf("SMS_MFA answer: %+v %v", res, err)
	}

	// A webhook that refuses: the sign-in answers as for a failed e-mail.
	hook.mu.Lock()
	hook.status = http.StatusBadGateway
	hook.mu.Unlock()
	_, err = e.userAuth(c, "USERNAME", "sam", "PREFERRED_CHALLENGE", "SMS_OTP")
	wantErr(t, err, "CodeDeliveryFailureException", "")
}
