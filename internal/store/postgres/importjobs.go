package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

// User import jobs: import_jobs and import_job_csv (migration
// 00005_import_jobs.sql), and the batch user creation of an import.

const importJobCols = `pool_id, id, name, role_arn, status, secret, has_csv, completion_message,
	imported, skipped, failed, created_at, started_at, completed_at, runner, heartbeat_at`

func scanImportJob(sc scanner) (store.ImportJob, error) {
	var j store.ImportJob
	err := sc.Scan(&j.PoolID, &j.ID, &j.Name, &j.RoleArn, &j.Status, &j.Secret, &j.HasCSV, &j.CompletionMessage,
		&j.Imported, &j.Skipped, &j.Failed, ts{&j.CreatedAt}, ts{&j.StartedAt}, ts{&j.CompletedAt}, &j.Runner, ts{&j.HeartbeatAt})
	return j, err
}

func storableJob(j *store.ImportJob) bool {
	return storable(j.PoolID) && storable(j.ID) && storable(j.Name) && storable(j.RoleArn) &&
		storable(j.Status) && storable(j.CompletionMessage) && storable(j.Runner)
}

func (s *Store) CreateImportJob(ctx context.Context, j store.ImportJob) error {
	const op = "create import job"
	if !storableJob(&j) {
		return fail(op, store.ErrNotFound)
	}
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO import_jobs (`+importJobCols+`) VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			j.PoolID, j.ID, j.Name, j.RoleArn, j.Status, j.Secret, j.CompletionMessage,
			j.Imported, j.Skipped, j.Failed, tv(j.CreatedAt), tv(j.StartedAt), tv(j.CompletedAt), j.Runner, tv(j.HeartbeatAt))
		return err
	})
	if err != nil {
		return writeErr(op, err)
	}
	return nil
}

func (s *Store) getImportJob(ctx context.Context, op, sql string, args ...any) (store.ImportJob, error) {
	var j store.ImportJob
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		j, err = scanImportJob(s.pool.QueryRow(ctx, sql, args...))
		return err
	})
	if err != nil {
		return store.ImportJob{}, notFound(op, err)
	}
	return j, nil
}

func (s *Store) GetImportJob(ctx context.Context, poolID, id string) (store.ImportJob, error) {
	const op = "get import job"
	if !storable(poolID) || !storable(id) {
		return store.ImportJob{}, fail(op, store.ErrNotFound)
	}
	return s.getImportJob(ctx, op, `SELECT `+importJobCols+` FROM import_jobs WHERE id = $1 AND pool_id = $2`, id, poolID)
}

func (s *Store) GetImportJobByID(ctx context.Context, id string) (store.ImportJob, error) {
	const op = "get import job by id"
	if !storable(id) {
		return store.ImportJob{}, fail(op, store.ErrNotFound)
	}
	return s.getImportJob(ctx, op, `SELECT `+importJobCols+` FROM import_jobs WHERE id = $1`, id)
}

func (s *Store) ListImportJobs(ctx context.Context, poolID string, page store.Page) ([]store.ImportJob, string, error) {
	if !storable(poolID) {
		if _, err := decodeToken(page.Token, "importjobs", 1); err != nil {
			return nil, "", err
		}
		return nil, "", nil
	}
	return keyPage(ctx, s, "list import jobs", "importjobs", page, scanImportJob, func(j store.ImportJob) string { return j.ID },
		`SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3`, poolID)
}

// ListImportJobsByStatus implements store.ImportJobStore (index
// import_jobs_status).
func (s *Store) ListImportJobsByStatus(ctx context.Context, status string, page store.Page) ([]store.ImportJob, string, error) {
	if !storable(status) {
		if _, err := decodeToken(page.Token, "importjobs-status", 1); err != nil {
			return nil, "", err
		}
		return nil, "", nil
	}
	return keyPage(ctx, s, "list import jobs by status", "importjobs-status", page, scanImportJob, func(j store.ImportJob) string { return j.ID },
		`SELECT `+importJobCols+` FROM import_jobs WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3`, status)
}

// UpdateImportJob locks the job's row (FOR NO KEY UPDATE) for fn, so a
// status check in fn is a compare-and-swap across instances.
func (s *Store) UpdateImportJob(ctx context.Context, poolID, id string, fn func(*store.ImportJob) error) (store.ImportJob, error) {
	const op = "update import job"
	if !storable(poolID) || !storable(id) {
		return store.ImportJob{}, fail(op, store.ErrNotFound)
	}
	var out store.ImportJob
	err := s.tx(ctx, func(tx pgx.Tx) error {
		j, err := scanImportJob(tx.QueryRow(ctx, `SELECT `+importJobCols+` FROM import_jobs WHERE id = $1 AND pool_id = $2 FOR NO KEY UPDATE`, id, poolID))
		if err != nil {
			return notFound(op, err)
		}
		hasCSV := j.HasCSV
		if err := fn(&j); err != nil {
			return err
		}
		j.PoolID, j.ID, j.HasCSV = poolID, id, hasCSV
		if !storableJob(&j) {
			return fail(op, errors.New("value not storable"))
		}
		if _, err := tx.Exec(ctx, `UPDATE import_jobs SET name = $1, role_arn = $2, status = $3, secret = $4, completion_message = $5,
			imported = $6, skipped = $7, failed = $8, created_at = $9, started_at = $10, completed_at = $11,
			runner = $12, heartbeat_at = $13 WHERE id = $14`,
			j.Name, j.RoleArn, j.Status, j.Secret, j.CompletionMessage, j.Imported, j.Skipped, j.Failed,
			tv(j.CreatedAt), tv(j.StartedAt), tv(j.CompletedAt), j.Runner, tv(j.HeartbeatAt), id); err != nil {
			return writeErr(op, err)
		}
		out = j
		return nil
	})
	return out, err
}

