package userpool

import (
	"context"
	"encoding/json"
	"slices"

	"userpool/internal/store"
)

// USER_AUTH: choice-based sign-in (InitiateAuth / AdminInitiateAuth with
// AuthFlow USER_AUTH, the client allowing ALLOW_USER_AUTH).
//
//   - First factors come from the pool's Policies.SignInPolicy
//     .AllowedFirstAuthFactors (PASSWORD when the pool sets none, as
//     Cognito's default): PASSWORD is offered as the PASSWORD and
//     PASSWORD_SRP challenges; EMAIL_OTP to a user with a verified email,
//     SMS_OTP to a user with a verified phone number, WEB_AUTHN to a user
//     with at least one passkey (webauthn.go).
//   - Without PREFERRED_CHALLENGE, or when the preferred one is not
//     available to the user, the answer is SELECT_CHALLENGE with
//     AvailableChallenges and a Session; RespondToAuthChallenge
//     SELECT_CHALLENGE with ANSWER picks one (PASSWORD with PASSWORD,
//     PASSWORD_SRP with SRP_A, EMAIL_OTP / SMS_OTP sending a code,
//     WEB_AUTHN answering the WEB_AUTHN challenge).
//   - MFA and passwordless: a passwordless first factor (EMAIL_OTP,
//     SMS_OTP, WEB_AUTHN) is never followed by MFA. With MfaConfiguration
//     ON the pool offers no passwordless factor, except WEB_AUTHN when its
//     WebAuthnConfiguration.FactorConfiguration is
//     MULTI_FACTOR_WITH_USER_VERIFICATION (then user verification is
//     required of the passkey). A PASSWORD first factor goes through MFA as
//     USER_PASSWORD_AUTH / USER_SRP_AUTH do (mfaStep, otp.go).
//   - Unknown users (PreventUserExistenceErrors ENABLED) get the factors
//     the pool's policy allows (without WEB_AUTHN, which needs a stored
//     credential), a simulated code delivery and answers that always fail,
//     counted against the username's lockout as a user's are (ghost.go).

// Challenge names of choice-based sign-in and of e-mail/SMS MFA.
const (
	ChallengeSelect       = "SELECT_CHALLENGE"
	ChallengePassword     = "PASSWORD"
	ChallengePasswordSRP  = "PASSWORD_SRP"
	ChallengeEmailOTP     = "EMAIL_OTP"
	ChallengeSMSOTP       = "SMS_OTP"
	ChallengeWebAuthn     = "WEB_AUTHN"
	ChallengeSMSMFA       = "SMS_MFA"
	ChallengeSelectMFA    = "SELECT_MFA_TYPE"
	factorPassword        = "PASSWORD"
	webAuthnMultiFactorUV = "MULTI_FACTOR_WITH_USER_VERIFICATION"
)

// signInPolicy is the pool's Policies.SignInPolicy.
type signInPolicy struct {
	AllowedFirstAuthFactors []string `json:"AllowedFirstAuthFactors"`
}

// firstFactors is the pool's AllowedFirstAuthFactors (PASSWORD when unset).
func firstFactors(p *Pool) []string {
	var pol signInPolicy
	if len(p.Settings.SignInPolicy) > 0 {
		_ = json.Unmarshal(p.Settings.SignInPolicy, &pol)
	}
	if len(pol.AllowedFirstAuthFactors) == 0 {
		return []string{factorPassword}
	}
	return pol.AllowedFirstAuthFactors
}

// passwordlessAllowed reports whether factor f (EMAIL_OTP, SMS_OTP,
// WEB_AUTHN) may be a first factor in the pool given its MFA setting.
func passwordlessAllowed(p *Pool, f string) bool {
	if !slices.Contains(firstFactors(p), f) {
		return false
	}
	if p.Settings.MfaConfiguration != "ON" {
		return true
	}
	return f == ChallengeWebAuthn && webAuthnConfigOf(p).FactorConfiguration == webAuthnMultiFactorUV
}

func verified(u store.User, attr string) bool {
	return u.Attributes[attr] != "" && u.Attributes[attr+"_verified"] == "true"
}

// availableChallenges lists the first-factor challenges open to the user
// (found false: an unknown user whose existence is not to be revealed).
func (s *signIn) availableChallenges(ctx context.Context, u store.User, found bool) ([]string, error) {
	p := s.pool
	var out []string
	if slices.Contains(firstFactors(p), factorPassword) && (!found || u.Password.Hash != "" || len(u.Password.SRPVerifier) > 0) {
		out = append(out, ChallengePassword, ChallengePasswordSRP)
	}
	if passwordlessAllowed(p, ChallengeEmailOTP) && (!found || verified(u, "email")) {
		out = append(out, ChallengeEmailOTP)
	}
	if passwordlessAllowed(p, ChallengeSMSOTP) && (!found || verified(u, "phone_number")) {
		out = append(out, ChallengeSMSOTP)
	}
	if found && passwordlessAllowed(p, ChallengeWebAuthn) {
		creds, _, err := s.store.ListWebAuthnCredentials(ctx, p.ID, u.UsernameKey, store.Page{Limit: 1})
		if err != nil {
			return nil, Internal(err)
		}
		if len(creds) > 0 {
			out = append(out, ChallengeWebAuthn)
		}
	}
	return out, nil
}

