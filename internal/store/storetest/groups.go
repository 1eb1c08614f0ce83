package storetest

import (
	"fmt"
	"testing"
	"time"

	"userpool/internal/store"
)

func testGroups(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("CRUD", func(t *testing.T) {
		pool := mkPool(t, s)
		g := store.Group{PoolID: pool, Name: "Admins", Description: "the admins", RoleArn: "arn:aws:iam::123456789012:role/x",
			Precedence: ptr[int64](0), CreatedAt: base, UpdatedAt: at(time.Second)}
		must(t, s.CreateGroup(ctx, g, 10))
		got, err := s.GetGroup(ctx, pool, "Admins")
		must(t, err)
		wantEqual(t, g, got, "GetGroup")
		if got.Precedence == nil || *got.Precedence != 0 {
			t.Fatalf("precedence 0 must stay set, got %v", got.Precedence)
		}
		_, err = s.GetGroup(ctx, pool, "admins")
		wantErr(t, err, store.ErrNotFound, "group names are case-sensitive")
		must(t, s.CreateGroup(ctx, store.Group{PoolID: pool, Name: "admins"}, 10))

		wantErr(t, s.CreateGroup(ctx, store.Group{PoolID: pool, Name: "Admins"}, 10), store.ErrAlreadyExists, "duplicate group")
		// Same name in another pool is fine.
		must(t, s.CreateGroup(ctx, store.Group{PoolID: mkPool(t, s), Name: "Admins"}, 10))

		noPrec := store.Group{PoolID: pool, Name: "plain", CreatedAt: base, UpdatedAt: base}
		must(t, s.CreateGroup(ctx, noPrec, 10))
		got, err = s.GetGroup(ctx, pool, "plain")
		must(t, err)
		wantEqual(t, noPrec, got, "group without precedence")

		upd, err := s.UpdateGroup(ctx, pool, "Admins", func(g *store.Group) error {
			if g.Description != "the admins" {
				t.Errorf("updater got %+v", g)
			}
			g.Description = ""
			g.RoleArn = ""
			g.Precedence = nil
			g.UpdatedAt = at(time.Hour)
			return nil
		})
		must(t, err)
		want := store.Group{PoolID: pool, Name: "Admins", CreatedAt: base, UpdatedAt: at(time.Hour)}
		wantEqual(t, want, upd, "updated group")
		got, err = s.GetGroup(ctx, pool, "Admins")
		must(t, err)
		wantEqual(t, want, got, "stored updated group")
		_, err = s.UpdateGroup(ctx, pool, "plain", func(g *store.Group) error { g.Precedence = ptr[int64](7); return nil })
		must(t, err)
		got, _ = s.GetGroup(ctx, pool, "plain")
		if got.Precedence == nil || *got.Precedence != 7 {
			t.Fatalf("precedence not set by update: %v", got.Precedence)
		}

		_, err = s.UpdateGroup(ctx, pool, "plain", func(g *store.Group) error { g.Description = "x"; return errUpdater })
		wantErr(t, err, errUpdater, "updater error")
		got, _ = s.GetGroup(ctx, pool, "plain")
		if got.Description != "" {
			t.Fatalf("failed update written")
		}
		_, err = s.UpdateGroup(ctx, pool, "nope", func(*store.Group) error { t.Error("updater called"); return nil })
		wantErr(t, err, store.ErrNotFound, "update missing")

		must(t, s.DeleteGroup(ctx, pool, "plain"))
		_, err = s.GetGroup(ctx, pool, "plain")
		wantErr(t, err, store.ErrNotFound, "after delete")
		wantErr(t, s.DeleteGroup(ctx, pool, "plain"), store.ErrNotFound, "second delete")
	})

	t.Run("Limit", func(t *testing.T) {
		pool := mkPool(t, s)
		for i := range 3 {
			must(t, s.CreateGroup(ctx, store.Group{PoolID: pool, Name: fmt.Sprintf("g%d", i)}, 3))
		}
		wantErr(t, s.CreateGroup(ctx, store.Group{PoolID: pool, Name: "g3"}, 3), store.ErrLimitExceeded, "fourth group")
		_, err := s.GetGroup(ctx, pool, "g3")
		wantErr(t, err, store.ErrNotFound, "group over the limit")
		// The limit counts this pool only.
		must(t, s.CreateGroup(ctx, store.Group{PoolID: mkPool(t, s), Name: "g3"}, 3))
		// Deleting one frees a slot.
		must(t, s.DeleteGroup(ctx, pool, "g0"))
		must(t, s.CreateGroup(ctx, store.Group{PoolID: pool, Name: "g3"}, 3))
	})

	t.Run("List", func(t *testing.T) {
		pool := mkPool(t, s)
		names := []string{"b", "A", "a", "c-1", "c", "Z", "zz", "m"}
		for _, n := range names {
			mkGroup(t, s, pool, n)
		}
		mkGroup(t, s, mkPool(t, s), "other")
		checkPaging(t, sortedCopy(names), func(g store.Group) string { return g.Name },
			func(p store.Page) ([]store.Group, string, error) { return s.ListGroups(ctx, pool, p) })
		all := collect(t, 0, func(p store.Page) ([]store.Group, string, error) { return s.ListGroups(ctx, pool, p) })
		wantEqual(t, store.Group{PoolID: pool, Name: "A", Description: "d A", CreatedAt: base, UpdatedAt: base}, all[0], "listed group")
	})
}

