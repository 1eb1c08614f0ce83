package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/jackc/pgx/v5"
	"strconv"
	"strings"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- principals

func scanPrincipal(sc scanner) (store.Principal, error) {
	var p store.Principal
	var grants []byte
	if err := sc.Scan(&p.Name, &grants, ts{&p.CreatedAt}, ts{&p.UpdatedAt}); err != nil {
		return p, err
	}
	if err := json.Unmarshal(grants, &p.Grants); err != nil {
		return p, fmt.Errorf("grants of %q: %w", p.Name, err)
	}
	return p, nil
}

// PutPrincipal creates or replaces a principal. Replacing keeps its access
// keys (an upsert, never a delete + insert).
func (s *Store) PutPrincipal(ctx context.Context, p store.Principal) error {
	grants := p.Grants
	if grants == nil {
		grants = []store.Grant{}
	}
	b, err := json.Marshal(grants)
	if err != nil {
		return fail("put principal", err)
	}
	err = s.run(ctx, idempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO principals (name, grants, created_at, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (name) DO UPDATE SET grants = excluded.grants, created_at = excluded.created_at, updated_at = excluded.updated_at`,
			p.Name, string(b), tv(p.CreatedAt), tv(p.UpdatedAt))
		return err
	})
	if err != nil {
		return fail("put principal", err)
	}
	return nil
}

func (s *Store) GetPrincipal(ctx context.Context, name string) (store.Principal, error) {
	var p store.Principal
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		p, err = scanPrincipal(s.pool.QueryRow(ctx, `SELECT name, grants, created_at, updated_at FROM principals WHERE name = $1`, name))
		return err
	})
	if err != nil {
		return store.Principal{}, notFound("get principal", err)
	}
	return p, nil
}

// ListPrincipals returns every principal, by name.
func (s *Store) ListPrincipals(ctx context.Context) ([]store.Principal, error) {
	var items []store.Principal
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		items, err = queryAll(ctx, s.pool, scanPrincipal, `SELECT name, grants, created_at, updated_at FROM principals ORDER BY name`)
		return err
	})
	if err != nil {
		return nil, fail("list principals", err)
	}
	return items, nil
}

// DeletePrincipal deletes the principal; its access keys follow by foreign key.
func (s *Store) DeletePrincipal(ctx context.Context, name string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM principals WHERE name = $1`, name)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete principal", n, err)
}

// ---------------------------------------------------------------- access keys

const accessKeyCols = `id, principal_name, secret_ciphertext, created_at, disabled`

func scanAccessKey(sc scanner) (store.AccessKey, error) {
	var k store.AccessKey
	err := sc.Scan(&k.ID, &k.PrincipalName, &k.SecretCiphertext, ts{&k.CreatedAt}, &k.Disabled)
	return k, err
}

// CreateAccessKey: ErrNotFound when the principal is missing (foreign key).
func (s *Store) CreateAccessKey(ctx context.Context, k store.AccessKey) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO access_keys (`+accessKeyCols+`) VALUES ($1, $2, $3, $4, $5)`,
			k.ID, k.PrincipalName, k.SecretCiphertext, tv(k.CreatedAt), k.Disabled)
		return err
	})
	if err != nil {
		return writeErr("create access key", err)
	}
	return nil
}

func (s *Store) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	var k store.AccessKey
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		k, err = scanAccessKey(s.pool.QueryRow(ctx, `SELECT `+accessKeyCols+` FROM access_keys WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return store.AccessKey{}, notFound("get access key", err)
	}
	return k, nil
}

// ListAccessKeys returns the principal's keys, by id.
func (s *Store) ListAccessKeys(ctx context.Context, principal string) ([]store.AccessKey, error) {
	var items []store.AccessKey
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		items, err = queryAll(ctx, s.pool, scanAccessKey, `SELECT `+accessKeyCols+` FROM access_keys WHERE principal_name = $1 ORDER BY id`, principal)
		return err
	})
	if err != nil {
		return nil, fail("list access keys", err)
	}
	return items, nil
}

func (s *Store) DeleteAccessKey(ctx context.Context, id string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM access_keys WHERE id = $1`, id)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete access key", n, err)
}

// ---------------------------------------------------------------- audit

const auditCols = `id, time, actor_type, actor, action, pool_id, target, outcome, request_id, detail`

func scanAudit(sc scanner) (store.AuditEvent, error) {
	var e store.AuditEvent
	err := sc.Scan(&e.ID, ts{&e.Time}, &e.ActorType, &e.Actor, &e.Action, &e.PoolID, &e.Target, &e.Outcome, &e.RequestID, &e.Detail)
	return e, err
}

// AppendAudit stores an event and returns its id (ignores e.ID). Ids come
// from an identity sequence: increasing in the order of AppendAudit calls.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEvent) (int64, error) {
	var id int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `INSERT INTO audit (time, actor_type, actor, action, pool_id, target, outcome, request_id, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			tv(e.Time), e.ActorType, e.Actor, e.Action, e.PoolID, e.Target, e.Outcome, e.RequestID, e.Detail).Scan(&id)
	})
	if err != nil {
		return 0, fail("append audit", err)
	}
	return id, nil
}

// AppendAuditBatch stores the events in one transaction, sent as one
// pipelined batch.
func (s *Store) AppendAuditBatch(ctx context.Context, es []store.AuditEvent) error {
	if len(es) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, e := range es {
			b.Queue(`INSERT INTO audit (time, actor_type, actor, action, pool_id, target, outcome, request_id, detail)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				tv(e.Time), e.ActorType, e.Actor, e.Action, e.PoolID, e.Target, e.Outcome, e.RequestID, e.Detail)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fail("append audit batch", err)
	}
	return nil
}

// ListAudit returns matching events by id (descending with f.Newest).
// Since and Until are inclusive.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter, page store.Page) ([]store.AuditEvent, string, error) {
	const op, kind = "list audit", "audit"
	after, err := decodeToken(page.Token, kind, 1)
	if err != nil {
		return nil, "", err
	}
	var last int64
	if after != nil {
		if last, err = strconv.ParseInt(after[0], 10, 64); err != nil {
			return nil, "", errToken
		}
	}
	limit := pageLimit(page)
	args := []any{last}
	where := []string{"id > $1"}
	order := "id"
	if f.Newest {
		where, args, order = nil, nil, "id DESC"
		if after != nil {
			where, args = []string{"id < $1"}, []any{last}
		}
	}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	for _, c := range []struct{ col, v string }{{"actor", f.Actor}, {"action", f.Action}, {"pool_id", f.PoolID}, {"outcome", f.Outcome}} {
		if c.v != "" {
			add(c.col+" =", c.v)
		}
	}
	if !f.Since.IsZero() {
		add("time >=", f.Since)
	}
	if !f.Until.IsZero() {
		add("time <=", f.Until)
	}
	args = append(args, limit+1)
	if len(where) == 0 {
		where = []string{"TRUE"}
	}
	q := `SELECT ` + auditCols + ` FROM audit WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT $` + strconv.Itoa(len(args))
	var items []store.AuditEvent
	err = s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		items, err = queryAll(ctx, s.pool, scanAudit, q, args...)
		return err
	})
	if err != nil {
		return nil, "", fail(op, err)
	}
	items, next := trimPage(items, limit, kind, func(e store.AuditEvent) []string { return []string{strconv.FormatInt(e.ID, 10)} })
	return items, next, nil
}
