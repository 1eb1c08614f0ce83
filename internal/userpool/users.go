package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"userpool/internal/cognitorules"
	"userpool/internal/password"
	"userpool/internal/srp"
	"userpool/internal/store"
)

// User statuses (UserStatusType).
const (
	StatusUnconfirmed         = "UNCONFIRMED"
	StatusConfirmed           = "CONFIRMED"
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	StatusResetRequired       = "RESET_REQUIRED"
)

// MFAOption is a legacy MFA option (MFAOptionType) set by AdminSetUserSettings.
type MFAOption struct {
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	AttributeName  string `json:"AttributeName,omitempty"`
}

// MFASettings is the user's MFA document (store.User.MFA): which factors are
// enabled and preferred, and the software token (TOTP) state.
type MFASettings struct {
	SMSEnabled     bool `json:"SMSEnabled,omitempty"`
	SMSPreferred   bool `json:"SMSPreferred,omitempty"`
	TOTPEnabled    bool `json:"TOTPEnabled,omitempty"`
	TOTPPreferred  bool `json:"TOTPPreferred,omitempty"`
	EmailEnabled   bool `json:"EmailEnabled,omitempty"`
	EmailPreferred bool `json:"EmailPreferred,omitempty"`
	// TOTPSecret is the stored form of the base32 secret from
	// AssociateSoftwareToken: sealed by the master key ("sealed1:...",
	// sealing.go), or the secret itself in documents written before sealing
	// or without a master key.
	TOTPSecret   string `json:"TOTPSecret,omitempty"`
	TOTPVerified bool   `json:"TOTPVerified,omitempty"`
	// LastTOTPStep is the last accepted time step (replay protection).
	LastTOTPStep int64 `json:"LastTOTPStep,omitempty"`
	// MFAOptions are the legacy options of AdminSetUserSettings.
	MFAOptions []MFAOption `json:"MFAOptions,omitempty"`
}

// decodeMFA reads a user's MFA document (store.User.MFA); an empty document
// is the zero value.
func decodeMFA(doc []byte) (MFASettings, error) {
	var m MFASettings
	if len(doc) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(doc, &m); err != nil {
		return m, Internal(err)
	}
	return m, nil
}

// Encode returns the document to store in store.User.MFA.
func (m MFASettings) Encode() []byte {
	b, _ := json.Marshal(m) // plain struct: cannot fail
	return b
}

// PreferredMFA is Cognito's PreferredMfaSetting ("" when none).
func (m MFASettings) PreferredMFA() string {
	switch {
	case m.TOTPEnabled && m.TOTPPreferred:
		return "SOFTWARE_TOKEN_MFA"
	case m.SMSEnabled && m.SMSPreferred:
		return "SMS_MFA"
	case m.EmailEnabled && m.EmailPreferred:
		return "EMAIL_OTP"
	}
	return ""
}

// EnabledMFA is Cognito's UserMFASettingList.
func (m MFASettings) EnabledMFA() []string {
	var out []string
	if m.SMSEnabled {
		out = append(out, "SMS_MFA")
	}
	if m.TOTPEnabled {
		out = append(out, "SOFTWARE_TOKEN_MFA")
	}
	if m.EmailEnabled {
		out = append(out, "EMAIL_OTP")
	}
	return out
}

// CreateUserInput is AdminCreateUser's input.
type CreateUserInput struct {
	PoolID     string
	Username   string
	Attributes []Attribute
	// TemporaryPassword: "" generates one that satisfies the pool policy.
	TemporaryPassword string
	// MessageAction: "", "SUPPRESS" or "RESEND".
	MessageAction      string
	ForceAliasCreation bool
	// DeliveryMediums are the DesiredDeliveryMediums ("EMAIL", "SMS"); empty means SMS, as in Cognito.
	DeliveryMediums []string
}

// CreatedUser is AdminCreateUser's result. TemporaryPassword is the password
// that an invitation message would carry; callers must never log it.
type CreatedUser struct {
	User              User
	TemporaryPassword string
}

