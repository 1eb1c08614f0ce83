package userpool

import (
	"context"
	"errors"
	"time"

	"userpool/internal/store"
)

// Lockout after failed sign-ins, following Cognito's documented behaviour
// ("Amazon Cognito allows five failed sign-in attempts. After that, it
// starts temporary lockouts with exponentially increasing times, starting at
// one second and doubling after each failed attempt up to about 15 minutes.
// Attempts during a temporary lockout period are ignored. ... Waiting about
// 15 minutes without any attempts also resets the temporary lockout."):
//
//   - FailedLogins counts consecutive failed password (or SRP) proofs.
//   - After the n-th failure (n ≥ LockoutFreeAttempts) the user is locked for
//     1 s · 2^(n−5), capped at LockoutMaxDuration (15 minutes): 1 s after the
//     5th failure, 2 s after the 6th, 4 s, … 512 s after the 14th and 900 s
//     from the 15th on.
//   - While locked every attempt, even with the right password, answers
//     NotAuthorizedException "Password attempts exceeded" and is not counted.
//   - LockedUntil is also written for failures before the 5th (= the time
//     of the failure) so that it always records the last failure; when the
//     last failure is LockoutReset (15 minutes) old, the count starts again.
//   - A successful proof resets the count.
//
// Concurrency: the attempt is reserved before the (expensive) password hash
// or SRP check, inside one store.UpdateUser transaction: the counter is
// incremented and the lock applied as if the attempt failed, and refused
// outright when the user is already locked. A correct proof then resets the
// counter. So N parallel guesses are counted exactly as N sequential ones:
// at most LockoutFreeAttempts guesses are ever compared before the first
// lock applies, however many run at once.

// Lockout parameters.
const (
	LockoutFreeAttempts = 5
	LockoutBase         = time.Second
	LockoutMaxDuration  = 15 * time.Minute
	LockoutReset        = 15 * time.Minute
)

func errPasswordAttemptsExceeded() *Error {
	return Errorf(KindNotAuthorized, "Password attempts exceeded")
}

// lockoutDuration is the lock applied after the n-th consecutive failure.
func lockoutDuration(n int) time.Duration {
	if n < LockoutFreeAttempts {
		return 0
	}
	d := LockoutBase
	for i := LockoutFreeAttempts; i < n; i++ {
		d *= 2
		if d >= LockoutMaxDuration {
			return LockoutMaxDuration
		}
	}
	return d
}

// reserveAttempt counts one sign-in attempt of the user as failed, before
// the proof is checked. It refuses (Password attempts exceeded) while the
// user is locked. Call resetAttempts after a correct proof.
func (s *Service) reserveAttempt(ctx context.Context, p *Pool, key string) (store.User, error) {
	return s.updateAuthState(ctx, p, key, func(u *store.User) error {
		return countAttempt(&u.FailedLogins, &u.LockedUntil, s.nowUTC())
	})
}

// countAttempt is the lockout arithmetic of one attempt, shared by users
// (their store row) and unknown usernames (ghost.go), so both lock alike:
// refused while locked, the count restarting LockoutReset after the last
// failure, the lock growing with the count.
func countAttempt(failed *int, lockedUntil *time.Time, now time.Time) error {
	if now.Before(*lockedUntil) {
		return errPasswordAttemptsExceeded()
	}
	if *failed > 0 && now.Sub(*lockedUntil) >= LockoutReset {
		*failed = 0
	}
	*failed++
	*lockedUntil = now.Add(lockoutDuration(*failed))
	return nil
}

// resetAttempts clears the failure count after a correct proof; extra may
// change the user in the same transaction (a password re-hash).
func (s *Service) resetAttempts(ctx context.Context, p *Pool, key string, extra func(*store.User)) (store.User, error) {
	return s.updateAuthState(ctx, p, key, func(u *store.User) error {
		u.FailedLogins = 0
		u.LockedUntil = time.Time{}
		if extra != nil {
			extra(u)
		}
		return nil
	})
}

// updateAuthState updates sign-in bookkeeping (lockout counters, re-hashed
// password, TOTP step) without touching UpdatedAt: signing in does not
// change a user's UserLastModifiedDate. Errors map as in updateUser.
func (s *Service) updateAuthState(ctx context.Context, p *Pool, key string, fn func(*store.User) error) (store.User, error) {
	u, err := s.store.UpdateUser(ctx, p.ID, key, fn)
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
