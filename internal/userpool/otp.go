package userpool

import (
	"context"
	"encoding/json"
	"time"

	"userpool/internal/store"
)

// One-time codes of sign-in: passwordless EMAIL_OTP / SMS_OTP first
// factors and e-mail (EMAIL_OTP) / SMS (SMS_MFA) MFA.
//
//   - Codes are codes.go's: 6 digits, stored only as the HMAC under the
//     pool's sealed code key, bound to the user, the purpose and the
//     destination; single use; at most MaxCodeAttempts presentations per
//     code. Each send counts towards the user's MaxCodeSends per
//     CodeSendWindow (shared with ForgotPassword and the other limited
//     sends), past which the sign-in answers LimitExceededException.
//   - A code lives OTPCodeTTL; its challenge session the client's
//     AuthSessionValidity. A wrong code gives the session back with one
//     attempt fewer (MaxMFAAttempts per session, as SOFTWARE_TOKEN_MFA).
//   - Every answer counts as a sign-in attempt of the user before the code
//     is compared (the password lockout: "Password attempts exceeded"),
//     and a right one resets the count, so guessing codes locks as
//     guessing passwords does.
//   - Messages: EmailMfaConfiguration's Subject/Message for e-mail, the
//     pool's SmsAuthenticationMessage for SMS (the "{####}" placeholder);
//     the sender's default text otherwise. Message.Purpose is "mfa" (the
//     CustomMessage_Authentication trigger source).

// OTPCodeTTL is how long a sign-in or MFA code stays valid.
const OTPCodeTTL = 5 * time.Minute

// Code purposes of sign-in codes (store.Code.Purpose).
const (
	purposeOTPEmail = "otp:email"
	purposeOTPSMS   = "otp:sms"
	purposeMFAEmail = "mfa:email"
	purposeMFASMS   = "mfa:sms"
)

func purposeOTPSignIn(challenge string) string {
	if challenge == ChallengeSMSOTP {
		return purposeOTPSMS
	}
	return purposeOTPEmail
}

// otpChallengeOf is the challenge a code purpose answers and the response
// parameter carrying the code.
func otpChallengeOf(purpose string) (challenge, param, attr string) {
	switch purpose {
	case purposeOTPSMS:
		return ChallengeSMSOTP, "SMS_OTP_CODE", "phone_number"
	case purposeMFAEmail:
		return ChallengeEmailOTP, "EMAIL_OTP_CODE", "email"
	case purposeMFASMS:
		return ChallengeSMSMFA, "SMS_MFA_CODE", "phone_number"
	}
	return ChallengeEmailOTP, "EMAIL_OTP_CODE", "email"
}

// emailMfaConfig is EmailMfaConfigType.
type emailMfaConfig struct {
	Message string `json:"Message"`
	Subject string `json:"Subject"`
}

func emailMFAConfigured(p *Pool) bool {
	raw, ok := p.Settings.Extra["EmailMfaConfiguration"]
	return ok && len(raw) > 0 && string(raw) != "null"
}

// otpTemplate is the subject and body of a sign-in code message.
func otpTemplate(p *Pool, medium string) (subject, body string) {
	if medium == "SMS" {
		if raw, ok := p.Settings.Extra["SmsAuthenticationMessage"]; ok {
			_ = json.Unmarshal(raw, &body)
		}
		return "", body
	}
	var cfg emailMfaConfig
	if raw, ok := p.Settings.Extra["EmailMfaConfiguration"]; ok {
		_ = json.Unmarshal(raw, &cfg)
	}
	return cfg.Subject, cfg.Message
}