func createdUser(u store.User, temporaryPassword string) (CreatedUser, error) {
	v, err := userView(u)
	if err != nil {
		return CreatedUser{}, err
	}
	return CreatedUser{User: v, TemporaryPassword: temporaryPassword}, nil
}

func (s *Service) passwordParams() password.Params {
	if s.pwp == (password.Params{}) {
		return password.DefaultParams
	}
	return s.pwp
}

func policyOf(p *Pool) password.Policy {
	pp := p.Settings.PasswordPolicy
	return password.Policy{MinimumLength: pp.MinimumLength, RequireUppercase: pp.RequireUppercase,
		RequireLowercase: pp.RequireLowercase, RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols}
}

// checkPassword applies the API constraints and the pool policy to a
// password given in the member named member ("temporaryPassword", ...).
func checkPassword(p *Pool, pw, member string) error {
	err := policyOf(p).Check(pw)
	if err == nil {
		return nil
	}
	var pe *password.PolicyError
	if errors.As(err, &pe) {
		return &Error{Kind: KindInvalidPassword, Message: pe.Error()}
	}
	switch {
	case errors.Is(err, password.ErrTooLong):
		return Errorf(KindInvalidParameter, "%s", cognitorules.Message(cognitorules.Violation(member, nil, cognitorules.MaxLength(password.MaxLength))))
	case errors.Is(err, password.ErrEmpty):
		return Errorf(KindInvalidParameter, "%s", cognitorules.Message(cognitorules.Violation(member, nil, cognitorules.MinLength(1))))
	}
	return Errorf(KindInvalidParameter, "%s", cognitorules.Message(cognitorules.Violation(member, nil, cognitorules.Password.Constraint())))
}

// newPassword builds the stored credential of pw for the user with internal
// username userID with the Service's hashing parameters, randomness and clock.
func (s *Service) newPassword(p *Pool, userID, pw string, temporary bool) (store.Password, error) {
	return NewCredential(p, userID, pw, temporary, s.passwordParams(), s.rand, s.nowUTC())
}

// NewCredential builds the stored credential of pw for the user with
// internal username userID: an argon2id hash plus an SRP salt and verifier; a
// temporary password expires after the pool's TemporaryPasswordValidityDays.
// The domain calls it for every password it sets; tools that write records
// directly (tools/populate, test fixtures) call it so their users sign in
// exactly as the domain's do. Faces never need it.
func NewCredential(p *Pool, userID, pw string, temporary bool, params password.Params, rnd io.Reader, now time.Time) (store.Password, error) {
	if params == (password.Params{}) {
		params = password.DefaultParams
	}
	h, err := password.Hash(pw, params, rnd)
	if err != nil {
		return store.Password{}, Internal(err)
	}
	salt := make([]byte, 16)
	if _, err := io.ReadFull(rnd, salt); err != nil {
		return store.Password{}, Internal(err)
	}
	cred := store.Password{
		Hash:        h,
		SRPSalt:     salt,
		SRPVerifier: srp.Verifier(p.PoolName(), userID, pw, salt),
		SetAt:       now,
		Temporary:   temporary,
	}
	if temporary {
		days := p.Settings.PasswordPolicy.TemporaryPasswordValidityDays
		if days <= 0 {
			days = DefaultPasswordPolicy.TemporaryPasswordValidityDays
		}
		cred.ExpiresAt = now.Add(time.Duration(days) * 24 * time.Hour)
	}
	return cred, nil
}

// temporaryPassword returns the given temporary password after checking it,
// or a generated one.
func (s *Service) temporaryPassword(p *Pool, given string) (string, error) {
	if given != "" {
		if err := checkPassword(p, given, "temporaryPassword"); err != nil {
			return "", err
		}
		return given, nil
	}
	pw, err := password.Generate(policyOf(p), s.rand)
	if err != nil {
		return "", Internal(err)
	}
	return pw, nil
}

