package userpool

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"userpool/internal/password"
	"userpool/internal/srp"
	"userpool/internal/store"
)

// Generated temporary passwords (AdminCreateUser without TemporaryPassword,
// and its MessageAction RESEND).
//
// A generated password is random and high-entropy: a slow hash protects
// nothing there, and an argon2id hash plus a 3,072-bit SRP verifier made
// creating users slow. So:
//
//   - Suppressed (MessageAction SUPPRESS): the password is known to no one,
//     so nothing is stored — no hash, no verifier. The user (status
//     FORCE_CHANGE_PASSWORD) cannot sign in until an administrator sets a
//     password (AdminSetUserPassword) or resets it (AdminResetUserPassword).
//     Sign-in attempts fail as wrong passwords do and count towards the
//     lockout.
//   - Delivered: the password is sealed with the master key (AES-256-GCM,
//     bound to the pool and the user) and stored in place of the hash, as
//     "$userpool-sealed-temporary$v1$<base64>". USER_PASSWORD_AUTH and the
//     admin flows open it and compare in constant time (over SHA-256
//     digests, so not even the length leaks); USER_SRP_AUTH computes the SRP
//     salt and verifier from it at its first start and stores them beside
//     it (the proof needs the verifier before it can be checked). The sealed
//     password is replaced when the user answers NEW_PASSWORD_REQUIRED, like
//     any temporary password.
//   - Without a sealer (tests, tools that build a Service without a master
//     key) a delivered generated password gets the full credential as
//     before.
//
// Every password a person chose — an administrator's TemporaryPassword, a
// permanent password, a user's own — still gets argon2id and a verifier
// (NewCredential).

const sealedTemporaryPrefix = "$userpool-sealed-temporary$v1$"

// isSealedTemporary reports whether a stored hash is a sealed generated
// temporary password.
func isSealedTemporary(hash string) bool { return strings.HasPrefix(hash, sealedTemporaryPrefix) }

// temporaryAD binds a sealed temporary password to its pool and user.
func temporaryAD(poolID, usernameKey string) []byte {
	return []byte("userpool temporary password\x00" + poolID + "\x00" + usernameKey)
}

// generatedCredential is the stored credential of a generated temporary
// password pw for the user (internal username userID, key usernameKey):
// empty when suppressed, sealed when delivered (full when there is no
// sealer).
func (s *Service) generatedCredential(p *Pool, userID, usernameKey, pw string, suppressed bool) (store.Password, error) {
	now := s.nowUTC()
	cred := store.Password{SetAt: now, Temporary: true, ExpiresAt: temporaryExpiry(p, now)}
	if suppressed {
		return cred, nil
	}
	sealer := s.temporarySealer()
	if sealer == nil {
		return s.newPassword(p, userID, pw, true)
	}
	sealed, err := sealer.Seal([]byte(pw), temporaryAD(p.ID, usernameKey))
	if err != nil {
		return store.Password{}, Internal(err)
	}
	cred.Hash = sealedTemporaryPrefix + base64.RawStdEncoding.EncodeToString(sealed)
	return cred, nil
}

// temporaryExpiry is when a temporary password set now expires (the pool's
// TemporaryPasswordValidityDays).
func temporaryExpiry(p *Pool, now time.Time) time.Time {
	days := p.Settings.PasswordPolicy.TemporaryPasswordValidityDays
	if days <= 0 {
		days = DefaultPasswordPolicy.TemporaryPasswordValidityDays
	}
	return now.Add(time.Duration(days) * 24 * time.Hour)
}

// openTemporary returns the plaintext of a sealed temporary password.
func (s *Service) openTemporary(p *Pool, u store.User) ([]byte, error) {
	sealer := s.temporarySealer()
	if sealer == nil {
		return nil, Internal(errors.New("a sealed temporary password is stored but no sealer is configured"))
	}
	b64 := strings.TrimPrefix(u.Password.Hash, sealedTemporaryPrefix)
	sealed, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil {
		return nil, Internal(fmt.Errorf("sealed temporary password: %w", err))
	}
	pw, err := sealer.Open(sealed, temporaryAD(p.ID, u.UsernameKey))
	if err != nil {
		return nil, Internal(fmt.Errorf("open temporary password: %w", err))
	}
	return pw, nil
}

// verifyStoredPassword checks pw against the user's stored credential: the
// argon2id (or legacy bcrypt) hash, or a sealed temporary password compared
// in constant time.
func (s *Service) verifyStoredPassword(p *Pool, u store.User, pw string) (bool, error) {
	if !isSealedTemporary(u.Password.Hash) {
		ok, err := password.Verify(pw, u.Password.Hash)
		if err != nil {
			return false, Internal(fmt.Errorf("verify stored password hash: %w", err))
		}
		return ok, nil
	}
	want, err := s.openTemporary(p, u)
	if err != nil {
		return false, err
	}
	defer clear(want)
	a, b := sha256.Sum256(want), sha256.Sum256([]byte(pw))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1, nil
}

// temporaryVerifier gives a user whose credential is a sealed temporary
// password its SRP salt and verifier (at the first SRP start) and returns
// the user as stored. A concurrent start that stored them first wins.
func (s *Service) temporaryVerifier(ctx context.Context, p *Pool, u store.User) (store.User, error) {
	pw, err := s.openTemporary(p, u)
	if err != nil {
		return store.User{}, err
	}
	defer clear(pw)
	salt := make([]byte, 16)
	if _, err := io.ReadFull(s.rand, salt); err != nil {
		return store.User{}, Internal(err)
	}
	verifier := srp.Verifier(p.PoolName(), u.Username, string(pw), salt)
	hash := u.Password.Hash
	return s.updateAuthState(ctx, p, u.UsernameKey, func(x *store.User) error {
		if x.Password.Hash == hash && len(x.Password.SRPVerifier) == 0 {
			x.Password.SRPSalt, x.Password.SRPVerifier = salt, verifier
		}
		return nil
	})
}

// temporarySealer is the master-key sealer (Options.Sealer), nil without one.
func (s *Service) temporarySealer() Sealer { return s.secrets.sealer }
