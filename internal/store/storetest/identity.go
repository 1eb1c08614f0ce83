package storetest

import (
	"sort"
	"sync"
	"testing"
	"time"

	"userpool/internal/store"
)

func newIdentityPoolID() string { return "us-east-1:" + randString(8) + "-" + randString(4) }

func mkIdentityPool(t *testing.T, s store.Store) string {
	t.Helper()
	id := newIdentityPoolID()
	must(t, s.CreateIdentityPool(ctxT(t), store.IdentityPool{ID: id, Name: "ip " + id, Body: []byte(`{"a":1}`), CreatedAt: base, UpdatedAt: base}))
	return id
}

// testIdentityPools is the conformance of IdentityStore: identity pools,
// identities and their logins (one identity per login), roles, and
// temporary credentials that go with their identity, pool, role and user.
func testIdentityPools(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("Pools", func(t *testing.T) {
		p := store.IdentityPool{ID: newIdentityPoolID(), Name: "app", Body: []byte(`{"AllowUnauthenticatedIdentities":true}`), CreatedAt: base, UpdatedAt: at(time.Second)}
		must(t, s.CreateIdentityPool(ctx, p))
		wantErr(t, s.CreateIdentityPool(ctx, p), store.ErrAlreadyExists, "duplicate identity pool")
		got, err := s.GetIdentityPool(ctx, p.ID)
		must(t, err)
		wantEqual(t, p, got, "GetIdentityPool")
		upd, err := s.UpdateIdentityPool(ctx, p.ID, func(x *store.IdentityPool) error {
			x.Name, x.Body, x.UpdatedAt, x.ID = "renamed", []byte(`{}`), at(time.Hour), "ignored"
			return nil
		})
		must(t, err)
		want := p
		want.Name, want.Body, want.UpdatedAt = "renamed", []byte(`{}`), at(time.Hour)
		wantEqual(t, want, upd, "updated")
		got, _ = s.GetIdentityPool(ctx, p.ID)
		wantEqual(t, want, got, "stored update")
		_, err = s.UpdateIdentityPool(ctx, p.ID, func(x *store.IdentityPool) error { x.Name = "no"; return errUpdater })
		wantErr(t, err, errUpdater, "updater error")
		_, err = s.UpdateIdentityPool(ctx, "us-east-1:missing", func(*store.IdentityPool) error { return nil })
		wantErr(t, err, store.ErrNotFound, "update missing")
		_, err = s.GetIdentityPool(ctx, "us-east-1:missing")
		wantErr(t, err, store.ErrNotFound, "get missing")
		must(t, s.DeleteIdentityPool(ctx, p.ID))
		wantErr(t, s.DeleteIdentityPool(ctx, p.ID), store.ErrNotFound, "delete twice")
	})

	t.Run("PoolPaging", func(t *testing.T) {
		s := newStore(t)
		var ids []string
		for range 5 {
			ids = append(ids, mkIdentityPool(t, s))
		}
		sort.Strings(ids)
		var got []string
		tok := ""
		for {
			page, next, err := s.ListIdentityPools(ctx, store.Page{Limit: 2, Token: tok})
			must(t, err)
			if len(page) > 2 {
				t.Fatalf("page of %d", len(page))
			}
			for _, p := range page {
				got = append(got, p.ID)
			}
			if next == "" {
				break
			}
			tok = next
		}
		wantEqual(t, ids, got, "all identity pools in id order")
		_, _, err := s.ListIdentityPools(ctx, store.Page{Token: "garbage"})
		wantErr(t, err, store.ErrInvalidToken, "bad token")
	})

	t.Run("Identities", func(t *testing.T) {
		pool := mkIdentityPool(t, s)
		id := store.Identity{ID: pool + "-i1", PoolID: pool, Logins: map[string]string{"cognito-idp.us-east-1.amazonaws.com/us-east-1_a": "sub-1"}, CreatedAt: base, UpdatedAt: base}
		must(t, s.CreateIdentity(ctx, id))
		got, err := s.GetIdentity(ctx, id.ID)
		must(t, err)
		wantEqual(t, id, got, "GetIdentity")
		got, err = s.GetIdentityByLogin(ctx, pool, "cognito-idp.us-east-1.amazonaws.com/us-east-1_a", "sub-1")
		must(t, err)
		wantEqual(t, id, got, "GetIdentityByLogin")
		_, err = s.GetIdentityByLogin(ctx, pool, "cognito-idp.us-east-1.amazonaws.com/us-east-1_a", "SUB-1")
		wantErr(t, err, store.ErrNotFound, "subjects are case-sensitive")

		// A login belongs to one identity per pool, but the same login in
		// another pool is another identity's.
		dup := store.Identity{ID: pool + "-i2", PoolID: pool, Logins: id.Logins, CreatedAt: base, UpdatedAt: base}
		wantErr(t, s.CreateIdentity(ctx, dup), store.ErrAlreadyExists, "login taken")
		_, err = s.GetIdentity(ctx, dup.ID)
		wantErr(t, err, store.ErrNotFound, "failed create leaves nothing")
		other := mkIdentityPool(t, s)
		must(t, s.CreateIdentity(ctx, store.Identity{ID: other + "-i1", PoolID: other, Logins: id.Logins, CreatedAt: base}))
		wantErr(t, s.CreateIdentity(ctx, store.Identity{ID: "x:1", PoolID: "us-east-1:nopool", CreatedAt: base}), store.ErrNotFound, "missing pool")

		unauth := store.Identity{ID: pool + "-i3", PoolID: pool, Logins: map[string]string{}, CreatedAt: base, UpdatedAt: base}
		must(t, s.CreateIdentity(ctx, unauth))
		got, _ = s.GetIdentity(ctx, unauth.ID)
		wantEqual(t, unauth, got, "identity without logins")

		// Linking a login held by another identity fails and changes nothing.
		_, err = s.UpdateIdentity(ctx, unauth.ID, func(x *store.Identity) error {
			x.Logins["cognito-idp.us-east-1.amazonaws.com/us-east-1_a"] = "sub-1"
			return nil
		})
		wantErr(t, err, store.ErrAlreadyExists, "link a taken login")
		got, _ = s.GetIdentity(ctx, unauth.ID)
		wantEqual(t, unauth, got, "failed link not written")
		upd, err := s.UpdateIdentity(ctx, unauth.ID, func(x *store.Identity) error {
			x.Logins["dev.example"] = "user-9"
			x.UpdatedAt = at(time.Minute)
			x.PoolID = "ignored"
			return nil
		})
		must(t, err)
		want := unauth
		want.Logins = map[string]string{"dev.example": "user-9"}
		want.UpdatedAt = at(time.Minute)
		wantEqual(t, want, upd, "linked")
		got, err = s.GetIdentityByLogin(ctx, pool, "dev.example", "user-9")
		must(t, err)
		wantEqual(t, want, got, "found by the new login")
		// Unlink.
		_, err = s.UpdateIdentity(ctx, unauth.ID, func(x *store.Identity) error { clear(x.Logins); return nil })
		must(t, err)
		_, err = s.GetIdentityByLogin(ctx, pool, "dev.example", "user-9")
		wantErr(t, err, store.ErrNotFound, "unlinked login")

		page, next, err := s.ListIdentities(ctx, pool, store.Page{})
		must(t, err)
		if next != "" || len(page) != 2 || page[0].ID != id.ID || page[1].ID != unauth.ID {
			t.Fatalf("ListIdentities = %+v, %q", page, next)
		}
		must(t, s.DeleteIdentity(ctx, id.ID))
		wantErr(t, s.DeleteIdentity(ctx, id.ID), store.ErrNotFound, "delete twice")
		_, err = s.GetIdentityByLogin(ctx, pool, "cognito-idp.us-east-1.amazonaws.com/us-east-1_a", "sub-1")
		wantErr(t, err, store.ErrNotFound, "logins go with their identity")
		// The login is free again.
		must(t, s.CreateIdentity(ctx, dup))

		must(t, s.DeleteIdentityPool(ctx, pool))
		_, err = s.GetIdentity(ctx, unauth.ID)
		wantErr(t, err, store.ErrNotFound, "identities go with their pool")
		_, err = s.GetIdentityByLogin(ctx, pool, "cognito-idp.us-east-1.amazonaws.com/us-east-1_a", "sub-1")
		wantErr(t, err, store.ErrNotFound, "logins go with their pool")
	})

	t.Run("OneIdentityPerLogin", func(t *testing.T) {
		pool := mkIdentityPool(t, s)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = s.CreateIdentity(ctx, store.Identity{ID: pool + "-" + randString(6), PoolID: pool,
					Logins: map[string]string{"p": "same"}, CreatedAt: base})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				wantErr(t, err, store.ErrAlreadyExists, "losing create")
			}
		}
		if won != 1 {
			t.Fatalf("%d creates won, want exactly 1", won)
		}
	})

	t.Run("Roles", func(t *testing.T) {
		r := store.Role{Name: uniq("admins-"), Grants: []store.Grant{{Pool: "*", Actions: []string{"addUserToGroup"}}}, CreatedAt: base, UpdatedAt: base}
		must(t, s.PutRole(ctx, r))
		got, err := s.GetRole(ctx, r.Name)
		must(t, err)
		wantEqual(t, r, got, "GetRole")
		r.Grants = []store.Grant{{Pool: "app", Actions: []string{"cognito-idp:ListUsers"}}}
		r.UpdatedAt = at(time.Hour)
		must(t, s.PutRole(ctx, r))
		got, _ = s.GetRole(ctx, r.Name)
		wantEqual(t, r, got, "replaced role")
		all, err := s.ListRoles(ctx)
		must(t, err)
		found := false
		for _, x := range all {
			found = found || x.Name == r.Name
		}
		if !found {
			t.Fatalf("ListRoles lacks %q", r.Name)
		}
		must(t, s.DeleteRole(ctx, r.Name))
		wantErr(t, s.DeleteRole(ctx, r.Name), store.ErrNotFound, "delete twice")
		_, err = s.GetRole(ctx, r.Name)
		wantErr(t, err, store.ErrNotFound, "deleted role")
	})

	t.Run("SessionCredentials", func(t *testing.T) {
		userPool := mkPool(t, s)
		u := mkUser(t, s, userPool, "Alice")
		pool := mkIdentityPool(t, s)
		ident := store.Identity{ID: pool + "-a", PoolID: pool, Logins: map[string]string{"p": u.Sub}, CreatedAt: base}
		must(t, s.CreateIdentity(ctx, ident))
		role := uniq("r-")
		must(t, s.PutRole(ctx, store.Role{Name: role, CreatedAt: base}))
		mk := func(id, userPoolID, usernameKey string, exp time.Time) store.SessionCredential {
			return store.SessionCredential{AccessKeyID: id, SecretCiphertext: []byte{1, 2, 3}, TokenHash: []byte{4, 5},
				RoleName: role, IdentityPoolID: pool, IdentityID: ident.ID, UserPoolID: userPoolID, UsernameKey: usernameKey,
				Username: "Alice", CreatedAt: base, ExpiresAt: exp}
		}
		c1 := mk("ASIA"+randString(16), userPool, u.UsernameKey, at(time.Hour))
		must(t, s.CreateSessionCredential(ctx, c1))
		wantErr(t, s.CreateSessionCredential(ctx, c1), store.ErrAlreadyExists, "duplicate id")
		got, err := s.GetSessionCredential(ctx, c1.AccessKeyID)
		must(t, err)
		wantEqual(t, c1, got, "GetSessionCredential")
		anon := mk("ASIA"+randString(16), "", "", at(time.Hour))
		anon.Username = ""
		must(t, s.CreateSessionCredential(ctx, anon))
		got, _ = s.GetSessionCredential(ctx, anon.AccessKeyID)
		wantEqual(t, anon, got, "credential without a user")
		wantErr(t, s.CreateSessionCredential(ctx, mk("ASIA"+randString(16), userPool, "nobody", at(time.Hour))), store.ErrNotFound, "missing user")

		c2 := mk("ASIA"+randString(16), userPool, u.UsernameKey, at(-time.Minute))
		must(t, s.CreateSessionCredential(ctx, c2))
		n, err := s.DeleteExpiredSessionCredentials(ctx, base)
		must(t, err)
		if n < 1 {
			t.Fatalf("DeleteExpiredSessionCredentials = %d", n)
		}
		_, err = s.GetSessionCredential(ctx, c2.AccessKeyID)
		wantErr(t, err, store.ErrNotFound, "expired credential deleted")

		ids, err := s.RevokeUserSessionCredentials(ctx, userPool, u.UsernameKey)
		must(t, err)
		wantEqual(t, []string{c1.AccessKeyID}, ids, "revoked ids")
		_, err = s.GetSessionCredential(ctx, c1.AccessKeyID)
		wantErr(t, err, store.ErrNotFound, "revoked")
		_, err = s.GetSessionCredential(ctx, anon.AccessKeyID)
		must(t, err)

		// Credentials go with their user, identity, role and pool.
		c3 := mk("ASIA"+randString(16), userPool, u.UsernameKey, at(time.Hour))
		must(t, s.CreateSessionCredential(ctx, c3))
		must(t, s.DeleteUser(ctx, userPool, u.UsernameKey))
		_, err = s.GetSessionCredential(ctx, c3.AccessKeyID)
		wantErr(t, err, store.ErrNotFound, "credential of a deleted user")
		must(t, s.DeleteRole(ctx, role))
		_, err = s.GetSessionCredential(ctx, anon.AccessKeyID)
		wantErr(t, err, store.ErrNotFound, "credential of a deleted role")
		must(t, s.PutRole(ctx, store.Role{Name: role, CreatedAt: base}))
		c4 := mk("ASIA"+randString(16), "", "", at(time.Hour))
		must(t, s.CreateSessionCredential(ctx, c4))
		must(t, s.DeleteIdentity(ctx, ident.ID))
		_, err = s.GetSessionCredential(ctx, c4.AccessKeyID)
		wantErr(t, err, store.ErrNotFound, "credential of a deleted identity")
	})
}
