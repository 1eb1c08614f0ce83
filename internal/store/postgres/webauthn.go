package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

const webauthnCols = `pool_id, username_key, credential_id, body, created_at`

func scanWebAuthn(sc scanner) (store.WebAuthnCredential, error) {
	var c store.WebAuthnCredential
	err := sc.Scan(&c.PoolID, &c.UsernameKey, &c.CredentialID, &c.Body, ts{&c.CreatedAt})
	return c, err
}

// CreateWebAuthnCredential: ErrNotFound when the user does not exist (foreign key).
func (s *Store) CreateWebAuthnCredential(ctx context.Context, c store.WebAuthnCredential) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO webauthn_credentials (`+webauthnCols+`) VALUES ($1, $2, $3, $4, $5)`,
			c.PoolID, c.UsernameKey, c.CredentialID, c.Body, tv(c.CreatedAt))
		return err
	})
	if err != nil {
		return writeErr("create webauthn credential", err)
	}
	return nil
}

func (s *Store) GetWebAuthnCredential(ctx context.Context, poolID, credentialID string) (store.WebAuthnCredential, error) {
	var c store.WebAuthnCredential
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		c, err = scanWebAuthn(s.pool.QueryRow(ctx, `SELECT `+webauthnCols+` FROM webauthn_credentials WHERE pool_id = $1 AND credential_id = $2`,
			poolID, credentialID))
		return err
	})
	if err != nil {
		return store.WebAuthnCredential{}, notFound("get webauthn credential", err)
	}
	return c, nil
}

func (s *Store) ListWebAuthnCredentials(ctx context.Context, poolID, usernameKey string, page store.Page) ([]store.WebAuthnCredential, string, error) {
	return keyPage(ctx, s, "list webauthn credentials", "webauthn", page, scanWebAuthn,
		func(c store.WebAuthnCredential) string { return c.CredentialID },
		`SELECT `+webauthnCols+` FROM webauthn_credentials
			WHERE pool_id = $1 AND username_key = $2 AND credential_id > $3 ORDER BY credential_id LIMIT $4`,
		poolID, usernameKey)
}

func (s *Store) UpdateWebAuthnCredential(ctx context.Context, poolID, credentialID string, fn func(*store.WebAuthnCredential) error) (store.WebAuthnCredential, error) {
	const op = "update webauthn credential"
	var out store.WebAuthnCredential
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := scanWebAuthn(tx.QueryRow(ctx, `SELECT `+webauthnCols+` FROM webauthn_credentials
			WHERE pool_id = $1 AND credential_id = $2 FOR NO KEY UPDATE`, poolID, credentialID))
		if err != nil {
			return notFound(op, err)
		}
		user, created := c.UsernameKey, c.CreatedAt
		if err := fn(&c); err != nil {
			return err
		}
		c.PoolID, c.CredentialID, c.UsernameKey, c.CreatedAt = poolID, credentialID, user, created
		if _, err := tx.Exec(ctx, `UPDATE webauthn_credentials SET body = $1 WHERE pool_id = $2 AND credential_id = $3`,
			c.Body, poolID, credentialID); err != nil {
			return fail(op, err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteWebAuthnCredential(ctx context.Context, poolID, usernameKey, credentialID string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM webauthn_credentials WHERE pool_id = $1 AND username_key = $2 AND credential_id = $3`,
			poolID, usernameKey, credentialID)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete webauthn credential", n, err)
}
