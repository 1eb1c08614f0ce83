package userpool

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"userpool/internal/store"
)

// Passkeys (WebAuthn) with github.com/go-webauthn/webauthn:
// StartWebAuthnRegistration, CompleteWebAuthnRegistration,
// ListWebAuthnCredentials, DeleteWebAuthnCredential and the WEB_AUTHN
// challenge of USER_AUTH.
//
//   - Enabled when the pool's SignInPolicy allows WEB_AUTHN
//     (WebAuthnNotEnabledException otherwise).
//   - Relying party id: WebAuthnConfiguration.RelyingPartyId
//     (SetUserPoolMfaConfig); else the pool's custom domain; else the host
//     of the server's public URL (the one import upload URLs use). Without
//     any: WebAuthnConfigurationMissingException. An IP address is not a
//     valid relying party id in browsers: serve on a name (localhost works).
//   - Origins: the ceremony's origin must be https://<rpId> or a subdomain
//     (any port), or http:// when the relying party is localhost
//     (WebAuthnOriginNotAllowedException).
//   - User verification: WebAuthnConfiguration.UserVerification
//     (preferred by default; required makes it checked), and required
//     whenever FactorConfiguration is MULTI_FACTOR_WITH_USER_VERIFICATION.
//   - Registration: the options' challenge is kept for WebAuthnRegistrationTTL
//     as a store.Code of its own purpose (single use: taken at
//     CompleteWebAuthnRegistration; WebAuthnChallengeNotFoundException when
//     missing or expired). Attestation and the client data are verified by
//     go-webauthn (attestation conveyance "none" is asked; a statement that
//     is sent is verified). A credential id is unique in the pool; a user
//     has at most MaxWebAuthnCredentials.
//   - Sign-in: the WEB_AUTHN challenge's options allow the user's
//     credentials only; the assertion must name a credential of the
//     session's user (another user's is refused), verify against its
//     public key and the session's challenge (the session is single use, so
//     a replayed assertion meets no challenge), and carry a sign counter
//     greater than the stored one unless both are zero (authenticators
//     without counters); the counter is advanced in the same transaction
//     that checks it.

// Passkey limits.
const (
	MaxWebAuthnCredentials  = 20
	WebAuthnRegistrationTTL = 5 * time.Minute
	purposeWebAuthnRegister = "webauthn:register"
)

// Kinds of the WebAuthn errors.
const (
	KindWebAuthnChallengeNotFound      Kind = "WebAuthnChallengeNotFoundException"
	KindWebAuthnRelyingPartyMismatch   Kind = "WebAuthnRelyingPartyMismatchException"
	KindWebAuthnClientMismatch         Kind = "WebAuthnClientMismatchException"
	KindWebAuthnOriginNotAllowed       Kind = "WebAuthnOriginNotAllowedException"
	KindWebAuthnCredentialNotSupported Kind = "WebAuthnCredentialNotSupportedException"
)

// webAuthnConfig is WebAuthnConfigurationType.
type webAuthnConfig struct {
	RelyingPartyId      string `json:"RelyingPartyId"`
	UserVerification    string `json:"UserVerification"`
	FactorConfiguration string `json:"FactorConfiguration"`
}

func webAuthnConfigOf(p *Pool) webAuthnConfig {
	var c webAuthnConfig
	if raw, ok := p.Settings.Extra["WebAuthnConfiguration"]; ok {
		_ = json.Unmarshal(raw, &c)
	}
	return c
}

func (c webAuthnConfig) verification() protocol.UserVerificationRequirement {
	if c.UserVerification == "required" || c.FactorConfiguration == webAuthnMultiFactorUV {
		return protocol.VerificationRequired
	}
	return protocol.VerificationPreferred
}

