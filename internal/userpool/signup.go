package userpool

import (
	"context"
	"errors"

	"userpool/internal/store"
)

// Self sign-up: SignUp, ConfirmSignUp and ResendConfirmationCode.
//
// SignUp creates an UNCONFIRMED user with a permanent password. When the
// pool has AutoVerifiedAttributes and the user has one of them (email
// preferred over phone_number), a confirmation code goes there and the
// answer carries its CodeDeliveryDetails; otherwise no code is sent and the
// user waits for AdminConfirmSignUp. Pools with AllowAdminCreateUserOnly
// refuse SignUp. Duplicate usernames are reported even with
// PreventUserExistenceErrors ENABLED, as Cognito does. A failed delivery
// answers CodeDeliveryFailureException but keeps the user (it can ask for
// ResendConfirmationCode).
//
// ConfirmSignUp checks the code, sets CONFIRMED, marks the attribute the
// code went to verified and recomputes aliases (an alias taken by another
// user is AliasExistsException unless ForceAliasCreation moves it).

// msgUnknownUserForClient is Cognito's UserNotFoundException text for the
// client-side operations (LEGACY existence errors).
const msgUnknownUserForClient = "Username/client id combination not found."

// acctClient loads the app client an unsigned operation names, its pool,
// and enforces SECRET_HASH (computed over the username as the client sent it).
func (s *Service) acctClient(ctx context.Context, clientID, secretHash, username string) (*Client, *Pool, error) {
	c, err := s.GetClientByID(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.GetPool(ctx, c.PoolID)
	if err != nil {
		return nil, nil, err
	}
	if err := checkSecretHash(c, secretHash, username); err != nil {
		return nil, nil, err
	}
	return c, p, nil
}

// acctHidesUsers reports whether the client hides unknown users.
func acctHidesUsers(c *Client) bool {
	return c.Settings.PreventUserExistenceErrors == "ENABLED"
}

// acctUser loads the client and pool of a client-side operation
// (acctClient) and resolves username in the pool. An unknown user is
// UserNotFoundException "Username/client id combination not found." for
// LEGACY clients; for ENABLED clients found is false and err nil, and the
// caller answers as if the user existed.
func (s *Service) acctUser(ctx context.Context, clientID, secretHash, username string) (p *Pool, u store.User, found bool, err error) {
	c, p, err := s.acctClient(ctx, clientID, secretHash, username)
	if err != nil {
		return nil, store.User{}, false, err
	}
	u, err = s.resolveUser(ctx, p, username)
	if err == nil {
		return p, u, true, nil
	}
	if KindOf(err) != KindUserNotFound {
		return nil, store.User{}, false, err
	}
	if acctHidesUsers(c) {
		return p, store.User{}, false, nil
	}
	return nil, store.User{}, false, Errorf(KindUserNotFound, msgUnknownUserForClient)
}

// acctCodeUser resolves the user of an unsigned operation that sends that
// user a code (ResendConfirmationCode, ForgotPassword). For an unknown user
// of a client that hides users, hidden is the simulated delivery to answer.
func (s *Service) acctCodeUser(ctx context.Context, clientID, secretHash, username string) (*Pool, store.User, *CodeDelivery, error) {
	p, u, found, err := s.acctUser(ctx, clientID, secretHash, username)
	if err != nil {
		return nil, store.User{}, nil, err
	}
	if !found {
		return p, store.User{}, simulatedDelivery(p, username), nil
	}
	return p, u, nil, nil
}

// errUnauthorizedAttribute is Cognito's answer to writing an attribute the
// client may not write.
func errUnauthorizedAttribute() *Error {
	return Errorf(KindNotAuthorized, "A client attempted to write unauthorized attribute")
}

// acctCheckWritable enforces the client's WriteAttributes (all attributes when
// the client lists none) and forbids users from setting the *_verified
// flags themselves.
func acctCheckWritable(c *Client, attrs []Attribute) error {
	for _, a := range attrs {
		switch a.Name {
		case "email_verified", "phone_number_verified":
			return errUnauthorizedAttribute()
		case "sub":
			continue // applyAttributes answers the immutability error
		}
		if c.Settings.WriteAttributes != nil && !hasString(c.Settings.WriteAttributes, a.Name) {
			return errUnauthorizedAttribute()
		}
	}
	return nil
}

// autoVerifyTarget is the attribute a sign-up confirmation code goes to:
// email when auto-verified and present, else phone_number; "" for none.
func autoVerifyTarget(p *Pool, attrs map[string]string) string {
	for _, a := range []string{"email", "phone_number"} {
		if hasString(p.Settings.AutoVerifiedAttributes, a) && attrs[a] != "" {
			return a
		}
	}
	return ""
}

// SignUpInput is SignUp's input.
type SignUpInput struct {
	ClientID   string
	SecretHash string
	Username   string
	Password   string
	Attributes []Attribute
}

// SignUpResult is SignUp's output.
type SignUpResult struct {
	UserConfirmed bool
	UserSub       string
	// Delivery is nil when no confirmation code was sent.
	Delivery *CodeDelivery
}

// SignUp registers a user through an app client.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (*SignUpResult, error) {
	ctx = withMessageClient(ctx, in.ClientID)
	c, p, err := s.acctClient(ctx, in.ClientID, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	if p.Settings.AdminCreateUserConfig.AllowAdminCreateUserOnly {
		return nil, Errorf(KindNotAuthorized, "SignUp is not permitted for this user pool")
	}
	if err := checkPassword(p, in.Password, "password"); err != nil {
		return nil, err
	}
	if err := acctCheckWritable(c, in.Attributes); err != nil {
		return nil, err
	}

	attrs := map[string]string{}
	kind := ""
	if p.UsesUsernameAttributes() {
		if kind, err = usernameAttributeKind(p, in.Username); err != nil {
			return nil, err
		}
		attrs[kind] = in.Username
	}
	if err := applyAttributes(p, attrs, in.Attributes, true); err != nil {
		return nil, err
	}
	sub, err := s.newUUID()
	if err != nil {
		return nil, err
	}
	username := in.Username
	if kind != "" {
		// The sign-in attribute is the username; the internal username is the sub.
		attrs[kind] = in.Username
		username = sub
	} else {
		if hasString(p.Settings.AliasAttributes, "email") && IsEmail(username) {
			return nil, Errorf(KindInvalidParameter, "Username cannot be of email format, since user pool is configured for email alias.")
		}
		if hasString(p.Settings.AliasAttributes, "phone_number") && IsPhoneNumber(username) {
			return nil, Errorf(KindInvalidParameter, "Username cannot be of phone number format, since user pool is configured for phone number alias.")
		}
	}
	// A user never arrives verified through SignUp.
	delete(attrs, "email_verified")
	delete(attrs, "phone_number_verified")
	if err := checkRequired(p, attrs); err != nil {
		return nil, err
	}
	pre, err := s.preSignUp(ctx, p, c.ID, srcPreSignUpSignUp, username, attrs)
	if err != nil {
		return nil, err
	}
	cred, err := s.newPassword(p, username, in.Password, false)
	if err != nil {
		return nil, err
	}
	key := p.UsernameKey(username)
	aliases, err := s.applyPreSignUp(ctx, p, key, attrs, pre)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	u := store.User{
		PoolID:      p.ID,
		Username:    username,
		UsernameKey: key,
		Sub:         sub,
		Status:      StatusUnconfirmed,
		Enabled:     true,
		Attributes:  attrs,
		Aliases:     aliases,
		Password:    cred,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if pre.AutoConfirmUser {
		u.Status = StatusConfirmed
	}
	switch err := s.store.CreateUser(ctx, u); {
	case err == nil:
	case errors.Is(err, store.ErrAlreadyExists):
		return nil, Errorf(KindUsernameExists, "User already exists")
	case errors.Is(err, store.ErrAliasExists):
		kind, _, lerr := s.takenAlias(ctx, p, aliases, key)
		if lerr != nil {
			return nil, lerr
		}
		if kind == "" {
			kind = "email"
		}
		if p.UsesUsernameAttributes() {
			return nil, usernameExistsAlias(kind)
		}
		return nil, aliasExists(kind)
	default:
		return nil, Internal(err)
	}

	res := &SignUpResult{UserConfirmed: false, UserSub: sub}
	if u.Status == StatusConfirmed { // PreSignUp's autoConfirmUser: no code
		res.UserConfirmed = true
		if err := s.postConfirmation(ctx, p, c.ID, srcPostConfirmSignUp, key); err != nil {
			return nil, err
		}
		return res, nil
	}
	if attr := autoVerifyTarget(p, attrs); attr != "" {
		d, err := s.sendVerificationCode(ctx, p, u, purposeSignUp, MessageSignUp, attr, SignUpCodeTTL)
		if err != nil {
			return nil, err
		}
		res.Delivery = d
	}
	return res, nil
}

// ConfirmSignUpInput is ConfirmSignUp's input.
type ConfirmSignUpInput struct {
	ClientID           string
	SecretHash         string
	Username           string
	Code               string
	ForceAliasCreation bool
}

// ConfirmSignUp confirms a user with the code SignUp sent.
func (s *Service) ConfirmSignUp(ctx context.Context, in ConfirmSignUpInput) error {
	p, u, found, err := s.acctUser(ctx, in.ClientID, in.SecretHash, in.Username)
	if err != nil {
		return err
	}
	if !found {
		// As an UNCONFIRMED user is answered: without auto-verification no
		// code was ever sent (ExpiredCodeException); with it, a wrong code,
		// counted towards the attempt limit (ghost.go).
		return s.ghostCode(p, in.Username, purposeSignUp, len(p.Settings.AutoVerifiedAttributes) > 0, SignUpCodeTTL)
	}
	if u.Status != StatusUnconfirmed {
		return Errorf(KindNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
	}
	// The alias the confirmation would create must be free (or be moved)
	// before the code is spent.
	if attr := autoVerifyTarget(p, u.Attributes); attr != "" && !p.UsesUsernameAttributes() {
		if err := s.acctCheckAliasFree(ctx, p, u, attr, in.ForceAliasCreation); err != nil {
			return err
		}
	}
	attr, err := s.consumeVerificationCode(ctx, p, u, purposeSignUp, in.Code)
	if err != nil {
		return err
	}
	if err := s.acctMarkConfirmed(ctx, p, u, attr, in.ForceAliasCreation); err != nil {
		return err
	}
	return s.postConfirmation(ctx, p, in.ClientID, srcPostConfirmSignUp, u.UsernameKey)
}

// acctCheckAliasFree fails with AliasExistsException when verifying attr would
// make it an alias another user already holds (unless force, in which case
// acctMarkVerified moves it).
func (s *Service) acctCheckAliasFree(ctx context.Context, p *Pool, u store.User, attr string, force bool) error {
	if force {
		return nil
	}
	attrs := acctCloneAttrs(u.Attributes)
	attrs[attr+"_verified"] = "true"
	kind, _, err := s.takenAlias(ctx, p, p.Aliases(attrs), u.UsernameKey)
	if err != nil {
		return err
	}
	if kind != "" {
		return aliasExists(kind)
	}
	return nil
}

// acctMarkConfirmed sets CONFIRMED and marks attr (if any) verified.
func (s *Service) acctMarkConfirmed(ctx context.Context, p *Pool, u store.User, attr string, force bool) error {
	return s.acctMarkVerified(ctx, p, u, attr, force, func(u *store.User) error {
		if u.Status != StatusUnconfirmed {
			return Errorf(KindNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
		}
		u.Status = StatusConfirmed
		return nil
	})
}

// acctMarkVerified sets attr_verified (when attr is not "") and recomputes the
// aliases, running extra inside the same update. With force an alias held
// by another user moves to u.
func (s *Service) acctMarkVerified(ctx context.Context, p *Pool, u store.User, attr string, force bool, extra func(*store.User) error) error {
	if attr != "" && force && !p.UsesUsernameAttributes() {
		attrs := acctCloneAttrs(u.Attributes)
		attrs[attr+"_verified"] = "true"
		if err := s.releaseAliases(ctx, p, p.Aliases(attrs), u.UsernameKey); err != nil {
			return err
		}
	}
	var aliases map[string]string
	_, err := s.updateUser(ctx, p, u.UsernameKey, func(cur *store.User) error {
		if extra != nil {
			if err := extra(cur); err != nil {
				return err
			}
		}
		if cur.Attributes == nil {
			cur.Attributes = map[string]string{}
		}
		if attr != "" && cur.Attributes[attr] != "" {
			cur.Attributes[attr+"_verified"] = "true"
		}
		cur.Aliases = p.Aliases(cur.Attributes)
		aliases = cur.Aliases
		return nil
	})
	return s.acctAliasError(ctx, p, u.UsernameKey, aliases, err)
}

// acctAliasError turns a store alias collision (wrapped as internal by
// updateUser) into AliasExistsException naming the taken alias.
func (s *Service) acctAliasError(ctx context.Context, p *Pool, key string, aliases map[string]string, err error) error {
	if err == nil || !errors.Is(err, store.ErrAliasExists) {
		return err
	}
	kind, _, lerr := s.takenAlias(ctx, p, aliases, key)
	if lerr != nil {
		return lerr
	}
	if kind == "" {
		kind = "email"
	}
	return aliasExists(kind)
}

func acctCloneAttrs(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func errAutoVerificationOff() *Error {
	return Errorf(KindInvalidParameter, "Auto verification not turned on.")
}

// ResendConfirmationCodeInput is ResendConfirmationCode's input.
type ResendConfirmationCodeInput struct {
	ClientID   string
	SecretHash string
	Username   string
}

// ResendConfirmationCode sends a new sign-up confirmation code (replacing
// the previous one).
func (s *Service) ResendConfirmationCode(ctx context.Context, in ResendConfirmationCodeInput) (*CodeDelivery, error) {
	ctx = withMessageClient(ctx, in.ClientID)
	p, u, hidden, err := s.acctCodeUser(ctx, in.ClientID, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	if hidden != nil {
		// An unknown username is answered as an UNCONFIRMED user would be:
		// refused without auto-verification, else a simulated send within
		// the same send limit (ghost.go).
		if len(p.Settings.AutoVerifiedAttributes) == 0 {
			return nil, errAutoVerificationOff()
		}
		if err := s.ghostSend(p, in.Username, purposeSignUp, SignUpCodeTTL); err != nil {
			return nil, err
		}
		return hidden, nil
	}
	if u.Status != StatusUnconfirmed {
		return nil, Errorf(KindInvalidParameter, "User is already confirmed.")
	}
	attr := autoVerifyTarget(p, u.Attributes)
	if attr == "" {
		return nil, errAutoVerificationOff()
	}
	return s.sendLimitedCode(ctx, p, u, purposeSignUp, MessageSignUp, attr, SignUpCodeTTL)
}
