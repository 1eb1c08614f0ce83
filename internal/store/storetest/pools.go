package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"userpool/internal/store"
)

var errUpdater = errors.New("updater refused")

func testPing(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	must(t, s.Ping(ctxT(t)))
}

func testPools(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("CreateGet", func(t *testing.T) {
		// A non-UTC input must come back as the same instant in UTC.
		zone := time.FixedZone("X", 5*3600)
		p := store.Pool{ID: newPoolID(), Name: "my pool", Settings: []byte(`{"a":[1,2,3]}`), CreatedAt: base.In(zone), UpdatedAt: at(time.Hour)}
		must(t, s.CreatePool(ctx, p))
		got, err := s.GetPool(ctx, p.ID)
		must(t, err)
		wantEqual(t, p, got, "pool")
		if !got.CreatedAt.Equal(base) || got.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreatedAt %v, want %v in UTC", got.CreatedAt, base)
		}
		wantErr(t, s.CreatePool(ctx, store.Pool{ID: p.ID, Name: "other"}), store.ErrAlreadyExists, "duplicate pool")
		// Names are not unique.
		must(t, s.CreatePool(ctx, store.Pool{ID: newPoolID(), Name: "my pool"}))
	})

	t.Run("Missing", func(t *testing.T) {
		_, err := s.GetPool(ctx, newPoolID())
		wantErr(t, err, store.ErrNotFound, "GetPool")
		_, err = s.UpdatePool(ctx, newPoolID(), func(*store.Pool) error { t.Error("updater called for a missing pool"); return nil })
		wantErr(t, err, store.ErrNotFound, "UpdatePool")
		wantErr(t, s.DeletePool(ctx, newPoolID()), store.ErrNotFound, "DeletePool")
	})

	t.Run("Update", func(t *testing.T) {
		id := mkPool(t, s)
		got, err := s.UpdatePool(ctx, id, func(p *store.Pool) error {
			if p.ID != id || string(p.Settings) != `{"k":1}` {
				t.Errorf("updater got %+v", p)
			}
			p.Name = "renamed"
			p.Settings = []byte(`{"k":2}`)
			p.UpdatedAt = at(2 * time.Hour)
			return nil
		})
		must(t, err)
		want := store.Pool{ID: id, Name: "renamed", Settings: []byte(`{"k":2}`), CreatedAt: base, UpdatedAt: at(2 * time.Hour)}
		wantEqual(t, want, got, "returned pool")
		stored, err := s.GetPool(ctx, id)
		must(t, err)
		wantEqual(t, want, stored, "stored pool")

		_, err = s.UpdatePool(ctx, id, func(p *store.Pool) error { p.Name = "nope"; return errUpdater })
		wantErr(t, err, errUpdater, "updater error")
		stored, err = s.GetPool(ctx, id)
		must(t, err)
		if stored.Name != "renamed" {
			t.Fatalf("failed update was written: %q", stored.Name)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		id := mkPool(t, s)
		must(t, s.DeletePool(ctx, id))
		_, err := s.GetPool(ctx, id)
		wantErr(t, err, store.ErrNotFound, "GetPool after delete")
		wantErr(t, s.DeletePool(ctx, id), store.ErrNotFound, "second delete")
	})

	t.Run("List", func(t *testing.T) {
		// Other tests may share the database: check that our pools appear
		// exactly once, in ID order, among whatever else is there.
		var ids []string
		for range 5 {
			ids = append(ids, mkPool(t, s))
		}
		slices.Sort(ids)
		for _, limit := range []int{1, 2, 0} {
			all := collect(t, limit, func(p store.Page) ([]store.Pool, string, error) { return s.ListPools(ctx, p) })
			var mine []string
			for i, p := range all {
				if i > 0 && all[i-1].ID >= p.ID {
					t.Fatalf("ListPools not strictly ordered by ID: %q then %q", all[i-1].ID, p.ID)
				}
				if slices.Contains(ids, p.ID) {
					mine = append(mine, p.ID)
					wantEqual(t, store.Pool{ID: p.ID, Name: "pool-" + p.ID, Settings: []byte(`{"k":1}`), CreatedAt: base, UpdatedAt: base}, p, "listed pool")
				}
			}
			wantStrings(t, ids, mine, "our pools")
		}
		checkBadTokens(t, func(p store.Page) ([]store.Pool, string, error) { return s.ListPools(ctx, p) })
	})

	t.Run("CountUsers", func(t *testing.T) {
		id := mkPool(t, s)
		n, err := s.CountUsers(ctx, id)
		must(t, err)
		if n != 0 {
			t.Fatalf("CountUsers = %d, want 0", n)
		}
		for _, name := range []string{"a", "b", "c"} {
			mkUser(t, s, id, name)
		}
		other := mkPool(t, s)
		mkUser(t, s, other, "a")
		must(t, s.DeleteUser(ctx, id, "b"))
		n, err = s.CountUsers(ctx, id)
		must(t, err)
		if n != 2 {
			t.Fatalf("CountUsers = %d, want 2", n)
		}
	})
}

