package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"sync"

	"github.com/google/uuid"

	"userpool/internal/password"
	"userpool/internal/srp"
	"userpool/internal/store"
)

// Sign-in: InitiateAuth / AdminInitiateAuth and the first step of each flow.
//
// Check order (reference §6): app client and pool exist → the flow is
// allowed for the API and enabled on the client → SECRET_HASH → the user
// exists (or existence errors are suppressed) → UNCONFIRMED → disabled →
// RESET_REQUIRED → lockout → password / SRP proof → expired temporary
// password → NEW_PASSWORD_REQUIRED → device (DEVICE_SRP_AUTH) → MFA
// (SOFTWARE_TOKEN_MFA / MFA_SETUP) → tokens.

// Auth flows (AuthFlowType).
const (
	FlowUserSRP           = "USER_SRP_AUTH"
	FlowUserPassword      = "USER_PASSWORD_AUTH"
	FlowRefreshTokenAuth  = "REFRESH_TOKEN_AUTH"
	FlowRefreshToken      = "REFRESH_TOKEN"
	FlowCustomAuth        = "CUSTOM_AUTH"
	FlowUserAuth          = "USER_AUTH"
	FlowAdminUserPassword = "ADMIN_USER_PASSWORD_AUTH"
	FlowAdminNoSRPAuth    = "ADMIN_NO_SRP_AUTH"
)

// Challenge names (ChallengeNameType) this server issues.
const (
	ChallengePasswordVerifier       = "PASSWORD_VERIFIER"
	ChallengeNewPasswordRequired    = "NEW_PASSWORD_REQUIRED"
	ChallengeSoftwareTokenMFA       = "SOFTWARE_TOKEN_MFA"
	ChallengeMFASetup               = "MFA_SETUP"
	ChallengeDeviceSRPAuth          = "DEVICE_SRP_AUTH"
	ChallengeDevicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER"
)

// InitiateAuthInput is the input of InitiateAuth (Admin false, PoolID "")
// and AdminInitiateAuth (Admin true, PoolID set).
type InitiateAuthInput struct {
	Admin          bool
	PoolID         string
	ClientID       string
	AuthFlow       string
	AuthParameters map[string]string
}

// AuthOutput is the answer of InitiateAuth and RespondToAuthChallenge: a
// next challenge (ChallengeName, ChallengeParameters, Session — Session ""
// for PASSWORD_VERIFIER, as AWS) or an AuthenticationResult.
// ChallengeParameters is never nil.
type AuthOutput struct {
	ChallengeName       string
	Session             string
	ChallengeParameters map[string]string
	// AvailableChallenges lists the first factors of SELECT_CHALLENGE (USER_AUTH).
	AvailableChallenges []string
	Result              *AuthenticationResult
}

func errIncorrect() *Error { return Errorf(KindNotAuthorized, "Incorrect username or password.") }

func errMissingParam(name string) *Error {
	return Errorf(KindInvalidParameter, "Missing required parameter %s", name)
}