func groupNames(gs []store.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

func testMemberships(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("AddRemove", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		mkGroup(t, s, pool, "g")

		must(t, s.AddUserToGroup(ctx, pool, "u", "g", 100))
		must(t, s.AddUserToGroup(ctx, pool, "u", "g", 100)) // idempotent
		gs, err := s.AllGroupsForUser(ctx, pool, "u")
		must(t, err)
		wantStrings(t, []string{"g"}, groupNames(gs), "groups after double add")

		wantErr(t, s.AddUserToGroup(ctx, pool, "nobody", "g", 100), store.ErrNotFound, "missing user")
		wantErr(t, s.AddUserToGroup(ctx, pool, "u", "nogroup", 100), store.ErrNotFound, "missing group")
		wantErr(t, s.AddUserToGroup(ctx, mkPool(t, s), "u", "g", 100), store.ErrNotFound, "other pool")

		must(t, s.RemoveUserFromGroup(ctx, pool, "u", "g"))
		// Nothing to remove: ErrNotFound (the domain makes that idempotent).
		wantErr(t, s.RemoveUserFromGroup(ctx, pool, "u", "g"), store.ErrNotFound, "second remove")
		wantErr(t, s.RemoveUserFromGroup(ctx, pool, "nobody", "nogroup"), store.ErrNotFound, "missing user and group")
		gs, err = s.AllGroupsForUser(ctx, pool, "u")
		must(t, err)
		if len(gs) != 0 {
			t.Fatalf("groups after remove: %v", groupNames(gs))
		}
		users, _, err := s.ListUsersInGroup(ctx, pool, "g", store.Page{})
		must(t, err)
		if len(users) != 0 {
			t.Fatalf("members after remove: %d", len(users))
		}
	})

	t.Run("PerUserLimit", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		mkUser(t, s, pool, "v")
		for _, g := range []string{"g1", "g2", "g3"} {
			mkGroup(t, s, pool, g)
		}
		must(t, s.AddUserToGroup(ctx, pool, "u", "g1", 2))
		must(t, s.AddUserToGroup(ctx, pool, "u", "g2", 2))
		wantErr(t, s.AddUserToGroup(ctx, pool, "u", "g3", 2), store.ErrLimitExceeded, "third group")
		// Re-adding an existing membership at the limit never fails.
		must(t, s.AddUserToGroup(ctx, pool, "u", "g2", 2))
		// The limit is per user.
		must(t, s.AddUserToGroup(ctx, pool, "v", "g3", 2))
		gs, err := s.AllGroupsForUser(ctx, pool, "u")
		must(t, err)
		wantStrings(t, []string{"g1", "g2"}, groupNames(gs), "groups of u")
	})

	t.Run("Lists", func(t *testing.T) {
		pool := mkPool(t, s)
		userNames := []string{"u5", "u1", "U3", "u2", "u4", "u0", "u6"}
		var keys []string
		for _, n := range userNames {
			keys = append(keys, mkUser(t, s, pool, n).UsernameKey)
		}
		groups := []string{"gB", "ga", "gA", "gc", "gd", "g-e"}
		for _, g := range groups {
			mkGroup(t, s, pool, g)
		}
		mkGroup(t, s, pool, "empty")
		for _, k := range keys {
			must(t, s.AddUserToGroup(ctx, pool, k, "gA", 100))
		}
		for _, g := range groups {
			must(t, s.AddUserToGroup(ctx, pool, "u1", g, 100))
		}
		// Noise: another pool with the same names.
		other := mkPool(t, s)
		mkUser(t, s, other, "u1")
		mkUser(t, s, other, "zz")
		mkGroup(t, s, other, "gA")
		mkGroup(t, s, other, "zz")
		must(t, s.AddUserToGroup(ctx, other, "u1", "gA", 100))
		must(t, s.AddUserToGroup(ctx, other, "zz", "gA", 100))
		must(t, s.AddUserToGroup(ctx, other, "u1", "zz", 100))

		checkPaging(t, sortedCopy(keys), func(u store.User) string { return u.UsernameKey },
			func(p store.Page) ([]store.User, string, error) { return s.ListUsersInGroup(ctx, pool, "gA", p) })
		checkPaging(t, sortedCopy(groups), func(g store.Group) string { return g.Name },
			func(p store.Page) ([]store.Group, string, error) { return s.ListGroupsForUser(ctx, pool, "u1", p) })

		all, err := s.AllGroupsForUser(ctx, pool, "u1")
		must(t, err)
		wantStrings(t, sortedCopy(groups), groupNames(all), "AllGroupsForUser")
		wantEqual(t, store.Group{PoolID: pool, Name: "g-e", Description: "d g-e", CreatedAt: base, UpdatedAt: base}, all[0], "group record")

		members, _, err := s.ListUsersInGroup(ctx, pool, "gA", store.Page{Limit: 1})
		must(t, err)
		want, err := s.GetUser(ctx, pool, "u0")
		must(t, err)
		wantEqual(t, want, members[0], "member record")

		empty, tok, err := s.ListUsersInGroup(ctx, pool, "empty", store.Page{})
		must(t, err)
		if len(empty) != 0 || tok != "" {
			t.Fatalf("empty group: %d users, token %q", len(empty), tok)
		}
		none, err := s.AllGroupsForUser(ctx, pool, "u0")
		must(t, err)
		wantStrings(t, []string{"gA"}, groupNames(none), "groups of u0")
	})
}