// relyingParty is the pool's relying party id.
func (s *Service) relyingParty(ctx context.Context, p *Pool) (string, error) {
	if id := webAuthnConfigOf(p).RelyingPartyId; id != "" {
		return strings.ToLower(id), nil
	}
	if _, custom, err := s.PoolDomains(ctx, p.ID); err == nil && custom != "" {
		return strings.ToLower(custom), nil
	}
	if u, err := url.Parse(s.imports.opts.BaseURL); err == nil && u.Hostname() != "" {
		return strings.ToLower(u.Hostname()), nil
	}
	return "", Errorf(KindWebAuthnConfigurationMissing, "The user pool has no relying party id: set WebAuthnConfiguration.RelyingPartyId or a custom domain.")
}

// originAllowed reports whether a ceremony origin belongs to rpID.
func originAllowed(rpID, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host != rpID && !strings.HasSuffix(host, "."+rpID) {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return host == "localhost" || strings.HasSuffix(host, ".localhost")
	}
	return false
}

// passkeyUser is a user as go-webauthn sees it.
type passkeyUser struct {
	u     store.User
	creds []webauthn.Credential
}

func (x passkeyUser) WebAuthnID() []byte                         { return []byte(x.u.Sub) }
func (x passkeyUser) WebAuthnName() string                       { return x.u.Username }
func (x passkeyUser) WebAuthnCredentials() []webauthn.Credential { return x.creds }
func (x passkeyUser) WebAuthnDisplayName() string {
	if v := x.u.Attributes["email"]; v != "" {
		return v
	}
	return x.u.Username
}

// credentialDoc is the store.WebAuthnCredential Body.
type credentialDoc struct {
	Credential webauthn.Credential `json:"c"`
	Name       string              `json:"n"`
	RPID       string              `json:"rp"`
	Attachment string              `json:"a,omitempty"`
	Transports []string            `json:"t"`
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func relyingPartyFor(rpID string) (*webauthn.WebAuthn, error) {
	return webauthn.New(&webauthn.Config{
		RPID: rpID, RPDisplayName: rpID, RPOrigins: []string{"https://" + rpID},
		AttestationPreference: protocol.PreferNoAttestation,
	})
}

// userCredentials reads all of a user's passkeys.
func (s *Service) userCredentials(ctx context.Context, p *Pool, u store.User) ([]credentialDoc, []store.WebAuthnCredential, error) {
	var docs []credentialDoc
	var recs []store.WebAuthnCredential
	tok := ""
	for {
		page, next, err := s.store.ListWebAuthnCredentials(ctx, p.ID, u.UsernameKey, store.Page{Limit: 60, Token: tok})
		if err != nil {
			return nil, nil, Internal(err)
		}
		for _, r := range page {
			var d credentialDoc
			if err := json.Unmarshal(r.Body, &d); err != nil {
				return nil, nil, Internal(err)
			}
			docs, recs = append(docs, d), append(recs, r)
		}
		if tok = next; tok == "" {
			return docs, recs, nil
		}
	}
}

// passkeyCaller authenticates a passkey management call and checks that
// the pool allows passkeys.
func (s *Service) passkeyCaller(ctx context.Context, accessToken string) (*accessCtx, error) {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(firstFactors(ac.Pool), ChallengeWebAuthn) {
		return nil, Errorf(KindWebAuthnNotEnabled, "Passkey sign-in (WEB_AUTHN) is not enabled for this user pool.")
	}
	return ac, nil
}

// StartWebAuthnRegistration returns the PublicKeyCredentialCreationOptions
// (JSON) for a new passkey of the access token's user.
func (s *Service) StartWebAuthnRegistration(ctx context.Context, accessToken string) (json.RawMessage, error) {
	ac, err := s.passkeyCaller(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	p, u := ac.Pool, ac.User
	rpID, err := s.relyingParty(ctx, p)
	if err != nil {
		return nil, err
	}
	docs, _, err := s.userCredentials(ctx, p, u)
	if err != nil {
		return nil, err
	}
	if len(docs) >= MaxWebAuthnCredentials {
		return nil, Errorf(KindLimitExceeded, "The user has the maximum number of passkeys (%d).", MaxWebAuthnCredentials)
	}
	wa, err := relyingPartyFor(rpID)
	if err != nil {
		return nil, Internal(err)
	}
	var exclude []protocol.CredentialDescriptor
	for _, d := range docs {
		exclude = append(exclude, d.Credential.Descriptor())
	}
	cfg := webAuthnConfigOf(p)
	creation, sess, err := wa.BeginRegistration(passkeyUser{u: u},
		webauthn.WithExclusions(exclude),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: cfg.verification(),
		}),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation))
	if err != nil {
		return nil, Internal(err)
	}
	sessJSON, err := json.Marshal(sess)
	if err != nil {
		return nil, Internal(err)
	}
	now := s.nowUTC()
	if err := s.store.PutCode(ctx, store.Code{
		PoolID: p.ID, UsernameKey: u.UsernameKey, Purpose: purposeWebAuthnRegister,
		CodeHash: string(sessJSON), CreatedAt: now, ExpiresAt: now.Add(WebAuthnRegistrationTTL),
	}); err != nil {
		return nil, Internal(err)
	}
	opts := creation.Response
	opts.Timeout = int(WebAuthnRegistrationTTL / time.Millisecond)
	out, err := json.Marshal(opts)
	if err != nil {
		return nil, Internal(err)
	}
	return out, nil
}