// temporaryCredential is the stored credential of AdminCreateUser's
// temporary password: a generated one is stored cheaply (tempcred.go), one
// an administrator chose gets argon2id and an SRP verifier.
func (s *Service) temporaryCredential(p *Pool, userID, usernameKey, pw string, generated, suppressed bool) (store.Password, error) {
	if generated {
		return s.generatedCredential(p, userID, usernameKey, pw, suppressed)
	}
	return s.newPassword(p, userID, pw, true)
}

func (s *Service) newUUID() (string, error) {
	id, err := uuid.NewRandomFromReader(s.rand)
	if err != nil {
		return "", Internal(err)
	}
	return id.String(), nil
}

// usernameExistsAlias is the UsernameExistsException of a UsernameAttributes
// pool whose sign-in attribute is taken.
func usernameExistsAlias(kind string) *Error {
	return Errorf(KindUsernameExists, "An account with the given %s already exists.", kind)
}

func aliasExists(kind string) *Error {
	return Errorf(KindAliasExists, "An account with the given %s already exists.", kind)
}

// takenAlias finds which of aliases belongs to a user other than
// usernameKey ("" when none does).
func (s *Service) takenAlias(ctx context.Context, p *Pool, aliases map[string]string, usernameKey string) (string, store.User, error) {
	for _, kind := range []string{"email", "phone_number", "preferred_username"} {
		v, ok := aliases[kind]
		if !ok {
			continue
		}
		u, err := s.store.GetUserByAlias(ctx, p.ID, kind, v)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", store.User{}, Internal(err)
		}
		if u.UsernameKey != usernameKey {
			return kind, u, nil
		}
	}
	return "", store.User{}, nil
}

// AdminCreateUser creates a user with a temporary password (status
// FORCE_CHANGE_PASSWORD), or with MessageAction RESEND re-issues the
// temporary password of an existing user.
func (s *Service) AdminCreateUser(ctx context.Context, in CreateUserInput) (CreatedUser, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return CreatedUser{}, err
	}
	if in.MessageAction == "RESEND" {
		return s.resendInvitation(ctx, p, in)
	}

	username := in.Username
	attrs := map[string]string{}
	kind := ""
	if p.UsesUsernameAttributes() {
		// The username is the email or phone number the user signs in with.
		if kind, err = usernameAttributeKind(p, in.Username); err != nil {
			return CreatedUser{}, err
		}
		attrs[kind] = in.Username
	}
	if err := applyAttributes(p, attrs, in.Attributes, true); err != nil {
		return CreatedUser{}, err
	}
	sub, err := s.newUUID()
	if err != nil {
		return CreatedUser{}, err
	}
	if kind != "" {
		attrs[kind] = in.Username
		username = sub
	} else {
		if hasString(p.Settings.AliasAttributes, "email") && IsEmail(username) {
			return CreatedUser{}, Errorf(KindInvalidParameter, "Username cannot be of email format, since user pool is configured for email alias.")
		}
		if hasString(p.Settings.AliasAttributes, "phone_number") && IsPhoneNumber(username) {
			return CreatedUser{}, Errorf(KindInvalidParameter, "Username cannot be of phone number format, since user pool is configured for phone number alias.")
		}
	}
	if err := checkRequired(p, attrs); err != nil {
		return CreatedUser{}, err
	}
	key := p.UsernameKey(username)
	aliases := p.Aliases(attrs)
	if _, err := s.preSignUp(ctx, p, "", srcPreSignUpAdminCreateUser, username, attrs); err != nil {
		return CreatedUser{}, err
	}

	if !p.UsesUsernameAttributes() && in.ForceAliasCreation {
		if err := s.releaseAliases(ctx, p, aliases, key); err != nil {
			return CreatedUser{}, err
		}
	}

	pw, err := s.temporaryPassword(p, in.TemporaryPassword)
	if err != nil {
		return CreatedUser{}, err
	}
	cred, err := s.temporaryCredential(p, username, key, pw, in.TemporaryPassword == "", in.MessageAction == "SUPPRESS")
	if err != nil {
		return CreatedUser{}, err
	}
	now := s.nowUTC()
	u := store.User{
		PoolID:      p.ID,
		Username:    username,
		UsernameKey: key,
		Sub:         sub,
		Status:      StatusForceChangePassword,
		Enabled:     true,
		Attributes:  attrs,
		Aliases:     aliases,
		Password:    cred,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	switch err := s.store.CreateUser(ctx, u); {
	case err == nil:
	case errors.Is(err, store.ErrAlreadyExists):
		return CreatedUser{}, Errorf(KindUsernameExists, "User account already exists")
	case errors.Is(err, store.ErrAliasExists):
		kind, _, lerr := s.takenAlias(ctx, p, aliases, key)
		if lerr != nil {
			return CreatedUser{}, lerr
		}
		if kind == "" {
			kind = "email"
		}
		if p.UsesUsernameAttributes() && hasString(p.Settings.UsernameAttributes, kind) {
			return CreatedUser{}, usernameExistsAlias(kind)
		}
		return CreatedUser{}, aliasExists(kind)
	default:
		return CreatedUser{}, Internal(err)
	}
	if in.MessageAction != "SUPPRESS" {
		s.sendInvitation(ctx, p, u, pw, in.DeliveryMediums)
	}
	return createdUser(u, pw)
}