func testClients(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)

	t.Run("CRUD", func(t *testing.T) {
		c := store.Client{PoolID: pool, ID: uniq("c"), Name: "web", Secret: "s3cret", Settings: []byte(`{"flows":["x"]}`), CreatedAt: base, UpdatedAt: at(time.Minute)}
		must(t, s.CreateClient(ctx, c))
		got, err := s.GetClient(ctx, pool, c.ID)
		must(t, err)
		wantEqual(t, c, got, "GetClient")
		got, err = s.GetClientByID(ctx, c.ID)
		must(t, err)
		wantEqual(t, c, got, "GetClientByID")

		wantErr(t, s.CreateClient(ctx, c), store.ErrAlreadyExists, "duplicate client")
		other := mkPool(t, s)
		dup := c
		dup.PoolID = other
		wantErr(t, s.CreateClient(ctx, dup), store.ErrAlreadyExists, "client id reused in another pool")
		_, err = s.GetClient(ctx, other, c.ID)
		wantErr(t, err, store.ErrNotFound, "client of another pool")

		noSecret := store.Client{PoolID: pool, ID: uniq("c"), Name: "spa", CreatedAt: base, UpdatedAt: base}
		must(t, s.CreateClient(ctx, noSecret))
		got, err = s.GetClient(ctx, pool, noSecret.ID)
		must(t, err)
		wantEqual(t, noSecret, got, "client without secret")

		upd, err := s.UpdateClient(ctx, pool, c.ID, func(cl *store.Client) error {
			if cl.Secret != "s3cret" {
				t.Errorf("updater got %+v", cl)
			}
			cl.Name = "web2"
			cl.Settings = []byte(`{}`)
			cl.UpdatedAt = at(time.Hour)
			return nil
		})
		must(t, err)
		c.Name, c.Settings, c.UpdatedAt = "web2", []byte(`{}`), at(time.Hour)
		wantEqual(t, c, upd, "updated client")
		got, err = s.GetClient(ctx, pool, c.ID)
		must(t, err)
		wantEqual(t, c, got, "stored updated client")

		_, err = s.UpdateClient(ctx, pool, c.ID, func(cl *store.Client) error { cl.Name = "x"; return errUpdater })
		wantErr(t, err, errUpdater, "updater error")
		got, _ = s.GetClient(ctx, pool, c.ID)
		if got.Name != "web2" {
			t.Fatalf("failed update written")
		}

		must(t, s.DeleteClient(ctx, pool, c.ID))
		_, err = s.GetClient(ctx, pool, c.ID)
		wantErr(t, err, store.ErrNotFound, "GetClient after delete")
		_, err = s.GetClientByID(ctx, c.ID)
		wantErr(t, err, store.ErrNotFound, "GetClientByID after delete")
		wantErr(t, s.DeleteClient(ctx, pool, c.ID), store.ErrNotFound, "second delete")
		_, err = s.UpdateClient(ctx, pool, c.ID, func(*store.Client) error { return nil })
		wantErr(t, err, store.ErrNotFound, "update after delete")
	})

	t.Run("List", func(t *testing.T) {
		p := mkPool(t, s)
		var ids []string
		for range 7 {
			id := uniq("cl")
			ids = append(ids, id)
			must(t, s.CreateClient(ctx, store.Client{PoolID: p, ID: id, Name: "n", CreatedAt: base, UpdatedAt: base}))
		}
		// A client of another pool must not show up.
		must(t, s.CreateClient(ctx, store.Client{PoolID: pool, ID: uniq("cl"), Name: "n"}))
		checkPaging(t, sortedCopy(ids), func(c store.Client) string { return c.ID },
			func(pg store.Page) ([]store.Client, string, error) { return s.ListClients(ctx, p, pg) })
	})
}
