package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

// Identity pools, identities with their logins, roles and temporary
// credentials (migration 00007_identity_pools.sql).

const identityPoolCols = `id, name, body, created_at, updated_at`

func scanIdentityPool(sc scanner) (store.IdentityPool, error) {
	var p store.IdentityPool
	err := sc.Scan(&p.ID, &p.Name, &p.Body, ts{&p.CreatedAt}, ts{&p.UpdatedAt})
	return p, err
}

func (s *Store) CreateIdentityPool(ctx context.Context, p store.IdentityPool) error {
	const op = "create identity pool"
	if !storable(p.ID) || !storable(p.Name) {
		return fail(op, store.ErrNotFound)
	}
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO identity_pools (`+identityPoolCols+`) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, p.Name, p.Body, tv(p.CreatedAt), tv(p.UpdatedAt))
		return err
	})
	if err != nil {
		return writeErr(op, err)
	}
	return nil
}

func (s *Store) GetIdentityPool(ctx context.Context, id string) (store.IdentityPool, error) {
	const op = "get identity pool"
	if !storable(id) {
		return store.IdentityPool{}, fail(op, store.ErrNotFound)
	}
	var p store.IdentityPool
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		p, err = scanIdentityPool(s.pool.QueryRow(ctx, `SELECT `+identityPoolCols+` FROM identity_pools WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return store.IdentityPool{}, notFound(op, err)
	}
	return p, nil
}

func (s *Store) ListIdentityPools(ctx context.Context, page store.Page) ([]store.IdentityPool, string, error) {
	return keyPage(ctx, s, "list identity pools", "identity-pools", page, scanIdentityPool,
		func(p store.IdentityPool) string { return p.ID },
		`SELECT `+identityPoolCols+` FROM identity_pools WHERE id > $1 ORDER BY id LIMIT $2`)
}

func (s *Store) UpdateIdentityPool(ctx context.Context, id string, fn func(*store.IdentityPool) error) (store.IdentityPool, error) {
	const op = "update identity pool"
	if !storable(id) {
		return store.IdentityPool{}, fail(op, store.ErrNotFound)
	}
	var out store.IdentityPool
	err := s.tx(ctx, func(tx pgx.Tx) error {
		p, err := scanIdentityPool(tx.QueryRow(ctx, `SELECT `+identityPoolCols+` FROM identity_pools WHERE id = $1 FOR NO KEY UPDATE`, id))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		if !storable(p.Name) {
			return fail(op, store.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `UPDATE identity_pools SET name = $1, body = $2, created_at = $3, updated_at = $4 WHERE id = $5`,
			p.Name, p.Body, tv(p.CreatedAt), tv(p.UpdatedAt), id); err != nil {
			return writeErr(op, err)
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) DeleteIdentityPool(ctx context.Context, id string) error {
	const op = "delete identity pool"
	if !storable(id) {
		return fail(op, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM identity_logins WHERE pool_id = $1`, id); err != nil {
			return fail(op, err)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM identity_pools WHERE id = $1`, id)
		return affected(op, tag.RowsAffected(), err)
	})
}

// ---------------------------------------------------------------- identities

const identitySelect = `SELECT i.id, i.pool_id, i.created_at, i.updated_at,
	COALESCE((SELECT jsonb_object_agg(l.provider, l.subject) FROM identity_logins l WHERE l.identity_id = i.id), '{}'::jsonb)
	FROM identities i `

func scanIdentity(sc scanner) (store.Identity, error) {
	var i store.Identity
	var logins []byte
	if err := sc.Scan(&i.ID, &i.PoolID, ts{&i.CreatedAt}, ts{&i.UpdatedAt}, &logins); err != nil {
		return i, err
	}
	i.Logins = map[string]string{}
	if err := json.Unmarshal(logins, &i.Logins); err != nil {
		return i, fmt.Errorf("logins of %q: %w", i.ID, err)
	}
	return i, nil
}

func insertLogins(ctx context.Context, tx pgx.Tx, op string, i store.Identity) error {
	for p, sub := range i.Logins {
		if !storable(p) || !storable(sub) {
			return fail(op, store.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO identity_logins (pool_id, provider, subject, identity_id) VALUES ($1, $2, $3, $4)`,
			i.PoolID, p, sub, i.ID); err != nil {
			return writeErr(op, err)
		}
	}
	return nil
}

