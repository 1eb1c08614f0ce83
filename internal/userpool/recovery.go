package userpool

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"userpool/internal/store"
)

// Password recovery and administrative password changes: ForgotPassword,
// ConfirmForgotPassword, AdminResetUserPassword, AdminSetUserPassword.
//
// Every password set goes through acctSetPassword: the API format rules and the
// pool policy (checkPassword: InvalidParameterException /
// InvalidPasswordException with Cognito's messages), then a fresh argon2id
// hash and a fresh 16-byte SRP salt and verifier for the internal username
// (NewPassword). Setting a password also clears the sign-in lockout
// counters; it revokes no tokens (Cognito does not either).
//
// Recovery destination: the pool's AccountRecoverySetting when set
// (verified_email, verified_phone_number by priority; admin_only refuses
// self-service recovery); without it the verified email first, then the
// verified phone number. (Cognito's legacy rule without the setting prefers
// SMS; userpool prefers email because its built-in sender delivers email.)
// No verified contact → InvalidParameterException "Cannot reset password for
// the user as there is no registered/verified email or phone_number".
//
// AdminResetUserPassword sets RESET_REQUIRED and discards the stored
// credential (hash and SRP verifier), so the old password can no longer
// sign in by any flow; sign-in answers PasswordResetRequiredException for
// that status. It then sends a reset code like ForgotPassword (and fails
// without changing anything when the user has no verified contact).

const msgNoRecoveryContact = "Cannot reset password for the user as there is no registered/verified email or phone_number"

// recoveryBy says who starts a recovery: the user (ForgotPassword) or an
// administrator (AdminResetUserPassword).
type recoveryBy int

const (
	byUser recoveryBy = iota
	byAdmin
)

// defaultRecoveryOrder is the channel order without an AccountRecoverySetting.
var defaultRecoveryOrder = []string{"verified_email", "verified_phone_number"}

// recoveryTarget picks the attribute a reset code goes to. A pool whose
// AccountRecoverySetting is admin_only refuses self-service recovery with
// NotAuthorizedException "Contact administrator to reset password."; an
// administrator's reset there goes to the verified contact in the default
// order.
func recoveryTarget(p *Pool, u store.User, by recoveryBy) (string, error) {
	order := defaultRecoveryOrder
	if raw, ok := p.Settings.Extra["AccountRecoverySetting"]; ok {
		var setting struct {
			RecoveryMechanisms []struct {
				Priority int    `json:"Priority"`
				Name     string `json:"Name"`
			} `json:"RecoveryMechanisms"`
		}
		if json.Unmarshal(raw, &setting) == nil && len(setting.RecoveryMechanisms) > 0 {
			ms := setting.RecoveryMechanisms
			sort.SliceStable(ms, func(i, j int) bool { return ms[i].Priority < ms[j].Priority })
			order = nil
			for _, m := range ms {
				order = append(order, m.Name)
			}
		}
	}
	if len(order) == 1 && order[0] == "admin_only" {
		if by == byUser {
			return "", Errorf(KindNotAuthorized, "Contact administrator to reset password.")
		}
		order = defaultRecoveryOrder
	}
	for _, name := range order {
		var attr string
		switch name {
		case "verified_email":
			attr = "email"
		case "verified_phone_number":
			attr = "phone_number"
		default: // admin_only
			continue
		}
		if u.Attributes[attr] != "" && u.Attributes[attr+"_verified"] == "true" {
			return attr, nil
		}
	}
	return "", Errorf(KindInvalidParameter, msgNoRecoveryContact)
}

// acctSetPassword checks pw (reported under member) and stores it for u with
// the given status; temporary passwords get the pool's validity.
func (s *Service) acctSetPassword(ctx context.Context, p *Pool, u store.User, pw, member, status string, temporary bool) error {
	if err := checkPassword(p, pw, member); err != nil {
		return err
	}
	cred, err := s.newPassword(p, u.Username, pw, temporary)
	if err != nil {
		return err
	}
	_, err = s.updateUser(ctx, p, u.UsernameKey, func(cur *store.User) error {
		cur.Password = cred
		if status != "" {
			cur.Status = status
		}
		cur.FailedLogins = 0
		cur.LockedUntil = time.Time{}
		return nil
	})
	return err
}

