package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- principals

func scanPrincipal(sc interface{ Scan(...any) error }) (store.Principal, error) {
	var p store.Principal
	var grants string
	if err := sc.Scan(&p.Name, &grants, nt{&p.CreatedAt}, nt{&p.UpdatedAt}); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(grants), &p.Grants); err != nil {
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
	if _, err := s.wc.ExecContext(ctx, `INSERT INTO principals (name, grants, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET grants = excluded.grants, created_at = excluded.created_at, updated_at = excluded.updated_at`,
		p.Name, string(b), tv(p.CreatedAt), tv(p.UpdatedAt)); err != nil {
		return fail("put principal", err)
	}
	return nil
}

func (s *Store) GetPrincipal(ctx context.Context, name string) (store.Principal, error) {
	p, err := scanPrincipal(s.r.QueryRowContext(ctx, `SELECT name, grants, created_at, updated_at FROM principals WHERE name = ?`, name))
	if err != nil {
		return store.Principal{}, notFound("get principal", err)
	}
	return p, nil
}

// ListPrincipals returns every principal, by name.
func (s *Store) ListPrincipals(ctx context.Context) ([]store.Principal, error) {
	items, err := queryAll(ctx, s.r, scanPrincipal, `SELECT name, grants, created_at, updated_at FROM principals ORDER BY name`)
	if err != nil {
		return nil, fail("list principals", err)
	}
	return items, nil
}

func (s *Store) DeletePrincipal(ctx context.Context, name string) error {
	const op = "delete principal"
	return s.write(ctx, op, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM access_keys WHERE principal_name = ?`, name); err != nil {
			return fail(op, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM principals WHERE name = ?`, name)
		return mustAffect(op, res, err)
	})
}

// ---------------------------------------------------------------- access keys

const accessKeyCols = `id, principal_name, secret_ciphertext, created_at, disabled`

func scanAccessKey(sc interface{ Scan(...any) error }) (store.AccessKey, error) {
	var k store.AccessKey
	var disabled int
	err := sc.Scan(&k.ID, &k.PrincipalName, blob{&k.SecretCiphertext}, nt{&k.CreatedAt}, &disabled)
	k.Disabled = disabled != 0
	return k, err
}

func (s *Store) CreateAccessKey(ctx context.Context, k store.AccessKey) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO access_keys (`+accessKeyCols+`) VALUES (?, ?, ?, ?, ?)`,
		k.ID, k.PrincipalName, bv(k.SecretCiphertext), tv(k.CreatedAt), bi(k.Disabled))
	if err != nil {
		return insertErr("create access key", err, store.ErrAlreadyExists)
	}
	return nil
}

func (s *Store) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	k, err := scanAccessKey(s.r.QueryRowContext(ctx, `SELECT `+accessKeyCols+` FROM access_keys WHERE id = ?`, id))
	if err != nil {
		return store.AccessKey{}, notFound("get access key", err)
	}
	return k, nil
}

// ListAccessKeys returns the principal's keys, by id.
func (s *Store) ListAccessKeys(ctx context.Context, principal string) ([]store.AccessKey, error) {
	items, err := queryAll(ctx, s.r, scanAccessKey, `SELECT `+accessKeyCols+` FROM access_keys WHERE principal_name = ? ORDER BY id`, principal)
	if err != nil {
		return nil, fail("list access keys", err)
	}
	return items, nil
}

func (s *Store) DeleteAccessKey(ctx context.Context, id string) error {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM access_keys WHERE id = ?`, id)
	return mustAffect("delete access key", res, err)
}

// ---------------------------------------------------------------- audit

const auditCols = `id, time, actor_type, actor, action, pool_id, target, outcome, request_id, detail`

func scanAudit(sc interface{ Scan(...any) error }) (store.AuditEvent, error) {
	var e store.AuditEvent
	err := sc.Scan(&e.ID, nt{&e.Time}, &e.ActorType, &e.Actor, &e.Action, &e.PoolID, &e.Target, &e.Outcome, &e.RequestID, &e.Detail)
	return e, err
}

// AppendAudit stores an event and returns its id (ignores e.ID).
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEvent) (int64, error) {
	res, err := s.wc.ExecContext(ctx, auditInsert,
		tv(e.Time), e.ActorType, e.Actor, e.Action, e.PoolID, e.Target, e.Outcome, e.RequestID, e.Detail)
	if err != nil {
		return 0, fail("append audit", err)
	}
	return res.LastInsertId()
}

// AppendAuditBatch stores the events in one write transaction, which it may
// share with concurrent user creations (groupcommit.go).
func (s *Store) AppendAuditBatch(ctx context.Context, es []store.AuditEvent) error {
	if len(es) == 0 {
		return nil
	}
	return s.group.do(ctx, s, "append audit batch", func(ctx context.Context, tx wtx) error {
		for _, e := range es {
			if _, err := tx.ExecContext(ctx, auditInsert,
				tv(e.Time), e.ActorType, e.Actor, e.Action, e.PoolID, e.Target, e.Outcome, e.RequestID, e.Detail); err != nil {
				return fail("append audit batch", err)
			}
		}
		return nil
	})
}

const auditInsert = `INSERT INTO audit (time, actor_type, actor, action, pool_id, target, outcome, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// ListAudit returns matching events by id (descending with f.Newest).
// Since and Until are inclusive.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter, page store.Page) ([]store.AuditEvent, string, error) {
	const op, kind = "list audit", "audit"
	after, err := decodeToken(page.Token, kind, 1)
	if err != nil {
		return nil, "", err
	}
	var cursor int64
	if after != nil {
		if cursor, err = strconv.ParseInt(after[0], 10, 64); err != nil {
			return nil, "", fmt.Errorf("sqlite: %w", store.ErrInvalidToken)
		}
	}
	limit := pageLimit(page)
	where := []string{"id > ?"}
	args := []any{cursor}
	order := "id"
	if f.Newest {
		where, args, order = []string{"1"}, nil, "id DESC"
		if after != nil {
			where, args = []string{"id < ?"}, []any{cursor}
		}
	}
	for _, c := range []struct{ col, v string }{{"actor", f.Actor}, {"action", f.Action}, {"pool_id", f.PoolID}, {"outcome", f.Outcome}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if !f.Since.IsZero() {
		where = append(where, "time >= ?")
		args = append(args, f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		where = append(where, "time <= ?")
		args = append(args, f.Until.UnixMicro())
	}
	items, err := queryPage(ctx, s.r, scanAudit, limit,
		`SELECT `+auditCols+` FROM audit WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+pageSQL, args...)
	if err != nil {
		return nil, "", fail(op, err)
	}
	items, next := trimPage(items, limit, kind, func(e store.AuditEvent) []string { return []string{strconv.FormatInt(e.ID, 10)} })
	return items, next, nil
}