// sendInvitation delivers the temporary password through the configured
// Sender to each requested medium the user has an address for. Like Cognito,
// a delivery failure does not undo the creation; it is logged (without the
// password).
func (s *Service) sendInvitation(ctx context.Context, p *Pool, u store.User, pw string, mediums []string) {
	if len(mediums) == 0 {
		mediums = []string{"SMS"}
		if u.Attributes["phone_number"] == "" {
			mediums = []string{"EMAIL"}
		}
	}
	for _, m := range mediums {
		attr := "email"
		if m == "SMS" {
			attr = "phone_number"
		}
		dest := u.Attributes[attr]
		if dest == "" {
			continue
		}
		err := s.sendMessage(ctx, p, u, Message{
			PoolID: p.ID, Username: u.Username, Medium: m, Destination: dest,
			Purpose: "invite", Code: pw,
			Subject: "Your temporary password",
			Body:    "Your username is " + u.Username + " and temporary password is " + pw + ".",
		})
		if err != nil {
			s.log.Error("invitation delivery failed", "pool", p.ID, "username", u.Username, "medium", m, "err", err)
		}
	}
}

// usernameAttributeKind checks that a username given to a UsernameAttributes
// pool is an email or phone number the pool signs in with, and says which.
func usernameAttributeKind(p *Pool, username string) (string, error) {
	email := hasString(p.Settings.UsernameAttributes, "email")
	phone := hasString(p.Settings.UsernameAttributes, "phone_number")
	switch {
	case email && IsEmail(username):
		return "email", nil
	case phone && IsPhoneNumber(username):
		return "phone_number", nil
	case email && phone:
		return "", Errorf(KindInvalidParameter, "Username should be either an email or a phone number.")
	case email:
		return "", Errorf(KindInvalidParameter, "Username should be an email.")
	default:
		return "", Errorf(KindInvalidParameter, "Username should be a phone number.")
	}
}

// releaseAliases implements ForceAliasCreation: a verified email or phone
// number that another user holds as an alias moves to the new user; the
// previous holder keeps the value, marked unverified.
func (s *Service) releaseAliases(ctx context.Context, p *Pool, aliases map[string]string, key string) error {
	for _, kind := range []string{"email", "phone_number"} {
		v, ok := aliases[kind]
		if !ok {
			continue
		}
		holder, err := s.store.GetUserByAlias(ctx, p.ID, kind, v)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return Internal(err)
		}
		if holder.UsernameKey == key {
			continue
		}
		_, err = s.store.UpdateUser(ctx, p.ID, holder.UsernameKey, func(u *store.User) error {
			if u.Attributes == nil {
				u.Attributes = map[string]string{}
			}
			u.Attributes[kind+"_verified"] = "false"
			u.Aliases = p.Aliases(u.Attributes)
			u.UpdatedAt = s.nowUTC()
			return nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Internal(err)
		}
	}
	return nil
}

