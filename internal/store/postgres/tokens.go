package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- signing keys

const keyCols = `pool_id, kid, use, private_key, created_at, not_after, expires_at`

func scanKey(sc scanner) (store.SigningKey, error) {
	var k store.SigningKey
	err := sc.Scan(&k.PoolID, &k.KID, &k.Use, &k.PrivateKey, ts{&k.CreatedAt}, ts{&k.NotAfter}, ts{&k.ExpiresAt})
	return k, err
}

func (s *Store) CreateSigningKey(ctx context.Context, k store.SigningKey) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (`+keyCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			k.PoolID, k.KID, k.Use, nonNil(k.PrivateKey), tv(k.CreatedAt), tv(k.NotAfter), tv(k.ExpiresAt))
		return err
	})
	if err != nil {
		return writeErr("create signing key", err)
	}
	return nil
}

// CreateFirstSigningKey implements store.TokenStore. The pool's row is
// locked (FOR NO KEY UPDATE: creators of the pool's keys queue on it, while
// inserts that only reference the pool do not) before the pool's keys of
// that use are read, so of racing creators the second sees the first's key.
// A missing pool is ErrNotFound.
func (s *Store) CreateFirstSigningKey(ctx context.Context, k store.SigningKey) (bool, error) {
	const op = "create first signing key"
	created := false
	err := s.tx(ctx, func(tx pgx.Tx) error {
		created = false
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM pools WHERE id = $1 FOR NO KEY UPDATE`, k.PoolID).Scan(&one); err != nil {
			return notFound(op, err)
		}
		keys, err := queryAll(ctx, tx, scanKey, `SELECT `+keyCols+` FROM signing_keys WHERE pool_id = $1 AND use = $2`, k.PoolID, k.Use)
		if err != nil {
			return fail(op, err)
		}
		for _, have := range keys {
			if have.Signs(k.CreatedAt) {
				return nil
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO signing_keys (`+keyCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			k.PoolID, k.KID, k.Use, nonNil(k.PrivateKey), tv(k.CreatedAt), tv(k.NotAfter), tv(k.ExpiresAt)); err != nil {
			return writeErr(op, err)
		}
		created = true
		return nil
	})
	return created, err
}

// nonNil keeps a NOT NULL bytea column non-NULL for a nil slice.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// ListSigningKeys returns the pool's keys newest first (a zero CreatedAt
// last, as in SQLite where NULL sorts lowest).
func (s *Store) ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	var items []store.SigningKey
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		items, err = queryAll(ctx, s.pool, scanKey,
			`SELECT `+keyCols+` FROM signing_keys WHERE pool_id = $1 ORDER BY created_at DESC NULLS LAST, kid DESC`, poolID)
		return err
	})
	if err != nil {
		return nil, fail("list signing keys", err)
	}
	return items, nil
}

func (s *Store) UpdateSigningKey(ctx context.Context, poolID, kid string, fn func(*store.SigningKey) error) (store.SigningKey, error) {
	const op = "update signing key"
	var out store.SigningKey
	err := s.tx(ctx, func(tx pgx.Tx) error {
		k, err := scanKey(tx.QueryRow(ctx, `SELECT `+keyCols+` FROM signing_keys WHERE pool_id = $1 AND kid = $2 FOR NO KEY UPDATE`, poolID, kid))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&k); err != nil {
			return err
		}
		k.PoolID, k.KID = poolID, kid
		if _, err := tx.Exec(ctx, `UPDATE signing_keys SET use = $1, private_key = $2, created_at = $3, not_after = $4, expires_at = $5
			WHERE pool_id = $6 AND kid = $7`, k.Use, nonNil(k.PrivateKey), tv(k.CreatedAt), tv(k.NotAfter), tv(k.ExpiresAt), poolID, kid); err != nil {
			return fail(op, err)
		}
		out = k
		return nil
	})
	return out, err
}

func (s *Store) DeleteSigningKey(ctx context.Context, poolID, kid string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM signing_keys WHERE pool_id = $1 AND kid = $2`, poolID, kid)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete signing key", n, err)
}

// ---------------------------------------------------------------- refresh tokens

const refreshCols = `hash, pool_id, client_id, username_key, origin_jti, device_key, auth_time, created_at, expires_at, revoked_at, replaced_at`

const insertRefresh = `INSERT INTO refresh_tokens (` + refreshCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

func refreshArgs(t store.RefreshToken) []any {
	return []any{t.Hash, t.PoolID, t.ClientID, t.UsernameKey, t.OriginJTI, t.DeviceKey,
		tv(t.AuthTime), tv(t.CreatedAt), tv(t.ExpiresAt), tv(t.RevokedAt), tv(t.ReplacedAt)}
}

func (s *Store) CreateRefreshToken(ctx context.Context, t store.RefreshToken) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, insertRefresh, refreshArgs(t)...)
		return err
	})
	if err != nil {
		return writeErr("create refresh token", err)
	}
	return nil
}