func (s *Store) PutImportCSV(ctx context.Context, poolID, id, status string, body []byte) error {
	const op = "put import csv"
	if !storable(poolID) || !storable(id) {
		return fail(op, store.ErrNotFound)
	}
	if body == nil {
		body = []byte{}
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		var cur string
		if err := tx.QueryRow(ctx, `SELECT status FROM import_jobs WHERE id = $1 AND pool_id = $2 FOR NO KEY UPDATE`, id, poolID).Scan(&cur); err != nil {
			return notFound(op, err)
		}
		if cur != status {
			return fail(op, store.ErrStateChanged)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO import_job_csv (job_id, body) VALUES ($1, $2)
			ON CONFLICT (job_id) DO UPDATE SET body = excluded.body`, id, body); err != nil {
			return writeErr(op, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE import_jobs SET has_csv = true WHERE id = $1`, id); err != nil {
			return writeErr(op, err)
		}
		return nil
	})
}

func (s *Store) GetImportCSV(ctx context.Context, poolID, id string) ([]byte, error) {
	const op = "get import csv"
	if !storable(poolID) || !storable(id) {
		return nil, fail(op, store.ErrNotFound)
	}
	var body []byte
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT c.body FROM import_job_csv c JOIN import_jobs j ON j.id = c.job_id
			WHERE c.job_id = $1 AND j.pool_id = $2`, id, poolID).Scan(&body)
	})
	if err != nil {
		return nil, notFound(op, err)
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
}

// CreateUsers checks every user's key, sub and aliases against the pool in
// three set queries, decides each user's outcome (earlier users of the call
// count), and inserts the accepted ones in one pipelined batch, all in one
// transaction. A concurrent creation that takes a key between the checks
// and the inserts fails the transaction with a unique violation: the call
// then runs again, and its checks see that user.
func (s *Store) CreateUsers(ctx context.Context, users []store.User) ([]error, error) {
	const op = "create users"
	out := make([]error, len(users))
	if len(users) == 0 {
		return out, nil
	}
	poolID := users[0].PoolID
	for i := range users {
		u := &users[i]
		if u.PoolID != poolID {
			return nil, fail(op, errors.New("users of several pools"))
		}
		if !storable(u.Username) || !storable(u.UsernameKey) || !storable(u.Sub) {
			return nil, fail(op, errors.New("value not storable"))
		}
	}
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		err = s.tx(ctx, func(tx pgx.Tx) error { return createUsersTx(ctx, tx, users, out) })
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, store.ErrAlreadyExists) && !errors.Is(err, store.ErrAliasExists) {
			break
		}
	}
	return nil, err
}

func createUsersTx(ctx context.Context, tx pgx.Tx, users []store.User, out []error) error {
	const op = "create users"
	clear(out)
	poolID := users[0].PoolID
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM pools WHERE id = $1 FOR KEY SHARE`, poolID).Scan(&one); err != nil {
		return notFound(op, err)
	}
	keys := make([]string, len(users))
	subs := make([]string, len(users))
	var aliasKinds, aliasValues []string
	for i, u := range users {
		keys[i], subs[i] = u.UsernameKey, u.Sub
		for k, v := range u.Aliases {
			if v != "" {
				aliasKinds, aliasValues = append(aliasKinds, k), append(aliasValues, v)
			}
		}
	}
	takenKeys, err := stringSet(ctx, tx, `SELECT username_key FROM users WHERE pool_id = $1 AND username_key = ANY($2::text[])`, poolID, keys)
	if err != nil {
		return fail(op, err)
	}
	takenSubs, err := stringSet(ctx, tx, `SELECT sub FROM users WHERE pool_id = $1 AND sub = ANY($2::text[])`, poolID, subs)
	if err != nil {
		return fail(op, err)
	}
	takenAliases, err := stringSet(ctx, tx, `SELECT a.kind || chr(1) || a.value FROM user_aliases a
		JOIN unnest($2::text[], $3::text[]) AS t(k, v) ON a.kind = t.k AND a.value = t.v
		WHERE a.pool_id = $1`, poolID, aliasKinds, aliasValues)
	if err != nil {
		return fail(op, err)
	}
	b := &pgx.Batch{}
	for i := range users {
		u := &users[i]
		if takenKeys[u.UsernameKey] || takenSubs[u.Sub] {
			out[i] = fail(op, store.ErrAlreadyExists)
			continue
		}
		aliasTaken := false
		for k, v := range u.Aliases {
			if v != "" && takenAliases[k+"\x01"+v] {
				aliasTaken = true
			}
		}
		if aliasTaken {
			out[i] = fail(op, store.ErrAliasExists)
			continue
		}
		takenKeys[u.UsernameKey], takenSubs[u.Sub] = true, true
		for k, v := range u.Aliases {
			if v != "" {
				takenAliases[k+"\x01"+v] = true
			}
		}
		b.Queue(userInsert, append([]any{u.PoolID, u.UsernameKey, u.Username, u.Sub}, userValues(u)...)...)
		queueInsertAliases(b, u.PoolID, u.UsernameKey, u.Aliases)
		queueInsertSearch(b, u.PoolID, u.UsernameKey, store.SearchEntries(u))
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return writeErr(op, err)
	}
	return nil
}

func stringSet(ctx context.Context, tx pgx.Tx, sql string, args ...any) (map[string]bool, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		m[v] = true
	}
	return m, rows.Err()
}
