package userpool

import (
	"context"
	"encoding/json"
	"errors"

	"userpool/internal/store"
	"userpool/internal/totp"
)

// Software-token (TOTP) MFA setup, the user's MFA preference and the pool's
// MFA configuration.
//
// The secret is stored sealed by the master key (sealing.go); a secret
// stored before sealing is read as it is and sealed at its next write.
//
// AssociateSoftwareToken generates a new 160-bit secret (base32), stores it
// unverified in the user's MFA settings (replacing any previous secret at
// once) and returns it. VerifySoftwareToken checks a code against it with
// ±1 time step of tolerance; a step not later than the last accepted one is
// refused (replay). Success marks the secret verified and enables
// SOFTWARE_TOKEN_MFA for the user (the preference is left as it is). A wrong
// or replayed code answers EnableSoftwareTokenMFAException "Code mismatch
// and fail enable Software Token MFA", which is what real Cognito sends (it
// does not answer Status ERROR). Both operations take either the user's
// access token or the Session of an MFA_SETUP challenge; with a Session they
// answer the Session that continues the challenge (the same string:
// SessionForMFASetup does not consume it, RespondToAuthChallenge MFA_SETUP
// does).
//
// SetUserPoolMfaConfig stores MfaConfiguration (OFF | ON | OPTIONAL) and
// SoftwareTokenMfaConfiguration.Enabled in the pool settings; the SMS
// configuration goes to the pool's SmsAuthenticationMessage and
// SmsConfiguration (shared with UpdateUserPool/DescribeUserPool), the email
// and WebAuthn configurations are stored verbatim and read by the sign-in
// (otp.go: e-mail and SMS codes; webauthn.go: the relying party).
// Members omitted from SetUserPoolMfaConfig keep their current value.

// totpSetupSkew is the tolerance of TOTP verification (±1 step of 30 s).
const totpSetupSkew = 1

