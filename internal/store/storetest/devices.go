package storetest

import (
	"testing"
	"time"

	"userpool/internal/store"
)

func testDevices(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("CRUD", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		d := store.Device{PoolID: pool, UsernameKey: "u", Key: "us-east-1_" + uniq("dev"), GroupKey: "-grp",
			Attributes: map[string]string{"device_name": "phone", "last_ip_used": "10.0.0.1"}, Remembered: "remembered",
			SRPSalt: []byte{1, 2}, SRPVerifier: []byte{3, 4, 0}, CreatedAt: base, UpdatedAt: at(time.Second), LastAuthAt: at(time.Minute)}
		must(t, s.CreateDevice(ctx, d))
		got, err := s.GetDevice(ctx, pool, "u", d.Key)
		must(t, err)
		wantEqual(t, d, got, "GetDevice")
		wantErr(t, s.CreateDevice(ctx, d), store.ErrAlreadyExists, "duplicate device")

		bare := store.Device{PoolID: pool, UsernameKey: "u", Key: uniq("bare")}
		must(t, s.CreateDevice(ctx, bare))
		got, err = s.GetDevice(ctx, pool, "u", bare.Key)
		must(t, err)
		wantEqual(t, bare, got, "device with zero fields")

		_, err = s.GetDevice(ctx, pool, "other", d.Key)
		wantErr(t, err, store.ErrNotFound, "device of another user")

		upd, err := s.UpdateDevice(ctx, pool, "u", d.Key, func(dv *store.Device) error {
			if dv.Remembered != "remembered" {
				t.Errorf("updater got %+v", dv)
			}
			dv.Remembered = "not_remembered"
			dv.Attributes["device_name"] = "tablet"
			dv.LastAuthAt = at(time.Hour)
			dv.UpdatedAt = at(time.Hour)
			return nil
		})
		must(t, err)
		d.Remembered = "not_remembered"
		d.Attributes = map[string]string{"device_name": "tablet", "last_ip_used": "10.0.0.1"}
		d.LastAuthAt, d.UpdatedAt = at(time.Hour), at(time.Hour)
		wantEqual(t, d, upd, "updated device")
		got, err = s.GetDevice(ctx, pool, "u", d.Key)
		must(t, err)
		wantEqual(t, d, got, "stored updated device")

		_, err = s.UpdateDevice(ctx, pool, "u", d.Key, func(dv *store.Device) error { dv.Remembered = ""; return errUpdater })
		wantErr(t, err, errUpdater, "updater error")
		got, _ = s.GetDevice(ctx, pool, "u", d.Key)
		if got.Remembered != "not_remembered" {
			t.Fatalf("failed update written")
		}
		_, err = s.UpdateDevice(ctx, pool, "u", "nope", func(*store.Device) error { t.Error("updater called"); return nil })
		wantErr(t, err, store.ErrNotFound, "update missing")

		must(t, s.DeleteDevice(ctx, pool, "u", d.Key))
		_, err = s.GetDevice(ctx, pool, "u", d.Key)
		wantErr(t, err, store.ErrNotFound, "after delete")
		wantErr(t, s.DeleteDevice(ctx, pool, "u", d.Key), store.ErrNotFound, "second delete")
	})

	t.Run("List", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		mkUser(t, s, pool, "v")
		var keys []string
		for range 6 {
			k := uniq("k")
			keys = append(keys, k)
			must(t, s.CreateDevice(ctx, store.Device{PoolID: pool, UsernameKey: "u", Key: k, CreatedAt: base}))
		}
		must(t, s.CreateDevice(ctx, store.Device{PoolID: pool, UsernameKey: "v", Key: uniq("k")}))
		checkPaging(t, sortedCopy(keys), func(d store.Device) string { return d.Key },
			func(p store.Page) ([]store.Device, string, error) { return s.ListDevices(ctx, pool, "u", p) })
	})
}