// RotateRefreshToken implements store.TokenStore. The swap is one UPDATE
// whose WHERE is the whole condition: a concurrent rotation of the same
// token waits for the row lock and then re-evaluates the WHERE against the
// committed row (READ COMMITTED), so outside the grace exactly one wins.
func (s *Store) RotateRefreshToken(ctx context.Context, hash string, graceFrom time.Time, next store.RefreshToken) error {
	const op = "rotate refresh token"
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE refresh_tokens SET replaced_at = COALESCE(replaced_at, $1)
			WHERE hash = $2 AND revoked_at IS NULL AND (replaced_at IS NULL OR ($3::timestamptz IS NOT NULL AND replaced_at > $3::timestamptz))`,
			tv(next.CreatedAt), hash, tv(graceFrom))
		if err != nil {
			return fail(op, err)
		}
		if tag.RowsAffected() == 0 {
			var one int
			if err := tx.QueryRow(ctx, `SELECT 1 FROM refresh_tokens WHERE hash = $1`, hash).Scan(&one); err != nil {
				return notFound(op, err)
			}
			return fail(op, store.ErrTokenReplaced)
		}
		if _, err := tx.Exec(ctx, insertRefresh, refreshArgs(next)...); err != nil {
			return writeErr(op, err)
		}
		return nil
	})
}

func (s *Store) GetRefreshToken(ctx context.Context, hash string) (store.RefreshToken, error) {
	var t store.RefreshToken
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT `+refreshCols+` FROM refresh_tokens WHERE hash = $1`, hash).Scan(
			&t.Hash, &t.PoolID, &t.ClientID, &t.UsernameKey, &t.OriginJTI, &t.DeviceKey,
			ts{&t.AuthTime}, ts{&t.CreatedAt}, ts{&t.ExpiresAt}, ts{&t.RevokedAt}, ts{&t.ReplacedAt})
	})
	if err != nil {
		return store.RefreshToken{}, notFound("get refresh token", err)
	}
	return t, nil
}

// RevokeRefreshToken marks the token and its family (same pool and
// origin_jti) revoked at `at`; a token already revoked keeps its first
// revocation time (so it is idempotent). ErrNotFound when the token is
// missing.
func (s *Store) RevokeRefreshToken(ctx context.Context, hash string, at time.Time) error {
	var n int64
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, $1)
			WHERE (pool_id, origin_jti) = (SELECT pool_id, origin_jti FROM refresh_tokens WHERE hash = $2)`, tv(at), hash)
		n = tag.RowsAffected()
		return err
	})
	return affected("revoke refresh token", n, err)
}

func (s *Store) RevokeUserRefreshTokens(ctx context.Context, poolID, usernameKey string, at time.Time) error {
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $1 WHERE pool_id = $2 AND username_key = $3 AND revoked_at IS NULL`,
			tv(at), poolID, usernameKey)
		return err
	})
	if err != nil {
		return fail("revoke user refresh tokens", err)
	}
	return nil
}

func (s *Store) IsOriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error) {
	var revoked bool
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE pool_id = $1 AND origin_jti = $2 AND revoked_at IS NOT NULL)`,
			poolID, originJTI).Scan(&revoked)
	})
	if err != nil {
		return false, fail("is origin revoked", err)
	}
	return revoked, nil
}

func (s *Store) DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM refresh_tokens WHERE expires_at < $1`, before)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fail("delete expired refresh tokens", err)
	}
	return n, nil
}

