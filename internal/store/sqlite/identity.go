package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"userpool/internal/store"
)

// Identity pools, identities with their logins, roles and temporary
// credentials (migration 00007_identity_pools.sql).

const identityPoolCols = `id, name, body, created_at, updated_at`

func scanIdentityPool(sc interface{ Scan(...any) error }) (store.IdentityPool, error) {
	var p store.IdentityPool
	err := sc.Scan(&p.ID, &p.Name, blob{&p.Body}, nt{&p.CreatedAt}, nt{&p.UpdatedAt})
	return p, err
}

func (s *Store) CreateIdentityPool(ctx context.Context, p store.IdentityPool) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO identity_pools (`+identityPoolCols+`) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.Name, bv(p.Body), tv(p.CreatedAt), tv(p.UpdatedAt))
	if err != nil {
		return insertErr("create identity pool", err, store.ErrAlreadyExists)
	}
	return nil
}

func getIdentityPool(ctx context.Context, q querier, op, id string) (store.IdentityPool, error) {
	p, err := scanIdentityPool(q.QueryRowContext(ctx, `SELECT `+identityPoolCols+` FROM identity_pools WHERE id = ?`, id))
	if err != nil {
		return store.IdentityPool{}, notFound(op, err)
	}
	return p, nil
}

func (s *Store) GetIdentityPool(ctx context.Context, id string) (store.IdentityPool, error) {
	return getIdentityPool(ctx, s.r, "get identity pool", id)
}

func (s *Store) ListIdentityPools(ctx context.Context, page store.Page) ([]store.IdentityPool, string, error) {
	return keyPage(ctx, s, "list identity pools", "identity-pools", page, scanIdentityPool,
		func(p store.IdentityPool) string { return p.ID },
		`SELECT `+identityPoolCols+` FROM identity_pools WHERE id > ? ORDER BY id`)
}

func (s *Store) UpdateIdentityPool(ctx context.Context, id string, fn func(*store.IdentityPool) error) (store.IdentityPool, error) {
	const op = "update identity pool"
	var out store.IdentityPool
	err := s.write(ctx, op, func(tx wtx) error {
		p, err := getIdentityPool(ctx, tx, op, id)
		if err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		if _, err := tx.ExecContext(ctx, `UPDATE identity_pools SET name = ?, body = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			p.Name, bv(p.Body), tv(p.CreatedAt), tv(p.UpdatedAt), id); err != nil {
			return fail(op, err)
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) DeleteIdentityPool(ctx context.Context, id string) error {
	const op = "delete identity pool"
	return s.write(ctx, op, func(tx wtx) error {
		// identity_logins carry no foreign key to the pool: delete them first.
		if _, err := tx.ExecContext(ctx, `DELETE FROM identity_logins WHERE pool_id = ?`, id); err != nil {
			return fail(op, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM identity_pools WHERE id = ?`, id)
		return mustAffect(op, res, err)
	})
}

// ---------------------------------------------------------------- identities

const identitySelect = `SELECT i.id, i.pool_id, i.created_at, i.updated_at,
	(SELECT json_group_object(l.provider, l.subject) FROM identity_logins l WHERE l.identity_id = i.id)
	FROM identities i `

func scanIdentity(sc interface{ Scan(...any) error }) (store.Identity, error) {
	var i store.Identity
	var logins string
	if err := sc.Scan(&i.ID, &i.PoolID, nt{&i.CreatedAt}, nt{&i.UpdatedAt}, &logins); err != nil {
		return i, err
	}
	i.Logins = map[string]string{}
	if err := json.Unmarshal([]byte(logins), &i.Logins); err != nil {
		return i, fmt.Errorf("logins of %q: %w", i.ID, err)
	}
	return i, nil
}

func insertLogins(ctx context.Context, tx wtx, op string, i store.Identity) error {
	for p, sub := range i.Logins {
		if _, err := tx.ExecContext(ctx, `INSERT INTO identity_logins (pool_id, provider, subject, identity_id) VALUES (?, ?, ?, ?)`,
			i.PoolID, p, sub, i.ID); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
	}
	return nil
}

func (s *Store) CreateIdentity(ctx context.Context, i store.Identity) error {
	const op = "create identity"
	return s.write(ctx, op, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO identities (id, pool_id, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			i.ID, i.PoolID, tv(i.CreatedAt), tv(i.UpdatedAt)); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		return insertLogins(ctx, tx, op, i)
	})
}

func getIdentity(ctx context.Context, q querier, op, id string) (store.Identity, error) {
	i, err := scanIdentity(q.QueryRowContext(ctx, identitySelect+`WHERE i.id = ?`, id))
	if err != nil {
		return store.Identity{}, notFound(op, err)
	}
	return i, nil
}

func (s *Store) GetIdentity(ctx context.Context, id string) (store.Identity, error) {
	return getIdentity(ctx, s.r, "get identity", id)
}

func (s *Store) GetIdentityByLogin(ctx context.Context, poolID, provider, subject string) (store.Identity, error) {
	i, err := scanIdentity(s.r.QueryRowContext(ctx, identitySelect+`WHERE i.id = (SELECT identity_id FROM identity_logins
		WHERE pool_id = ? AND provider = ? AND subject = ?)`, poolID, provider, subject))
	if err != nil {
		return store.Identity{}, notFound("get identity by login", err)
	}
	return i, nil
}