func errEnableTOTPMismatch() *Error {
	return Errorf(KindEnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
}

// totpSetupSubject is whom an MFA setup call is about: the user of an access
// token or of an MFA_SETUP session.
type totpSetupSubject struct {
	pool *Pool
	user store.User
	// session is the MFA_SETUP session token the call came with ("" for an access token).
	session string
}

// totpSetupSubjectOf authenticates an AssociateSoftwareToken/VerifySoftwareToken
// caller by access token or session (exactly one must be given).
func (s *Service) totpSetupSubjectOf(ctx context.Context, accessToken, session string) (*totpSetupSubject, error) {
	switch {
	case accessToken != "" && session != "":
		return nil, Errorf(KindInvalidParameter, "Only one of AccessToken or Session can be provided.")
	case accessToken != "":
		ac, err := s.authenticate(ctx, accessToken)
		if err != nil {
			return nil, err
		}
		return &totpSetupSubject{pool: ac.Pool, user: ac.User}, nil
	case session != "":
		poolID, key, err := s.SessionForMFASetup(ctx, session)
		if err != nil {
			return nil, err
		}
		p, err := s.GetPool(ctx, poolID)
		if err != nil {
			return nil, err
		}
		u, err := s.store.GetUser(ctx, p.ID, key)
		if err != nil {
			return nil, storeError(err, on(store.ErrNotFound, func() *Error { return Errorf(KindNotAuthorized, "Invalid session for the user, session is expired.") }))
		}
		return &totpSetupSubject{pool: p, user: u, session: session}, nil
	}
	return nil, Errorf(KindInvalidParameter, "Either AccessToken or Session must be provided.")
}

// SoftwareTokenAssociation is AssociateSoftwareToken's result.
type SoftwareTokenAssociation struct {
	SecretCode string
	Session    string // set when called with a Session
}

// AssociateSoftwareToken starts TOTP setup for the user.
func (s *Service) AssociateSoftwareToken(ctx context.Context, accessToken, session string) (*SoftwareTokenAssociation, error) {
	sub, err := s.totpSetupSubjectOf(ctx, accessToken, session)
	if err != nil {
		return nil, err
	}
	secret, err := totp.NewSecret(s.rand)
	if err != nil {
		return nil, Internal(err)
	}
	stored, err := s.sealTOTPSecret(sub.pool.ID, sub.user.UsernameKey, secret)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, sub.pool, sub.user.UsernameKey, func(u *store.User) error {
		m, err := decodeMFA(u.MFA)
		if err != nil {
			return err
		}
		m.TOTPSecret = stored
		m.TOTPVerified = false
		m.LastTOTPStep = 0
		u.MFA = m.Encode()
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The MFA_SETUP session is not consumed here: the same Session carries
	// on to VerifySoftwareToken and RespondToAuthChallenge.
	return &SoftwareTokenAssociation{SecretCode: secret, Session: sub.session}, nil
}

// SoftwareTokenVerification is VerifySoftwareToken's result.
type SoftwareTokenVerification struct {
	Status  string // SUCCESS
	Session string // set when called with a Session
}

// VerifySoftwareToken checks the first code of a newly associated secret.
func (s *Service) VerifySoftwareToken(ctx context.Context, accessToken, session, code string) (*SoftwareTokenVerification, error) {
	sub, err := s.totpSetupSubjectOf(ctx, accessToken, session)
	if err != nil {
		return nil, err
	}
	m, err := decodeMFA(sub.user.MFA)
	if err != nil {
		return nil, err
	}
	if m.TOTPSecret == "" {
		return nil, Errorf(KindSoftwareTokenMFANotFound, "Software Token MFA has not been associated with the user.")
	}
	now := s.now()
	_, err = s.updateUser(ctx, sub.pool, sub.user.UsernameKey, func(u *store.User) error {
		m, err := decodeMFA(u.MFA)
		if err != nil {
			return err
		}
		if m.TOTPSecret == "" {
			return Errorf(KindSoftwareTokenMFANotFound, "Software Token MFA has not been associated with the user.")
		}
		secret, err := s.openTOTPSecret(sub.pool.ID, u.UsernameKey, m.TOTPSecret)
		if err != nil {
			return err
		}
		ok, step := totp.Verify(secret, code, now, totpSetupSkew)
		if !ok || step <= m.LastTOTPStep {
			return errEnableTOTPMismatch()
		}
		if _, err := s.resealTOTP(sub.pool.ID, u.UsernameKey, &m); err != nil {
			return err
		}
		m.LastTOTPStep = step
		m.TOTPVerified = true
		m.TOTPEnabled = true
		u.MFA = m.Encode()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SoftwareTokenVerification{Status: "SUCCESS", Session: sub.session}, nil
}

// SetUserMFAPreference changes the caller's own MFA preferences (as
// AdminSetUserMFAPreference). Enabling SOFTWARE_TOKEN_MFA needs a verified
// secret: InvalidParameterException otherwise.
func (s *Service) SetUserMFAPreference(ctx context.Context, accessToken string, pref MFAPreference) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	return s.AdminSetUserMFAPreference(ctx, ac.Pool.ID, ac.User.Username, pref)
}

// SmsMfaConfig is SmsMfaConfigType.
type SmsMfaConfig struct {
	SmsAuthenticationMessage string
	SmsConfiguration         json.RawMessage // SmsConfigurationType, echoed
}

// PoolMfaConfig is a pool's MFA configuration (GetUserPoolMfaConfig).
type PoolMfaConfig struct {
	MfaConfiguration     string // OFF | ON | OPTIONAL
	SoftwareTokenEnabled bool
	SMS                  *SmsMfaConfig   // nil: SMS MFA not configured
	Email                json.RawMessage // EmailMfaConfigType, echoed; nil when unset
	WebAuthn             json.RawMessage // WebAuthnConfigurationType, echoed; nil when unset
}

// PoolMfaConfigInput is SetUserPoolMfaConfig's input; nil / "" members keep
// the current value.
type PoolMfaConfigInput struct {
	MfaConfiguration     string
	SoftwareTokenEnabled *bool
	SMS                  *SmsMfaConfig
	Email                json.RawMessage
	WebAuthn             json.RawMessage
}

func mfaConfigOf(p *Pool) *PoolMfaConfig {
	st := p.Settings
	out := &PoolMfaConfig{MfaConfiguration: st.MfaConfiguration, SoftwareTokenEnabled: st.SoftwareTokenMfa}
	if out.MfaConfiguration == "" {
		out.MfaConfiguration = "OFF"
	}
	cfg, hasCfg := st.Extra["SmsConfiguration"]
	msgRaw, hasMsg := st.Extra["SmsAuthenticationMessage"]
	if hasCfg || hasMsg {
		sms := &SmsMfaConfig{SmsConfiguration: cfg}
		if hasMsg {
			_ = json.Unmarshal(msgRaw, &sms.SmsAuthenticationMessage)
		}
		out.SMS = sms
	}
	out.Email = st.Extra["EmailMfaConfiguration"]
	out.WebAuthn = st.Extra["WebAuthnConfiguration"]
	return out
}

// GetUserPoolMfaConfig returns the pool's MFA configuration.
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, poolID string) (*PoolMfaConfig, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	return mfaConfigOf(p), nil
}

// SetUserPoolMfaConfig updates the pool's MFA configuration and returns it.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, poolID string, in PoolMfaConfigInput) (*PoolMfaConfig, error) {
	if _, ok := oneOf(in.MfaConfiguration, "", "OFF", "ON", "OPTIONAL"); !ok {
		return nil, invalidParam("Invalid MfaConfiguration value %s.", in.MfaConfiguration)
	}
	var result *Pool
	defer s.pools.invalidate(poolID)
	sp, err := s.store.UpdatePool(ctx, poolID, func(sp *store.Pool) error {
		p, err := decodePool(*sp)
		if err != nil {
			return err
		}
		st := &p.Settings
		if in.MfaConfiguration != "" {
			st.MfaConfiguration = in.MfaConfiguration
		}
		if in.SoftwareTokenEnabled != nil {
			st.SoftwareTokenMfa = *in.SoftwareTokenEnabled
		}
		if st.Extra == nil {
			st.Extra = map[string]json.RawMessage{}
		}
		if in.SMS != nil {
			if in.SMS.SmsAuthenticationMessage != "" {
				b, _ := json.Marshal(in.SMS.SmsAuthenticationMessage)
				st.Extra["SmsAuthenticationMessage"] = b
			}
			if len(in.SMS.SmsConfiguration) > 0 && string(in.SMS.SmsConfiguration) != "null" {
				st.Extra["SmsConfiguration"] = in.SMS.SmsConfiguration
			}
		}
		if len(in.Email) > 0 && string(in.Email) != "null" {
			st.Extra["EmailMfaConfiguration"] = in.Email
		}
		if len(in.WebAuthn) > 0 && string(in.WebAuthn) != "null" {
			st.Extra["WebAuthnConfiguration"] = in.WebAuthn
		}
		if st.MfaConfiguration == "ON" && !st.SoftwareTokenMfa && mfaConfigOf(p).SMS == nil && st.Extra["EmailMfaConfiguration"] == nil {
			return invalidParam("At least one MFA method must be enabled when MfaConfiguration is ON.")
		}
		raw, err := encodeSettings(*st)
		if err != nil {
			return err
		}
		sp.Settings = raw
		sp.UpdatedAt = s.nowUTC()
		result = p
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID)
	}
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return nil, de
		}
		return nil, Internal(err)
	}
	if result == nil {
		p, err := decodePool(sp)
		if err != nil {
			return nil, err
		}
		result = p
	}
	return mfaConfigOf(result), nil
}
