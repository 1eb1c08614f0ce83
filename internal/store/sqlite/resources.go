package sqlite

import (
	"context"
	"database/sql"

	"userpool/internal/store"
)

// Pool resources: one table, pool_resources, for every kind (see the
// migration 00004_pool_resources.sql).

const resourceCols = `pool_id, kind, name, resource_key, body, created_at, updated_at`

func scanResource(sc interface{ Scan(...any) error }) (store.Resource, error) {
	var r store.Resource
	var key sql.NullString
	err := sc.Scan(&r.PoolID, &r.Kind, &r.Name, &key, blob{&r.Body}, nt{&r.CreatedAt}, nt{&r.UpdatedAt})
	r.Key = key.String
	return r, err
}

// keyValue stores an empty key as NULL (no uniqueness to keep).
func keyValue(key string) any {
	if key == "" {
		return nil
	}
	return key
}

// CreateResource inserts a resource. max <= 0 means no limit.
func (s *Store) CreateResource(ctx context.Context, r store.Resource, max int) error {
	const op = "create resource"
	return s.write(ctx, op, func(tx wtx) error {
		var exists, keyTaken, count int64
		if err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM pool_resources WHERE pool_id = ?1 AND kind = ?2 AND name = ?3),
			EXISTS (SELECT 1 FROM pool_resources WHERE kind = ?2 AND resource_key = ?4),
			(SELECT COUNT(*) FROM pool_resources WHERE pool_id = ?1 AND kind = ?2)`,
			r.PoolID, r.Kind, r.Name, keyValue(r.Key)).Scan(&exists, &keyTaken, &count); err != nil {
			return fail(op, err)
		}
		if exists != 0 || keyTaken != 0 {
			return fail(op, store.ErrAlreadyExists)
		}
		if max > 0 && count >= int64(max) {
			return fail(op, store.ErrLimitExceeded)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pool_resources (`+resourceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.PoolID, r.Kind, r.Name, keyValue(r.Key), bv(r.Body), tv(r.CreatedAt), tv(r.UpdatedAt)); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		return nil
	})
}

func getResource(ctx context.Context, q querier, op, poolID, kind, name string) (store.Resource, error) {
	r, err := scanResource(q.QueryRowContext(ctx, `SELECT `+resourceCols+` FROM pool_resources WHERE pool_id = ? AND kind = ? AND name = ?`,
		poolID, kind, name))
	if err != nil {
		return store.Resource{}, notFound(op, err)
	}
	return r, nil
}

func (s *Store) GetResource(ctx context.Context, poolID, kind, name string) (store.Resource, error) {
	return getResource(ctx, s.r, "get resource", poolID, kind, name)
}

func (s *Store) GetResourceByKey(ctx context.Context, kind, key string) (store.Resource, error) {
	if key == "" {
		return store.Resource{}, fail("get resource by key", store.ErrNotFound)
	}
	r, err := scanResource(s.r.QueryRowContext(ctx, `SELECT `+resourceCols+` FROM pool_resources WHERE kind = ? AND resource_key = ?`, kind, key))
	if err != nil {
		return store.Resource{}, notFound("get resource by key", err)
	}
	return r, nil
}

func (s *Store) UpdateResource(ctx context.Context, poolID, kind, name string, fn func(*store.Resource) error) (store.Resource, error) {
	const op = "update resource"
	var out store.Resource
	err := s.write(ctx, op, func(tx wtx) error {
		r, err := getResource(ctx, tx, op, poolID, kind, name)
		if err != nil {
			return err
		}
		oldKey := r.Key
		if err := fn(&r); err != nil {
			return err
		}
		r.PoolID, r.Kind, r.Name = poolID, kind, name
		if r.Key != oldKey && r.Key != "" {
			var taken int64
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pool_resources WHERE kind = ? AND resource_key = ?)`,
				kind, r.Key).Scan(&taken); err != nil {
				return fail(op, err)
			}
			if taken != 0 {
				return fail(op, store.ErrAlreadyExists)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pool_resources SET resource_key = ?, body = ?, created_at = ?, updated_at = ?
			WHERE pool_id = ? AND kind = ? AND name = ?`,
			keyValue(r.Key), bv(r.Body), tv(r.CreatedAt), tv(r.UpdatedAt), poolID, kind, name); err != nil {
			return insertErr(op, err, store.ErrAlreadyExists)
		}
		out = r
		return nil
	})
	return out, err
}

func (s *Store) DeleteResource(ctx context.Context, poolID, kind, name string) error {
	const op = "delete resource"
	res, err := s.wc.ExecContext(ctx, `DELETE FROM pool_resources WHERE pool_id = ? AND kind = ? AND name = ?`, poolID, kind, name)
	return mustAffect(op, res, err)
}

func (s *Store) ListResources(ctx context.Context, poolID, kind string, page store.Page) ([]store.Resource, string, error) {
	return keyPage(ctx, s, "list resources", "resources/"+kind, page, scanResource, func(r store.Resource) string { return r.Name },
		`SELECT `+resourceCols+` FROM pool_resources WHERE pool_id = ? AND kind = ? AND name > ? ORDER BY name`, poolID, kind)
}

func (s *Store) CountResources(ctx context.Context, poolID, kind string) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pool_resources WHERE pool_id = ? AND kind = ?`, poolID, kind).Scan(&n); err != nil {
		return 0, fail("count resources", err)
	}
	return n, nil
}