func (s *Service) resendInvitation(ctx context.Context, p *Pool, in CreateUserInput) (CreatedUser, error) {
	u, err := s.resolveUser(ctx, p, in.Username)
	if err != nil {
		return CreatedUser{}, err
	}
	if u.Status != StatusForceChangePassword {
		return CreatedUser{}, Errorf(KindUnsupportedUserState, "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD", in.Username)
	}
	pw, err := s.temporaryPassword(p, in.TemporaryPassword)
	if err != nil {
		return CreatedUser{}, err
	}
	cred, err := s.temporaryCredential(p, u.Username, u.UsernameKey, pw, in.TemporaryPassword == "", false)
	if err != nil {
		return CreatedUser{}, err
	}
	u, err = s.updateUser(ctx, p, u.UsernameKey, func(u *store.User) error {
		if u.Status != StatusForceChangePassword {
			return Errorf(KindUnsupportedUserState, "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD", in.Username)
		}
		u.Password = cred
		return nil
	})
	if err != nil {
		return CreatedUser{}, err
	}
	s.sendInvitation(ctx, p, u, pw, in.DeliveryMediums)
	return createdUser(u, pw)
}

// updateUser runs fn on the user inside the store's transaction, stamping
// UpdatedAt; domain errors from fn pass through, a vanished user is
// UserNotFoundException, an alias collision AliasExistsException.
func (s *Service) updateUser(ctx context.Context, p *Pool, key string, fn func(*store.User) error) (store.User, error) {
	u, err := s.store.UpdateUser(ctx, p.ID, key, func(u *store.User) error {
		if err := fn(u); err != nil {
			return err
		}
		u.UpdatedAt = s.nowUTC()
		return nil
	})
	var de *Error
	switch {
	case err == nil:
		return u, nil
	case errors.As(err, &de):
		return store.User{}, de
	case errors.Is(err, store.ErrNotFound):
		return store.User{}, errUserNotFound()
	default:
		return store.User{}, Internal(err)
	}
}

// lookupUser loads the pool and resolves username in it.
func (s *Service) lookupUser(ctx context.Context, poolID, username string) (*Pool, store.User, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, store.User{}, err
	}
	u, err := s.resolveUser(ctx, p, username)
	if err != nil {
		return nil, store.User{}, err
	}
	return p, u, nil
}

// AdminGetUser returns the user a username (or alias, or sub) names.
func (s *Service) AdminGetUser(ctx context.Context, poolID, username string) (User, error) {
	_, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return User{}, err
	}
	return userView(u)
}

// AdminDeleteUser deletes the user with its memberships, devices, tokens,
// codes and sessions.
func (s *Service) AdminDeleteUser(ctx context.Context, poolID, username string) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	// The store deletes the user's temporary credentials with the user;
	// revoking them first also tells the keyring to forget them at once.
	if err := s.RevokeUserCredentials(ctx, p.ID, u.UsernameKey); err != nil {
		return err
	}
	err = s.store.DeleteUser(ctx, p.ID, u.UsernameKey)
	return storeError(err, on(store.ErrNotFound, errUserNotFound))
}

// AdminUpdateUserAttributes sets attributes (a blank value deletes one).
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, poolID, username string, attrs []Attribute) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	if p.UsesUsernameAttributes() {
		// The sign-in attribute of a UsernameAttributes pool cannot be removed.
		for _, a := range attrs {
			if a.Value == "" && hasString(p.Settings.UsernameAttributes, a.Name) && u.Attributes[a.Name] != "" {
				return errRequiredAttribute(a.Name)
			}
		}
	}
	var newAliases map[string]string
	_, err = s.updateUser(ctx, p, u.UsernameKey, func(u *store.User) error {
		if u.Attributes == nil {
			u.Attributes = map[string]string{}
		}
		if err := applyAttributes(p, u.Attributes, attrs, false); err != nil {
			return err
		}
		u.Aliases = p.Aliases(u.Attributes)
		newAliases = u.Aliases
		return nil
	})
	if err != nil && errors.Is(err, store.ErrAliasExists) {
		// updateUser wraps unexpected errors as internal; unwrap the alias case.
		kind, _, lerr := s.takenAlias(ctx, p, newAliases, u.UsernameKey)
		if lerr != nil {
			return lerr
		}
		if kind == "" {
			kind = "email"
		}
		return aliasExists(kind)
	}
	return err
}