// authClient resolves the app client (and its pool) an auth call names.
func (s *Service) authClient(ctx context.Context, admin bool, poolID, clientID string) (*Pool, *Client, error) {
	var c *Client
	var err error
	if admin {
		c, err = s.GetClient(ctx, poolID, clientID)
	} else {
		c, err = s.GetClientByID(ctx, clientID)
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := s.GetPool(ctx, c.PoolID)
	if err != nil {
		return nil, nil, err
	}
	return p, c, nil
}

// InitiateAuth starts a sign-in.
func (s *Service) InitiateAuth(ctx context.Context, in InitiateAuthInput) (*AuthOutput, error) {
	p, c, err := s.authClient(ctx, in.Admin, in.PoolID, in.ClientID)
	if err != nil {
		return nil, err
	}
	flow := in.AuthFlow
	switch flow {
	case FlowUserSRP, FlowRefreshTokenAuth, FlowRefreshToken, FlowCustomAuth, FlowUserAuth:
	case FlowUserPassword:
		if in.Admin {
			return nil, Errorf(KindInvalidParameter, "Initiate Auth method not supported.")
		}
	case FlowAdminUserPassword, FlowAdminNoSRPAuth:
		if !in.Admin {
			return nil, Errorf(KindInvalidParameter, "Initiate Auth method not supported.")
		}
	default:
		return nil, Errorf(KindInvalidParameter, "Initiate Auth method not supported.")
	}
	if !c.AllowsAuthFlow(flow) {
		if flow == FlowUserPassword {
			return nil, Errorf(KindInvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
		}
		return nil, Errorf(KindInvalidParameter, "Auth flow not enabled for this client")
	}
	params := in.AuthParameters
	if params == nil {
		params = map[string]string{}
	}
	switch flow {
	case FlowRefreshTokenAuth, FlowRefreshToken:
		r, err := s.refreshAuth(ctx, p, c, params)
		if err != nil {
			return nil, err
		}
		return &AuthOutput{ChallengeParameters: map[string]string{}, Result: r}, nil
	case FlowUserPassword, FlowAdminUserPassword, FlowAdminNoSRPAuth:
		return s.signIn(p, c).passwordAuth(ctx, params)
	case FlowUserSRP:
		return s.signIn(p, c).srpStart(ctx, params)
	case FlowCustomAuth:
		// Without Lambda triggers the only custom flow is "SRP first"
		// (CHALLENGE_NAME=SRP_A), which then continues as USER_SRP_AUTH.
		if params["CHALLENGE_NAME"] == "SRP_A" {
			return s.signIn(p, c).srpStart(ctx, params)
		}
		if s.triggersOf(p).function(trigDefineAuth) != "" {
			return s.signIn(p, c).customStart(ctx, params)
		}
		return nil, Errorf(KindInvalidParameter, "Custom auth lambda trigger is not configured for the user pool.")
	}
	// USER_AUTH: choice-based sign-in (userauth.go).
	return s.signIn(p, c).userAuthStart(ctx, params)
}

// signInState refuses users that cannot sign in, in Cognito's order.
func signInState(u store.User) error {
	switch {
	case u.Status == StatusUnconfirmed:
		return Errorf(KindUserNotConfirmed, "User is not confirmed.")
	case !u.Enabled:
		return Errorf(KindNotAuthorized, "User is disabled.")
	case u.Status == StatusResetRequired:
		return Errorf(KindPasswordResetRequired, "Password reset required for the user")
	}
	return nil
}

// unknownUser is the error for a username that names nobody: with
// PreventUserExistenceErrors ENABLED it cannot be told from a wrong password.
func unknownUser(c *Client) error {
	if c.Settings.PreventUserExistenceErrors == "ENABLED" {
		return errIncorrect()
	}
	return errUserNotFound()
}

// resolveSignIn looks up the user a sign-in names. found is false (with a
// nil error) for an unknown user.
func (s *Service) resolveSignIn(ctx context.Context, p *Pool, username string) (store.User, bool, error) {
	u, err := s.resolveUser(ctx, p, username)
	if err == nil {
		return u, true, nil
	}
	if KindOf(err) == KindUserNotFound {
		return store.User{}, false, nil
	}
	return store.User{}, false, err
}

// passwordAuth is USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH.
func (s *signIn) passwordAuth(ctx context.Context, params map[string]string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	username, pw := params["USERNAME"], params["PASSWORD"]
	if username == "" {
		return nil, errMissingParam("USERNAME")
	}
	if pw == "" {
		return nil, errMissingParam("PASSWORD")
	}
	if err := checkSecretHash(c, params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	u, found, err := s.resolveSignIn(ctx, p, username)
	if err != nil {
		return nil, err
	}
	if !found { // UserMigration_Authentication may bring the user in
		if u, found, err = s.migrateUser(ctx, p, c, username, &pw, srcMigrationAuth); err != nil {
			return nil, err
		}
	}
	if !found {
		if c.Settings.PreventUserExistenceErrors == "ENABLED" {
			// Count the attempt as a user's is counted (ghost.go), and
			// spend what a real check costs, so neither answers nor timing
			// tell.
			if err := s.ghostAttempt(p, username); err != nil {
				return nil, err
			}
			s.dummyPasswordCheck(pw)
		}
		return nil, unknownUser(c)
	}
	if err := signInState(u); err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, u); err != nil {
		return nil, err
	}
	// Counted even for a user without a credential (a suppressed generated
	// temporary password), who locks like any other.
	if _, err := s.reserveAttempt(ctx, p, u.UsernameKey); err != nil {
		return nil, err
	}
	if u.Password.Hash == "" {
		s.dummyPasswordCheck(pw) // as long as a real check
		return nil, errIncorrect()
	}
	ok, err := s.verifyStoredPassword(p, u, pw)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errIncorrect()
	}
	var rehash func(*store.User)
	if params := s.passwordParams(); !isSealedTemporary(u.Password.Hash) && password.NeedsRehash(u.Password.Hash, params) {
		if h, err := password.Hash(pw, params, s.rand); err == nil {
			old := u.Password.Hash
			rehash = func(x *store.User) {
				if x.Password.Hash == old { // not changed meanwhile
					x.Password.Hash = h
				}
			}
		}
	}
	if u, err = s.resetAttempts(ctx, p, u.UsernameKey, rehash); err != nil {
		return nil, err
	}
	return s.afterProof(ctx, u, s.deviceKeyParam(p, params))
}

// deviceKeyParam is the DEVICE_KEY a client sent, when the pool tracks devices.
func (s *Service) deviceKeyParam(p *Pool, params map[string]string) string {
	if p.Settings.DeviceConfiguration == nil {
		return ""
	}
	return params["DEVICE_KEY"]
}

var (
	dummyMu     sync.Mutex
	dummyHashes = map[password.Params]string{}
)

// dummyPasswordCheck verifies pw against a fixed hash with the current
// parameters (and discards the answer).
func (s *Service) dummyPasswordCheck(pw string) {
	params := s.passwordParams()
	dummyMu.Lock()
	h, ok := dummyHashes[params]
	if !ok {
		var err error
		if h, err = password.Hash("userpool-dummy-password", params, rand.Reader); err != nil {
			dummyMu.Unlock()
			return
		}
		dummyHashes[params] = h
	}
	dummyMu.Unlock()
	_, _ = password.Verify(pw, h)
}

// fakeKey makes the fake SRP challenges of unknown users stable for the
// life of the process (the same salt and USER_ID_FOR_SRP for the same
// username), so repeated probes cannot tell them from real users. It is
// per process: instances behind one load balancer give different fake salts.
var fakeKey = func() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}()

