package userpool

import (
	"context"
	"errors"

	"userpool/internal/store"
)

func errGroupNotFound() *Error { return Errorf(KindResourceNotFound, "Group not found.") }

// GroupInput is the input of CreateGroup and UpdateGroup. For UpdateGroup a
// nil member leaves the group's value unchanged.
type GroupInput struct {
	PoolID      string
	Name        string
	Description *string
	RoleArn     *string
	Precedence  *int64
}

// CreateGroup creates a group; GroupExistsException on a duplicate name,
// LimitExceededException when the pool has the maximum number of groups.
func (s *Service) CreateGroup(ctx context.Context, in GroupInput) (Group, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return Group{}, err
	}
	now := s.nowUTC()
	g := store.Group{PoolID: p.ID, Name: in.Name, Precedence: in.Precedence, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		g.Description = *in.Description
	}
	if in.RoleArn != nil {
		g.RoleArn = *in.RoleArn
	}
	if err := s.store.CreateGroup(ctx, g, s.limits.GroupsPerPool); err != nil {
		return Group{}, storeError(err,
			on(store.ErrAlreadyExists, func() *Error { return Errorf(KindGroupExists, "A group with the name already exists.") }),
			on(store.ErrLimitExceeded, func() *Error {
				return Errorf(KindLimitExceeded, "The user pool has reached its limit of %d groups.", s.limits.GroupsPerPool)
			}))
	}
	return groupView(g), nil
}

// GetGroup returns a group; ResourceNotFoundException "Group not found." when missing.
func (s *Service) GetGroup(ctx context.Context, poolID, name string) (Group, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return Group{}, err
	}
	g, err := s.getGroup(ctx, p, name)
	return groupView(g), err
}

func (s *Service) getGroup(ctx context.Context, p *Pool, name string) (store.Group, error) {
	g, err := s.store.GetGroup(ctx, p.ID, name)
	if err != nil {
		return store.Group{}, storeError(err, on(store.ErrNotFound, errGroupNotFound))
	}
	return g, nil
}

// ListGroups lists a pool's groups by name.
func (s *Service) ListGroups(ctx context.Context, poolID string, limit int, token string) ([]Group, string, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, "", err
	}
	scope := "groups"
	page, err := unwrapToken(p.ID, scope, limit, token)
	if err != nil {
		return nil, "", err
	}
	gs, next, err := s.store.ListGroups(ctx, p.ID, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	return groupViews(gs), wrapToken(p.ID, scope, next), nil
}

// UpdateGroup changes the members given in in; the others stay as they are.
func (s *Service) UpdateGroup(ctx context.Context, in GroupInput) (Group, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return Group{}, err
	}
	now := s.nowUTC()
	g, err := s.store.UpdateGroup(ctx, p.ID, in.Name, func(g *store.Group) error {
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.RoleArn != nil {
			g.RoleArn = *in.RoleArn
		}
		if in.Precedence != nil {
			n := *in.Precedence
			g.Precedence = &n
		}
		g.UpdatedAt = now
		return nil
	})
	if err != nil {
		return Group{}, storeError(err, on(store.ErrNotFound, errGroupNotFound))
	}
	return groupView(g), nil
}

// DeleteGroup deletes a group and its memberships (members may remain).
func (s *Service) DeleteGroup(ctx context.Context, poolID, name string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	err = s.store.DeleteGroup(ctx, p.ID, name)
	return storeError(err, on(store.ErrNotFound, errGroupNotFound))
}

// membership resolves the pool, the group and the user of a membership call.
// The group is checked first, as Cognito reports an unknown group before an
// unknown user.
func (s *Service) membership(ctx context.Context, poolID, username, group string) (*Pool, store.User, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, store.User{}, err
	}
	if _, err := s.getGroup(ctx, p, group); err != nil {
		return nil, store.User{}, err
	}
	u, err := s.resolveUser(ctx, p, username)
	if err != nil {
		return nil, store.User{}, err
	}
	return p, u, nil
}

// AdminAddUserToGroup adds a user to a group (idempotent).
//
// The group is not read first: the store checks that the user and the group
// exist in the same transaction as the write, and only when it reports one
// missing is the group looked up, to answer as membership does (a missing
// group is reported before a missing user).
func (s *Service) AdminAddUserToGroup(ctx context.Context, poolID, username, group string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	// Nor is the user: the name is first taken as a username, which is what
	// callers pass almost always. Only when the store finds no such user or
	// group is the group checked and the name resolved (alias, sub).
	err = store.ErrNotFound
	if key, ok := p.directKey(username); ok {
		err = s.store.AddUserToGroup(ctx, p.ID, key, group, s.limits.GroupsPerUser)
	}
	if errors.Is(err, store.ErrNotFound) {
		if _, gerr := s.getGroup(ctx, p, group); gerr != nil {
			return gerr
		}
		u, uerr := s.resolveUser(ctx, p, username)
		if uerr != nil {
			return uerr
		}
		err = s.store.AddUserToGroup(ctx, p.ID, u.UsernameKey, group, s.limits.GroupsPerUser)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrLimitExceeded):
		return Errorf(KindLimitExceeded, "The user has reached the limit of %d groups.", s.limits.GroupsPerUser)
	case errors.Is(err, store.ErrNotFound):
		// The group is missing, or the user was deleted concurrently: say
		// which is gone.
		if _, gerr := s.getGroup(ctx, p, group); gerr != nil {
			return gerr
		}
		return errUserNotFound()
	default:
		return Internal(err)
	}
}

