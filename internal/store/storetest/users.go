package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"userpool/internal/store"
)

// fullUser sets every field of a user to a non-zero value.
func fullUser(poolID, username string) store.User {
	return store.User{
		PoolID:      poolID,
		Username:    username,
		UsernameKey: strings.ToLower(username),
		Sub:         uniq("5a1b2c3d-"),
		Status:      "FORCE_CHANGE_PASSWORD",
		Enabled:     true,
		Attributes: map[string]string{
			"email": "Full@Example.com", "email_verified": "true", "name": "Full Name",
			"custom:tier": "gold", "phone_number": "+15551234567",
		},
		Aliases: map[string]string{"email": "full@example.com"},
		Password: store.Password{
			Hash:        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
			SRPSalt:     []byte{0, 1, 2, 3, 255},
			SRPVerifier: []byte{9, 8, 7, 0, 0},
			SetAt:       at(time.Second),
			Temporary:   true,
			ExpiresAt:   at(7 * 24 * time.Hour),
		},
		MFA:              []byte(`{"preferred":"SOFTWARE_TOKEN_MFA"}`),
		FailedLogins:     3,
		LockedUntil:      at(5 * time.Minute),
		TokensValidAfter: at(-time.Hour),
		CreatedAt:        base,
		UpdatedAt:        at(time.Minute),
	}
}

