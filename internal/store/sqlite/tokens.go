package sqlite

import (
	"context"
	"time"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- signing keys

const keyCols = `pool_id, kid, use, private_key, created_at, not_after, expires_at`

func scanKey(sc interface{ Scan(...any) error }) (store.SigningKey, error) {
	var k store.SigningKey
	err := sc.Scan(&k.PoolID, &k.KID, &k.Use, blob{&k.PrivateKey}, nt{&k.CreatedAt}, nt{&k.NotAfter}, nt{&k.ExpiresAt})
	return k, err
}

func (s *Store) CreateSigningKey(ctx context.Context, k store.SigningKey) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO signing_keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.PoolID, k.KID, k.Use, k.PrivateKey, tv(k.CreatedAt), tv(k.NotAfter), tv(k.ExpiresAt))
	if err != nil {
		return insertErr("create signing key", err, store.ErrAlreadyExists)
	}
	return nil
}

// CreateFirstSigningKey implements store.TokenStore: the check and the
// insert run in one write transaction (BEGIN IMMEDIATE: one writer at a
// time), so racing creators see each other's key.
func (s *Store) CreateFirstSigningKey(ctx context.Context, k store.SigningKey) (bool, error) {
	const op = "create first signing key"
	created := false
	err := s.write(ctx, op, func(tx wtx) error {
		keys, err := queryAll(ctx, tx, scanKey, `SELECT `+keyCols+` FROM signing_keys WHERE pool_id = ? AND use = ?`, k.PoolID, k.Use)
		if err != nil {
			return fail(op, err)
		}
		for _, have := range keys {
			if have.Signs(k.CreatedAt) {
				return nil
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO signing_keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			k.PoolID, k.KID, k.Use, k.PrivateKey, tv(k.CreatedAt), tv(k.NotAfter), tv(k.ExpiresAt)); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		created = true
		return nil
	})
	return created, err
}

func (s *Store) ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	items, err := queryAll(ctx, s.r, scanKey, `SELECT `+keyCols+` FROM signing_keys WHERE pool_id = ? ORDER BY created_at DESC, kid DESC`, poolID)
	if err != nil {
		return nil, fail("list signing keys", err)
	}
	return items, nil
}

func (s *Store) UpdateSigningKey(ctx context.Context, poolID, kid string, fn func(*store.SigningKey) error) (store.SigningKey, error) {
	const op = "update signing key"
	var out store.SigningKey
	err := s.write(ctx, op, func(tx wtx) error {
		k, err := scanKey(tx.QueryRowContext(ctx, `SELECT `+keyCols+` FROM signing_keys WHERE pool_id = ? AND kid = ?`, poolID, kid))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&k); err != nil {
			return err
		}
		k.PoolID, k.KID = poolID, kid
		if _, err := tx.ExecContext(ctx, `UPDATE signing_keys SET use = ?, private_key = ?, created_at = ?, not_after = ?, expires_at = ?
			WHERE pool_id = ? AND kid = ?`, k.Use, k.PrivateKey, tv(k.CreatedAt), tv(k.NotAfter), tv(k.ExpiresAt), poolID, kid); err != nil {
			return fail(op, err)
		}
		out = k
		return nil
	})
	return out, err
}

func (s *Store) DeleteSigningKey(ctx context.Context, poolID, kid string) error {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM signing_keys WHERE pool_id = ? AND kid = ?`, poolID, kid)
	return mustAffect("delete signing key", res, err)
}

// ---------------------------------------------------------------- refresh tokens

const refreshCols = `hash, pool_id, client_id, username_key, origin_jti, device_key, auth_time, created_at, expires_at, revoked_at, replaced_at`

const insertRefresh = `INSERT INTO refresh_tokens (` + refreshCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func refreshArgs(t store.RefreshToken) []any {
	return []any{t.Hash, t.PoolID, t.ClientID, t.UsernameKey, t.OriginJTI, t.DeviceKey,
		tv(t.AuthTime), tv(t.CreatedAt), tv(t.ExpiresAt), tv(t.RevokedAt), tv(t.ReplacedAt)}
}

func (s *Store) CreateRefreshToken(ctx context.Context, t store.RefreshToken) error {
	_, err := s.wc.ExecContext(ctx, insertRefresh, refreshArgs(t)...)
	if err != nil {
		return insertErr("create refresh token", err, store.ErrAlreadyExists)
	}
	return nil
}

// RotateRefreshToken implements store.TokenStore: the swap is one UPDATE
// whose WHERE is the whole condition, then the INSERT, in one write
// transaction (SQLite has one writer, so the two are atomic).
func (s *Store) RotateRefreshToken(ctx context.Context, hash string, graceFrom time.Time, next store.RefreshToken) error {
	const op = "rotate refresh token"
	return s.write(ctx, op, func(tx wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET replaced_at = COALESCE(replaced_at, ?)
			WHERE hash = ? AND revoked_at IS NULL AND (replaced_at IS NULL OR (? IS NOT NULL AND replaced_at > ?))`,
			tv(next.CreatedAt), hash, tv(graceFrom), tv(graceFrom))
		if err != nil {
			return fail(op, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fail(op, err)
		} else if n == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM refresh_tokens WHERE hash = ?`, hash).Scan(&one); err != nil {
				return notFound(op, err)
			}
			return fail(op, store.ErrTokenReplaced)
		}
		if _, err := tx.ExecContext(ctx, insertRefresh, refreshArgs(next)...); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		return nil
	})
}

func (s *Store) GetRefreshToken(ctx context.Context, hash string) (store.RefreshToken, error) {
	var t store.RefreshToken
	err := s.r.QueryRowContext(ctx, `SELECT `+refreshCols+` FROM refresh_tokens WHERE hash = ?`, hash).Scan(
		&t.Hash, &t.PoolID, &t.ClientID, &t.UsernameKey, &t.OriginJTI, &t.DeviceKey,
		nt{&t.AuthTime}, nt{&t.CreatedAt}, nt{&t.ExpiresAt}, nt{&t.RevokedAt}, nt{&t.ReplacedAt})
	if err != nil {
		return store.RefreshToken{}, notFound("get refresh token", err)
	}
	return t, nil
}

// RevokeRefreshToken marks the token and its family (same pool and
// origin_jti) revoked at `at`; a token already revoked keeps its first
// revocation time. ErrNotFound when the token is missing.
func (s *Store) RevokeRefreshToken(ctx context.Context, hash string, at time.Time) error {
	res, err := s.wc.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, ?)
		WHERE (pool_id, origin_jti) = (SELECT pool_id, origin_jti FROM refresh_tokens WHERE hash = ?)`, tv(at), hash)
	return mustAffect("revoke refresh token", res, err)
}

