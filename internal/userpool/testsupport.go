package userpool

import (
	"context"
	"errors"
	"slices"

	"userpool/internal/store"
)

// Test support: what the test API (internal/testapi) and fixtures
// (`userpool seed`) do that Cognito has no operation for. Each goes through
// the same rules as the Cognito operations it stands in for; none is
// reachable without the root grant (the test API's guard) or the operator's
// own command line.

// TestStatuses are the statuses SetUserStatus moves a user to: the ones the
// sign-in flows act on.
var TestStatuses = []string{StatusUnconfirmed, StatusConfirmed, StatusForceChangePassword, StatusResetRequired}

// MintTokens issues ID, access and refresh tokens for a user of the pool
// through the app client clientID, without a sign-in: the same issuance as
// a completed sign-in (claims, groups, validities of the client, a refresh
// token with a new origin_jti), whatever the user's status. A disabled user
// is refused as a sign-in would refuse it.
func (s *Service) MintTokens(ctx context.Context, poolID, clientID, username string) (*AuthenticationResult, error) {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return nil, err
	}
	if clientID == "" {
		return nil, errMissingParam("clientId")
	}
	c, err := s.GetClient(ctx, poolID, clientID)
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, Errorf(KindNotAuthorized, "User is disabled.")
	}
	return s.issueTokens(ctx, p, c, u, "")
}

// SetUserStatus moves a user to status (one of TestStatuses). Only the
// status changes: the password, its temporary flag and the attributes stay
// (AdminSetUserPassword sets a password).
func (s *Service) SetUserStatus(ctx context.Context, poolID, username, status string) (User, error) {
	if !slices.Contains(TestStatuses, status) {
		return User{}, invalidParam("status must be one of UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED.")
	}
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return User{}, err
	}
	if u.Status == status {
		return userView(u)
	}
	u, err = s.updateUser(ctx, p, u.UsernameKey, func(cur *store.User) error {
		cur.Status = status
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return userView(u)
}

// ResetOptions chooses what ResetPool keeps.
type ResetOptions struct {
	KeepGroups  bool
	KeepClients bool
}

// ResetReport counts what a reset deleted.
type ResetReport struct {
	Pools   int `json:"pools,omitempty"`
	Users   int `json:"users"`
	Groups  int `json:"groups"`
	Clients int `json:"clients"`
}

// resetPage is how many records a reset lists at a time.
const resetPage = 60

// ResetPool deletes every user (with their memberships, devices, tokens
// and codes), every group and every app client of a pool, each through its
// Admin*/Delete* operation; the pool itself, its settings, signing keys and
// domain stay, so its id and the tokens' issuer are unchanged.
func (s *Service) ResetPool(ctx context.Context, poolID string, opts ResetOptions) (ResetReport, error) {
	var rep ResetReport
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return rep, err
	}
	// Each pass lists the first page again: what it deleted is gone.
	for {
		users, _, err := s.ListUsers(ctx, ListUsersInput{PoolID: poolID, Limit: resetPage})
		if err != nil {
			return rep, err
		}
		if len(users) == 0 {
			break
		}
		for _, u := range users {
			if err := s.AdminDeleteUser(ctx, poolID, u.Username); err != nil && KindOf(err) != KindUserNotFound {
				return rep, err
			}
			rep.Users++
		}
	}
	if !opts.KeepGroups {
		for {
			groups, _, err := s.ListGroups(ctx, poolID, resetPage, "")
			if err != nil {
				return rep, err
			}
			if len(groups) == 0 {
				break
			}
			for _, g := range groups {
				if err := s.DeleteGroup(ctx, poolID, g.Name); err != nil && KindOf(err) != KindResourceNotFound {
					return rep, err
				}
				rep.Groups++
			}
		}
	}
	if !opts.KeepClients {
		for {
			clients, _, err := s.ListClients(ctx, poolID, resetPage, "")
			if err != nil {
				return rep, err
			}
			if len(clients) == 0 {
				break
			}
			for _, c := range clients {
				if err := s.DeleteClient(ctx, poolID, c.ID); err != nil && KindOf(err) != KindResourceNotFound {
					return rep, err
				}
				rep.Clients++
			}
		}
	}
	return rep, nil
}

// ResetAll deletes every pool with everything in it, as moto's reset
// empties every backend. Deletion protection and domains do not stop it.
// Principals and access keys are not pool data and stay (the caller's own
// key among them).
func (s *Service) ResetAll(ctx context.Context) (ResetReport, error) {
	var rep ResetReport
	for {
		pools, _, err := s.ListPools(ctx, resetPage, "")
		if err != nil {
			return rep, err
		}
		if len(pools) == 0 {
			return rep, nil
		}
		for _, p := range pools {
			err := s.store.DeletePool(ctx, p.ID)
			s.pools.invalidate(p.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return rep, Internal(err)
			}
			rep.Pools++
		}
	}
}

