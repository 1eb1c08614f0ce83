package userpool

import (
	"context"

	"userpool/internal/cognitorules"
	"userpool/internal/store"
)

// Self-service operations authorised by the user's access token:
// ChangePassword, UpdateUserAttributes, DeleteUserAttributes,
// GetUserAttributeVerificationCode, VerifyUserAttribute, DeleteUser and
// SetUserSettings. Each starts with AuthenticateAccessToken (signature,
// expiry, revocation, scope aws.cognito.signin.user.admin, user exists and
// is enabled).
//
// Attribute writes are limited to the app client's WriteAttributes (every
// attribute when the client lists none; email_verified and
// phone_number_verified never): NotAuthorizedException "A client attempted
// to write unauthorized attribute". Changing email or phone_number to a new
// value marks it unverified; when the attribute is in the pool's
// AutoVerifiedAttributes a verification code is sent and reported in
// CodeDeliveryDetailsList. The new value takes effect at once: Cognito's
// UserAttributeUpdateSettings (keep the old value until the new one is
// verified) is stored and echoed but not applied.
//
// ChangePassword counts a wrong previous password as a failed sign-in
// (lockout.go); while the user is locked it answers LimitExceededException
// "Attempt limit exceeded, please try after some time.".

// ChangePassword replaces the user's password after checking the previous
// one. previous is nil when the caller sent no PreviousPassword.
func (s *Service) ChangePassword(ctx context.Context, accessToken string, previous *string, proposed string) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	p, u := ac.Pool, ac.User
	if previous == nil && u.Password.Hash != "" {
		return Errorf(KindInvalidParameter, "%s", cognitorules.Message(cognitorules.NullViolation("previousPassword")))
	}
	if err := checkPassword(p, proposed, "proposedPassword"); err != nil {
		return err
	}
	if previous != nil {
		// A wrong previous password counts towards the sign-in lockout;
		// while locked, Cognito answers LimitExceededException here.
		if _, err := s.reserveAttempt(ctx, p, u.UsernameKey); err != nil {
			if e := AsError(err); e.Kind == KindNotAuthorized {
				return errVerifyCodeLimit()
			}
			return err
		}
		ok := false
		if u.Password.Hash != "" {
			if ok, err = s.verifyStoredPassword(p, u, *previous); err != nil {
				return err
			}
		}
		if !ok {
			return Errorf(KindNotAuthorized, "Incorrect username or password.")
		}
	}
	return s.acctSetPassword(ctx, p, u, proposed, "proposedPassword", "", false)
}

// selfClient loads the app client the access token was issued to.
func (s *Service) selfClient(ctx context.Context, ac *accessCtx) (*Client, error) {
	c, err := s.GetClient(ctx, ac.Pool.ID, ac.Claims.ClientID)
	if KindOf(err) == KindResourceNotFound {
		return nil, errInvalidAccessToken()
	}
	return c, err
}

