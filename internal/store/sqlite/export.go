package sqlite

import (
	"context"
	"iter"

	"userpool/internal/store"
)

var _ store.Exporter = (*Store)(nil)

func scanRefresh(sc interface{ Scan(...any) error }) (store.RefreshToken, error) {
	var t store.RefreshToken
	err := sc.Scan(&t.Hash, &t.PoolID, &t.ClientID, &t.UsernameKey, &t.OriginJTI, &t.DeviceKey,
		nt{&t.AuthTime}, nt{&t.CreatedAt}, nt{&t.ExpiresAt}, nt{&t.RevokedAt}, nt{&t.ReplacedAt})
	return t, err
}

const codeCols = `pool_id, username_key, purpose, code_hash, attempts, created_at, expires_at`

func scanCode(sc interface{ Scan(...any) error }) (store.Code, error) {
	var c store.Code
	err := sc.Scan(&c.PoolID, &c.UsernameKey, &c.Purpose, &c.CodeHash, &c.Attempts, nt{&c.CreatedAt}, nt{&c.ExpiresAt})
	return c, err
}

func scanMembership(sc interface{ Scan(...any) error }) (store.Membership, error) {
	var m store.Membership
	err := sc.Scan(&m.PoolID, &m.GroupName, &m.UsernameKey)
	return m, err
}

// AllRefreshTokens implements store.Exporter.
func (s *Store) AllRefreshTokens(ctx context.Context) iter.Seq2[store.RefreshToken, error] {
	return store.Keyset(func(after *store.RefreshToken) ([]store.RefreshToken, error) {
		q, args := `SELECT `+refreshCols+` FROM refresh_tokens ORDER BY hash LIMIT ?`, []any{store.ExportBatch}
		if after != nil {
			q, args = `SELECT `+refreshCols+` FROM refresh_tokens WHERE hash > ? ORDER BY hash LIMIT ?`, []any{after.Hash, store.ExportBatch}
		}
		items, err := queryAll(ctx, s.r, scanRefresh, q, args...)
		if err != nil {
			return nil, fail("export refresh tokens", err)
		}
		return items, nil
	})
}

// AllCodes implements store.Exporter.
func (s *Store) AllCodes(ctx context.Context) iter.Seq2[store.Code, error] {
	return store.Keyset(func(after *store.Code) ([]store.Code, error) {
		q, args := `SELECT `+codeCols+` FROM codes ORDER BY pool_id, username_key, purpose LIMIT ?`, []any{store.ExportBatch}
		if after != nil {
			q = `SELECT ` + codeCols + ` FROM codes WHERE (pool_id, username_key, purpose) > (?, ?, ?)
				ORDER BY pool_id, username_key, purpose LIMIT ?`
			args = []any{after.PoolID, after.UsernameKey, after.Purpose, store.ExportBatch}
		}
		items, err := queryAll(ctx, s.r, scanCode, q, args...)
		if err != nil {
			return nil, fail("export codes", err)
		}
		return items, nil
	})
}

// AllSessions implements store.Exporter.
func (s *Store) AllSessions(ctx context.Context) iter.Seq2[store.Session, error] {
	return store.Keyset(func(after *store.Session) ([]store.Session, error) {
		q, args := `SELECT `+sessionCols+` FROM sessions ORDER BY id LIMIT ?`, []any{store.ExportBatch}
		if after != nil {
			q, args = `SELECT `+sessionCols+` FROM sessions WHERE id > ? ORDER BY id LIMIT ?`, []any{after.ID, store.ExportBatch}
		}
		items, err := queryAll(ctx, s.r, scanSession, q, args...)
		if err != nil {
			return nil, fail("export sessions", err)
		}
		return items, nil
	})
}

// AllMemberships implements store.Exporter.
func (s *Store) AllMemberships(ctx context.Context, poolID string) iter.Seq2[store.Membership, error] {
	return store.Keyset(func(after *store.Membership) ([]store.Membership, error) {
		q := `SELECT pool_id, group_name, username_key FROM group_members WHERE pool_id = ?
			ORDER BY group_name, username_key LIMIT ?`
		args := []any{poolID, store.ExportBatch}
		if after != nil {
			q = `SELECT pool_id, group_name, username_key FROM group_members
				WHERE pool_id = ? AND (group_name, username_key) > (?, ?)
				ORDER BY group_name, username_key LIMIT ?`
			args = []any{poolID, after.GroupName, after.UsernameKey, store.ExportBatch}
		}
		items, err := queryAll(ctx, s.r, scanMembership, q, args...)
		if err != nil {
			return nil, fail("export memberships", err)
		}
		return items, nil
	})
}

// AllResources implements store.Exporter.
func (s *Store) AllResources(ctx context.Context, poolID string) iter.Seq2[store.Resource, error] {
	return store.Keyset(func(after *store.Resource) ([]store.Resource, error) {
		q := `SELECT ` + resourceCols + ` FROM pool_resources WHERE pool_id = ? ORDER BY kind, name LIMIT ?`
		args := []any{poolID, store.ExportBatch}
		if after != nil {
			q = `SELECT ` + resourceCols + ` FROM pool_resources WHERE pool_id = ? AND (kind, name) > (?, ?)
				ORDER BY kind, name LIMIT ?`
			args = []any{poolID, after.Kind, after.Name, store.ExportBatch}
		}
		items, err := queryAll(ctx, s.r, scanResource, q, args...)
		if err != nil {
			return nil, fail("export resources", err)
		}
		return items, nil
	})
}

// AllImportJobs implements store.Exporter (the jobs only: bodies stay in
// import_job_csv).
func (s *Store) AllImportJobs(ctx context.Context, poolID string) iter.Seq2[store.ImportJob, error] {
	return store.Keyset(func(after *store.ImportJob) ([]store.ImportJob, error) {
		q := `SELECT ` + importJobCols + ` FROM import_jobs WHERE pool_id = ? ORDER BY id LIMIT ?`
		args := []any{poolID, store.ExportBatch}
		if after != nil {
			q = `SELECT ` + importJobCols + ` FROM import_jobs WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?`
			args = []any{poolID, after.ID, store.ExportBatch}
		}
		items, err := queryAll(ctx, s.r, scanImportJob, q, args...)
		if err != nil {
			return nil, fail("export import jobs", err)
		}
		return items, nil
	})
}

// AllWebAuthnCredentials implements store.Exporter.
func (s *Store) AllWebAuthnCredentials(ctx context.Context, poolID string) iter.Seq2[store.WebAuthnCredential, error] {
	return store.Keyset(func(after *store.WebAuthnCredential) ([]store.WebAuthnCredential, error) {
		q := `SELECT ` + webauthnCols + ` FROM webauthn_credentials WHERE pool_id = ? ORDER BY credential_id LIMIT ?`
		args := []any{poolID, store.ExportBatch}
		if after != nil {
			q = `SELECT ` + webauthnCols + ` FROM webauthn_credentials WHERE pool_id = ? AND credential_id > ? ORDER BY credential_id LIMIT ?`
			args = []any{poolID, after.CredentialID, store.ExportBatch}
		}
		items, err := queryAll(ctx, s.r, scanWebAuthn, q, args...)
		if err != nil {
			return nil, fail("export webauthn credentials", err)
		}
		return items, nil
	})
}