// ---------------------------------------------------------------- codes

// PutCode creates or replaces the code (idempotent for the same input).
func (s *Store) PutCode(ctx context.Context, c store.Code) error {
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO codes (pool_id, username_key, purpose, code_hash, attempts, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (pool_id, username_key, purpose) DO UPDATE SET
				code_hash = excluded.code_hash, attempts = excluded.attempts,
				created_at = excluded.created_at, expires_at = excluded.expires_at`,
			c.PoolID, c.UsernameKey, c.Purpose, c.CodeHash, c.Attempts, tv(c.CreatedAt), tv(c.ExpiresAt))
		return err
	})
	if err != nil {
		return fail("put code", err)
	}
	return nil
}

func (s *Store) GetCode(ctx context.Context, poolID, usernameKey, purpose string) (store.Code, error) {
	var c store.Code
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT pool_id, username_key, purpose, code_hash, attempts, created_at, expires_at
			FROM codes WHERE pool_id = $1 AND username_key = $2 AND purpose = $3`, poolID, usernameKey, purpose).Scan(
			&c.PoolID, &c.UsernameKey, &c.Purpose, &c.CodeHash, &c.Attempts, ts{&c.CreatedAt}, ts{&c.ExpiresAt})
	})
	if err != nil {
		return store.Code{}, notFound("get code", err)
	}
	return c, nil
}

// IncrementCodeAttempts adds one attempt in one statement: the row lock of
// the UPDATE orders concurrent callers, each sees its own count.
func (s *Store) IncrementCodeAttempts(ctx context.Context, poolID, usernameKey, purpose string) (int, error) {
	var n int
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `UPDATE codes SET attempts = attempts + 1
			WHERE pool_id = $1 AND username_key = $2 AND purpose = $3 RETURNING attempts`, poolID, usernameKey, purpose).Scan(&n)
	})
	if err != nil {
		return 0, notFound("increment code attempts", err)
	}
	return n, nil
}

// DeleteCode: exactly one of concurrent callers deletes the row; the others
// find it gone (ErrNotFound).
func (s *Store) DeleteCode(ctx context.Context, poolID, usernameKey, purpose string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM codes WHERE pool_id = $1 AND username_key = $2 AND purpose = $3`, poolID, usernameKey, purpose)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete code", n, err)
}

// ---------------------------------------------------------------- sessions

const sessionCols = `id, pool_id, client_id, username_key, challenge, state, created_at, expires_at`

func scanSession(sc scanner) (store.Session, error) {
	var x store.Session
	err := sc.Scan(&x.ID, &x.PoolID, &x.ClientID, &x.UsernameKey, &x.Challenge, &x.State, ts{&x.CreatedAt}, ts{&x.ExpiresAt})
	return x, err
}

func (s *Store) CreateSession(ctx context.Context, x store.Session) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			x.ID, x.PoolID, x.ClientID, x.UsernameKey, x.Challenge, x.State, tv(x.CreatedAt), tv(x.ExpiresAt))
		return err
	})
	if err != nil {
		return writeErr("create session", err)
	}
	return nil
}

// TakeSession deletes the session and returns it in one statement
// (DELETE ... RETURNING): exactly one of concurrent callers gets it.
func (s *Store) TakeSession(ctx context.Context, id string) (store.Session, error) {
	var x store.Session
	err := s.run(ctx, notIdempotent, func(ctx context.Context) (err error) {
		x, err = scanSession(s.pool.QueryRow(ctx, `DELETE FROM sessions WHERE id = $1 RETURNING `+sessionCols, id))
		return err
	})
	if err != nil {
		return store.Session{}, notFound("take session", err)
	}
	return x, nil
}

func (s *Store) GetSession(ctx context.Context, id string) (store.Session, error) {
	var x store.Session
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		x, err = scanSession(s.pool.QueryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return store.Session{}, notFound("get session", err)
	}
	return x, nil
}

func (s *Store) DeleteExpiredSessions(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, before)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fail("delete expired sessions", err)
	}
	return n, nil
}
