package postgres

import (
	"context"
	"iter"

	"userpool/internal/store"
)

var _ store.Exporter = (*Store)(nil)

func scanRefresh(sc scanner) (store.RefreshToken, error) {
	var t store.RefreshToken
	err := sc.Scan(&t.Hash, &t.PoolID, &t.ClientID, &t.UsernameKey, &t.OriginJTI, &t.DeviceKey,
		ts{&t.AuthTime}, ts{&t.CreatedAt}, ts{&t.ExpiresAt}, ts{&t.RevokedAt}, ts{&t.ReplacedAt})
	return t, err
}

const codeCols = `pool_id, username_key, purpose, code_hash, attempts, created_at, expires_at`

func scanCode(sc scanner) (store.Code, error) {
	var c store.Code
	err := sc.Scan(&c.PoolID, &c.UsernameKey, &c.Purpose, &c.CodeHash, &c.Attempts, ts{&c.CreatedAt}, ts{&c.ExpiresAt})
	return c, err
}

func scanMembership(sc scanner) (store.Membership, error) {
	var m store.Membership
	err := sc.Scan(&m.PoolID, &m.GroupName, &m.UsernameKey)
	return m, err
}

// exportBatch reads one batch with retries (reads are idempotent).
func exportBatch[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), sql string, args ...any) ([]T, error) {
	var items []T
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		items, err = queryAll(ctx, s.pool, scan, sql, args...)
		return err
	})
	if err != nil {
		return nil, fail(op, err)
	}
	return items, nil
}

// AllRefreshTokens implements store.Exporter.
func (s *Store) AllRefreshTokens(ctx context.Context) iter.Seq2[store.RefreshToken, error] {
	return store.Keyset(func(after *store.RefreshToken) ([]store.RefreshToken, error) {
		if after == nil {
			return exportBatch(ctx, s, "export refresh tokens", scanRefresh,
				`SELECT `+refreshCols+` FROM refresh_tokens ORDER BY hash LIMIT $1`, store.ExportBatch)
		}
		return exportBatch(ctx, s, "export refresh tokens", scanRefresh,
			`SELECT `+refreshCols+` FROM refresh_tokens WHERE hash > $1 ORDER BY hash LIMIT $2`, after.Hash, store.ExportBatch)
	})
}

// AllCodes implements store.Exporter.
func (s *Store) AllCodes(ctx context.Context) iter.Seq2[store.Code, error] {
	return store.Keyset(func(after *store.Code) ([]store.Code, error) {
		if after == nil {
			return exportBatch(ctx, s, "export codes", scanCode,
				`SELECT `+codeCols+` FROM codes ORDER BY pool_id, username_key, purpose LIMIT $1`, store.ExportBatch)
		}
		return exportBatch(ctx, s, "export codes", scanCode,
			`SELECT `+codeCols+` FROM codes WHERE (pool_id, username_key, purpose) > ($1, $2, $3)
			ORDER BY pool_id, username_key, purpose LIMIT $4`, after.PoolID, after.UsernameKey, after.Purpose, store.ExportBatch)
	})
}

// AllSessions implements store.Exporter.
func (s *Store) AllSessions(ctx context.Context) iter.Seq2[store.Session, error] {
	return store.Keyset(func(after *store.Session) ([]store.Session, error) {
		if after == nil {
			return exportBatch(ctx, s, "export sessions", scanSession,
				`SELECT `+sessionCols+` FROM sessions ORDER BY id LIMIT $1`, store.ExportBatch)
		}
		return exportBatch(ctx, s, "export sessions", scanSession,
			`SELECT `+sessionCols+` FROM sessions WHERE id > $1 ORDER BY id LIMIT $2`, after.ID, store.ExportBatch)
	})
}

// AllMemberships implements store.Exporter.
func (s *Store) AllMemberships(ctx context.Context, poolID string) iter.Seq2[store.Membership, error] {
	return store.Keyset(func(after *store.Membership) ([]store.Membership, error) {
		if after == nil {
			return exportBatch(ctx, s, "export memberships", scanMembership,
				`SELECT pool_id, group_name, username_key FROM group_members WHERE pool_id = $1
				ORDER BY group_name, username_key LIMIT $2`, poolID, store.ExportBatch)
		}
		return exportBatch(ctx, s, "export memberships", scanMembership,
			`SELECT pool_id, group_name, username_key FROM group_members
			WHERE pool_id = $1 AND (group_name, username_key) > ($2, $3)
			ORDER BY group_name, username_key LIMIT $4`, poolID, after.GroupName, after.UsernameKey, store.ExportBatch)
	})
}

// AllResources implements store.Exporter.
func (s *Store) AllResources(ctx context.Context, poolID string) iter.Seq2[store.Resource, error] {
	return store.Keyset(func(after *store.Resource) ([]store.Resource, error) {
		if !storable(poolID) {
			return nil, nil
		}
		if after == nil {
			return exportBatch(ctx, s, "export resources", scanResource,
				`SELECT `+resourceCols+` FROM pool_resources WHERE pool_id = $1 ORDER BY kind, name LIMIT $2`, poolID, store.ExportBatch)
		}
		return exportBatch(ctx, s, "export resources", scanResource,
			`SELECT `+resourceCols+` FROM pool_resources WHERE pool_id = $1 AND (kind, name) > ($2, $3)
			ORDER BY kind, name LIMIT $4`, poolID, after.Kind, after.Name, store.ExportBatch)
	})
}

// AllImportJobs implements store.Exporter (the jobs only: bodies stay in
// import_job_csv).
func (s *Store) AllImportJobs(ctx context.Context, poolID string) iter.Seq2[store.ImportJob, error] {
	return store.Keyset(func(after *store.ImportJob) ([]store.ImportJob, error) {
		if !storable(poolID) {
			return nil, nil
		}
		if after == nil {
			return exportBatch(ctx, s, "export import jobs", scanImportJob,
				`SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = $1 ORDER BY id LIMIT $2`, poolID, store.ExportBatch)
		}
		return exportBatch(ctx, s, "export import jobs", scanImportJob,
			`SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3`, poolID, after.ID, store.ExportBatch)
	})
}

// AllWebAuthnCredentials implements store.Exporter.
func (s *Store) AllWebAuthnCredentials(ctx context.Context, poolID string) iter.Seq2[store.WebAuthnCredential, error] {
	return store.Keyset(func(after *store.WebAuthnCredential) ([]store.WebAuthnCredential, error) {
		if !storable(poolID) {
			return nil, nil
		}
		if after == nil {
			return exportBatch(ctx, s, "export webauthn credentials", scanWebAuthn,
				`SELECT `+webauthnCols+` FROM webauthn_credentials WHERE pool_id = $1 ORDER BY credential_id LIMIT $2`, poolID, store.ExportBatch)
		}
		return exportBatch(ctx, s, "export webauthn credentials", scanWebAuthn,
			`SELECT `+webauthnCols+` FROM webauthn_credentials WHERE pool_id = $1 AND credential_id > $2 ORDER BY credential_id LIMIT $3`, poolID, after.CredentialID, store.ExportBatch)
	})
}