// userAuthStart is InitiateAuth USER_AUTH.
func (s *signIn) userAuthStart(ctx context.Context, params map[string]string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	username := params["USERNAME"]
	if username == "" {
		return nil, errMissingParam("USERNAME")
	}
	preferred := params["PREFERRED_CHALLENGE"]
	switch preferred {
	case "", ChallengePassword, ChallengePasswordSRP, ChallengeEmailOTP, ChallengeSMSOTP, ChallengeWebAuthn:
	default:
		return nil, invalidParam("Invalid PREFERRED_CHALLENGE %s.", preferred)
	}
	if err := checkSecretHash(c, params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	u, found, err := s.resolveSignIn(ctx, p, username)
	if err != nil {
		return nil, err
	}
	if !found && c.Settings.PreventUserExistenceErrors != "ENABLED" {
		// A password may still bring the user in (UserMigration).
		if preferred == ChallengePassword && params["PASSWORD"] != "" {
			return s.passwordAuth(ctx, params)
		}
		return nil, errUserNotFound()
	}
	if found {
		if err := signInState(u); err != nil {
			return nil, err
		}
	}
	avail, err := s.availableChallenges(ctx, u, found)
	if err != nil {
		return nil, err
	}
	if preferred != "" && slices.Contains(avail, preferred) {
		return s.startFactor(ctx, u, found, username, preferred, params)
	}
	if len(avail) == 0 {
		// Nothing this user can sign in with: as a wrong password.
		return nil, errIncorrect()
	}
	st := challengeState{User: u.Username, DeviceKey: s.deviceKeyParam(p, params)}
	key := u.UsernameKey
	if !found {
		st = challengeState{Ghost: username}
		key = ""
	}
	raw, err := s.newChallengeSession(ctx, key, ChallengeSelect, st)
	if err != nil {
		return nil, err
	}
	return &AuthOutput{
		ChallengeName:       ChallengeSelect,
		Session:             sessionString(raw),
		ChallengeParameters: map[string]string{},
		AvailableChallenges: avail,
	}, nil
}

// startFactor begins the first factor f for the user (found) or the
// unknown username; params carry PASSWORD / SRP_A for the password factors.
func (s *signIn) startFactor(ctx context.Context, u store.User, found bool, username, f string, params map[string]string) (*AuthOutput, error) {
	switch f {
	case ChallengePassword:
		if params["PASSWORD"] == "" {
			return nil, errMissingParam("PASSWORD")
		}
		return s.passwordAuth(ctx, params)
	case ChallengePasswordSRP:
		if params["SRP_A"] == "" {
			return nil, errMissingParam("SRP_A")
		}
		return s.srpStart(ctx, params)
	case ChallengeEmailOTP, ChallengeSMSOTP:
		return s.otpChallenge(ctx, u, found, username, f, purposeOTPSignIn(f), challengeState{User: u.Username})
	case ChallengeWebAuthn:
		if !found {
			return nil, errIncorrect()
		}
		return s.webAuthnChallenge(ctx, u)
	}
	return nil, invalidParam("Invalid ANSWER %s.", f)
}

// answerSelectChallenge is RespondToAuthChallenge SELECT_CHALLENGE.
func (s *signIn) answerSelectChallenge(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeSelect)
	if err != nil {
		return nil, err
	}
	answer := r["ANSWER"]
	if answer == "" {
		return nil, errMissingParam("ANSWER")
	}
	name := r["USERNAME"]
	if name == "" {
		return nil, errMissingParam("USERNAME")
	}
	var u store.User
	found := ls.state.Ghost == ""
	if found {
		if u, err = s.sessionUser(ctx, ls, r); err != nil {
			return nil, err
		}
	} else {
		if p.UsernameKey(name) != p.UsernameKey(ls.state.Ghost) {
			return nil, errInvalidSession()
		}
		if err := checkSecretHash(c, r["SECRET_HASH"], name); err != nil {
			return nil, err
		}
	}
	avail, err := s.availableChallenges(ctx, u, found)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(avail, answer) {
		return nil, invalidParam("The challenge %s is not available to the user.", answer)
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	params := map[string]string{"USERNAME": name}
	for _, k := range []string{"PASSWORD", "SRP_A", "SECRET_HASH", "DEVICE_KEY"} {
		if v, ok := r[k]; ok {
			params[k] = v
		}
	}
	if found {
		// The password steps look the user up by USERNAME again; the
		// session's user is the one meant (sessionUser checked the name).
		params["USERNAME"] = u.Username
		if answer == ChallengePasswordSRP {
			params["USERNAME"] = name // SRP's proof is computed over what the client sent
		}
	}
	return s.startFactor(ctx, u, found, name, answer, params)
}

// AuthFactors is GetUserAuthFactors: the user (its MFA settings) and the
// first factors the user can sign in with now — PASSWORD with a password,
// EMAIL_OTP / SMS_OTP with a verified email / phone number when the pool
// allows them, WEB_AUTHN with a registered passkey.
func (s *Service) AuthFactors(ctx context.Context, accessToken string) (User, []string, error) {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return User{}, nil, err
	}
	p, u := ac.Pool, ac.User
	out := []string{}
	if u.Password.Hash != "" || len(u.Password.SRPVerifier) > 0 {
		out = append(out, factorPassword)
	}
	if passwordlessAllowed(p, ChallengeEmailOTP) && verified(u, "email") {
		out = append(out, ChallengeEmailOTP)
	}
	if passwordlessAllowed(p, ChallengeSMSOTP) && verified(u, "phone_number") {
		out = append(out, ChallengeSMSOTP)
	}
	creds, _, err := s.store.ListWebAuthnCredentials(ctx, p.ID, u.UsernameKey, store.Page{Limit: 1})
	if err != nil {
		return User{}, nil, Internal(err)
	}
	if len(creds) > 0 && slices.Contains(firstFactors(p), ChallengeWebAuthn) {
		out = append(out, ChallengeWebAuthn)
	}
	v, err := userView(u)
	if err != nil {
		return User{}, nil, err
	}
	return v, out, nil
}