// clientChecks applies Cognito's specific refusals to a ceremony's client
// data and authenticator data before go-webauthn verifies the rest.
func clientChecks(rpID, wantType string, cd protocol.CollectedClientData, rpIDHash []byte) error {
	if string(cd.Type) != wantType {
		return Errorf(KindWebAuthnClientMismatch, "The client data type is %q, not %s.", cd.Type, wantType)
	}
	if !originAllowed(rpID, cd.Origin) {
		return Errorf(KindWebAuthnOriginNotAllowed, "The origin %s is not allowed for relying party %s.", cd.Origin, rpID)
	}
	want := sha256.Sum256([]byte(rpID))
	if !bytes.Equal(rpIDHash, want[:]) {
		return Errorf(KindWebAuthnRelyingPartyMismatch, "The credential is not for relying party %s.", rpID)
	}
	return nil
}

// CompleteWebAuthnRegistration verifies a RegistrationResponseJSON against
// the pending registration and stores the passkey.
func (s *Service) CompleteWebAuthnRegistration(ctx context.Context, accessToken string, credential json.RawMessage) error {
	ac, err := s.passkeyCaller(ctx, accessToken)
	if err != nil {
		return err
	}
	p, u := ac.Pool, ac.User
	rpID, err := s.relyingParty(ctx, p)
	if err != nil {
		return err
	}
	notFound := func() *Error {
		return Errorf(KindWebAuthnChallengeNotFound, "No passkey registration is pending: call StartWebAuthnRegistration again.")
	}
	code, err := s.store.GetCode(ctx, p.ID, u.UsernameKey, purposeWebAuthnRegister)
	if err != nil {
		return storeError(err, on(store.ErrNotFound, notFound))
	}
	// Single use, whatever the outcome.
	if err := s.store.DeleteCode(ctx, p.ID, u.UsernameKey, purposeWebAuthnRegister); err != nil {
		return storeError(err, on(store.ErrNotFound, notFound))
	}
	if !s.nowUTC().Before(code.ExpiresAt) {
		return notFound()
	}
	var sess webauthn.SessionData
	if err := json.Unmarshal([]byte(code.CodeHash), &sess); err != nil {
		return Internal(err)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return invalidParam("The credential is not a valid RegistrationResponseJSON.")
	}
	if err := clientChecks(rpID, "webauthn.create", parsed.Response.CollectedClientData, parsed.Response.AttestationObject.AuthData.RPIDHash); err != nil {
		return err
	}
	wa, err := relyingPartyFor(rpID)
	if err != nil {
		return Internal(err)
	}
	sess.Origin = parsed.Response.CollectedClientData.Origin
	sess.RelyingPartyID = rpID
	cred, err := wa.CreateCredential(passkeyUser{u: u}, sess, parsed)
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) && pe.Type == protocol.ErrUnsupportedAlgorithm.Type {
			return Errorf(KindWebAuthnCredentialNotSupported, "The credential's algorithm is not supported.")
		}
		s.log.Info("passkey registration refused", "pool", p.ID, "err", err)
		return invalidParam("The credential could not be verified.")
	}
	var transports []string
	for _, t := range cred.Transport {
		transports = append(transports, string(t))
	}
	if transports == nil {
		transports = []string{}
	}
	doc := credentialDoc{Credential: *cred, Name: "Passkey", RPID: rpID, Attachment: string(parsed.AuthenticatorAttachment), Transports: transports}
	body, err := json.Marshal(doc)
	if err != nil {
		return Internal(err)
	}
	err = s.store.CreateWebAuthnCredential(ctx, store.WebAuthnCredential{
		PoolID: p.ID, UsernameKey: u.UsernameKey, CredentialID: b64(cred.ID), Body: body, CreatedAt: s.nowUTC(),
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		return invalidParam("The passkey is already registered.")
	}
	if err != nil {
		return storeError(err, on(store.ErrNotFound, errInvalidAccessToken))
	}
	return nil
}

