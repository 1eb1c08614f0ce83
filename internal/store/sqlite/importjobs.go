package sqlite

import (
	"context"
	"errors"

	"userpool/internal/store"
)

// User import jobs: import_jobs and import_job_csv (migration
// 00005_import_jobs.sql), and the batch user creation of an import.

const importJobCols = `pool_id, id, name, role_arn, status, secret, has_csv, completion_message,
	imported, skipped, failed, created_at, started_at, completed_at, runner, heartbeat_at`

func scanImportJob(sc interface{ Scan(...any) error }) (store.ImportJob, error) {
	var j store.ImportJob
	var hasCSV int
	err := sc.Scan(&j.PoolID, &j.ID, &j.Name, &j.RoleArn, &j.Status, blob{&j.Secret}, &hasCSV, &j.CompletionMessage,
		&j.Imported, &j.Skipped, &j.Failed, nt{&j.CreatedAt}, nt{&j.StartedAt}, nt{&j.CompletedAt}, &j.Runner, nt{&j.HeartbeatAt})
	j.HasCSV = hasCSV != 0
	return j, err
}

func (s *Store) CreateImportJob(ctx context.Context, j store.ImportJob) error {
	const op = "create import job"
	return s.write(ctx, op, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_jobs (`+importJobCols+`) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.PoolID, j.ID, j.Name, j.RoleArn, j.Status, bv(j.Secret), j.CompletionMessage,
			j.Imported, j.Skipped, j.Failed, tv(j.CreatedAt), tv(j.StartedAt), tv(j.CompletedAt), j.Runner, tv(j.HeartbeatAt)); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		return nil
	})
}

func getImportJob(ctx context.Context, q querier, op, poolID, id string) (store.ImportJob, error) {
	j, err := scanImportJob(q.QueryRowContext(ctx, `SELECT `+importJobCols+` FROM import_jobs WHERE id = ? AND pool_id = ?`, id, poolID))
	if err != nil {
		return store.ImportJob{}, notFound(op, err)
	}
	return j, nil
}

func (s *Store) GetImportJob(ctx context.Context, poolID, id string) (store.ImportJob, error) {
	return getImportJob(ctx, s.r, "get import job", poolID, id)
}

func (s *Store) GetImportJobByID(ctx context.Context, id string) (store.ImportJob, error) {
	j, err := scanImportJob(s.r.QueryRowContext(ctx, `SELECT `+importJobCols+` FROM import_jobs WHERE id = ?`, id))
	if err != nil {
		return store.ImportJob{}, notFound("get import job by id", err)
	}
	return j, nil
}

func (s *Store) ListImportJobs(ctx context.Context, poolID string, page store.Page) ([]store.ImportJob, string, error) {
	return keyPage(ctx, s, "list import jobs", "importjobs", page, scanImportJob, func(j store.ImportJob) string { return j.ID },
		`SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = ? AND id > ? ORDER BY id`, poolID)
}

// ListImportJobsByStatus implements store.ImportJobStore (index
// import_jobs_status).
func (s *Store) ListImportJobsByStatus(ctx context.Context, status string, page store.Page) ([]store.ImportJob, string, error) {
	return keyPage(ctx, s, "list import jobs by status", "importjobs-status", page, scanImportJob, func(j store.ImportJob) string { return j.ID },
		`SELECT `+importJobCols+` FROM import_jobs WHERE status = ? AND id > ? ORDER BY id`, status)
}

// UpdateImportJob runs fn inside the one write transaction: nothing else
// writes meanwhile, so a status check in fn is a compare-and-swap.
func (s *Store) UpdateImportJob(ctx context.Context, poolID, id string, fn func(*store.ImportJob) error) (store.ImportJob, error) {
	const op = "update import job"
	var out store.ImportJob
	err := s.write(ctx, op, func(tx wtx) error {
		j, err := getImportJob(ctx, tx, op, poolID, id)
		if err != nil {
			return err
		}
		hasCSV := j.HasCSV
		if err := fn(&j); err != nil {
			return err
		}
		j.PoolID, j.ID, j.HasCSV = poolID, id, hasCSV
		if _, err := tx.ExecContext(ctx, `UPDATE import_jobs SET name = ?, role_arn = ?, status = ?, secret = ?, completion_message = ?,
			imported = ?, skipped = ?, failed = ?, created_at = ?, started_at = ?, completed_at = ?, runner = ?, heartbeat_at = ? WHERE id = ?`,
			j.Name, j.RoleArn, j.Status, bv(j.Secret), j.CompletionMessage, j.Imported, j.Skipped, j.Failed,
			tv(j.CreatedAt), tv(j.StartedAt), tv(j.CompletedAt), j.Runner, tv(j.HeartbeatAt), id); err != nil {
			return fail(op, err)
		}
		out = j
		return nil
	})
	return out, err
}