func fakeDigest(parts ...string) []byte {
	m := hmac.New(sha256.New, fakeKey)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// srpStart is USER_SRP_AUTH's first step: the PASSWORD_VERIFIER challenge.
func (s *signIn) srpStart(ctx context.Context, params map[string]string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	username, aHex := params["USERNAME"], params["SRP_A"]
	if username == "" {
		return nil, errMissingParam("USERNAME")
	}
	if aHex == "" {
		return nil, errMissingParam("SRP_A")
	}
	if _, err := srp.ParseHexInt(aHex, srp.MaxAHexLen); err != nil {
		return nil, Errorf(KindInvalidParameter, "Invalid SRP_A.")
	}
	if err := checkSecretHash(c, params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	u, found, err := s.resolveSignIn(ctx, p, username)
	if err != nil {
		return nil, err
	}
	if !found && c.Settings.PreventUserExistenceErrors != "ENABLED" {
		return nil, errUserNotFound()
	}
	if found {
		if err := signInState(u); err != nil {
			return nil, err
		}
		if err := s.preAuthentication(ctx, u); err != nil {
			return nil, err
		}
	}
	st := challengeState{A: aHex, DeviceKey: s.deviceKeyParam(p, params)}
	if found && len(u.Password.SRPVerifier) == 0 && isSealedTemporary(u.Password.Hash) {
		// A delivered generated temporary password gets its verifier at
		// its first SRP use (tempcred.go).
		if u, err = s.temporaryVerifier(ctx, p, u); err != nil {
			return nil, err
		}
	}
	var salt, verifier []byte
	userID := u.Username
	if found && len(u.Password.SRPVerifier) > 0 {
		salt, verifier = u.Password.SRPSalt, u.Password.SRPVerifier
		st.User = u.Username
	} else {
		// Unknown user (existence errors suppressed) or a user without an
		// SRP verifier: a challenge that looks real and fails at the answer.
		st.Fake = true
		if !found {
			// Its wrong answers count like a user's (ghost.go).
			st.Ghost = username
			userID = username
			if p.UsesUsernameAttributes() {
				id, _ := uuid.FromBytes(fakeDigest("id", p.ID, strings.ToLower(username))[:16])
				userID = id.String()
			}
		}
		salt = fakeDigest("salt", p.ID, p.UsernameKey(username))[:srp.SaltLen]
		verifier = srp.Verifier(p.PoolName(), userID, string(fakeDigest("pw", p.ID, username)), salt)
	}
	srv, err := srp.NewServer(verifier, s.rand)
	if err != nil {
		return nil, Internal(err)
	}
	if st.SRP, err = srv.MarshalBinary(); err != nil {
		return nil, Internal(err)
	}
	key := ""
	if found {
		key = u.UsernameKey
	}
	raw, err := s.newChallengeSession(ctx, key, ChallengePasswordVerifier, st)
	if err != nil {
		return nil, err
	}
	return &AuthOutput{
		ChallengeName: ChallengePasswordVerifier,
		ChallengeParameters: map[string]string{
			"SALT":            srp.SaltHex(salt),
			"SRP_B":           srv.BHex(),
			"SECRET_BLOCK":    secretBlockString(raw),
			"USERNAME":        userID,
			"USER_ID_FOR_SRP": userID,
		},
	}, nil
}

// checkSecretHash enforces SECRET_HASH for a client with a secret; username
// is the name the hash was computed over (what the user typed at
// InitiateAuth). A client without a secret ignores SECRET_HASH.
func checkSecretHash(c *Client, secretHash, username string) error {
	if !c.HasSecret() {
		return nil
	}
	if secretHash == "" {
		return Errorf(KindNotAuthorized, "Client %s is configured with secret but SECRET_HASH was not received", c.ID)
	}
	if !c.VerifySecretHash(username, secretHash) {
		return Errorf(KindNotAuthorized, "Unable to verify secret hash for client %s", c.ID)
	}
	return nil
}

// checkUserSecretHash is SECRET_HASH in challenge responses and refresh.
// Cognito computes it over the internal username (USER_ID_FOR_SRP); since
// clients differ in what they send after an alias sign-in, any name of the
// user (internal username, sub, alias values) is accepted — the secret is
// what is being proven.
func checkUserSecretHash(c *Client, secretHash string, u store.User) error {
	if !c.HasSecret() {
		return nil
	}
	if secretHash == "" {
		return checkSecretHash(c, "", u.Username)
	}
	names := []string{u.Username, u.Sub}
	for _, k := range []string{"email", "phone_number", "preferred_username"} {
		if v := u.Attributes[k]; v != "" {
			names = append(names, v)
		}
	}
	for _, n := range names {
		if c.VerifySecretHash(n, secretHash) {
			return nil
		}
	}
	return Errorf(KindNotAuthorized, "Unable to verify secret hash for client %s", c.ID)
}

// sameUser reports whether a USERNAME in a challenge response names u: its
// internal username (case rules of the pool), sub or an alias value.
func sameUser(p *Pool, u store.User, name string) bool {
	if name == "" {
		return false
	}
	if p.UsernameKey(name) == u.UsernameKey || strings.EqualFold(name, u.Sub) {
		return true
	}
	for kind, v := range u.Aliases {
		if v != "" && p.AliasValue(kind, name) == v {
			return true
		}
	}
	return false
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// signIn is one sign-in in progress: the pool and the app client every step
// of a flow (password, SRP, device SRP, challenges, MFA, new password)
// works for, so the steps take only what changes between them — the user,
// the challenge state, the client's parameters. Built per call by
// Service.signIn; it holds nothing between calls (a flow's state between
// calls lives in its sealed challenge session).
type signIn struct {
	*Service
	pool   *Pool
	client *Client
}

// signIn starts the steps of a sign-in of pool p through app client c.
func (s *Service) signIn(p *Pool, c *Client) *signIn {
	return &signIn{Service: s, pool: p, client: c}
}