func (s *Store) CreateIdentity(ctx context.Context, i store.Identity) error {
	const op = "create identity"
	if !storable(i.ID) || !storable(i.PoolID) {
		return fail(op, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO identities (id, pool_id, created_at, updated_at) VALUES ($1, $2, $3, $4)`,
			i.ID, i.PoolID, tv(i.CreatedAt), tv(i.UpdatedAt)); err != nil {
			return writeErr(op, err)
		}
		return insertLogins(ctx, tx, op, i)
	})
}

func (s *Store) GetIdentity(ctx context.Context, id string) (store.Identity, error) {
	const op = "get identity"
	if !storable(id) {
		return store.Identity{}, fail(op, store.ErrNotFound)
	}
	var i store.Identity
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		i, err = scanIdentity(s.pool.QueryRow(ctx, identitySelect+`WHERE i.id = $1`, id))
		return err
	})
	if err != nil {
		return store.Identity{}, notFound(op, err)
	}
	return i, nil
}

func (s *Store) GetIdentityByLogin(ctx context.Context, poolID, provider, subject string) (store.Identity, error) {
	const op = "get identity by login"
	if !storable(poolID) || !storable(provider) || !storable(subject) {
		return store.Identity{}, fail(op, store.ErrNotFound)
	}
	var i store.Identity
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		i, err = scanIdentity(s.pool.QueryRow(ctx, identitySelect+`WHERE i.id = (SELECT identity_id FROM identity_logins
			WHERE pool_id = $1 AND provider = $2 AND subject = $3)`, poolID, provider, subject))
		return err
	})
	if err != nil {
		return store.Identity{}, notFound(op, err)
	}
	return i, nil
}

func (s *Store) UpdateIdentity(ctx context.Context, id string, fn func(*store.Identity) error) (store.Identity, error) {
	const op = "update identity"
	if !storable(id) {
		return store.Identity{}, fail(op, store.ErrNotFound)
	}
	var out store.Identity
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM identities WHERE id = $1 FOR NO KEY UPDATE`, id).Scan(&one); err != nil {
			return notFound(op, err)
		}
		i, err := scanIdentity(tx.QueryRow(ctx, identitySelect+`WHERE i.id = $1`, id))
		if err != nil {
			return notFound(op, err)
		}
		poolID := i.PoolID
		if err := fn(&i); err != nil {
			return err
		}
		i.ID, i.PoolID = id, poolID
		if _, err := tx.Exec(ctx, `UPDATE identities SET created_at = $1, updated_at = $2 WHERE id = $3`,
			tv(i.CreatedAt), tv(i.UpdatedAt), id); err != nil {
			return fail(op, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM identity_logins WHERE identity_id = $1`, id); err != nil {
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
	const op = "delete identity"
	if !storable(id) {
		return fail(op, store.ErrNotFound)
	}
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM identities WHERE id = $1`, id)
		n = tag.RowsAffected()
		return err
	})
	return affected(op, n, err)
}

func (s *Store) ListIdentities(ctx context.Context, poolID string, page store.Page) ([]store.Identity, string, error) {
	if !storable(poolID) {
		return nil, "", nil
	}
	return keyPage(ctx, s, "list identities", "identities/"+poolID, page, scanIdentity,
		func(i store.Identity) string { return i.ID },
		identitySelect+`WHERE i.pool_id = $1 AND i.id > $2 ORDER BY i.id LIMIT $3`, poolID)
}

// ---------------------------------------------------------------- roles

func scanRole(sc scanner) (store.Role, error) {
	var r store.Role
	var grants []byte
	if err := sc.Scan(&r.Name, &grants, ts{&r.CreatedAt}, ts{&r.UpdatedAt}); err != nil {
		return r, err
	}
	if err := json.Unmarshal(grants, &r.Grants); err != nil {
		return r, fmt.Errorf("grants of role %q: %w", r.Name, err)
	}
	return r, nil
}