func testUsers(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("RoundTrip", func(t *testing.T) {
		pool := mkPool(t, s)
		u := fullUser(pool, "Full.User")
		must(t, s.CreateUser(ctx, u))
		got, err := s.GetUser(ctx, pool, u.UsernameKey)
		must(t, err)
		wantEqual(t, u, got, "GetUser")
		got, err = s.GetUserBySub(ctx, pool, u.Sub)
		must(t, err)
		wantEqual(t, u, got, "GetUserBySub")

		// A minimal user: zero times stay zero, nil maps/blobs come back empty.
		min := store.User{PoolID: pool, Username: "min", UsernameKey: "min", Sub: uniq("sub"), Status: "UNCONFIRMED"}
		must(t, s.CreateUser(ctx, min))
		got, err = s.GetUser(ctx, pool, "min")
		must(t, err)
		wantEqual(t, min, got, "minimal user")
		if got.Enabled {
			t.Fatalf("Enabled=false did not round-trip")
		}
	})

	t.Run("SummaryListings", func(t *testing.T) {
		pool := mkPool(t, s)
		u := fullUser(pool, "Sum.User")
		must(t, s.CreateUser(ctx, u))
		mkGroup(t, s, pool, "g")
		must(t, s.AddUserToGroup(ctx, pool, u.UsernameKey, "g", 100))
		full, err := s.GetUser(ctx, pool, u.UsernameKey)
		must(t, err)
		// A summary is the complete record without these.
		want := full
		want.Aliases, want.Password, want.FailedLogins = nil, store.Password{}, 0
		want.LockedUntil, want.TokensValidAfter = time.Time{}, time.Time{}
		sum := store.Page{Summary: true}
		email := &store.UserFilter{Attr: "email", Prefix: true, Value: "full@"}
		for _, c := range []struct {
			what string
			list func(store.Page) ([]store.User, string, error)
		}{
			{"ListUsers", func(p store.Page) ([]store.User, string, error) { return s.ListUsers(ctx, pool, nil, p) }},
			{"ListUsers filtered", func(p store.Page) ([]store.User, string, error) { return s.ListUsers(ctx, pool, email, p) }},
			{"ListUsersInGroup", func(p store.Page) ([]store.User, string, error) { return s.ListUsersInGroup(ctx, pool, "g", p) }},
		} {
			got, _, err := c.list(sum)
			must(t, err)
			if len(got) != 1 {
				t.Fatalf("%s summary: %d users", c.what, len(got))
			}
			wantEqual(t, want, got[0], c.what+" summary")
			got, _, err = c.list(store.Page{})
			must(t, err)
			if len(got) != 1 {
				t.Fatalf("%s: %d users", c.what, len(got))
			}
			wantEqual(t, full, got[0], c.what+" complete")
		}
	})

	t.Run("Missing", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "present")
		_, err := s.GetUser(ctx, pool, "absent")
		wantErr(t, err, store.ErrNotFound, "GetUser")
		_, err = s.GetUser(ctx, mkPool(t, s), "present")
		wantErr(t, err, store.ErrNotFound, "GetUser in another pool")
		_, err = s.GetUserBySub(ctx, pool, "no-such-sub")
		wantErr(t, err, store.ErrNotFound, "GetUserBySub")
		_, err = s.GetUserByAlias(ctx, pool, "email", "nobody@example.com")
		wantErr(t, err, store.ErrNotFound, "GetUserByAlias")
		_, err = s.UpdateUser(ctx, pool, "absent", func(*store.User) error { t.Error("updater called"); return nil })
		wantErr(t, err, store.ErrNotFound, "UpdateUser")
		wantErr(t, s.DeleteUser(ctx, pool, "absent"), store.ErrNotFound, "DeleteUser")
	})

	t.Run("UsernameKeyUnique", func(t *testing.T) {
		pool := mkPool(t, s)
		// The domain lower-cases the key for a case-insensitive pool.
		alice := store.User{PoolID: pool, Username: "Alice", UsernameKey: "alice", Sub: uniq("s"), Status: "CONFIRMED", Enabled: true}
		must(t, s.CreateUser(ctx, alice))
		dup := store.User{PoolID: pool, Username: "ALICE", UsernameKey: "alice", Sub: uniq("s"), Status: "CONFIRMED", Enabled: true}
		wantErr(t, s.CreateUser(ctx, dup), store.ErrAlreadyExists, "ALICE vs Alice")
		got, err := s.GetUser(ctx, pool, "alice")
		must(t, err)
		if got.Username != "Alice" || got.Sub != alice.Sub {
			t.Fatalf("original user was overwritten: %+v", got)
		}
		// Case-sensitive pool: distinct keys are distinct users.
		must(t, s.CreateUser(ctx, store.User{PoolID: pool, Username: "ALICE", UsernameKey: "ALICE", Sub: uniq("s"), Status: "CONFIRMED"}))
		// Same key in another pool is fine.
		must(t, s.CreateUser(ctx, store.User{PoolID: mkPool(t, s), Username: "Alice", UsernameKey: "alice", Sub: uniq("s"), Status: "CONFIRMED"}))
		// A duplicate sub in the same pool is a conflict too.
		wantErr(t, s.CreateUser(ctx, store.User{PoolID: pool, Username: "other", UsernameKey: "other", Sub: alice.Sub, Status: "CONFIRMED"}),
			store.ErrAlreadyExists, "duplicate sub")
		_, err = s.GetUser(ctx, pool, "other")
		wantErr(t, err, store.ErrNotFound, "user with duplicate sub must not exist")
		n, err := s.CountUsers(ctx, pool)
		must(t, err)
		if n != 2 {
			t.Fatalf("CountUsers = %d after failed creates, want 2", n)
		}
	})

	t.Run("Update", func(t *testing.T) {
		pool := mkPool(t, s)
		u := fullUser(pool, "Upd")
		must(t, s.CreateUser(ctx, u))
		got, err := s.UpdateUser(ctx, pool, u.UsernameKey, func(cur *store.User) error {
			if d := diff(u, *cur); d != "" {
				t.Errorf("updater got a different record:\n%s", d)
			}
			cur.Status = "CONFIRMED"
			cur.Enabled = false
			delete(cur.Attributes, "custom:tier")
			cur.Attributes["given_name"] = "Giv"
			cur.Password = store.Password{Hash: "new", SetAt: at(time.Hour)}
			cur.MFA = nil
			cur.FailedLogins = 0
			cur.LockedUntil = time.Time{}
			cur.TokensValidAfter = at(time.Hour)
			cur.UpdatedAt = at(time.Hour)
			return nil
		})
		must(t, err)
		want := u
		want.Status, want.Enabled = "CONFIRMED", false
		want.Attributes = map[string]string{"email": "Full@Example.com", "email_verified": "true", "name": "Full Name", "phone_number": "+15551234567", "given_name": "Giv"}
		want.Password = store.Password{Hash: "new", SetAt: at(time.Hour)}
		want.MFA, want.FailedLogins, want.LockedUntil = nil, 0, time.Time{}
		want.TokensValidAfter, want.UpdatedAt = at(time.Hour), at(time.Hour)
		wantEqual(t, want, got, "returned user")
		stored, err := s.GetUser(ctx, pool, u.UsernameKey)
		must(t, err)
		wantEqual(t, want, stored, "stored user")

		_, err = s.UpdateUser(ctx, pool, u.UsernameKey, func(cur *store.User) error {
			cur.Status = "RESET_REQUIRED"
			cur.Aliases = nil
			return fmt.Errorf("wrapped: %w", errUpdater)
		})
		wantErr(t, err, errUpdater, "updater error")
		stored, err = s.GetUser(ctx, pool, u.UsernameKey)
		must(t, err)
		wantEqual(t, want, stored, "user after failed update")
		// The alias was not released by the failed update.
		_, err = s.GetUserByAlias(ctx, pool, "email", "full@example.com")
		must(t, err)
	})

	t.Run("Delete", func(t *testing.T) {
		pool := mkPool(t, s)
		u := fullUser(pool, "Del")
		must(t, s.CreateUser(ctx, u))
		must(t, s.DeleteUser(ctx, pool, u.UsernameKey))
		_, err := s.GetUser(ctx, pool, u.UsernameKey)
		wantErr(t, err, store.ErrNotFound, "after delete")
		_, err = s.GetUserBySub(ctx, pool, u.Sub)
		wantErr(t, err, store.ErrNotFound, "by sub after delete")
		wantErr(t, s.DeleteUser(ctx, pool, u.UsernameKey), store.ErrNotFound, "second delete")
		// Key, sub and alias are free again.
		must(t, s.CreateUser(ctx, u))
	})

	t.Run("ListNoFilter", func(t *testing.T) {
		pool := mkPool(t, s)
		names := []string{"zed", "Amy", "bob", "Carl", "dan", "eve", "fay", "Gus", "hal", "ivy", "a", "a0", "a-"}
		var keys []string
		for _, n := range names {
			u := mkUser(t, s, pool, n)
			keys = append(keys, u.UsernameKey)
		}
		mkUser(t, s, mkPool(t, s), "intruder")
		checkPaging(t, sortedCopy(keys), func(u store.User) string { return u.UsernameKey },
			func(p store.Page) ([]store.User, string, error) { return s.ListUsers(ctx, pool, nil, p) })
		// Listed users are complete records.
		full := fullUser(pool, "zzz-full")
		must(t, s.CreateUser(ctx, full))
		all := collect(t, 0, func(p store.Page) ([]store.User, string, error) { return s.ListUsers(ctx, pool, nil, p) })
		wantEqual(t, full, all[len(all)-1], "listed user")
		// Empty pool.
		got, tok, err := s.ListUsers(ctx, mkPool(t, s), nil, store.Page{})
		must(t, err)
		if len(got) != 0 || tok != "" {
			t.Fatalf("empty pool listed %d users, token %q", len(got), tok)
		}
	})
}

