package sqlite

import (
	"context"
	"fmt"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- pools

const poolCols = `id, name, settings, created_at, updated_at`

func scanPool(sc interface{ Scan(...any) error }) (store.Pool, error) {
	var p store.Pool
	err := sc.Scan(&p.ID, &p.Name, blob{&p.Settings}, nt{&p.CreatedAt}, nt{&p.UpdatedAt})
	return p, err
}

func (s *Store) CreatePool(ctx context.Context, p store.Pool) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO pools (`+poolCols+`) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.Name, bv(p.Settings), tv(p.CreatedAt), tv(p.UpdatedAt))
	if err != nil {
		return insertErr("create pool", err, store.ErrAlreadyExists)
	}
	return nil
}

func (s *Store) GetPool(ctx context.Context, id string) (store.Pool, error) {
	p, err := scanPool(s.r.QueryRowContext(ctx, `SELECT `+poolCols+` FROM pools WHERE id = ?`, id))
	if err != nil {
		return store.Pool{}, notFound("get pool", err)
	}
	return p, nil
}

func (s *Store) ListPools(ctx context.Context, page store.Page) ([]store.Pool, string, error) {
	return keyPage(ctx, s, "list pools", "pools", page, scanPool, func(p store.Pool) string { return p.ID },
		`SELECT `+poolCols+` FROM pools WHERE id > ? ORDER BY id`)
}

func (s *Store) UpdatePool(ctx context.Context, id string, fn func(*store.Pool) error) (store.Pool, error) {
	const op = "update pool"
	var out store.Pool
	err := s.write(ctx, op, func(tx wtx) error {
		p, err := scanPool(tx.QueryRowContext(ctx, `SELECT `+poolCols+` FROM pools WHERE id = ?`, id))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		if _, err := tx.ExecContext(ctx, `UPDATE pools SET name = ?, settings = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			p.Name, bv(p.Settings), tv(p.CreatedAt), tv(p.UpdatedAt), id); err != nil {
			return fail(op, err)
		}
		out = p
		return nil
	})
	return out, err
}

// poolTables lists every table with a pool_id column, children first.
var poolTables = []string{
	"group_members", "user_aliases", "user_search", "devices", "refresh_tokens", "codes", "sessions",
	"users", "user_groups", "clients", "signing_keys",
}

func (s *Store) DeletePool(ctx context.Context, id string) error {
	const op = "delete pool"
	return s.write(ctx, op, func(tx wtx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM pools WHERE id = ?`, id).Scan(&one); err != nil {
			return notFound(op, err)
		}
		for _, t := range poolTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE pool_id = ?`, id); err != nil {
				return fail(op, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pools WHERE id = ?`, id); err != nil {
			return fail(op, err)
		}
		return nil
	})
}

func (s *Store) CountUsers(ctx context.Context, poolID string) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT user_count FROM pools WHERE id = ?`, poolID).Scan(&n)
	if err != nil {
		return 0, notFound("count users", err)
	}
	return n, nil
}

// ---------------------------------------------------------------- clients

const clientCols = `pool_id, id, name, secret, settings, created_at, updated_at`

func scanClient(sc interface{ Scan(...any) error }) (store.Client, error) {
	var c store.Client
	err := sc.Scan(&c.PoolID, &c.ID, &c.Name, &c.Secret, blob{&c.Settings}, nt{&c.CreatedAt}, nt{&c.UpdatedAt})
	return c, err
}

func (s *Store) CreateClient(ctx context.Context, c store.Client) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO clients (`+clientCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.PoolID, c.ID, c.Name, c.Secret, bv(c.Settings), tv(c.CreatedAt), tv(c.UpdatedAt))
	if err != nil {
		return insertErr("create client", err, store.ErrAlreadyExists)
	}
	return nil
}

func (s *Store) GetClient(ctx context.Context, poolID, clientID string) (store.Client, error) {
	c, err := scanClient(s.r.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE id = ? AND pool_id = ?`, clientID, poolID))
	if err != nil {
		return store.Client{}, notFound("get client", err)
	}
	return c, nil
}

func (s *Store) GetClientByID(ctx context.Context, clientID string) (store.Client, error) {
	c, err := scanClient(s.r.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE id = ?`, clientID))
	if err != nil {
		return store.Client{}, notFound("get client", err)
	}
	return c, nil
}

func (s *Store) ListClients(ctx context.Context, poolID string, page store.Page) ([]store.Client, string, error) {
	return keyPage(ctx, s, "list clients", "clients", page, scanClient, func(c store.Client) string { return c.ID },
		`SELECT `+clientCols+` FROM clients WHERE pool_id = ? AND id > ? ORDER BY id`, poolID)
}

func (s *Store) UpdateClient(ctx context.Context, poolID, clientID string, fn func(*store.Client) error) (store.Client, error) {
	const op = "update client"
	var out store.Client
	err := s.write(ctx, op, func(tx wtx) error {
		c, err := scanClient(tx.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE id = ? AND pool_id = ?`, clientID, poolID))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&c); err != nil {
			return err
		}
		c.PoolID, c.ID = poolID, clientID
		if _, err := tx.ExecContext(ctx, `UPDATE clients SET name = ?, secret = ?, settings = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			c.Name, c.Secret, bv(c.Settings), tv(c.CreatedAt), tv(c.UpdatedAt), clientID); err != nil {
			return fail(op, err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteClient(ctx context.Context, poolID, clientID string) error {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM clients WHERE id = ? AND pool_id = ?`, clientID, poolID)
	return mustAffect("delete client", res, err)
}

// ---------------------------------------------------------------- helpers

// pageSQL ends every page query. The LIMIT is a constant: SQLite marks a
// statement expired when a parameter it read while planning (such as a
// LIMIT ?) is re-bound, which would re-prepare it on every call. queryPage
// stops reading after limit+1 rows; the plans have no sort step, so rows
// not read are never computed.
var pageSQL = fmt.Sprintf(" LIMIT %d", store.MaxPageSize+1)

// queryPage runs a page query and scans at most limit+1 rows (one more than
// the page, to learn whether another page follows).
func queryPage[T any](ctx context.Context, q querier, scan func(interface{ Scan(...any) error }) (T, error), limit int, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]T, 0, limit+1)
	for len(out) <= limit && rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryAll runs a query and scans every row.
func queryAll[T any](ctx context.Context, q querier, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
