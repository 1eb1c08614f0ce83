package userpool

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"time"

	"userpool/internal/srp"
	"userpool/internal/store"
	"userpool/internal/totp"
)

// Challenge sessions.
//
// Every challenge is backed by a store.Session created from a fresh 48-byte
// random token T:
//
//   - the store.Session ID is hex(SHA-256("userpool/session-id" ‖ T)), so the
//     store never holds T;
//   - the state (challengeState) is sealed with AES-256-GCM under
//     SHA-256("userpool/session-key" ‖ T), the session id as associated
//     data: a copy of the database alone reveals no SRP secret and cannot
//     be edited into another state. Nothing depends on a per-process key,
//     so any instance sharing the store can continue any session;
//   - the client gets T as base64url (64 characters: the Session, inside
//     Cognito's 20..2048) — or, for PASSWORD_VERIFIER, as standard base64
//     in SECRET_BLOCK with no Session, as AWS does;
//   - it expires after the client's AuthSessionValidity (3 minutes by
//     default) and is single use: the step that answers it takes it
//     atomically (store.TakeSession). Answers that fail validation before
//     any secret is compared (a password that violates the policy, a
//     missing attribute) leave the session usable; a wrong TOTP code puts it
//     back with one attempt fewer (MaxMFAAttempts per session).
//
// Unknown, expired, taken or mismatched sessions answer NotAuthorizedException
// "Invalid session for the user, session is expired."; for PASSWORD_VERIFIER
// every failure is "Incorrect username or password.".

const (
	sessionTokenBytes = 48
	// MaxMFAAttempts is how many codes one SOFTWARE_TOKEN_MFA session accepts.
	MaxMFAAttempts = 3
	// srpTimestampSkew is how far TIMESTAMP may be from now.
	srpTimestampSkew = 5 * time.Minute
)

// challengeState is the sealed state of a challenge session.
type challengeState struct {
	// User is the internal username ("" for a fake challenge).
	User string `json:"u,omitempty"`
	// Fake marks the PASSWORD_VERIFIER of an unknown user: it always fails.
	Fake bool `json:"f,omitempty"`
	// Ghost is the username of a fake challenge for an unknown user, whose
	// failed answer counts towards its lockout (ghost.go).
	Ghost string `json:"g,omitempty"`
	// SRP is the server's handshake state (srp.Server.MarshalBinary), A the
	// client's SRP_A.
	SRP []byte `json:"s,omitempty"`
	A   string `json:"a,omitempty"`
	// DeviceKey is the DEVICE_KEY the client signed in with.
	DeviceKey        string `json:"d,omitempty"`
	DeviceVerified   bool   `json:"dv,omitempty"`
	DeviceRemembered bool   `json:"dr,omitempty"`
	Attempts         int    `json:"n,omitempty"`
	// TokenSource is the PreTokenGeneration source of the tokens this
	// sign-in ends with ("" : TokenGeneration_Authentication).
	TokenSource string `json:"ts,omitempty"`
	// Custom is the CUSTOM_AUTH history; CustomPrivate and CustomMeta
	// the current challenge's privateChallengeParameters and
	// challengeMetadata (triggers_custom.go).
	Custom        []customEntry     `json:"cc,omitempty"`
	CustomPrivate map[string]string `json:"cp,omitempty"`
	CustomMeta    string            `json:"cm,omitempty"`
	// OTP is the code purpose an EMAIL_OTP / SMS_OTP / SMS_MFA challenge
	// checks (otp.go); WebAuthn the WEB_AUTHN challenge, base64url
	// (webauthn.go).
	OTP      string `json:"o,omitempty"`
	WebAuthn string `json:"w,omitempty"`
}

func errInvalidSession() *Error {
	return Errorf(KindNotAuthorized, "Invalid session for the user, session is expired.")
}