// AdminRemoveUserFromGroup removes a user from a group (no error when the
// user was not a member).
//
// The name is first taken as a username and the membership deleted at once:
// a removed membership proves the group and the user exist. Only when
// nothing was removed are the group and the user (alias, sub) looked up, to
// report a missing one as Cognito does (group first) or to remove the
// membership of the user an alias names.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, poolID, username, group string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	key, direct := p.directKey(username)
	if direct {
		err := s.store.RemoveUserFromGroup(ctx, p.ID, key, group)
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return Internal(err)
		}
	}
	p, u, err := s.membership(ctx, poolID, username, group)
	if err != nil {
		return err
	}
	if direct && u.UsernameKey == key {
		return nil // not a member: idempotent
	}
	if err := s.store.RemoveUserFromGroup(ctx, p.ID, u.UsernameKey, group); err != nil && !errors.Is(err, store.ErrNotFound) {
		return Internal(err)
	}
	return nil
}

// AdminListGroupsForUser lists the groups of a user by name.
//
// The name is first taken as a username and the groups listed at once: a
// listed group proves the user exists (memberships are deleted with their
// user). Only an empty page or a token that does not fit sends the call the
// long way: resolve the user (alias, sub; UserNotFoundException first), then
// list.
func (s *Service) AdminListGroupsForUser(ctx context.Context, poolID, username string, limit int, token string) ([]Group, string, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, "", err
	}
	if key, ok := p.directKey(username); ok {
		if page, err := unwrapToken(p.ID, "user-groups\x00"+key, limit, token); err == nil {
			gs, next, err := s.store.ListGroupsForUser(ctx, p.ID, key, page)
			if err == nil && len(gs) > 0 {
				return groupViews(gs), wrapToken(p.ID, "user-groups\x00"+key, next), nil
			}
		}
	}
	u, err := s.resolveUser(ctx, p, username)
	if err != nil {
		return nil, "", err
	}
	scope := "user-groups\x00" + u.UsernameKey
	page, err := unwrapToken(p.ID, scope, limit, token)
	if err != nil {
		return nil, "", err
	}
	gs, next, err := s.store.ListGroupsForUser(ctx, p.ID, u.UsernameKey, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	return groupViews(gs), wrapToken(p.ID, scope, next), nil
}

// ListUsersInGroup lists the members of a group by username, as summaries
// (store.Page.Summary) like ListUsers.
//
// The group is read only when the page is empty or an error is due: a
// listed member proves the group existed when the page was read, since
// memberships are deleted with their group (ON DELETE CASCADE in both
// stores). A missing group is still reported before a bad token.
func (s *Service) ListUsersInGroup(ctx context.Context, poolID, group string, limit int, token string) ([]User, string, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, "", err
	}
	groupMissing := func() error {
		_, err := s.getGroup(ctx, p, group)
		return err
	}
	scope := "group-users\x00" + group
	page, err := unwrapToken(p.ID, scope, limit, token)
	if err != nil {
		if gerr := groupMissing(); gerr != nil {
			return nil, "", gerr
		}
		return nil, "", err
	}
	page.Summary = true // what a listing shows; no credentials
	us, next, err := s.store.ListUsersInGroup(ctx, p.ID, group, page)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", errGroupNotFound()
		}
		if gerr := groupMissing(); gerr != nil {
			return nil, "", gerr
		}
		return nil, "", listPageError(err)
	}
	if len(us) == 0 {
		if gerr := groupMissing(); gerr != nil {
			return nil, "", gerr
		}
	}
	views, err := userViews(us)
	if err != nil {
		return nil, "", err
	}
	return views, wrapToken(p.ID, scope, next), nil
}

// GroupsForUser returns every group of the user (for the token issuer's
// cognito:groups, cognito:roles and cognito:preferred_role), ordered by name.
func (s *Service) GroupsForUser(ctx context.Context, p *Pool, usernameKey string) ([]Group, error) {
	gs, err := s.store.AllGroupsForUser(ctx, p.ID, usernameKey)
	if err != nil {
		return nil, Internal(err)
	}
	return groupViews(gs), nil
}