func (s *Store) PutRole(ctx context.Context, r store.Role) error {
	const op = "put role"
	if !storable(r.Name) {
		return fail(op, store.ErrNotFound)
	}
	grants := r.Grants
	if grants == nil {
		grants = []store.Grant{}
	}
	b, err := json.Marshal(grants)
	if err != nil {
		return fail(op, err)
	}
	err = s.run(ctx, idempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO roles (name, grants, created_at, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (name) DO UPDATE SET grants = excluded.grants, created_at = excluded.created_at, updated_at = excluded.updated_at`,
			r.Name, string(b), tv(r.CreatedAt), tv(r.UpdatedAt))
		return err
	})
	if err != nil {
		return fail(op, err)
	}
	return nil
}

func (s *Store) GetRole(ctx context.Context, name string) (store.Role, error) {
	const op = "get role"
	if !storable(name) {
		return store.Role{}, fail(op, store.ErrNotFound)
	}
	var r store.Role
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		r, err = scanRole(s.pool.QueryRow(ctx, `SELECT name, grants, created_at, updated_at FROM roles WHERE name = $1`, name))
		return err
	})
	if err != nil {
		return store.Role{}, notFound(op, err)
	}
	return r, nil
}

func (s *Store) ListRoles(ctx context.Context) ([]store.Role, error) {
	var items []store.Role
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		items, err = queryAll(ctx, s.pool, scanRole, `SELECT name, grants, created_at, updated_at FROM roles ORDER BY name`)
		return err
	})
	if err != nil {
		return nil, fail("list roles", err)
	}
	return items, nil
}

func (s *Store) DeleteRole(ctx context.Context, name string) error {
	const op = "delete role"
	if !storable(name) {
		return fail(op, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM session_credentials WHERE role_name = $1`, name); err != nil {
			return fail(op, err)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM roles WHERE name = $1`, name)
		return affected(op, tag.RowsAffected(), err)
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

func scanSessionCredential(sc scanner) (store.SessionCredential, error) {
	var c store.SessionCredential
	var up, uk *string
	err := sc.Scan(&c.AccessKeyID, &c.SecretCiphertext, &c.TokenHash, &c.RoleName, &c.IdentityPoolID, &c.IdentityID,
		&up, &uk, &c.Username, ts{&c.CreatedAt}, ts{&c.ExpiresAt})
	if up != nil {
		c.UserPoolID = *up
	}
	if uk != nil {
		c.UsernameKey = *uk
	}
	return c, err
}

func (s *Store) CreateSessionCredential(ctx context.Context, c store.SessionCredential) error {
	const op = "create session credential"
	for _, v := range []string{c.AccessKeyID, c.RoleName, c.IdentityPoolID, c.IdentityID, c.UserPoolID, c.UsernameKey, c.Username} {
		if !storable(v) {
			return fail(op, store.ErrNotFound)
		}
	}
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO session_credentials (`+sessionCredCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.AccessKeyID, c.SecretCiphertext, c.TokenHash, c.RoleName, c.IdentityPoolID, c.IdentityID,
			nullable(c.UserPoolID), nullable(c.UsernameKey), c.Username, tv(c.CreatedAt), tv(c.ExpiresAt))
		return err
	})
	if err != nil {
		return writeErr(op, err)
	}
	return nil
}

func (s *Store) GetSessionCredential(ctx context.Context, accessKeyID string) (store.SessionCredential, error) {
	const op = "get session credential"
	if !storable(accessKeyID) {
		return store.SessionCredential{}, fail(op, store.ErrNotFound)
	}
	var c store.SessionCredential
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		c, err = scanSessionCredential(s.pool.QueryRow(ctx, `SELECT `+sessionCredCols+` FROM session_credentials WHERE access_key_id = $1`, accessKeyID))
		return err
	})
	if err != nil {
		return store.SessionCredential{}, notFound(op, err)
	}
	return c, nil
}

func (s *Store) RevokeUserSessionCredentials(ctx context.Context, userPoolID, usernameKey string) ([]string, error) {
	const op = "revoke session credentials"
	if !storable(userPoolID) || !storable(usernameKey) {
		return nil, nil
	}
	var ids []string
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		rows, err := s.pool.Query(ctx, `DELETE FROM session_credentials WHERE user_pool_id = $1 AND username_key = $2 RETURNING access_key_id`,
			userPoolID, usernameKey)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fail(op, err)
	}
	return ids, nil
}

func (s *Store) DeleteExpiredSessionCredentials(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM session_credentials WHERE expires_at < $1`, before)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fail("delete expired session credentials", err)
	}
	return n, nil
}