func (s *Store) UpdateIdentity(ctx context.Context, id string, fn func(*store.Identity) error) (store.Identity, error) {
	const op = "update identity"
	var out store.Identity
	err := s.write(ctx, op, func(tx wtx) error {
		i, err := getIdentity(ctx, tx, op, id)
		if err != nil {
			return err
		}
		poolID := i.PoolID
		if err := fn(&i); err != nil {
			return err
		}
		i.ID, i.PoolID = id, poolID
		if _, err := tx.ExecContext(ctx, `UPDATE identities SET created_at = ?, updated_at = ? WHERE id = ?`,
			tv(i.CreatedAt), tv(i.UpdatedAt), id); err != nil {
			return fail(op, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM identity_logins WHERE identity_id = ?`, id); err != nil {
			return fail(op, err)
		}
		if err := insertLogins(ctx, tx, op, i); err != nil {
			return err
		}
		if i.Logins == nil {
			i.Logins = map[string]string{}
		}
		out = i
		return nil
	})
	return out, err
}

func (s *Store) DeleteIdentity(ctx context.Context, id string) error {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM identities WHERE id = ?`, id)
	return mustAffect("delete identity", res, err)
}

func (s *Store) ListIdentities(ctx context.Context, poolID string, page store.Page) ([]store.Identity, string, error) {
	return keyPage(ctx, s, "list identities", "identities/"+poolID, page, scanIdentity,
		func(i store.Identity) string { return i.ID },
		identitySelect+`WHERE i.pool_id = ? AND i.id > ? ORDER BY i.id`, poolID)
}

// ---------------------------------------------------------------- roles

func scanRole(sc interface{ Scan(...any) error }) (store.Role, error) {
	var r store.Role
	var grants string
	if err := sc.Scan(&r.Name, &grants, nt{&r.CreatedAt}, nt{&r.UpdatedAt}); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(grants), &r.Grants); err != nil {
		return r, fmt.Errorf("grants of role %q: %w", r.Name, err)
	}
	return r, nil
}

func (s *Store) PutRole(ctx context.Context, r store.Role) error {
	grants := r.Grants
	if grants == nil {
		grants = []store.Grant{}
	}
	b, err := json.Marshal(grants)
	if err != nil {
		return fail("put role", err)
	}
	if _, err := s.wc.ExecContext(ctx, `INSERT INTO roles (name, grants, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET grants = excluded.grants, created_at = excluded.created_at, updated_at = excluded.updated_at`,
		r.Name, string(b), tv(r.CreatedAt), tv(r.UpdatedAt)); err != nil {
		return fail("put role", err)
	}
	return nil
}

func (s *Store) GetRole(ctx context.Context, name string) (store.Role, error) {
	r, err := scanRole(s.r.QueryRowContext(ctx, `SELECT name, grants, created_at, updated_at FROM roles WHERE name = ?`, name))
	if err != nil {
		return store.Role{}, notFound("get role", err)
	}
	return r, nil
}

func (s *Store) ListRoles(ctx context.Context) ([]store.Role, error) {
	items, err := queryAll(ctx, s.r, scanRole, `SELECT name, grants, created_at, updated_at FROM roles ORDER BY name`)
	if err != nil {
		return nil, fail("list roles", err)
	}
	return items, nil
}

func (s *Store) DeleteRole(ctx context.Context, name string) error {
	const op = "delete role"
	return s.write(ctx, op, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM session_credentials WHERE role_name = ?`, name); err != nil {
			return fail(op, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM roles WHERE name = ?`, name)
		return mustAffect(op, res, err)
	})
}

// ---------------------------------------------------------------- temporary credentials

const sessionCredCols = `access_key_id, secret_ciphertext, token_hash, role_name, identity_pool_id, identity_id,
	user_pool_id, username_key, username, created_at, expires_at`

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func scanSessionCredential(sc interface{ Scan(...any) error }) (store.SessionCredential, error) {
	var c store.SessionCredential
	var up, uk *string
	err := sc.Scan(&c.AccessKeyID, blob{&c.SecretCiphertext}, blob{&c.TokenHash}, &c.RoleName, &c.IdentityPoolID, &c.IdentityID,
		&up, &uk, &c.Username, nt{&c.CreatedAt}, nt{&c.ExpiresAt})
	if up != nil {
		c.UserPoolID = *up
	}
	if uk != nil {
		c.UsernameKey = *uk
	}
	return c, err
}

func (s *Store) CreateSessionCredential(ctx context.Context, c store.SessionCredential) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO session_credentials (`+sessionCredCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.AccessKeyID, bv(c.SecretCiphertext), bv(c.TokenHash), c.RoleName, c.IdentityPoolID, c.IdentityID,
		nullable(c.UserPoolID), nullable(c.UsernameKey), c.Username, tv(c.CreatedAt), tv(c.ExpiresAt))
	if err != nil {
		return insertErr("create session credential", err, store.ErrAlreadyExists)
	}
	return nil
}

func (s *Store) GetSessionCredential(ctx context.Context, accessKeyID string) (store.SessionCredential, error) {
	c, err := scanSessionCredential(s.r.QueryRowContext(ctx, `SELECT `+sessionCredCols+` FROM session_credentials WHERE access_key_id = ?`, accessKeyID))
	if err != nil {
		return store.SessionCredential{}, notFound("get session credential", err)
	}
	return c, nil
}

func (s *Store) RevokeUserSessionCredentials(ctx context.Context, userPoolID, usernameKey string) ([]string, error) {
	const op = "revoke session credentials"
	var ids []string
	err := s.write(ctx, op, func(tx wtx) error {
		ids = nil
		rows, err := tx.QueryContext(ctx, `DELETE FROM session_credentials WHERE user_pool_id = ? AND username_key = ? RETURNING access_key_id`,
			userPoolID, usernameKey)
		if err != nil {
			return fail(op, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return fail(op, err)
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

func (s *Store) DeleteExpiredSessionCredentials(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM session_credentials WHERE expires_at < ?`, tv(before))
	if err != nil {
		return 0, fail("delete expired session credentials", err)
	}
	return res.RowsAffected()
}