// WebAuthnCredential is WebAuthnCredentialDescription.
type WebAuthnCredential struct {
	CredentialID            string
	FriendlyCredentialName  string
	RelyingPartyID          string
	AuthenticatorAttachment string
	AuthenticatorTransports []string
	CreatedAt               time.Time
}

// ListWebAuthnCredentials lists the access token's user's passkeys (at most
// max, 1..20; 0 is 20), keyset-paged.
func (s *Service) ListWebAuthnCredentials(ctx context.Context, accessToken, nextToken string, max int) ([]WebAuthnCredential, string, error) {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return nil, "", err
	}
	if max <= 0 || max > MaxWebAuthnCredentials {
		max = MaxWebAuthnCredentials
	}
	recs, next, err := s.store.ListWebAuthnCredentials(ctx, ac.Pool.ID, ac.User.UsernameKey, store.Page{Limit: max, Token: nextToken})
	if err != nil {
		return nil, "", storeError(err, on(store.ErrInvalidToken, func() *Error { return invalidParam("Invalid NextToken.") }))
	}
	out := []WebAuthnCredential{}
	for _, r := range recs {
		var d credentialDoc
		if err := json.Unmarshal(r.Body, &d); err != nil {
			return nil, "", Internal(err)
		}
		out = append(out, WebAuthnCredential{
			CredentialID: r.CredentialID, FriendlyCredentialName: d.Name, RelyingPartyID: d.RPID,
			AuthenticatorAttachment: d.Attachment, AuthenticatorTransports: d.Transports, CreatedAt: r.CreatedAt,
		})
	}
	return out, next, nil
}

// DeleteWebAuthnCredential removes one of the access token's user's passkeys.
func (s *Service) DeleteWebAuthnCredential(ctx context.Context, accessToken, credentialID string) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	err = s.store.DeleteWebAuthnCredential(ctx, ac.Pool.ID, ac.User.UsernameKey, credentialID)
	return storeError(err, on(store.ErrNotFound, func() *Error {
		return Errorf(KindResourceNotFound, "WebAuthn credential %s does not exist.", credentialID)
	}))
}

// webAuthnChallenge answers the WEB_AUTHN challenge: request options for
// the user's passkeys, the challenge kept in the sealed session.
func (s *signIn) webAuthnChallenge(ctx context.Context, u store.User) (*AuthOutput, error) {
	p := s.pool
	rpID, err := s.relyingParty(ctx, p)
	if err != nil {
		return nil, err
	}
	docs, _, err := s.userCredentials(ctx, p, u)
	if err != nil {
		return nil, err
	}
	wa, err := relyingPartyFor(rpID)
	if err != nil {
		return nil, Internal(err)
	}
	var allow []protocol.CredentialDescriptor
	var creds []webauthn.Credential
	for _, d := range docs {
		allow = append(allow, d.Credential.Descriptor())
		creds = append(creds, d.Credential)
	}
	assertion, sess, err := wa.BeginLogin(passkeyUser{u: u, creds: creds}, webauthn.WithAllowedCredentials(allow),
		webauthn.WithUserVerification(webAuthnConfigOf(p).verification()))
	if err != nil {
		return nil, Internal(err)
	}
	sessJSON, err := json.Marshal(sess)
	if err != nil {
		return nil, Internal(err)
	}
	opts := assertion.Response
	opts.Timeout = int(s.client.AuthSessionValidity() / time.Millisecond)
	optJSON, err := json.Marshal(opts)
	if err != nil {
		return nil, Internal(err)
	}
	return s.challenge(ctx, u, ChallengeWebAuthn, challengeState{User: u.Username, WebAuthn: string(sessJSON)}, map[string]string{
		"CREDENTIAL_REQUEST_OPTIONS": string(optJSON),
		"USERNAME":                   u.Username,
	})
}