func (s *Store) PutImportCSV(ctx context.Context, poolID, id, status string, body []byte) error {
	const op = "put import csv"
	if body == nil {
		body = []byte{}
	}
	return s.write(ctx, op, func(tx wtx) error {
		j, err := getImportJob(ctx, tx, op, poolID, id)
		if err != nil {
			return err
		}
		if j.Status != status {
			return fail(op, store.ErrStateChanged)
		}
		// Not through the statement cache: a one-off statement with a large argument.
		if _, err := tx.Tx.ExecContext(ctx, `INSERT INTO import_job_csv (job_id, body) VALUES (?, ?)
			ON CONFLICT (job_id) DO UPDATE SET body = excluded.body`, id, body); err != nil {
			return fail(op, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE import_jobs SET has_csv = 1 WHERE id = ?`, id); err != nil {
			return fail(op, err)
		}
		return nil
	})
}

func (s *Store) GetImportCSV(ctx context.Context, poolID, id string) ([]byte, error) {
	const op = "get import csv"
	var body []byte
	err := s.r.db.QueryRowContext(ctx, `SELECT c.body FROM import_job_csv c JOIN import_jobs j ON j.id = c.job_id
		WHERE c.job_id = ? AND j.pool_id = ?`, id, poolID).Scan(&body)
	if err != nil {
		return nil, notFound(op, err)
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
}

// CreateUsers creates the users in one write transaction. The single writer
// makes the alias check before each insert atomic; a taken key or sub fails
// the user's INSERT alone: a refused user leaves nothing written.
func (s *Store) CreateUsers(ctx context.Context, users []store.User) ([]error, error) {
	const op = "create users"
	out := make([]error, len(users))
	if len(users) == 0 {
		return out, nil
	}
	poolID := users[0].PoolID
	err := s.write(ctx, op, func(tx wtx) error {
		clear(out)
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM pools WHERE id = ?`, poolID).Scan(&one); err != nil {
			return notFound(op, err)
		}
		created := 0
		for i := range users {
			u := &users[i]
			if u.PoolID != poolID {
				return fail(op, errors.New("users of several pools"))
			}
			var taken int
			aliasTaken := false
			for kind, v := range u.Aliases {
				if v == "" {
					continue
				}
				if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM user_aliases WHERE pool_id = ? AND kind = ? AND value = ?)`,
					poolID, kind, v).Scan(&taken); err != nil {
					return fail(op, err)
				}
				if taken != 0 {
					aliasTaken = true
					break
				}
			}
			if aliasTaken {
				out[i] = fail(op, store.ErrAliasExists)
				continue
			}
			// A taken key or sub fails this statement only (SQLite's
			// ABORT): the transaction goes on with the next user.
			args := append([]any{u.PoolID, u.UsernameKey, u.Username, u.Sub}, userValues(u)...)
			if _, err := tx.ExecContext(ctx, userInsert, args...); err != nil {
				if isUnique(err) {
					out[i] = fail(op, store.ErrAlreadyExists)
					continue
				}
				return insertErr(op, err, store.ErrAlreadyExists)
			}
			if err := insertAliases(ctx, tx, op, u.PoolID, u.UsernameKey, u.Aliases); err != nil {
				return err
			}
			if err := insertSearch(ctx, tx, u.PoolID, u.UsernameKey, store.SearchEntries(u)); err != nil {
				return fail(op, err)
			}
			created++
		}
		if created > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE pools SET user_count = user_count + ? WHERE id = ?`, created, poolID); err != nil {
				return fail(op, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