// otpChallenge sends a code of purpose to the user (or simulates it for an
// unknown username) and answers the challenge that takes it.
func (s *signIn) otpChallenge(ctx context.Context, u store.User, found bool, username, name, purpose string, st challengeState) (*AuthOutput, error) {
	p := s.pool
	_, _, attr := otpChallengeOf(purpose)
	st.OTP = purpose
	var d *CodeDelivery
	key := ""
	if found {
		if err := s.countCodeSend(ctx, p, u); err != nil {
			return nil, err
		}
		code, err := s.issueVerificationCode(ctx, p, u, purpose, attr, OTPCodeTTL)
		if err != nil {
			return nil, err
		}
		medium := codeMedium(attr)
		subject, body := otpTemplate(p, medium)
		err = s.sendMessage(ctx, p, u, Message{
			PoolID: p.ID, Username: u.Username, Medium: medium, Destination: u.Attributes[attr],
			Purpose: "mfa", Code: code, Subject: subject, Body: body,
		})
		if isTriggerError(err) {
			return nil, err
		}
		if err != nil {
			s.log.Error("sign-in code delivery failed", "pool", p.ID, "medium", medium, "err", err)
			return nil, errCodeDelivery()
		}
		d = &CodeDelivery{Destination: MaskDestination(attr, u.Attributes[attr]), DeliveryMedium: medium, AttributeName: attr}
		key = u.UsernameKey
	} else {
		if err := s.ghostSend(p, username, purpose, OTPCodeTTL); err != nil {
			return nil, err
		}
		d = simulatedDelivery(p, username)
		if attr == "phone_number" && d.DeliveryMedium != "SMS" {
			d = &CodeDelivery{Destination: MaskDestination(attr, "+15555550100"), DeliveryMedium: "SMS", AttributeName: attr}
		}
		st = challengeState{Ghost: username, OTP: purpose}
	}
	raw, err := s.newChallengeSession(ctx, key, name, st)
	if err != nil {
		return nil, err
	}
	params := map[string]string{
		"CODE_DELIVERY_DELIVERY_MEDIUM": d.DeliveryMedium,
		"CODE_DELIVERY_DESTINATION":     d.Destination,
		"USERNAME":                      username,
	}
	if found {
		params["USERNAME"] = u.Username
		params["USER_ID_FOR_SRP"] = u.Username
	}
	return &AuthOutput{ChallengeName: name, Session: sessionString(raw), ChallengeParameters: params}, nil
}