// AdminDeleteUserAttributes removes attributes; required ones are refused,
// and names outside the schema are listed, each on its own line, as Cognito
// does: "Invalid user attributes: user.custom:foo: Attribute does not exist
// in the schema.\n".
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, poolID, username string, names []string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	var unknown strings.Builder
	for _, n := range names {
		if _, ok := attributeSchema(p, n); !ok && n != "sub" {
			fmt.Fprintf(&unknown, "user.%s: Attribute does not exist in the schema.\n", n)
		}
	}
	if unknown.Len() > 0 {
		return Errorf(KindInvalidParameter, "Invalid user attributes: %s", unknown.String())
	}
	attrs := make([]Attribute, len(names))
	for i, n := range names {
		attrs[i] = Attribute{Name: n}
	}
	return s.AdminUpdateUserAttributes(ctx, poolID, username, attrs)
}

// setEnabled implements AdminDisableUser / AdminEnableUser. Disabling also
// revokes the user's tokens issued so far.
func (s *Service) setEnabled(ctx context.Context, poolID, username string, enabled bool) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	now := s.nowUTC()
	_, err = s.updateUser(ctx, p, u.UsernameKey, func(u *store.User) error {
		u.Enabled = enabled
		if !enabled {
			u.TokensValidAfter = now
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !enabled {
		if err := s.store.RevokeUserRefreshTokens(ctx, p.ID, u.UsernameKey, now); err != nil {
			return Internal(err)
		}
	}
	return nil
}

// AdminDisableUser disables the user and revokes its tokens.
func (s *Service) AdminDisableUser(ctx context.Context, poolID, username string) error {
	return s.setEnabled(ctx, poolID, username, false)
}

// AdminEnableUser enables the user.
func (s *Service) AdminEnableUser(ctx context.Context, poolID, username string) error {
	return s.setEnabled(ctx, poolID, username, true)
}

// AdminConfirmSignUp confirms an UNCONFIRMED user.
func (s *Service) AdminConfirmSignUp(ctx context.Context, poolID, username string) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	_, err = s.updateUser(ctx, p, u.UsernameKey, func(u *store.User) error {
		if u.Status != StatusUnconfirmed {
			return Errorf(KindNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
		}
		u.Status = StatusConfirmed
		return nil
	})
	if err != nil {
		return err
	}
	return s.postConfirmation(ctx, p, "", srcPostConfirmSignUp, u.UsernameKey)
}

// AdminSetUserSettings stores the legacy MFA options. An SMS option turns SMS
// MFA on; an empty list turns it off.
func (s *Service) AdminSetUserSettings(ctx context.Context, poolID, username string, opts []MFAOption) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	for _, o := range opts {
		if o.DeliveryMedium == "SMS" && o.AttributeName != "" && o.AttributeName != "phone_number" {
			return Errorf(KindInvalidParameter, "Only phone_number attribute is supported for SMS MFA.")
		}
	}
	_, err = s.updateUser(ctx, p, u.UsernameKey, func(u *store.User) error {
		m, err := decodeMFA(u.MFA)
		if err != nil {
			return err
		}
		m.MFAOptions = append([]MFAOption(nil), opts...)
		sms := false
		for _, o := range opts {
			if o.DeliveryMedium == "SMS" {
				sms = true
			}
		}
		m.SMSEnabled = sms
		if !sms {
			m.SMSPreferred = false
		}
		u.MFA = m.Encode()
		return nil
	})
	return err
}

// MFAFactorSetting is one factor of AdminSetUserMFAPreference; nil leaves
// the factor unchanged.
type MFAFactorSetting struct {
	Enabled   bool
	Preferred bool
}

// MFAPreference is AdminSetUserMFAPreference's input.
type MFAPreference struct {
	SMS   *MFAFactorSetting
	TOTP  *MFAFactorSetting
	Email *MFAFactorSetting
}

// AdminSetUserMFAPreference enables, disables and prefers MFA factors.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, poolID, username string, pref MFAPreference) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	_, err = s.updateUser(ctx, p, u.UsernameKey, func(u *store.User) error {
		m, err := decodeMFA(u.MFA)
		if err != nil {
			return err
		}
		if err := applyMFAPreference(&m, u.Attributes, pref); err != nil {
			return err
		}
		u.MFA = m.Encode()
		return nil
	})
	return err
}