func errPasskeyRefused() *Error {
	return Errorf(KindNotAuthorized, "Incorrect passkey credential.")
}

// answerWebAuthn is RespondToAuthChallenge WEB_AUTHN: CREDENTIAL is an
// AuthenticationResponseJSON.
func (s *signIn) answerWebAuthn(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p := s.pool
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeWebAuthn)
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	raw := r["CREDENTIAL"]
	if raw == "" {
		return nil, errMissingParam("CREDENTIAL")
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	if _, err := s.reserveAttempt(ctx, p, u.UsernameKey); err != nil {
		return nil, err
	}
	rpID, err := s.relyingParty(ctx, p)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(raw))
	if err != nil {
		return nil, invalidParam("CREDENTIAL is not a valid AuthenticationResponseJSON.")
	}
	if err := clientChecks(rpID, "webauthn.get", parsed.Response.CollectedClientData, parsed.Response.AuthenticatorData.RPIDHash); err != nil {
		return nil, err
	}
	credID := b64(parsed.RawID)
	rec, err := s.store.GetWebAuthnCredential(ctx, p.ID, credID)
	if errors.Is(err, store.ErrNotFound) || err == nil && rec.UsernameKey != u.UsernameKey {
		return nil, errPasskeyRefused() // unknown, or another user's
	}
	if err != nil {
		return nil, Internal(err)
	}
	var doc credentialDoc
	if err := json.Unmarshal(rec.Body, &doc); err != nil {
		return nil, Internal(err)
	}
	var sess webauthn.SessionData
	if err := json.Unmarshal([]byte(ls.state.WebAuthn), &sess); err != nil {
		return nil, errInvalidSession()
	}
	sess.Origin = parsed.Response.CollectedClientData.Origin
	sess.RelyingPartyID = rpID
	sess.AllowedCredentialIDs = [][]byte{doc.Credential.ID}
	wa, err := relyingPartyFor(rpID)
	if err != nil {
		return nil, Internal(err)
	}
	cred, err := wa.ValidateLogin(passkeyUser{u: u, creds: []webauthn.Credential{doc.Credential}}, sess, parsed)
	if err != nil {
		s.log.Info("passkey assertion refused", "pool", p.ID, "err", err)
		return nil, errPasskeyRefused()
	}
	newCount := parsed.Response.AuthenticatorData.Counter
	_, err = s.store.UpdateWebAuthnCredential(ctx, p.ID, credID, func(x *store.WebAuthnCredential) error {
		var d credentialDoc
		if err := json.Unmarshal(x.Body, &d); err != nil {
			return err
		}
		old := d.Credential.Authenticator.SignCount
		if (old != 0 || newCount != 0) && newCount <= old {
			return errPasskeyRefused() // a cloned authenticator or a replay
		}
		d.Credential.Authenticator.SignCount = newCount
		d.Credential.Flags = cred.Flags
		b, err := json.Marshal(d)
		x.Body = b
		return err
	})
	if err != nil {
		if KindOf(err) == KindNotAuthorized {
			return nil, err
		}
		return nil, Internal(err)
	}
	if u, err = s.resetAttempts(ctx, p, u.UsernameKey, nil); err != nil {
		return nil, err
	}
	return s.finish(ctx, u, ls.state)
}
