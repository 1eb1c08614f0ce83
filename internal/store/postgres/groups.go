package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

const groupCols = `pool_id, name, description, role_arn, precedence, created_at, updated_at`
const groupColsG = `g.pool_id, g.name, g.description, g.role_arn, g.precedence, g.created_at, g.updated_at`

func scanGroup(sc scanner) (store.Group, error) {
	var g store.Group
	err := sc.Scan(&g.PoolID, &g.Name, &g.Description, &g.RoleArn, &g.Precedence, ts{&g.CreatedAt}, ts{&g.UpdatedAt})
	return g, err
}

// CreateGroup inserts a group. maxGroups <= 0 means no limit. The pool's row
// is locked (FOR NO KEY UPDATE, which still lets users and clients be added
// to the pool) so concurrent creates count one after the other.
func (s *Store) CreateGroup(ctx context.Context, g store.Group, maxGroups int) error {
	const op = "create group"
	return s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM pools WHERE id = $1 FOR NO KEY UPDATE`, g.PoolID).Scan(&one); err != nil {
			return notFound(op, err)
		}
		// A new statement: under READ COMMITTED it sees every group
		// committed before the lock was granted.
		var exists bool
		var count int64
		if err := tx.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM user_groups WHERE pool_id = $1 AND name = $2),
			(SELECT count(*) FROM user_groups WHERE pool_id = $1)`, g.PoolID, g.Name).Scan(&exists, &count); err != nil {
			return fail(op, err)
		}
		if exists {
			return fail(op, store.ErrAlreadyExists)
		}
		if maxGroups > 0 && count >= int64(maxGroups) {
			return fail(op, store.ErrLimitExceeded)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO user_groups (`+groupCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			g.PoolID, g.Name, g.Description, g.RoleArn, g.Precedence, tv(g.CreatedAt), tv(g.UpdatedAt)); err != nil {
			return writeErr(op, err)
		}
		return nil
	})
}

func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	var g store.Group
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		g, err = scanGroup(s.pool.QueryRow(ctx, `SELECT `+groupCols+` FROM user_groups WHERE pool_id = $1 AND name = $2`, poolID, name))
		return err
	})
	if err != nil {
		return store.Group{}, notFound("get group", err)
	}
	return g, nil
}

func (s *Store) ListGroups(ctx context.Context, poolID string, page store.Page) ([]store.Group, string, error) {
	return keyPage(ctx, s, "list groups", "groups", page, scanGroup, func(g store.Group) string { return g.Name },
		`SELECT `+groupCols+` FROM user_groups WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3`, poolID)
}

func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, fn func(*store.Group) error) (store.Group, error) {
	const op = "update group"
	var out store.Group
	err := s.tx(ctx, func(tx pgx.Tx) error {
		g, err := scanGroup(tx.QueryRow(ctx, `SELECT `+groupCols+` FROM user_groups WHERE pool_id = $1 AND name = $2 FOR NO KEY UPDATE`, poolID, name))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&g); err != nil {
			return err
		}
		g.PoolID, g.Name = poolID, name
		if _, err := tx.Exec(ctx, `UPDATE user_groups SET description = $1, role_arn = $2, precedence = $3, created_at = $4, updated_at = $5
			WHERE pool_id = $6 AND name = $7`,
			g.Description, g.RoleArn, g.Precedence, tv(g.CreatedAt), tv(g.UpdatedAt), poolID, name); err != nil {
			return fail(op, err)
		}
		out = g
		return nil
	})
	return out, err
}

// DeleteGroup deletes the group; its memberships follow by foreign key.
func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM user_groups WHERE pool_id = $1 AND name = $2`, poolID, name)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete group", n, err)
}

// addMember locks the user's row, then, in a second statement (a fresh
// snapshot that sees every membership committed before the lock was
// granted), counts the user's groups and inserts the membership when allowed.
const (
	addMemberLock = `SELECT EXISTS (SELECT 1 FROM user_groups WHERE pool_id = $1 AND name = $3)
		FROM users WHERE pool_id = $1 AND username_key = $2 FOR NO KEY UPDATE`
	addMemberInsert = `WITH cur AS (
			SELECT count(*) AS n, coalesce(bool_or(group_name = $3), false) AS member
			FROM group_members WHERE pool_id = $1 AND username_key = $2
		), ins AS (
			INSERT INTO group_members (pool_id, group_name, username_key)
			SELECT $1, $3, $2 FROM cur WHERE NOT cur.member AND ($4 <= 0 OR cur.n < $4)
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT cur.member, EXISTS (SELECT 1 FROM ins) FROM cur`
)