func (s *Store) RevokeUserRefreshTokens(ctx context.Context, poolID, usernameKey string, at time.Time) error {
	if _, err := s.wc.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE pool_id = ? AND username_key = ? AND revoked_at IS NULL`,
		tv(at), poolID, usernameKey); err != nil {
		return fail("revoke user refresh tokens", err)
	}
	return nil
}

func (s *Store) IsOriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error) {
	var revoked bool
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE pool_id = ? AND origin_jti = ? AND revoked_at IS NOT NULL)`,
		poolID, originJTI).Scan(&revoked)
	if err != nil {
		return false, fail("is origin revoked", err)
	}
	return revoked, nil
}

func (s *Store) DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at IS NOT NULL AND expires_at < ?`, before.UnixMicro())
	if err != nil {
		return 0, fail("delete expired refresh tokens", err)
	}
	return res.RowsAffected()
}

// ---------------------------------------------------------------- codes

func (s *Store) PutCode(ctx context.Context, c store.Code) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO codes (pool_id, username_key, purpose, code_hash, attempts, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (pool_id, username_key, purpose) DO UPDATE SET
			code_hash = excluded.code_hash, attempts = excluded.attempts,
			created_at = excluded.created_at, expires_at = excluded.expires_at`,
		c.PoolID, c.UsernameKey, c.Purpose, c.CodeHash, c.Attempts, tv(c.CreatedAt), tv(c.ExpiresAt))
	if err != nil {
		return fail("put code", err)
	}
	return nil
}

func (s *Store) GetCode(ctx context.Context, poolID, usernameKey, purpose string) (store.Code, error) {
	var c store.Code
	err := s.r.QueryRowContext(ctx, `SELECT pool_id, username_key, purpose, code_hash, attempts, created_at, expires_at
		FROM codes WHERE pool_id = ? AND username_key = ? AND purpose = ?`, poolID, usernameKey, purpose).Scan(
		&c.PoolID, &c.UsernameKey, &c.Purpose, &c.CodeHash, &c.Attempts, nt{&c.CreatedAt}, nt{&c.ExpiresAt})
	if err != nil {
		return store.Code{}, notFound("get code", err)
	}
	return c, nil
}

func (s *Store) IncrementCodeAttempts(ctx context.Context, poolID, usernameKey, purpose string) (int, error) {
	var n int
	err := s.wc.QueryRowContext(ctx, `UPDATE codes SET attempts = attempts + 1
		WHERE pool_id = ? AND username_key = ? AND purpose = ? RETURNING attempts`, poolID, usernameKey, purpose).Scan(&n)
	if err != nil {
		return 0, notFound("increment code attempts", err)
	}
	return n, nil
}

func (s *Store) DeleteCode(ctx context.Context, poolID, usernameKey, purpose string) error {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM codes WHERE pool_id = ? AND username_key = ? AND purpose = ?`, poolID, usernameKey, purpose)
	return mustAffect("delete code", res, err)
}

// ---------------------------------------------------------------- sessions

const sessionCols = `id, pool_id, client_id, username_key, challenge, state, created_at, expires_at`

func scanSession(sc interface{ Scan(...any) error }) (store.Session, error) {
	var x store.Session
	err := sc.Scan(&x.ID, &x.PoolID, &x.ClientID, &x.UsernameKey, &x.Challenge, blob{&x.State}, nt{&x.CreatedAt}, nt{&x.ExpiresAt})
	return x, err
}

func (s *Store) CreateSession(ctx context.Context, x store.Session) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.PoolID, x.ClientID, x.UsernameKey, x.Challenge, bv(x.State), tv(x.CreatedAt), tv(x.ExpiresAt))
	if err != nil {
		return insertErr("create session", err, store.ErrAlreadyExists)
	}
	return nil
}

// TakeSession deletes the session and returns it, in one statement.
func (s *Store) TakeSession(ctx context.Context, id string) (store.Session, error) {
	x, err := scanSession(s.wc.QueryRowContext(ctx, `DELETE FROM sessions WHERE id = ? RETURNING `+sessionCols, id))
	if err != nil {
		return store.Session{}, notFound("take session", err)
	}
	return x, nil
}

func (s *Store) GetSession(ctx context.Context, id string) (store.Session, error) {
	x, err := scanSession(s.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = ?`, id))
	if err != nil {
		return store.Session{}, notFound("get session", err)
	}
	return x, nil
}

func (s *Store) DeleteExpiredSessions(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at IS NOT NULL AND expires_at < ?`, before.UnixMicro())
	if err != nil {
		return 0, fail("delete expired sessions", err)
	}
	return res.RowsAffected()
}
