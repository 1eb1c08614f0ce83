package storetest

import (
	"errors"
	"testing"

	"userpool/internal/store"
)

func testWebAuthn(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("CRUD", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		mkUser(t, s, pool, "v")
		c := store.WebAuthnCredential{PoolID: pool, UsernameKey: "u", CredentialID: uniq("cred"), Body: []byte(`{"k":1}`), CreatedAt: base}
		must(t, s.CreateWebAuthnCredential(ctx, c))
		got, err := s.GetWebAuthnCredential(ctx, pool, c.CredentialID)
		must(t, err)
		wantEqual(t, c, got, "GetWebAuthnCredential")

		// The id is unique in the pool, whoever registers it.
		dup := c
		dup.UsernameKey = "v"
		wantErr(t, s.CreateWebAuthnCredential(ctx, dup), store.ErrAlreadyExists, "same id for another user")
		wantErr(t, s.CreateWebAuthnCredential(ctx, c), store.ErrAlreadyExists, "duplicate credential")
		ghost := store.WebAuthnCredential{PoolID: pool, UsernameKey: "nobody", CredentialID: uniq("cred"), CreatedAt: base}
		wantErr(t, s.CreateWebAuthnCredential(ctx, ghost), store.ErrNotFound, "credential of a missing user")

		_, err = s.GetWebAuthnCredential(ctx, mkPool(t, s), c.CredentialID)
		wantErr(t, err, store.ErrNotFound, "credential in another pool")

		upd, err := s.UpdateWebAuthnCredential(ctx, pool, c.CredentialID, func(x *store.WebAuthnCredential) error {
			if string(x.Body) != `{"k":1}` {
				t.Errorf("updater got %+v", x)
			}
			x.Body = []byte(`{"k":2}`)
			x.UsernameKey = "v" // ignored: a credential keeps its user
			return nil
		})
		must(t, err)
		if string(upd.Body) != `{"k":2}` || upd.UsernameKey != "u" {
			t.Errorf("update returned %+v", upd)
		}
		got, err = s.GetWebAuthnCredential(ctx, pool, c.CredentialID)
		must(t, err)
		if string(got.Body) != `{"k":2}` || got.UsernameKey != "u" {
			t.Errorf("after update %+v", got)
		}
		refuse := errors.New("no")
		_, err = s.UpdateWebAuthnCredential(ctx, pool, c.CredentialID, func(*store.WebAuthnCredential) error { return refuse })
		wantErr(t, err, refuse, "updater error")
		_, err = s.UpdateWebAuthnCredential(ctx, pool, "missing", func(*store.WebAuthnCredential) error { return nil })
		wantErr(t, err, store.ErrNotFound, "update missing")

		wantErr(t, s.DeleteWebAuthnCredential(ctx, pool, "v", c.CredentialID), store.ErrNotFound, "delete by another user")
		must(t, s.DeleteWebAuthnCredential(ctx, pool, "u", c.CredentialID))
		wantErr(t, s.DeleteWebAuthnCredential(ctx, pool, "u", c.CredentialID), store.ErrNotFound, "second delete")
	})

	t.Run("ListAndCascade", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		mkUser(t, s, pool, "v")
		ids := []string{"a1", "b2", "c3", "d4", "e5"}
		for _, id := range ids {
			must(t, s.CreateWebAuthnCredential(ctx, store.WebAuthnCredential{PoolID: pool, UsernameKey: "u", CredentialID: id, CreatedAt: base}))
		}
		must(t, s.CreateWebAuthnCredential(ctx, store.WebAuthnCredential{PoolID: pool, UsernameKey: "v", CredentialID: "zz", CreatedAt: base}))
		var seen []string
		tok := ""
		for range 10 {
			page, next, err := s.ListWebAuthnCredentials(ctx, pool, "u", store.Page{Limit: 2, Token: tok})
			must(t, err)
			for _, c := range page {
				seen = append(seen, c.CredentialID)
			}
			if tok = next; tok == "" {
				break
			}
		}
		wantEqual(t, ids, seen, "listed credentials in order")

		must(t, s.DeleteUser(ctx, pool, "u"))
		page, _, err := s.ListWebAuthnCredentials(ctx, pool, "u", store.Page{})
		must(t, err)
		if len(page) != 0 {
			t.Errorf("credentials survive their user: %v", page)
		}
		_, err = s.GetWebAuthnCredential(ctx, pool, "a1")
		wantErr(t, err, store.ErrNotFound, "credential after its user was deleted")
		if _, err := s.GetWebAuthnCredential(ctx, pool, "zz"); err != nil {
			t.Errorf("another user's credential went too: %v", err)
		}
	})
}
