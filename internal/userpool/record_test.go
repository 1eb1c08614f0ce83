package userpool

import (
	"context"

	"userpool/internal/store"
)

// userRecord is the stored record of a user, for tests that look at what
// the views leave out (credentials, MFA secrets, lockout state).
func (s *Service) userRecord(ctx context.Context, poolID, username string) (store.User, error) {
	_, u, err := s.lookupUser(ctx, poolID, username)
	return u, err
}