func testAliases(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	withAliases := func(pool, name string, aliases map[string]string) store.User {
		u := userFixture(pool, name)
		u.Aliases = aliases
		return u
	}

	t.Run("CreateConflict", func(t *testing.T) {
		pool := mkPool(t, s)
		a := withAliases(pool, "a", map[string]string{"email": "x@example.com", "phone_number": "+15550001"})
		must(t, s.CreateUser(ctx, a))

		got, err := s.GetUserByAlias(ctx, pool, "email", "x@example.com")
		must(t, err)
		if got.UsernameKey != "a" {
			t.Fatalf("GetUserByAlias email = %q", got.UsernameKey)
		}
		got, err = s.GetUserByAlias(ctx, pool, "phone_number", "+15550001")
		must(t, err)
		wantEqual(t, a, got, "user by phone alias")
		_, err = s.GetUserByAlias(ctx, pool, "preferred_username", "x@example.com")
		wantErr(t, err, store.ErrNotFound, "alias of another kind")

		b := withAliases(pool, "b", map[string]string{"email": "x@example.com"})
		wantErr(t, s.CreateUser(ctx, b), store.ErrAliasExists, "taken email alias")
		_, err = s.GetUser(ctx, pool, "b")
		wantErr(t, err, store.ErrNotFound, "user with a taken alias must not be created")
		b2 := withAliases(pool, "b2", map[string]string{"email": "new@example.com", "phone_number": "+15550001"})
		wantErr(t, s.CreateUser(ctx, b2), store.ErrAliasExists, "taken phone alias")
		// The new email alias of the rejected user was not kept either.
		_, err = s.GetUserByAlias(ctx, pool, "email", "new@example.com")
		wantErr(t, err, store.ErrNotFound, "alias of a rejected user")

		// Same value, different kind: fine. Same alias in another pool: fine.
		must(t, s.CreateUser(ctx, withAliases(pool, "c", map[string]string{"preferred_username": "x@example.com"})))
		must(t, s.CreateUser(ctx, withAliases(mkPool(t, s), "a", map[string]string{"email": "x@example.com"})))
		got, err = s.GetUserByAlias(ctx, pool, "preferred_username", "x@example.com")
		must(t, err)
		if got.UsernameKey != "c" {
			t.Fatalf("preferred_username alias resolves to %q", got.UsernameKey)
		}
	})

	t.Run("UpdateConflictAndRelease", func(t *testing.T) {
		pool := mkPool(t, s)
		must(t, s.CreateUser(ctx, withAliases(pool, "a", map[string]string{"email": "a@example.com"})))
		must(t, s.CreateUser(ctx, withAliases(pool, "b", map[string]string{"email": "b@example.com"})))

		// b tries to take a's email.
		_, err := s.UpdateUser(ctx, pool, "b", func(u *store.User) error {
			u.Aliases["email"] = "a@example.com"
			u.Attributes["email"] = "a@example.com"
			return nil
		})
		wantErr(t, err, store.ErrAliasExists, "update to a taken alias")
		got, err := s.GetUser(ctx, pool, "b")
		must(t, err)
		if got.Aliases["email"] != "b@example.com" || got.Attributes["email"] != "" {
			t.Fatalf("rejected update was written: %+v", got)
		}
		got, err = s.GetUserByAlias(ctx, pool, "email", "b@example.com")
		must(t, err)
		if got.UsernameKey != "b" {
			t.Fatalf("b lost its own alias")
		}

		// a changes its email: the old value is free, the new one taken.
		_, err = s.UpdateUser(ctx, pool, "a", func(u *store.User) error { u.Aliases["email"] = "a2@example.com"; return nil })
		must(t, err)
		_, err = s.GetUserByAlias(ctx, pool, "email", "a@example.com")
		wantErr(t, err, store.ErrNotFound, "old alias after change")
		got, err = s.GetUserByAlias(ctx, pool, "email", "a2@example.com")
		must(t, err)
		if got.UsernameKey != "a" {
			t.Fatalf("new alias resolves to %q", got.UsernameKey)
		}
		_, err = s.UpdateUser(ctx, pool, "b", func(u *store.User) error { u.Aliases["email"] = "a@example.com"; return nil })
		must(t, err)

		// Removing an alias frees it for another user's create.
		_, err = s.UpdateUser(ctx, pool, "a", func(u *store.User) error { delete(u.Aliases, "email"); return nil })
		must(t, err)
		_, err = s.GetUserByAlias(ctx, pool, "email", "a2@example.com")
		wantErr(t, err, store.ErrNotFound, "removed alias")
		must(t, s.CreateUser(ctx, withAliases(pool, "c", map[string]string{"email": "a2@example.com"})))

		// Updating a user without touching its aliases keeps them.
		_, err = s.UpdateUser(ctx, pool, "c", func(u *store.User) error { u.FailedLogins++; return nil })
		must(t, err)
		got, err = s.GetUserByAlias(ctx, pool, "email", "a2@example.com")
		must(t, err)
		if got.UsernameKey != "c" || got.FailedLogins != 1 {
			t.Fatalf("alias lookup after unrelated update: %+v", got)
		}

		// A user may swap one alias kind for another with the same value.
		_, err = s.UpdateUser(ctx, pool, "c", func(u *store.User) error {
			u.Aliases = map[string]string{"preferred_username": "a2@example.com"}
			return nil
		})
		must(t, err)
		got, err = s.GetUserByAlias(ctx, pool, "preferred_username", "a2@example.com")
		must(t, err)
		if got.UsernameKey != "c" {
			t.Fatalf("swapped alias resolves to %q", got.UsernameKey)
		}
	})

	t.Run("DeleteReleases", func(t *testing.T) {
		pool := mkPool(t, s)
		must(t, s.CreateUser(ctx, withAliases(pool, "a", map[string]string{"email": "d@example.com"})))
		must(t, s.DeleteUser(ctx, pool, "a"))
		_, err := s.GetUserByAlias(ctx, pool, "email", "d@example.com")
		wantErr(t, err, store.ErrNotFound, "alias of a deleted user")
		must(t, s.CreateUser(ctx, withAliases(pool, "b", map[string]string{"email": "d@example.com"})))
	})
}