// UpdateUserAttributes changes the user's own attributes (a blank value
// deletes one) and sends verification codes for changed auto-verified
// email/phone_number values.
func (s *Service) UpdateUserAttributes(ctx context.Context, accessToken string, attrs []Attribute) ([]CodeDelivery, error) {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	c, err := s.selfClient(ctx, ac)
	if err != nil {
		return nil, err
	}
	if err := acctCheckWritable(c, attrs); err != nil {
		return nil, err
	}
	p, u := ac.Pool, ac.User
	if err := checkSignInAttributeKept(p, u, attrs); err != nil {
		return nil, err
	}
	var toVerify []string
	var aliases map[string]string
	updated, err := s.updateUser(ctx, p, u.UsernameKey, func(cur *store.User) error {
		toVerify = toVerify[:0]
		if cur.Attributes == nil {
			cur.Attributes = map[string]string{}
		}
		before := acctCloneAttrs(cur.Attributes)
		if err := applyAttributes(p, cur.Attributes, attrs, false); err != nil {
			return err
		}
		for _, a := range []string{"email", "phone_number"} {
			if v := cur.Attributes[a]; v != "" && v != before[a] {
				cur.Attributes[a+"_verified"] = "false"
				if hasString(p.Settings.AutoVerifiedAttributes, a) {
					toVerify = append(toVerify, a)
				}
			}
		}
		cur.Aliases = p.Aliases(cur.Attributes)
		aliases = cur.Aliases
		return nil
	})
	if err := s.acctAliasError(ctx, p, u.UsernameKey, aliases, err); err != nil {
		return nil, err
	}
	out := []CodeDelivery{}
	for _, a := range toVerify {
		d, err := s.sendVerificationCode(ctx, p, updated, purposeVerifyPrefix+a, MessageVerifyAttribute, a, AttributeCodeTTL)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, nil
}

// checkSignInAttributeKept refuses to delete the sign-in attribute of a
// UsernameAttributes pool.
func checkSignInAttributeKept(p *Pool, u store.User, attrs []Attribute) error {
	if !p.UsesUsernameAttributes() {
		return nil
	}
	for _, a := range attrs {
		if a.Value == "" && hasString(p.Settings.UsernameAttributes, a.Name) && u.Attributes[a.Name] != "" {
			return errRequiredAttribute(a.Name)
		}
	}
	return nil
}

// DeleteUserAttributes removes the user's own attributes.
func (s *Service) DeleteUserAttributes(ctx context.Context, accessToken string, names []string) error {
	attrs := make([]Attribute, len(names))
	for i, n := range names {
		attrs[i] = Attribute{Name: n}
	}
	_, err := s.UpdateUserAttributes(ctx, accessToken, attrs)
	return err
}

// verifiableAttribute checks an AttributeName of the verification operations.
func verifiableAttribute(name string) error {
	if name != "email" && name != "phone_number" {
		return Errorf(KindInvalidParameter, "Invalid attribute name %s; only email and phone_number can be verified.", name)
	}
	return nil
}

// GetUserAttributeVerificationCode sends a code that verifies the user's
// email or phone_number.
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, accessToken, attr string) (*CodeDelivery, error) {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if err := verifiableAttribute(attr); err != nil {
		return nil, err
	}
	if ac.User.Attributes[attr] == "" {
		return nil, Errorf(KindInvalidParameter, "User does not have a value for the attribute %s.", attr)
	}
	return s.sendLimitedCode(ctx, ac.Pool, ac.User, purposeVerifyPrefix+attr, MessageVerifyAttribute, attr, AttributeCodeTTL)
}

// VerifyUserAttribute marks the user's email or phone_number verified with
// the code GetUserAttributeVerificationCode / UpdateUserAttributes sent.
func (s *Service) VerifyUserAttribute(ctx context.Context, accessToken, attr, code string) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	if err := verifiableAttribute(attr); err != nil {
		return err
	}
	p, u := ac.Pool, ac.User
	if !p.UsesUsernameAttributes() {
		if err := s.acctCheckAliasFree(ctx, p, u, attr, false); err != nil {
			return err
		}
	}
	got, err := s.consumeVerificationCode(ctx, p, u, purposeVerifyPrefix+attr, code)
	if err != nil {
		return err
	}
	return s.acctMarkVerified(ctx, p, u, got, false, nil)
}

// DeleteUser deletes the user the access token belongs to.
func (s *Service) DeleteUser(ctx context.Context, accessToken string) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	if err := s.RevokeUserCredentials(ctx, ac.Pool.ID, ac.User.UsernameKey); err != nil { // keyring told at once
		return err
	}
	err = s.store.DeleteUser(ctx, ac.Pool.ID, ac.User.UsernameKey)
	return storeError(err, on(store.ErrNotFound, func() *Error { return Errorf(KindNotAuthorized, "User does not exist.") }))
}

// SetUserSettings stores the user's legacy MFA options (as AdminSetUserSettings).
func (s *Service) SetUserSettings(ctx context.Context, accessToken string, opts []MFAOption) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	return s.AdminSetUserSettings(ctx, ac.Pool.ID, ac.User.Username, opts)
}