// ApplyMFAPreference applies an MFA preference change to m for a user with
// attrs (shared with SetUserMFAPreference).
func ApplyMFAPreference(m *MFASettings, attrs map[string]string, pref MFAPreference) error {
	return applyMFAPreference(m, attrs, pref)
}

func applyMFAPreference(m *MFASettings, attrs map[string]string, pref MFAPreference) error {
	noDelivery := func(f string) error {
		return Errorf(KindInvalidParameter, "User does not have delivery config set to turn on %s", f)
	}
	if f := pref.SMS; f != nil && f.Enabled && attrs["phone_number"] == "" {
		return noDelivery("SMS_MFA")
	}
	if f := pref.TOTP; f != nil && f.Enabled && (m.TOTPSecret == "" || !m.TOTPVerified) {
		return noDelivery("SOFTWARE_TOKEN_MFA")
	}
	if f := pref.Email; f != nil && f.Enabled && attrs["email"] == "" {
		return noDelivery("EMAIL_OTP")
	}
	preferred := 0
	for _, f := range []*MFAFactorSetting{pref.SMS, pref.TOTP, pref.Email} {
		if f != nil && f.Enabled && f.Preferred {
			preferred++
		}
	}
	if preferred > 1 {
		return Errorf(KindInvalidParameter, "Only one MFA method can be preferred.")
	}
	set := func(f *MFAFactorSetting, enabled, pref *bool) {
		if f == nil {
			return
		}
		*enabled = f.Enabled
		*pref = f.Enabled && f.Preferred
	}
	if preferred == 1 {
		// Preferring one factor clears the others' preference.
		m.SMSPreferred, m.TOTPPreferred, m.EmailPreferred = false, false, false
	}
	set(pref.SMS, &m.SMSEnabled, &m.SMSPreferred)
	set(pref.TOTP, &m.TOTPEnabled, &m.TOTPPreferred)
	set(pref.Email, &m.EmailEnabled, &m.EmailPreferred)
	return nil
}

// ListUsersInput is ListUsers' input.
type ListUsersInput struct {
	PoolID string
	// Filter is the ListUsers filter expression ("" for all users).
	Filter string
	Limit  int
	Token  string
}

// ListUsers lists a pool's users, optionally filtered, one page at a time.
// The users are summaries (store.Page.Summary): no aliases, credentials or
// lockout state, which no listing shows.
func (s *Service) ListUsers(ctx context.Context, in ListUsersInput) ([]User, string, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return nil, "", err
	}
	f, err := ParseFilter(in.Filter)
	if err != nil {
		return nil, "", err
	}
	scope := "users\x00" + in.Filter
	page, err := unwrapToken(p.ID, scope, in.Limit, in.Token)
	if err != nil {
		return nil, "", err
	}
	page.Summary = true // what a listing shows; no credentials
	users, next, err := s.store.ListUsers(ctx, p.ID, f, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	views, err := userViews(users)
	if err != nil {
		return nil, "", err
	}
	return views, wrapToken(p.ID, scope, next), nil
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