// answerOTP is RespondToAuthChallenge EMAIL_OTP, SMS_OTP and SMS_MFA.
func (s *signIn) answerOTP(ctx context.Context, name string, r map[string]string, session string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	ls, err := s.loadSession(ctx, parseSessionToken(session), name)
	if err != nil {
		return nil, err
	}
	st := ls.state
	_, param, _ := otpChallengeOf(st.OTP)
	code := r[param]
	if st.Ghost != "" {
		user := r["USERNAME"]
		if user == "" {
			return nil, errMissingParam("USERNAME")
		}
		if p.UsernameKey(user) != p.UsernameKey(st.Ghost) {
			return nil, errInvalidSession()
		}
		if err := checkSecretHash(c, r["SECRET_HASH"], user); err != nil {
			return nil, err
		}
		if code == "" {
			return nil, errMissingParam(param)
		}
		if err := s.take(ctx, ls); err != nil {
			return nil, err
		}
		if err := s.ghostAttempt(p, st.Ghost); err != nil {
			return nil, err
		}
		if err := s.ghostCode(p, st.Ghost, st.OTP, false, OTPCodeTTL); KindOf(err) != KindCodeMismatch {
			return nil, err
		}
		s.giveBack(ctx, ls)
		return nil, errMFACodeMismatch()
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	if code == "" {
		return nil, errMissingParam(param)
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	if _, err := s.reserveAttempt(ctx, p, u.UsernameKey); err != nil {
		return nil, err
	}
	if _, err := s.consumeVerificationCode(ctx, p, u, st.OTP, code); err != nil {
		if KindOf(err) == KindCodeMismatch {
			s.giveBack(ctx, ls)
			return nil, errMFACodeMismatch()
		}
		return nil, err
	}
	if u, err = s.resetAttempts(ctx, p, u.UsernameKey, nil); err != nil {
		return nil, err
	}
	return s.finish(ctx, u, st)
}

// giveBack stores a challenge session again with one attempt fewer, while
// it has attempts left.
func (s *signIn) giveBack(ctx context.Context, ls *loadedSession) {
	st := ls.state
	st.Attempts++
	if st.Attempts < MaxMFAAttempts {
		if err := s.putChallengeSession(ctx, ls.raw, ls.sess.UsernameKey, ls.sess.Challenge, st, ls.sess.CreatedAt); err != nil {
			s.log.Error("challenge session not given back", "pool", s.pool.ID, "err", err)
		}
	}
}

// mfaFactors lists the MFA factors usable for the user in the pool:
// enabled by the user and configured in the pool.
func mfaFactors(p *Pool, u store.User, m MFASettings) []string {
	var out []string
	if m.TOTPEnabled && m.TOTPSecret != "" {
		out = append(out, ChallengeSoftwareTokenMFA)
	}
	if m.SMSEnabled && mfaConfigOf(p).SMS != nil && u.Attributes["phone_number"] != "" {
		out = append(out, ChallengeSMSMFA)
	}
	if m.EmailEnabled && emailMFAConfigured(p) && u.Attributes["email"] != "" {
		out = append(out, ChallengeEmailOTP)
	}
	return out
}

// mfaStep is the MFA step after a password proof: nil when no MFA applies.
// The user's preferred factor when usable; the only usable one; a choice
// (SELECT_MFA_TYPE) among several. With MFA ON and none enabled: SMS_MFA to
// a user with a verified phone number when the pool has SMS MFA, EMAIL_OTP
// to a user with a verified email when it has e-mail MFA, else MFA_SETUP.
func (s *signIn) mfaStep(ctx context.Context, u store.User, st challengeState) (*AuthOutput, error) {
	p := s.pool
	cfg := p.Settings.MfaConfiguration
	if cfg != "ON" && cfg != "OPTIONAL" {
		return nil, nil
	}
	m, err := decodeMFA(u.MFA)
	if err != nil {
		return nil, err
	}
	usable := mfaFactors(p, u, m)
	pick := ""
	switch pref := m.PreferredMFA(); {
	case pref != "" && containsString(usable, pref):
		pick = pref
	case len(usable) == 1:
		pick = usable[0]
	case len(usable) > 1:
		b, _ := json.Marshal(usable)
		return s.challenge(ctx, u, ChallengeSelectMFA, st, map[string]string{"MFAS_CAN_CHOOSE": string(b)})
	case cfg == "ON" && mfaConfigOf(p).SMS != nil && verified(u, "phone_number"):
		pick = ChallengeSMSMFA
	case cfg == "ON" && emailMFAConfigured(p) && verified(u, "email"):
		pick = ChallengeEmailOTP
	case cfg == "ON":
		can := []string{ChallengeSoftwareTokenMFA}
		b, _ := json.Marshal(can)
		return s.challenge(ctx, u, ChallengeMFASetup, st, map[string]string{"MFAS_CAN_SETUP": string(b)})
	default:
		return nil, nil
	}
	return s.mfaChallenge(ctx, u, st, pick)
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// mfaChallenge issues the MFA challenge name for the user.
func (s *signIn) mfaChallenge(ctx context.Context, u store.User, st challengeState, name string) (*AuthOutput, error) {
	switch name {
	case ChallengeSoftwareTokenMFA:
		return s.challenge(ctx, u, ChallengeSoftwareTokenMFA, st, map[string]string{})
	case ChallengeSMSMFA:
		return s.otpChallenge(ctx, u, true, u.Username, ChallengeSMSMFA, purposeMFASMS, st)
	case ChallengeEmailOTP:
		return s.otpChallenge(ctx, u, true, u.Username, ChallengeEmailOTP, purposeMFAEmail, st)
	}
	return nil, invalidParam("Invalid MFA type %s.", name)
}

// answerSelectMFA is RespondToAuthChallenge SELECT_MFA_TYPE: ANSWER names
// one of MFAS_CAN_CHOOSE (EMAIL_MFA is taken for EMAIL_OTP).
func (s *signIn) answerSelectMFA(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeSelectMFA)
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	answer := r["ANSWER"]
	if answer == "EMAIL_MFA" {
		answer = ChallengeEmailOTP
	}
	if answer == "" {
		return nil, errMissingParam("ANSWER")
	}
	m, err := decodeMFA(u.MFA)
	if err != nil {
		return nil, err
	}
	if !containsString(mfaFactors(s.pool, u, m), answer) {
		return nil, invalidParam("Invalid ANSWER %s.", answer)
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	st := ls.state
	st.Attempts = 0
	return s.mfaChallenge(ctx, u, st, answer)
}