// AddUserToGroup adds a membership. maxGroupsPerUser <= 0 means no limit.
//
// The two statements run as one pipelined batch, which the server executes as
// one implicit transaction: the row lock taken by the first holds while the
// second counts and inserts, so concurrent adds for one user are counted one
// after the other, in one round trip. Adds of different users to one group
// do not wait for each other. The operation is idempotent, so it is retried
// even when the connection broke with the outcome unknown.
func (s *Store) AddUserToGroup(ctx context.Context, poolID, usernameKey, group string, maxGroupsPerUser int) error {
	const op = "add user to group"
	var userFound, groupFound, member, inserted bool
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		userFound, groupFound, member, inserted = false, false, false, false
		b := &pgx.Batch{}
		b.Queue(addMemberLock, poolID, usernameKey, group).QueryRow(func(r pgx.Row) error {
			err := r.Scan(&groupFound)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			userFound = err == nil
			return err
		})
		b.Queue(addMemberInsert, poolID, usernameKey, group, maxGroupsPerUser).QueryRow(func(r pgx.Row) error {
			return r.Scan(&member, &inserted)
		})
		return s.pool.SendBatch(ctx, b).Close()
	})
	switch {
	case !userFound || !groupFound:
		// A missing user or group also makes the insert fail its foreign
		// key (and roll the batch back): report the cause, not that.
		if err == nil || isCode(err, "23503") {
			return fail(op, store.ErrNotFound)
		}
		return fail(op, err)
	case err != nil:
		return writeErr(op, err)
	case member || inserted:
		return nil
	default:
		return fail(op, store.ErrLimitExceeded)
	}
}

func isCode(err error, code string) bool {
	c, _ := pgCode(err)
	return c == code
}

// RemoveUserFromGroup answers ErrNotFound when no membership was removed. A
// retry after a lost connection may find the row already gone and say so;
// callers treat that as the idempotent success it is.
func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, usernameKey, group string) error {
	var removed int64
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username_key = $3`,
			poolID, group, usernameKey)
		removed = tag.RowsAffected()
		return err
	})
	if err != nil {
		return fail("remove user from group", err)
	}
	if removed == 0 {
		return fail("remove user from group", store.ErrNotFound)
	}
	return nil
}

// groupsOfUser reads the user's memberships in name order from
// group_members_user and looks each group up by primary key (a LATERAL
// subquery with LIMIT 1, as userByKey).
const groupsOfUser = `SELECT ` + groupColsG + ` FROM group_members m
	CROSS JOIN LATERAL (SELECT ` + groupCols + ` FROM user_groups WHERE pool_id = m.pool_id AND name = m.group_name LIMIT 1) g
	WHERE m.pool_id = $1 AND m.username_key = $2 AND m.group_name > $3 ORDER BY m.group_name`

func (s *Store) ListGroupsForUser(ctx context.Context, poolID, usernameKey string, page store.Page) ([]store.Group, string, error) {
	return keyPage(ctx, s, "list groups for user", "user-groups", page, scanGroup, func(g store.Group) string { return g.Name },
		groupsOfUser+` LIMIT $4`, poolID, usernameKey)
}

func (s *Store) AllGroupsForUser(ctx context.Context, poolID, usernameKey string) ([]store.Group, error) {
	var items []store.Group
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		items, err = queryAll(ctx, s.pool, scanGroup, groupsOfUser, poolID, usernameKey, "")
		return err
	})
	if err != nil {
		return nil, fail("all groups for user", err)
	}
	return items, nil
}

// usersInGroupSQL reads the group's members in key order from
// group_members_pkey, then each user by primary key.
func usersInGroupSQL(p userProjection) string {
	return `SELECT ` + p.colsU + ` FROM group_members m
	CROSS JOIN LATERAL (` + userByKeyCols("m", p.cols) + `) u
	WHERE m.pool_id = $1 AND m.group_name = $2 AND m.username_key > $3 ORDER BY m.username_key LIMIT $4`
}

func (s *Store) ListUsersInGroup(ctx context.Context, poolID, group string, page store.Page) ([]store.User, string, error) {
	proj := projectionOf(page)
	return keyPage(ctx, s, "list users in group", "group-users", page, proj.scan, func(u store.User) string { return u.UsernameKey },
		usersInGroupSQL(proj), poolID, group)
}