func sessionID(raw []byte) string {
	h := sha256.New()
	h.Write([]byte("userpool/session-id\x00"))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

func sessionAEAD(raw []byte) (cipher.AEAD, error) {
	h := sha256.New()
	h.Write([]byte("userpool/session-key\x00"))
	h.Write(raw)
	block, err := aes.NewCipher(h.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (s *Service) sealState(raw []byte, id string, st challengeState) ([]byte, error) {
	plain, err := json.Marshal(st)
	if err != nil {
		return nil, Internal(err)
	}
	aead, err := sessionAEAD(raw)
	if err != nil {
		return nil, Internal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return nil, Internal(err)
	}
	return aead.Seal(nonce, nonce, plain, []byte(id)), nil
}

func openState(raw []byte, id string, sealed []byte) (challengeState, error) {
	var st challengeState
	aead, err := sessionAEAD(raw)
	if err != nil {
		return st, err
	}
	if len(sealed) < aead.NonceSize() {
		return st, errors.New("sealed state too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(id))
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(plain, &st)
}

func sessionString(raw []byte) string     { return base64.RawURLEncoding.EncodeToString(raw) }
func secretBlockString(raw []byte) string { return base64.StdEncoding.EncodeToString(raw) }

// parseSessionToken decodes a Session (base64url) or SECRET_BLOCK (standard
// base64); nil when it is not one of ours.
func parseSessionToken(s string) []byte {
	if len(s) > 2048 {
		return nil
	}
	s = strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == sessionTokenBytes {
			return b
		}
	}
	return nil
}

// newChallengeSession stores a challenge session and returns its token.
func (s *signIn) newChallengeSession(ctx context.Context, usernameKey, challenge string, st challengeState) ([]byte, error) {
	raw := make([]byte, sessionTokenBytes)
	if _, err := io.ReadFull(s.rand, raw); err != nil {
		return nil, Internal(err)
	}
	if err := s.putChallengeSession(ctx, raw, usernameKey, challenge, st, s.nowUTC()); err != nil {
		return nil, err
	}
	return raw, nil
}

func (s *signIn) putChallengeSession(ctx context.Context, raw []byte, usernameKey, challenge string, st challengeState, created time.Time) error {
	p, c := s.pool, s.client
	id := sessionID(raw)
	sealed, err := s.sealState(raw, id, st)
	if err != nil {
		return err
	}
	sess := store.Session{
		ID:          id,
		PoolID:      p.ID,
		ClientID:    c.ID,
		UsernameKey: usernameKey,
		Challenge:   challenge,
		State:       sealed,
		CreatedAt:   created,
		ExpiresAt:   created.Add(c.AuthSessionValidity()),
	}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return Internal(err)
	}
	return nil
}

// loadedSession is a challenge session read (not yet taken) from the store.
type loadedSession struct {
	raw   []byte
	sess  store.Session
	state challengeState
}

// loadSession reads the session a token names and checks that it is live
// and belongs to this client and challenge.
func (s *signIn) loadSession(ctx context.Context, raw []byte, challenge string) (*loadedSession, error) {
	p, c := s.pool, s.client
	if raw == nil {
		return nil, errInvalidSession()
	}
	id := sessionID(raw)
	sess, err := s.store.GetSession(ctx, id)
	if err != nil {
		return nil, storeError(err, on(store.ErrNotFound, errInvalidSession))
	}
	if !s.nowUTC().Before(sess.ExpiresAt) || sess.PoolID != p.ID || sess.ClientID != c.ID || sess.Challenge != challenge {
		return nil, errInvalidSession()
	}
	st, err := openState(raw, id, sess.State)
	if err != nil {
		return nil, errInvalidSession()
	}
	return &loadedSession{raw: raw, sess: sess, state: st}, nil
}

// take consumes the session; only one caller wins.
func (s *Service) take(ctx context.Context, ls *loadedSession) error {
	_, err := s.store.TakeSession(ctx, ls.sess.ID)
	if err != nil {
		return storeError(err, on(store.ErrNotFound, errInvalidSession))
	}
	return nil
}

// sessionUser loads the user of a session and re-checks that it may still
// sign in and that USERNAME and SECRET_HASH in the answer fit.
func (s *signIn) sessionUser(ctx context.Context, ls *loadedSession, responses map[string]string) (store.User, error) {
	p, c := s.pool, s.client
	u, err := s.store.GetUser(ctx, p.ID, ls.sess.UsernameKey)
	if err != nil {
		return store.User{}, storeError(err, on(store.ErrNotFound, errInvalidSession))
	}
	if u.Username != ls.state.User {
		return store.User{}, errInvalidSession()
	}
	name := responses["USERNAME"]
	if name == "" {
		return store.User{}, errMissingParam("USERNAME")
	}
	if !sameUser(p, u, name) {
		return store.User{}, errInvalidSession()
	}
	if err := checkUserSecretHash(c, responses["SECRET_HASH"], u); err != nil {
		return store.User{}, err
	}
	if err := signInState(u); err != nil {
		return store.User{}, err
	}
	return u, nil
}

// RespondInput is the input of RespondToAuthChallenge (Admin false) and
// AdminRespondToAuthChallenge (Admin true, PoolID set).
type RespondInput struct {
	Admin         bool
	PoolID        string
	ClientID      string
	ChallengeName string
	Responses     map[string]string
	Session       string
}

// RespondToAuthChallenge answers a challenge.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in RespondInput) (*AuthOutput, error) {
	p, c, err := s.authClient(ctx, in.Admin, in.PoolID, in.ClientID)
	if err != nil {
		return nil, err
	}
	r := in.Responses
	if r == nil {
		r = map[string]string{}
	}
	switch in.ChallengeName {
	case ChallengePasswordVerifier:
		return s.signIn(p, c).answerPasswordVerifier(ctx, r)
	case ChallengeNewPasswordRequired:
		return s.signIn(p, c).answerNewPassword(ctx, r, in.Session)
	case ChallengeSoftwareTokenMFA:
		return s.signIn(p, c).answerSoftwareToken(ctx, r, in.Session)
	case ChallengeMFASetup:
		return s.signIn(p, c).answerMFASetup(ctx, r, in.Session)
	case ChallengeDeviceSRPAuth:
		return s.signIn(p, c).answerDeviceSRPAuth(ctx, r, in.Session)
	case ChallengeDevicePasswordVerifier:
		return s.signIn(p, c).answerDevicePasswordVerifier(ctx, r, in.Session)
	case ChallengeSelect:
		return s.signIn(p, c).answerSelectChallenge(ctx, r, in.Session)
	case ChallengeEmailOTP, ChallengeSMSOTP, ChallengeSMSMFA:
		return s.signIn(p, c).answerOTP(ctx, in.ChallengeName, r, in.Session)
	case ChallengeSelectMFA:
		return s.signIn(p, c).answerSelectMFA(ctx, r, in.Session)
	case ChallengeWebAuthn:
		return s.signIn(p, c).answerWebAuthn(ctx, r, in.Session)
	case ChallengeCustom:
		if s.triggersOf(p).function(trigDefineAuth) != "" {
			return s.signIn(p, c).answerCustomChallenge(ctx, r, in.Session)
		}
	}
	return nil, Errorf(KindInvalidParameter, "Invalid challenge name %s.", in.ChallengeName)
}

// answerPasswordVerifier checks the SRP proof of USER_SRP_AUTH. Every
// failure is "Incorrect username or password."; the block is single use.
func (s *signIn) answerPasswordVerifier(ctx context.Context, r map[string]string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	blockB64 := r["PASSWORD_CLAIM_SECRET_BLOCK"]
	raw := parseSessionToken(blockB64)
	if raw == nil {
		return nil, errIncorrect()
	}
	ls, err := s.loadSession(ctx, raw, ChallengePasswordVerifier)
	if err != nil {
		if KindOf(err) == KindInternal {
			return nil, err
		}
		return nil, errIncorrect()
	}
	st := ls.state
	var u store.User
	if !st.Fake {
		u, err = s.store.GetUser(ctx, p.ID, ls.sess.UsernameKey)
		if err != nil {
			return nil, storeError(err, on(store.ErrNotFound, errIncorrect))
		}
		if u.Username != st.User || !sameUser(p, u, r["USERNAME"]) {
			return nil, errIncorrect()
		}
		if err := checkUserSecretHash(c, r["SECRET_HASH"], u); err != nil {
			return nil, err
		}
		// The DEVICE_KEY of the answer wins over InitiateAuth's: after
		// "Device does not exist." amazon-cognito-identity-js repeats the
		// answer with DEVICE_KEY null. An unknown key is reported before the
		// block is used, so that the repeated answer can still succeed.
		if _, ok := r["DEVICE_KEY"]; ok {
			st.DeviceKey = s.deviceKeyParam(p, r)
		}
		if st.DeviceKey != "" {
			if _, err := s.confirmedDevice(ctx, p, u, st.DeviceKey); err != nil {
				return nil, err
			}
		}
	} else if err := checkSecretHash(c, r["SECRET_HASH"], r["USERNAME"]); err != nil {
		// As for a real user: the hash over the USER_ID_FOR_SRP we sent.
		return nil, err
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, errIncorrect()
	}
	if st.Fake {
		// A failed answer counts as a real user's does: towards the lockout
		// of the user without a verifier, or of the unknown username.
		var lerr error
		switch {
		case ls.sess.UsernameKey != "":
			_, lerr = s.reserveAttempt(ctx, p, ls.sess.UsernameKey)
		case st.Ghost != "":
			lerr = s.ghostAttempt(p, st.Ghost)
		}
		if KindOf(lerr) == KindNotAuthorized {
			return nil, lerr
		}
		return nil, errIncorrect()
	}
	if err := signInState(u); err != nil {
		return nil, err
	}
	if _, err := s.reserveAttempt(ctx, p, u.UsernameKey); err != nil {
		return nil, err
	}
	ts := r["TIMESTAMP"]
	if srp.ParseTimestamp(ts, s.now(), srpTimestampSkew) != nil {
		return nil, errIncorrect()
	}
	block, err := base64.StdEncoding.DecodeString(blockB64)
	if err != nil {
		block = raw
	}
	var srv srp.Server
	if err := srv.UnmarshalBinary(st.SRP); err != nil {
		return nil, Internal(err)
	}
	if err := srp.VerifyClaim(&srv, u.Password.SRPVerifier, st.A, p.PoolName(), u.Username, block, ts, r["PASSWORD_CLAIM_SIGNATURE"]); err != nil {
		if errors.Is(err, srp.ErrInvalidState) {
			return nil, Internal(err)
		}
		return nil, errIncorrect()
	}
	if u, err = s.resetAttempts(ctx, p, u.UsernameKey, nil); err != nil {
		return nil, err
	}
	return s.afterProof(ctx, u, st.DeviceKey)
}

// afterProof continues a sign-in whose password (or SRP) proof succeeded.
func (s *signIn) afterProof(ctx context.Context, u store.User, deviceKey string) (*AuthOutput, error) {
	if u.Password.Temporary && !u.Password.ExpiresAt.IsZero() && !s.nowUTC().Before(u.Password.ExpiresAt) {
		return nil, Errorf(KindNotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	}
	st := challengeState{User: u.Username, DeviceKey: deviceKey}
	if u.Status == StatusForceChangePassword {
		return s.newPasswordChallenge(ctx, u, st)
	}
	return s.afterPassword(ctx, u, st)
}

// afterPassword runs the device and MFA steps, then issues tokens.
func (s *signIn) afterPassword(ctx context.Context, u store.User, st challengeState) (*AuthOutput, error) {
	p := s.pool
	if st.DeviceKey != "" && !st.DeviceVerified {
		if _, err := s.confirmedDevice(ctx, p, u, st.DeviceKey); err != nil {
			return nil, err
		}
		return s.challenge(ctx, u, ChallengeDeviceSRPAuth, st, map[string]string{})
	}
	if !(st.DeviceVerified && st.DeviceRemembered) {
		// TOTP, SMS or e-mail MFA, a choice, or MFA_SETUP (otp.go).
		out, err := s.mfaStep(ctx, u, st)
		if out != nil || err != nil {
			return out, err
		}
	}
	return s.finish(ctx, u, st)
}

// challenge stores a session for the next challenge and returns it.
func (s *signIn) challenge(ctx context.Context, u store.User, name string, st challengeState, params map[string]string) (*AuthOutput, error) {
	st.Attempts = 0
	raw, err := s.newChallengeSession(ctx, u.UsernameKey, name, st)
	if err != nil {
		return nil, err
	}
	if _, ok := params["USER_ID_FOR_SRP"]; !ok && name != ChallengeNewPasswordRequired {
		params["USER_ID_FOR_SRP"] = u.Username
	}
	return &AuthOutput{ChallengeName: name, Session: sessionString(raw), ChallengeParameters: params}, nil
}

// finish issues the tokens of a completed sign-in.
func (s *signIn) finish(ctx context.Context, u store.User, st challengeState) (*AuthOutput, error) {
	p, c := s.pool, s.client
	if err := s.postAuthentication(ctx, u, !st.DeviceVerified && p.Settings.DeviceConfiguration != nil); err != nil {
		return nil, err
	}
	switch {
	case st.TokenSource != "":
		ctx = withTokenSource(ctx, st.TokenSource)
	case st.DeviceVerified:
		ctx = withTokenSource(ctx, srcTokenAuthDevice)
	}
	var newDevice *NewDeviceMetadata
	deviceKey := ""
	switch {
	case st.DeviceVerified:
		deviceKey = st.DeviceKey
	case p.Settings.DeviceConfiguration != nil:
		nd, err := s.proposeDevice(ctx, u)
		if err != nil {
			return nil, err
		}
		newDevice, deviceKey = nd, nd.DeviceKey
	}
	res, err := s.issueTokens(ctx, p, c, u, deviceKey)
	if err != nil {
		return nil, err
	}
	res.NewDevice = newDevice
	return &AuthOutput{ChallengeParameters: map[string]string{}, Result: res}, nil
}

// ---------------------------------------------------------------- NEW_PASSWORD_REQUIRED

// newPasswordChallenge asks a FORCE_CHANGE_PASSWORD user for a new password.
// requiredAttributes lists (as "userAttributes.<name>") the required schema
// attributes the user lacks; userAttributes is the user's attributes
// without sub and the *_verified flags (which cannot be written back).
func (s *signIn) newPasswordChallenge(ctx context.Context, u store.User, st challengeState) (*AuthOutput, error) {
	p := s.pool
	required := []string{}
	for _, n := range requiredAttributes(p) {
		if u.Attributes[n] == "" {
			required = append(required, "userAttributes."+n)
		}
	}
	attrs := map[string]string{}
	for k, v := range u.Attributes {
		if k == "sub" || strings.HasSuffix(k, "_verified") {
			continue
		}
		attrs[k] = v
	}
	reqJSON, _ := json.Marshal(required)
	attrJSON, _ := json.Marshal(attrs)
	return s.challenge(ctx, u, ChallengeNewPasswordRequired, st, map[string]string{
		"USER_ID_FOR_SRP":    u.Username,
		"requiredAttributes": string(reqJSON),
		"userAttributes":     string(attrJSON),
	})
}

// answerNewPassword sets the new password (and required attributes) and
// confirms the user.
func (s *signIn) answerNewPassword(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeNewPasswordRequired)
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	if u.Status != StatusForceChangePassword {
		return nil, errInvalidSession()
	}
	newPW, ok := r["NEW_PASSWORD"]
	if !ok || newPW == "" {
		return nil, errMissingParam("NEW_PASSWORD")
	}
	if err := checkPassword(p, newPW, "password"); err != nil {
		return nil, err
	}
	var attrs []Attribute
	names := make([]string, 0, len(r))
	for k := range r {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		name, ok := strings.CutPrefix(k, "userAttributes.")
		if !ok {
			continue
		}
		if name == "email_verified" || name == "phone_number_verified" {
			continue // echoed back by some clients; never writable here
		}
		if ws := c.Settings.WriteAttributes; len(ws) > 0 && !hasString(ws, name) {
			return nil, Errorf(KindNotAuthorized, "A client attempted to write unauthorized attribute")
		}
		attrs = append(attrs, Attribute{Name: name, Value: r[k]})
	}
	cur := make(map[string]string, len(u.Attributes))
	for k, v := range u.Attributes {
		cur[k] = v
	}
	if err := applyAttributes(p, cur, attrs, false); err != nil {
		return nil, err
	}
	if err := checkRequired(p, cur); err != nil {
		return nil, err
	}
	cred, err := s.newPassword(p, u.Username, newPW, false)
	if err != nil {
		return nil, err
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	u, err = s.updateUser(ctx, p, u.UsernameKey, func(x *store.User) error {
		if x.Status != StatusForceChangePassword {
			return errInvalidSession()
		}
		if x.Attributes == nil {
			x.Attributes = map[string]string{}
		}
		if err := applyAttributes(p, x.Attributes, attrs, false); err != nil {
			return err
		}
		x.Aliases = p.Aliases(x.Attributes)
		x.Status = StatusConfirmed
		x.Password = cred
		return nil
	})
	if err != nil {
		if errors.Is(err, store.ErrAliasExists) {
			return nil, aliasExists("email")
		}
		return nil, err
	}
	st := ls.state
	st.User = u.Username
	st.TokenSource = srcTokenNewPassword
	return s.afterPassword(ctx, u, st)
}

// ---------------------------------------------------------------- SOFTWARE_TOKEN_MFA and MFA_SETUP

// totpSkewSteps: codes of the previous, current and next 30 s step are accepted.
const totpSkewSteps = 1

func errMFACodeMismatch() *Error { return Errorf(KindCodeMismatch, "Invalid code received for user") }

// errTOTPReused answers a TOTP code whose time step was already accepted.
func errTOTPReused() *Error {
	return Errorf(KindExpiredCode, "Your software token has already been used once.")
}

// answerSoftwareToken checks SOFTWARE_TOKEN_MFA_CODE. A code whose time
// step is not after the last accepted one is refused (no replay).
func (s *signIn) answerSoftwareToken(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p := s.pool
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeSoftwareTokenMFA)
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	code := r["SOFTWARE_TOKEN_MFA_CODE"]
	if code == "" {
		return nil, errMissingParam("SOFTWARE_TOKEN_MFA_CODE")
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	m, err := decodeMFA(u.MFA)
	if err != nil {
		return nil, err
	}
	if !m.TOTPEnabled || m.TOTPSecret == "" {
		return nil, Errorf(KindSoftwareTokenMFANotFound, "Software Token MFA has not been enabled for the user.")
	}
	secret, err := s.openTOTPSecret(p.ID, u.UsernameKey, m.TOTPSecret)
	if err != nil {
		return nil, err
	}
	ok, step := totp.Verify(secret, code, s.now(), totpSkewSteps)
	reused := false // a right code whose time step was already accepted
	if ok {
		_, err = s.updateAuthState(ctx, p, u.UsernameKey, func(x *store.User) error {
			xm, err := decodeMFA(x.MFA)
			if err != nil {
				return err
			}
			if step <= xm.LastTOTPStep {
				return errTOTPReused()
			}
			if _, err := s.resealTOTP(p.ID, x.UsernameKey, &xm); err != nil { // a secret stored before sealing
				return err
			}
			xm.LastTOTPStep = step
			x.MFA = xm.Encode()
			return nil
		})
		if err != nil && KindOf(err) != KindExpiredCode {
			return nil, err
		}
		reused, ok = err != nil, err == nil
	}
	if !ok {
		// Give the session back with one attempt fewer.
		st := ls.state
		st.Attempts++
		if st.Attempts < MaxMFAAttempts {
			if err := s.putChallengeSession(ctx, ls.raw, ls.sess.UsernameKey, ChallengeSoftwareTokenMFA, st, ls.sess.CreatedAt); err != nil {
				return nil, err
			}
		}
		if reused {
			return nil, errTOTPReused()
		}
		return nil, errMFACodeMismatch()
	}
	return s.finish(ctx, u, ls.state)
}

// SessionForMFASetup identifies the user of an MFA_SETUP challenge session,
// for AssociateSoftwareToken and VerifySoftwareToken called with a Session
// instead of an access token. It does not consume the session: the same
// Session string stays valid (return it unchanged from those operations)
// until RespondToAuthChallenge MFA_SETUP uses it, within the client's
// AuthSessionValidity. Errors: NotAuthorizedException "Invalid session for
// the user, session is expired.".
func (s *Service) SessionForMFASetup(ctx context.Context, sessionToken string) (poolID, usernameKey string, err error) {
	raw := parseSessionToken(sessionToken)
	if raw == nil {
		return "", "", errInvalidSession()
	}
	id := sessionID(raw)
	sess, err := s.store.GetSession(ctx, id)
	if err != nil {
		return "", "", storeError(err, on(store.ErrNotFound, errInvalidSession))
	}
	if sess.Challenge != ChallengeMFASetup || !s.nowUTC().Before(sess.ExpiresAt) {
		return "", "", errInvalidSession()
	}
	if _, err := openState(raw, id, sess.State); err != nil {
		return "", "", errInvalidSession()
	}
	return sess.PoolID, sess.UsernameKey, nil
}

// answerMFASetup completes MFA_SETUP once the user has associated and
// verified a software token with the session: TOTP MFA is enabled (and
// preferred when nothing else is) and tokens are issued.
func (s *signIn) answerMFASetup(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p := s.pool
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeMFASetup)
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	m, err := decodeMFA(u.MFA)
	if err != nil {
		return nil, err
	}
	if m.TOTPSecret == "" || !m.TOTPVerified {
		return nil, Errorf(KindSoftwareTokenMFANotFound, "Software Token MFA has not been set up for the user. Call AssociateSoftwareToken and VerifySoftwareToken with this session first.")
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	u, err = s.updateUser(ctx, p, u.UsernameKey, func(x *store.User) error {
		xm, err := decodeMFA(x.MFA)
		if err != nil {
			return err
		}
		xm.TOTPEnabled = true
		if xm.PreferredMFA() == "" {
			xm.TOTPPreferred = true
		}
		x.MFA = xm.Encode()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, u, ls.state)
}
