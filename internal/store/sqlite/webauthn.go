package sqlite

import (
	"context"

	"userpool/internal/store"
)

const webauthnCols = `pool_id, username_key, credential_id, body, created_at`

func scanWebAuthn(sc interface{ Scan(...any) error }) (store.WebAuthnCredential, error) {
	var c store.WebAuthnCredential
	err := sc.Scan(&c.PoolID, &c.UsernameKey, &c.CredentialID, blob{&c.Body}, nt{&c.CreatedAt})
	return c, err
}

func (s *Store) CreateWebAuthnCredential(ctx context.Context, c store.WebAuthnCredential) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO webauthn_credentials (`+webauthnCols+`) VALUES (?, ?, ?, ?, ?)`,
		c.PoolID, c.UsernameKey, c.CredentialID, bv(c.Body), tv(c.CreatedAt))
	if err != nil {
		return insertErr("create webauthn credential", err, store.ErrAlreadyExists)
	}
	return nil
}

func getWebAuthn(ctx context.Context, q querier, op, poolID, credentialID string) (store.WebAuthnCredential, error) {
	c, err := scanWebAuthn(q.QueryRowContext(ctx, `SELECT `+webauthnCols+` FROM webauthn_credentials WHERE pool_id = ? AND credential_id = ?`,
		poolID, credentialID))
	if err != nil {
		return store.WebAuthnCredential{}, notFound(op, err)
	}
	return c, nil
}

func (s *Store) GetWebAuthnCredential(ctx context.Context, poolID, credentialID string) (store.WebAuthnCredential, error) {
	return getWebAuthn(ctx, s.r, "get webauthn credential", poolID, credentialID)
}

func (s *Store) ListWebAuthnCredentials(ctx context.Context, poolID, usernameKey string, page store.Page) ([]store.WebAuthnCredential, string, error) {
	return keyPage(ctx, s, "list webauthn credentials", "webauthn", page, scanWebAuthn,
		func(c store.WebAuthnCredential) string { return c.CredentialID },
		`SELECT `+webauthnCols+` FROM webauthn_credentials
		WHERE pool_id = ? AND username_key = ? AND credential_id > ? ORDER BY credential_id`, poolID, usernameKey)
}

func (s *Store) UpdateWebAuthnCredential(ctx context.Context, poolID, credentialID string, fn func(*store.WebAuthnCredential) error) (store.WebAuthnCredential, error) {
	const op = "update webauthn credential"
	var out store.WebAuthnCredential
	err := s.write(ctx, op, func(tx wtx) error {
		c, err := getWebAuthn(ctx, tx, op, poolID, credentialID)
		if err != nil {
			return err
		}
		user, created := c.UsernameKey, c.CreatedAt
		if err := fn(&c); err != nil {
			return err
		}
		c.PoolID, c.CredentialID, c.UsernameKey, c.CreatedAt = poolID, credentialID, user, created
		if _, err := tx.ExecContext(ctx, `UPDATE webauthn_credentials SET body = ? WHERE pool_id = ? AND credential_id = ?`,
			bv(c.Body), poolID, credentialID); err != nil {
			return fail(op, err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteWebAuthnCredential(ctx context.Context, poolID, usernameKey, credentialID string) error {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM webauthn_credentials WHERE pool_id = ? AND username_key = ? AND credential_id = ?`,
		poolID, usernameKey, credentialID)
	return mustAffect("delete webauthn credential", res, err)
}
