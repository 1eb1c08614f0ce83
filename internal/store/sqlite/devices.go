package sqlite

import (
	"context"

	"userpool/internal/store"
)

const deviceCols = `pool_id, username_key, device_key, group_key, attributes, remembered, srp_salt, srp_verifier, created_at, updated_at, last_auth_at`

func scanDevice(sc interface{ Scan(...any) error }) (store.Device, error) {
	var d store.Device
	err := sc.Scan(&d.PoolID, &d.UsernameKey, &d.Key, &d.GroupKey, jsonText{&d.Attributes}, &d.Remembered,
		blob{&d.SRPSalt}, blob{&d.SRPVerifier}, nt{&d.CreatedAt}, nt{&d.UpdatedAt}, nt{&d.LastAuthAt})
	return d, err
}

func (s *Store) CreateDevice(ctx context.Context, d store.Device) error {
	_, err := s.wc.ExecContext(ctx, `INSERT INTO devices (`+deviceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.PoolID, d.UsernameKey, d.Key, d.GroupKey, jsonMap(d.Attributes), d.Remembered,
		bv(d.SRPSalt), bv(d.SRPVerifier), tv(d.CreatedAt), tv(d.UpdatedAt), tv(d.LastAuthAt))
	if err != nil {
		return insertErr("create device", err, store.ErrAlreadyExists)
	}
	return nil
}

func getDevice(ctx context.Context, q querier, op, poolID, usernameKey, deviceKey string) (store.Device, error) {
	d, err := scanDevice(q.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM devices WHERE pool_id = ? AND username_key = ? AND device_key = ?`,
		poolID, usernameKey, deviceKey))
	if err != nil {
		return store.Device{}, notFound(op, err)
	}
	return d, nil
}

func (s *Store) GetDevice(ctx context.Context, poolID, usernameKey, deviceKey string) (store.Device, error) {
	return getDevice(ctx, s.r, "get device", poolID, usernameKey, deviceKey)
}

func (s *Store) ListDevices(ctx context.Context, poolID, usernameKey string, page store.Page) ([]store.Device, string, error) {
	return keyPage(ctx, s, "list devices", "devices", page, scanDevice, func(d store.Device) string { return d.Key },
		`SELECT `+deviceCols+` FROM devices
		WHERE pool_id = ? AND username_key = ? AND device_key > ? ORDER BY device_key`, poolID, usernameKey)
}

func (s *Store) UpdateDevice(ctx context.Context, poolID, usernameKey, deviceKey string, fn func(*store.Device) error) (store.Device, error) {
	const op = "update device"
	var out store.Device
	err := s.write(ctx, op, func(tx wtx) error {
		d, err := getDevice(ctx, tx, op, poolID, usernameKey, deviceKey)
		if err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		d.PoolID, d.UsernameKey, d.Key = poolID, usernameKey, deviceKey
		if _, err := tx.ExecContext(ctx, `UPDATE devices SET group_key = ?, attributes = ?, remembered = ?, srp_salt = ?, srp_verifier = ?,
			created_at = ?, updated_at = ?, last_auth_at = ? WHERE pool_id = ? AND username_key = ? AND device_key = ?`,
			d.GroupKey, jsonMap(d.Attributes), d.Remembered, bv(d.SRPSalt), bv(d.SRPVerifier),
			tv(d.CreatedAt), tv(d.UpdatedAt), tv(d.LastAuthAt), poolID, usernameKey, deviceKey); err != nil {
			return fail(op, err)
		}
		out = d
		return nil
	})
	return out, err
}

func (s *Store) DeleteDevice(ctx context.Context, poolID, usernameKey, deviceKey string) error {
	res, err := s.wc.ExecContext(ctx, `DELETE FROM devices WHERE pool_id = ? AND username_key = ? AND device_key = ?`,
		poolID, usernameKey, deviceKey)
	return mustAffect("delete device", res, err)
}
