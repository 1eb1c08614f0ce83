package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- pools

const poolCols = `id, name, settings, created_at, updated_at`

func scanPool(sc scanner) (store.Pool, error) {
	var p store.Pool
	err := sc.Scan(&p.ID, &p.Name, &p.Settings, ts{&p.CreatedAt}, ts{&p.UpdatedAt})
	return p, err
}

func (s *Store) CreatePool(ctx context.Context, p store.Pool) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO pools (`+poolCols+`) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, p.Name, p.Settings, tv(p.CreatedAt), tv(p.UpdatedAt))
		return err
	})
	if err != nil {
		return writeErr("create pool", err)
	}
	return nil
}

func (s *Store) GetPool(ctx context.Context, id string) (store.Pool, error) {
	var p store.Pool
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		p, err = scanPool(s.pool.QueryRow(ctx, `SELECT `+poolCols+` FROM pools WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return store.Pool{}, notFound("get pool", err)
	}
	return p, nil
}

func (s *Store) ListPools(ctx context.Context, page store.Page) ([]store.Pool, string, error) {
	return keyPage(ctx, s, "list pools", "pools", page, scanPool, func(p store.Pool) string { return p.ID },
		`SELECT `+poolCols+` FROM pools WHERE id > $1 ORDER BY id LIMIT $2`)
}

func (s *Store) UpdatePool(ctx context.Context, id string, fn func(*store.Pool) error) (store.Pool, error) {
	const op = "update pool"
	var out store.Pool
	err := s.tx(ctx, func(tx pgx.Tx) error {
		p, err := scanPool(tx.QueryRow(ctx, `SELECT `+poolCols+` FROM pools WHERE id = $1 FOR NO KEY UPDATE`, id))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		if _, err := tx.Exec(ctx, `UPDATE pools SET name = $1, settings = $2, created_at = $3, updated_at = $4 WHERE id = $5`,
			p.Name, p.Settings, tv(p.CreatedAt), tv(p.UpdatedAt), id); err != nil {
			return fail(op, err)
		}
		out = p
		return nil
	})
	return out, err
}

// poolTables lists every table with a pool_id column, children first. The
// foreign keys would cascade most of them too, one row at a time; deleting
// by pool_id is one index range each.
var poolTables = []string{
	"group_members", "user_aliases", "user_search", "devices", "refresh_tokens", "codes", "sessions",
	"users", "user_groups", "clients", "signing_keys",
}

func (s *Store) DeletePool(ctx context.Context, id string) error {
	const op = "delete pool"
	return s.tx(ctx, func(tx pgx.Tx) error {
		// FOR UPDATE conflicts with the KEY SHARE lock that inserting a
		// child row takes: no user, group or client can be added meanwhile.
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM pools WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
			return notFound(op, err)
		}
		b := &pgx.Batch{}
		for _, t := range poolTables {
			b.Queue(`DELETE FROM `+t+` WHERE pool_id = $1`, id)
		}
		b.Queue(`DELETE FROM pools WHERE id = $1`, id)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fail(op, err)
		}
		return nil
	})
}

// CountUsers counts the pool's users (an index-only scan of the users
// primary key). There is deliberately no counter column: with several
// instances it would be one hot row that serializes every user creation of
// the pool. ErrNotFound when the pool does not exist.
func (s *Store) CountUsers(ctx context.Context, poolID string) (int64, error) {
	var n int64
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM users WHERE pool_id = $1) FROM pools WHERE id = $1`, poolID).Scan(&n)
	})
	if err != nil {
		return 0, notFound("count users", err)
	}
	return n, nil
}

// ---------------------------------------------------------------- clients

const clientCols = `pool_id, id, name, secret, settings, created_at, updated_at`

func scanClient(sc scanner) (store.Client, error) {
	var c store.Client
	err := sc.Scan(&c.PoolID, &c.ID, &c.Name, &c.Secret, &c.Settings, ts{&c.CreatedAt}, ts{&c.UpdatedAt})
	return c, err
}

func (s *Store) CreateClient(ctx context.Context, c store.Client) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO clients (`+clientCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.PoolID, c.ID, c.Name, c.Secret, c.Settings, tv(c.CreatedAt), tv(c.UpdatedAt))
		return err
	})
	if err != nil {
		return writeErr("create client", err)
	}
	return nil
}

func (s *Store) getClient(ctx context.Context, op, sql string, args ...any) (store.Client, error) {
	var c store.Client
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		c, err = scanClient(s.pool.QueryRow(ctx, sql, args...))
		return err
	})
	if err != nil {
		return store.Client{}, notFound(op, err)
	}
	return c, nil
}

func (s *Store) GetClient(ctx context.Context, poolID, clientID string) (store.Client, error) {
	return s.getClient(ctx, "get client", `SELECT `+clientCols+` FROM clients WHERE id = $1 AND pool_id = $2`, clientID, poolID)
}

func (s *Store) GetClientByID(ctx context.Context, clientID string) (store.Client, error) {
	return s.getClient(ctx, "get client", `SELECT `+clientCols+` FROM clients WHERE id = $1`, clientID)
}

func (s *Store) ListClients(ctx context.Context, poolID string, page store.Page) ([]store.Client, string, error) {
	return keyPage(ctx, s, "list clients", "clients", page, scanClient, func(c store.Client) string { return c.ID },
		`SELECT `+clientCols+` FROM clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3`, poolID)
}

func (s *Store) UpdateClient(ctx context.Context, poolID, clientID string, fn func(*store.Client) error) (store.Client, error) {
	const op = "update client"
	var out store.Client
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := scanClient(tx.QueryRow(ctx, `SELECT `+clientCols+` FROM clients WHERE id = $1 AND pool_id = $2 FOR NO KEY UPDATE`, clientID, poolID))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&c); err != nil {
			return err
		}
		c.PoolID, c.ID = poolID, clientID
		if _, err := tx.Exec(ctx, `UPDATE clients SET name = $1, secret = $2, settings = $3, created_at = $4, updated_at = $5 WHERE id = $6`,
			c.Name, c.Secret, c.Settings, tv(c.CreatedAt), tv(c.UpdatedAt), clientID); err != nil {
			return fail(op, err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteClient(ctx context.Context, poolID, clientID string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM clients WHERE id = $1 AND pool_id = $2`, clientID, poolID)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete client", n, err)
}
