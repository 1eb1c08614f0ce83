package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

// Pool resources: one table, pool_resources, for every kind (see the
// migration 00004_pool_resources.sql).

const resourceCols = `pool_id, kind, name, resource_key, body, created_at, updated_at`

func scanResource(sc scanner) (store.Resource, error) {
	var r store.Resource
	var key *string
	err := sc.Scan(&r.PoolID, &r.Kind, &r.Name, &key, &r.Body, ts{&r.CreatedAt}, ts{&r.UpdatedAt})
	if key != nil {
		r.Key = *key
	}
	return r, err
}

// keyValue stores an empty key as NULL (no uniqueness to keep).
func keyValue(key string) any {
	if key == "" {
		return nil
	}
	return key
}

// CreateResource inserts a resource. max <= 0 means no limit. The pool's row
// is locked (FOR NO KEY UPDATE) so concurrent creates count one after the
// other; the unique index decides between concurrent creates of one key.
func (s *Store) CreateResource(ctx context.Context, r store.Resource, max int) error {
	const op = "create resource"
	if !storable(r.PoolID) || !storable(r.Kind) || !storable(r.Name) || !storable(r.Key) {
		return fail(op, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM pools WHERE id = $1 FOR NO KEY UPDATE`, r.PoolID).Scan(&one); err != nil {
			return notFound(op, err)
		}
		var exists, keyTaken bool
		var count int64
		if err := tx.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM pool_resources WHERE pool_id = $1 AND kind = $2 AND name = $3),
			EXISTS (SELECT 1 FROM pool_resources WHERE kind = $2 AND resource_key = $4),
			(SELECT count(*) FROM pool_resources WHERE pool_id = $1 AND kind = $2)`,
			r.PoolID, r.Kind, r.Name, keyValue(r.Key)).Scan(&exists, &keyTaken, &count); err != nil {
			return fail(op, err)
		}
		if exists || keyTaken {
			return fail(op, store.ErrAlreadyExists)
		}
		if max > 0 && count >= int64(max) {
			return fail(op, store.ErrLimitExceeded)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pool_resources (`+resourceCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.PoolID, r.Kind, r.Name, keyValue(r.Key), r.Body, tv(r.CreatedAt), tv(r.UpdatedAt)); err != nil {
			return writeErr(op, err)
		}
		return nil
	})
}

func (s *Store) GetResource(ctx context.Context, poolID, kind, name string) (store.Resource, error) {
	const op = "get resource"
	if !storable(poolID) || !storable(kind) || !storable(name) {
		return store.Resource{}, fail(op, store.ErrNotFound)
	}
	var r store.Resource
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		r, err = scanResource(s.pool.QueryRow(ctx, `SELECT `+resourceCols+` FROM pool_resources WHERE pool_id = $1 AND kind = $2 AND name = $3`,
			poolID, kind, name))
		return err
	})
	if err != nil {
		return store.Resource{}, notFound(op, err)
	}
	return r, nil
}

func (s *Store) GetResourceByKey(ctx context.Context, kind, key string) (store.Resource, error) {
	const op = "get resource by key"
	if key == "" || !storable(kind) || !storable(key) {
		return store.Resource{}, fail(op, store.ErrNotFound)
	}
	var r store.Resource
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		r, err = scanResource(s.pool.QueryRow(ctx, `SELECT `+resourceCols+` FROM pool_resources WHERE kind = $1 AND resource_key = $2`, kind, key))
		return err
	})
	if err != nil {
		return store.Resource{}, notFound(op, err)
	}
	return r, nil
}

func (s *Store) UpdateResource(ctx context.Context, poolID, kind, name string, fn func(*store.Resource) error) (store.Resource, error) {
	const op = "update resource"
	if !storable(poolID) || !storable(kind) || !storable(name) {
		return store.Resource{}, fail(op, store.ErrNotFound)
	}
	var out store.Resource
	err := s.tx(ctx, func(tx pgx.Tx) error {
		r, err := scanResource(tx.QueryRow(ctx, `SELECT `+resourceCols+` FROM pool_resources
			WHERE pool_id = $1 AND kind = $2 AND name = $3 FOR NO KEY UPDATE`, poolID, kind, name))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
		r.PoolID, r.Kind, r.Name = poolID, kind, name
		if !storable(r.Key) {
			return fail(op, store.ErrAlreadyExists)
		}
		if _, err := tx.Exec(ctx, `UPDATE pool_resources SET resource_key = $1, body = $2, created_at = $3, updated_at = $4
			WHERE pool_id = $5 AND kind = $6 AND name = $7`,
			keyValue(r.Key), r.Body, tv(r.CreatedAt), tv(r.UpdatedAt), poolID, kind, name); err != nil {
			return writeErr(op, err)
		}
		out = r
		return nil
	})
	return out, err
}

func (s *Store) DeleteResource(ctx context.Context, poolID, kind, name string) error {
	if !storable(poolID) || !storable(kind) || !storable(name) {
		return fail("delete resource", store.ErrNotFound)
	}
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM pool_resources WHERE pool_id = $1 AND kind = $2 AND name = $3`, poolID, kind, name)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete resource", n, err)
}

func (s *Store) ListResources(ctx context.Context, poolID, kind string, page store.Page) ([]store.Resource, string, error) {
	if !storable(poolID) || !storable(kind) {
		if _, err := decodeToken(page.Token, "resources/"+kind, 1); err != nil {
			return nil, "", err
		}
		return nil, "", nil
	}
	return keyPage(ctx, s, "list resources", "resources/"+kind, page, scanResource, func(r store.Resource) string { return r.Name },
		`SELECT `+resourceCols+` FROM pool_resources WHERE pool_id = $1 AND kind = $2 AND name > $3 ORDER BY name LIMIT $4`, poolID, kind)
}

func (s *Store) CountResources(ctx context.Context, poolID, kind string) (int, error) {
	if !storable(poolID) || !storable(kind) {
		return 0, nil
	}
	var n int
	err := s.run(ctx, idempotent, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT count(*) FROM pool_resources WHERE pool_id = $1 AND kind = $2`, poolID, kind).Scan(&n)
	})
	if err != nil {
		return 0, fail("count resources", err)
	}
	return n, nil
}
