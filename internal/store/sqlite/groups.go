package sqlite

import (
	"context"
	"database/sql"

	"userpool/internal/store"
)

const groupCols = `pool_id, name, description, role_arn, precedence, created_at, updated_at`
const groupColsG = `g.pool_id, g.name, g.description, g.role_arn, g.precedence, g.created_at, g.updated_at`

func scanGroup(sc interface{ Scan(...any) error }) (store.Group, error) {
	var g store.Group
	var prec sql.NullInt64
	err := sc.Scan(&g.PoolID, &g.Name, &g.Description, &g.RoleArn, &prec, nt{&g.CreatedAt}, nt{&g.UpdatedAt})
	if prec.Valid {
		g.Precedence = &prec.Int64
	}
	return g, err
}

func precedence(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// CreateGroup inserts a group. maxGroups <= 0 means no limit.
func (s *Store) CreateGroup(ctx context.Context, g store.Group, maxGroups int) error {
	const op = "create group"
	return s.write(ctx, op, func(tx wtx) error {
		var exists, count int64
		if err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM user_groups WHERE pool_id = ? AND name = ?),
			(SELECT COUNT(*) FROM user_groups WHERE pool_id = ?)`, g.PoolID, g.Name, g.PoolID).Scan(&exists, &count); err != nil {
			return fail(op, err)
		}
		if exists != 0 {
			return fail(op, store.ErrAlreadyExists)
		}
		if maxGroups > 0 && count >= int64(maxGroups) {
			return fail(op, store.ErrLimitExceeded)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_groups (`+groupCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			g.PoolID, g.Name, g.Description, g.RoleArn, precedence(g.Precedence), tv(g.CreatedAt), tv(g.UpdatedAt)); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		return nil
	})
}

func getGroup(ctx context.Context, q querier, op, poolID, name string) (store.Group, error) {
	g, err := scanGroup(q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM user_groups WHERE pool_id = ? AND name = ?`, poolID, name))
	if err != nil {
		return store.Group{}, notFound(op, err)
	}
	return g, nil
}

func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	return getGroup(ctx, s.r, "get group", poolID, name)
}

func (s *Store) ListGroups(ctx context.Context, poolID string, page store.Page) ([]store.Group, string, error) {
	return keyPage(ctx, s, "list groups", "groups", page, scanGroup, groupName,
		`SELECT `+groupCols+` FROM user_groups WHERE pool_id = ? AND name > ? ORDER BY name`, poolID)
}

func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, fn func(*store.Group) error) (store.Group, error) {
	const op = "update group"
	var out store.Group
	err := s.write(ctx, op, func(tx wtx) error {
		g, err := getGroup(ctx, tx, op, poolID, name)
		if err != nil {
			return err
		}
		if err := fn(&g); err != nil {
			return err
		}
		g.PoolID, g.Name = poolID, name
		if _, err := tx.ExecContext(ctx, `UPDATE user_groups SET description = ?, role_arn = ?, precedence = ?, created_at = ?, updated_at = ?
			WHERE pool_id = ? AND name = ?`,
			g.Description, g.RoleArn, precedence(g.Precedence), tv(g.CreatedAt), tv(g.UpdatedAt), poolID, name); err != nil {
			return fail(op, err)
		}
		out = g
		return nil
	})
	return out, err
}

func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	const op = "delete group"
	return s.write(ctx, op, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE pool_id = ? AND group_name = ?`, poolID, name); err != nil {
			return fail(op, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM user_groups WHERE pool_id = ? AND name = ?`, poolID, name)
		return mustAffect(op, res, err)
	})
}

// AddUserToGroup adds a membership. maxGroupsPerUser <= 0 means no limit.
func (s *Store) AddUserToGroup(ctx context.Context, poolID, usernameKey, group string, maxGroupsPerUser int) error {
	const op = "add user to group"
	return s.write(ctx, op, func(tx wtx) error {
		var user, grp, member, count int64
		if err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM users WHERE pool_id = ?1 AND username_key = ?2),
			EXISTS (SELECT 1 FROM user_groups WHERE pool_id = ?1 AND name = ?3),
			EXISTS (SELECT 1 FROM group_members WHERE pool_id = ?1 AND group_name = ?3 AND username_key = ?2),
			(SELECT COUNT(*) FROM group_members WHERE pool_id = ?1 AND username_key = ?2)`,
			poolID, usernameKey, group).Scan(&user, &grp, &member, &count); err != nil {
			return fail(op, err)
		}
		switch {
		case user == 0 || grp == 0:
			return fail(op, store.ErrNotFound)
		case member != 0:
			return nil
		case maxGroupsPerUser > 0 && count >= int64(maxGroupsPerUser):
			return fail(op, store.ErrLimitExceeded)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_members (pool_id, group_name, username_key) VALUES (?, ?, ?)`,
			poolID, group, usernameKey); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		return nil
	})
}

func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, usernameKey, group string) error {
	const op = "remove user from group"
	res, err := s.wc.ExecContext(ctx, `DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username_key = ?`,
		poolID, group, usernameKey)
	if err != nil {
		return fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fail(op, err)
	} else if n == 0 {
		return fail(op, store.ErrNotFound)
	}
	return nil
}

const groupsOfUser = `SELECT ` + groupColsG + ` FROM group_members m CROSS JOIN user_groups g
	ON g.pool_id = m.pool_id AND g.name = m.group_name
	WHERE m.pool_id = ? AND m.username_key = ? AND m.group_name > ? ORDER BY m.group_name`

func (s *Store) ListGroupsForUser(ctx context.Context, poolID, usernameKey string, page store.Page) ([]store.Group, string, error) {
	return keyPage(ctx, s, "list groups for user", "user-groups", page, scanGroup, groupName, groupsOfUser, poolID, usernameKey)
}

func (s *Store) AllGroupsForUser(ctx context.Context, poolID, usernameKey string) ([]store.Group, error) {
	items, err := queryAll(ctx, s.r, scanGroup, groupsOfUser, poolID, usernameKey, "")
	if err != nil {
		return nil, fail("all groups for user", err)
	}
	return items, nil
}

func (s *Store) ListUsersInGroup(ctx context.Context, poolID, group string, page store.Page) ([]store.User, string, error) {
	cols, scan := userColumns(page)
	return keyPage(ctx, s, "list users in group", "group-users", page, scan, userKey,
		`SELECT `+cols+` FROM group_members m CROSS JOIN users u
		ON u.pool_id = m.pool_id AND u.username_key = m.username_key
		WHERE m.pool_id = ? AND m.group_name = ? AND m.username_key > ? ORDER BY m.username_key`, poolID, group)
}