// SeedUserInput is one fixture user (SeedUser).
type SeedUserInput struct {
	PoolID   string
	Username string
	// Password, when set, is the user's password (checked against the
	// pool's policy and hashed with the Service's parameters); Temporary
	// makes it a temporary one (FORCE_CHANGE_PASSWORD, expiring after the
	// pool's TemporaryPasswordValidityDays). Without a password a new user
	// gets a generated, undelivered temporary one (AdminCreateUser with
	// MessageAction SUPPRESS) and cannot sign in until one is set.
	Password   string
	Temporary  bool
	Attributes []Attribute
	// Status, when set, is one of TestStatuses; the default follows the
	// password: CONFIRMED for a permanent one, FORCE_CHANGE_PASSWORD for a
	// temporary one, unchanged without one.
	Status string
	// Enabled, when set, enables or disables the user.
	Enabled *bool
	// Groups the user is added to (existing memberships are kept).
	Groups []string
}

// SeedResult says what SeedUser did.
type SeedResult struct {
	User    User
	Created bool
	// Changed names what an existing user had changed: "attributes",
	// "password", "status", "enabled", "groups". Empty: already as seeded.
	Changed []string
}

// SeedUser creates a fixture user or brings an existing one to the seeded
// state, idempotently: a second run with the same input changes nothing
// (the password is re-set only when it no longer verifies or its temporary
// flag differs). It composes the Cognito operations — AdminCreateUser
// (SUPPRESS), AdminUpdateUserAttributes, AdminSetUserPassword,
// AdminEnable/DisableUser, AdminAddUserToGroup — so every rule (schema,
// aliases, password policy, hashing, group limits) is theirs. Nothing is
// sent to the user.
func (s *Service) SeedUser(ctx context.Context, in SeedUserInput) (SeedResult, error) {
	var res SeedResult
	if in.Status != "" && !slices.Contains(TestStatuses, in.Status) {
		return res, invalidParam("status must be one of UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED.")
	}
	p, u, err := s.lookupUser(ctx, in.PoolID, in.Username)
	switch {
	case KindOf(err) == KindUserNotFound:
		if _, err := s.AdminCreateUser(ctx, CreateUserInput{
			PoolID: in.PoolID, Username: in.Username, Attributes: in.Attributes,
			TemporaryPassword: in.Password, MessageAction: "SUPPRESS",
		}); err != nil {
			return res, err
		}
		res.Created = true
		if p, u, err = s.lookupUser(ctx, in.PoolID, in.Username); err != nil {
			return res, err
		}
	case err != nil:
		return res, err
	default:
		var diff []Attribute
		for _, a := range in.Attributes {
			if v, ok := u.Attributes[a.Name]; !ok || v != a.Value {
				diff = append(diff, a)
			}
		}
		if len(diff) > 0 {
			if err := s.AdminUpdateUserAttributes(ctx, in.PoolID, u.Username, diff); err != nil {
				return res, err
			}
			res.Changed = append(res.Changed, "attributes")
		}
	}
	if in.Password != "" {
		same := false
		if u.Password.Hash != "" && u.Password.Temporary == in.Temporary {
			if same, err = s.verifyStoredPassword(p, u, in.Password); err != nil {
				return res, err
			}
		}
		if !same {
			if err := s.AdminSetUserPassword(ctx, in.PoolID, u.Username, in.Password, !in.Temporary); err != nil {
				return res, err
			}
			if !res.Created {
				res.Changed = append(res.Changed, "password")
			}
		}
	}
	status := in.Status
	if status == "" && in.Password != "" {
		status = StatusConfirmed
		if in.Temporary {
			status = StatusForceChangePassword
		}
	}
	if status != "" {
		cur, err := s.AdminGetUser(ctx, in.PoolID, u.Username)
		if err != nil {
			return res, err
		}
		if cur.Status != status {
			if _, err := s.SetUserStatus(ctx, in.PoolID, u.Username, status); err != nil {
				return res, err
			}
			if !res.Created && !slices.Contains(res.Changed, "password") {
				res.Changed = append(res.Changed, "status")
			}
		}
	}
	if in.Enabled != nil && *in.Enabled != u.Enabled {
		if err := s.setEnabled(ctx, in.PoolID, u.Username, *in.Enabled); err != nil {
			return res, err
		}
		if !res.Created {
			res.Changed = append(res.Changed, "enabled")
		}
	}
	if len(in.Groups) > 0 {
		have := map[string]bool{}
		groups, err := s.store.AllGroupsForUser(ctx, p.ID, u.UsernameKey)
		if err != nil {
			return res, Internal(err)
		}
		for _, g := range groups {
			have[g.Name] = true
		}
		added := false
		for _, g := range in.Groups {
			if have[g] {
				continue
			}
			if err := s.AdminAddUserToGroup(ctx, in.PoolID, u.Username, g); err != nil {
				return res, err
			}
			added = true
		}
		if added && !res.Created {
			res.Changed = append(res.Changed, "groups")
		}
	}
	res.User, err = s.AdminGetUser(ctx, in.PoolID, u.Username)
	return res, err
}
