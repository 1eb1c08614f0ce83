package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

const deviceCols = `pool_id, username_key, device_key, group_key, attributes, remembered, srp_salt, srp_verifier, created_at, updated_at, last_auth_at`

func scanDevice(sc scanner) (store.Device, error) {
	var d store.Device
	err := sc.Scan(&d.PoolID, &d.UsernameKey, &d.Key, &d.GroupKey, &d.Attributes, &d.Remembered,
		&d.SRPSalt, &d.SRPVerifier, ts{&d.CreatedAt}, ts{&d.UpdatedAt}, ts{&d.LastAuthAt})
	return d, err
}

// CreateDevice: ErrNotFound when the user does not exist (foreign key).
func (s *Store) CreateDevice(ctx context.Context, d store.Device) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO devices (`+deviceCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.PoolID, d.UsernameKey, d.Key, d.GroupKey, jsonMap(d.Attributes), d.Remembered,
			d.SRPSalt, d.SRPVerifier, tv(d.CreatedAt), tv(d.UpdatedAt), tv(d.LastAuthAt))
		return err
	})
	if err != nil {
		return writeErr("create device", err)
	}
	return nil
}

func (s *Store) GetDevice(ctx context.Context, poolID, usernameKey, deviceKey string) (store.Device, error) {
	var d store.Device
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		d, err = scanDevice(s.pool.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE pool_id = $1 AND username_key = $2 AND device_key = $3`,
			poolID, usernameKey, deviceKey))
		return err
	})
	if err != nil {
		return store.Device{}, notFound("get device", err)
	}
	return d, nil
}

func (s *Store) ListDevices(ctx context.Context, poolID, usernameKey string, page store.Page) ([]store.Device, string, error) {
	return keyPage(ctx, s, "list devices", "devices", page, scanDevice, func(d store.Device) string { return d.Key },
		`SELECT `+deviceCols+` FROM devices
			WHERE pool_id = $1 AND username_key = $2 AND device_key > $3 ORDER BY device_key LIMIT $4`,
		poolID, usernameKey)
}

func (s *Store) UpdateDevice(ctx context.Context, poolID, usernameKey, deviceKey string, fn func(*store.Device) error) (store.Device, error) {
	const op = "update device"
	var out store.Device
	err := s.tx(ctx, func(tx pgx.Tx) error {
		d, err := scanDevice(tx.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices
			WHERE pool_id = $1 AND username_key = $2 AND device_key = $3 FOR NO KEY UPDATE`, poolID, usernameKey, deviceKey))
		if err != nil {
			return notFound(op, err)
		}
		if err := fn(&d); err != nil {
			return err
		}
		d.PoolID, d.UsernameKey, d.Key = poolID, usernameKey, deviceKey
		if _, err := tx.Exec(ctx, `UPDATE devices SET group_key = $1, attributes = $2, remembered = $3, srp_salt = $4, srp_verifier = $5,
			created_at = $6, updated_at = $7, last_auth_at = $8 WHERE pool_id = $9 AND username_key = $10 AND device_key = $11`,
			d.GroupKey, jsonMap(d.Attributes), d.Remembered, d.SRPSalt, d.SRPVerifier,
			tv(d.CreatedAt), tv(d.UpdatedAt), tv(d.LastAuthAt), poolID, usernameKey, deviceKey); err != nil {
			return fail(op, err)
		}
		out = d
		return nil
	})
	return out, err
}

func (s *Store) DeleteDevice(ctx context.Context, poolID, usernameKey, deviceKey string) error {
	var n int64
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM devices WHERE pool_id = $1 AND username_key = $2 AND device_key = $3`,
			poolID, usernameKey, deviceKey)
		n = tag.RowsAffected()
		return err
	})
	return affected("delete device", n, err)
}