// ForgotPasswordInput is ForgotPassword's input.
type ForgotPasswordInput struct {
	ClientID   string
	SecretHash string
	Username   string
}

// ForgotPassword sends a password reset code to the user's verified contact.
func (s *Service) ForgotPassword(ctx context.Context, in ForgotPasswordInput) (*CodeDelivery, error) {
	ctx = withMessageClient(ctx, in.ClientID)
	if err := s.forgotPasswordMigration(ctx, in.ClientID, in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	p, u, hidden, err := s.acctCodeUser(ctx, in.ClientID, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	if hidden != nil {
		// An unknown username: the pool-wide refusal a user would get, then
		// a simulated send within the same send limit (ghost.go).
		if _, err := recoveryTarget(p, store.User{}, byUser); KindOf(err) == KindNotAuthorized {
			return nil, err
		}
		if err := s.ghostSend(p, in.Username, purposeReset, ResetCodeTTL); err != nil {
			return nil, err
		}
		return hidden, nil
	}
	if !u.Enabled {
		return nil, Errorf(KindNotAuthorized, "User is disabled.")
	}
	if u.Status == StatusForceChangePassword {
		return nil, Errorf(KindNotAuthorized, "User password cannot be reset in the current state.")
	}
	attr, err := recoveryTarget(p, u, byUser)
	if err != nil {
		return nil, err
	}
	return s.sendLimitedCode(ctx, p, u, purposeReset, MessageForgotPassword, attr, ResetCodeTTL)
}

// ConfirmForgotPasswordInput is ConfirmForgotPassword's input.
type ConfirmForgotPasswordInput struct {
	ClientID   string
	SecretHash string
	Username   string
	Code       string
	Password   string
}

// ConfirmForgotPassword sets a new password with a reset code. The user
// ends CONFIRMED.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in ConfirmForgotPasswordInput) error {
	p, u, found, err := s.acctUser(ctx, in.ClientID, in.SecretHash, in.Username)
	if err != nil {
		return err
	}
	// Check the new password before spending the code.
	if err := checkPassword(p, in.Password, "password"); err != nil {
		return err
	}
	if !found {
		// As a user is answered: ExpiredCodeException without a (simulated)
		// reset code, else a wrong code within the attempt limit.
		return s.ghostCode(p, in.Username, purposeReset, false, ResetCodeTTL)
	}
	if _, err := s.consumeVerificationCode(ctx, p, u, purposeReset, in.Code); err != nil {
		return err
	}
	if err := s.acctSetPassword(ctx, p, u, in.Password, "password", StatusConfirmed, false); err != nil {
		return err
	}
	return s.postConfirmation(ctx, p, in.ClientID, srcPostConfirmForgot, u.UsernameKey)
}

// AdminResetUserPassword requires the user to reset the password: status
// RESET_REQUIRED, the old credential discarded, a reset code sent.
func (s *Service) AdminResetUserPassword(ctx context.Context, poolID, username string) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	if !u.Enabled {
		return Errorf(KindNotAuthorized, "User is disabled.")
	}
	if u.Status == StatusForceChangePassword {
		return Errorf(KindNotAuthorized, "User password cannot be reset in the current state.")
	}
	attr, err := recoveryTarget(p, u, byAdmin)
	if err != nil {
		return err
	}
	u, err = s.updateUser(ctx, p, u.UsernameKey, func(cur *store.User) error {
		cur.Status = StatusResetRequired
		cur.Password = store.Password{SetAt: s.nowUTC()}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.sendVerificationCode(ctx, p, u, purposeReset, MessageForgotPassword, attr, ResetCodeTTL)
	return err
}

// AdminSetUserPassword sets a user's password: permanent → CONFIRMED,
// otherwise a temporary password (FORCE_CHANGE_PASSWORD) valid for the
// pool's TemporaryPasswordValidityDays.
func (s *Service) AdminSetUserPassword(ctx context.Context, poolID, username, pw string, permanent bool) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	status := StatusForceChangePassword
	if permanent {
		status = StatusConfirmed
	}
	return s.acctSetPassword(ctx, p, u, pw, "password", status, !permanent)
}
