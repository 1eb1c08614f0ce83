package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"userpool/internal/store"
)

// populated is one user with one of everything attached to it.
type populated struct {
	pool, user, group, device, refresh, session, purpose, sub, email string
}

func populate(t *testing.T, s store.Store, pool, name string) populated {
	t.Helper()
	ctx := ctxT(t)
	p := populated{pool: pool, user: name, group: "grp-" + name, device: uniq("dev"), refresh: uniq("rt"),
		session: uniq("sess"), purpose: "signup", email: name + "@example.com"}
	u := userFixture(pool, name)
	u.Attributes["email"] = p.email
	u.Aliases = map[string]string{"email": p.email}
	p.sub = u.Sub
	must(t, s.CreateUser(ctx, u))
	mkGroup(t, s, pool, p.group)
	must(t, s.AddUserToGroup(ctx, pool, name, p.group, 100))
	must(t, s.CreateDevice(ctx, store.Device{PoolID: pool, UsernameKey: name, Key: p.device, CreatedAt: base}))
	must(t, s.CreateRefreshToken(ctx, store.RefreshToken{Hash: p.refresh, PoolID: pool, ClientID: "c", UsernameKey: name,
		OriginJTI: uniq("j"), CreatedAt: base, ExpiresAt: at(time.Hour)}))
	must(t, s.PutCode(ctx, store.Code{PoolID: pool, UsernameKey: name, Purpose: p.purpose, CodeHash: "h", CreatedAt: base, ExpiresAt: at(time.Hour)}))
	must(t, s.CreateSession(ctx, store.Session{ID: p.session, PoolID: pool, ClientID: "c", UsernameKey: name, CreatedAt: base, ExpiresAt: at(time.Hour)}))
	return p
}

// gone checks that nothing of p's user remains; groupToo also checks the group.
func (p populated) gone(t *testing.T, s store.Store) {
	t.Helper()
	ctx := ctxT(t)
	_, err := s.GetUser(ctx, p.pool, p.user)
	wantErr(t, err, store.ErrNotFound, "user")
	_, err = s.GetUserBySub(ctx, p.pool, p.sub)
	wantErr(t, err, store.ErrNotFound, "user by sub")
	_, err = s.GetUserByAlias(ctx, p.pool, "email", p.email)
	wantErr(t, err, store.ErrNotFound, "user by alias")
	_, err = s.GetDevice(ctx, p.pool, p.user, p.device)
	wantErr(t, err, store.ErrNotFound, "device")
	_, err = s.GetRefreshToken(ctx, p.refresh)
	wantErr(t, err, store.ErrNotFound, "refresh token")
	_, err = s.GetCode(ctx, p.pool, p.user, p.purpose)
	wantErr(t, err, store.ErrNotFound, "code")
	_, err = s.GetSession(ctx, p.session)
	wantErr(t, err, store.ErrNotFound, "session")
	gs, err := s.AllGroupsForUser(ctx, p.pool, p.user)
	must(t, err)
	if len(gs) != 0 {
		t.Fatalf("memberships left: %v", groupNames(gs))
	}
	for _, f := range []store.UserFilter{{Attr: "email", Value: p.email}, {Attr: "sub", Value: p.sub}, {Attr: "username", Value: p.user}} {
		us, _, err := s.ListUsers(ctx, p.pool, &f, store.Page{})
		must(t, err)
		if len(us) != 0 {
			t.Fatalf("filter %+v still finds %d users", f, len(us))
		}
	}
}

// intact checks that everything of p's user is still there.
func (p populated) intact(t *testing.T, s store.Store) {
	t.Helper()
	ctx := ctxT(t)
	_, err := s.GetUserByAlias(ctx, p.pool, "email", p.email)
	must(t, err)
	_, err = s.GetDevice(ctx, p.pool, p.user, p.device)
	must(t, err)
	_, err = s.GetRefreshToken(ctx, p.refresh)
	must(t, err)
	_, err = s.GetCode(ctx, p.pool, p.user, p.purpose)
	must(t, err)
	_, err = s.GetSession(ctx, p.session)
	must(t, err)
	gs, err := s.AllGroupsForUser(ctx, p.pool, p.user)
	must(t, err)
	if !slices.Contains(groupNames(gs), p.group) {
		t.Fatalf("membership in %q lost: %v", p.group, groupNames(gs))
	}
}

func testCascades(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("DeleteUser", func(t *testing.T) {
		pool := mkPool(t, s)
		victim := populate(t, s, pool, "victim")
		bystander := populate(t, s, pool, "bystander")
		// The bystander is also in the victim's group.
		must(t, s.AddUserToGroup(ctx, pool, "bystander", victim.group, 100))
		must(t, s.DeleteUser(ctx, pool, "victim"))
		victim.gone(t, s)
		members, _, err := s.ListUsersInGroup(ctx, pool, victim.group, store.Page{})
		must(t, err)
		if len(members) != 1 || members[0].UsernameKey != "bystander" {
			t.Fatalf("group members after delete: %d", len(members))
		}
		_, err = s.GetGroup(ctx, pool, victim.group)
		must(t, err) // groups survive their members
		gs, err := s.AllGroupsForUser(ctx, pool, "bystander")
		must(t, err)
		wantStrings(t, []string{bystander.group, victim.group}, groupNames(gs), "bystander groups")
		_, err = s.GetUser(ctx, pool, "bystander")
		must(t, err)
		bystander.intact(t, s)
		// Re-creating the user starts from nothing.
		mkUser(t, s, pool, "victim")
		gs, err = s.AllGroupsForUser(ctx, pool, "victim")
		must(t, err)
		if len(gs) != 0 {
			t.Fatalf("re-created user inherited memberships")
		}
	})

	t.Run("DeleteGroup", func(t *testing.T) {
		pool := mkPool(t, s)
		a := populate(t, s, pool, "a")
		populate(t, s, pool, "b")
		must(t, s.AddUserToGroup(ctx, pool, "b", a.group, 100))
		must(t, s.DeleteGroup(ctx, pool, a.group))
		for _, u := range []string{"a", "b"} {
			gs, err := s.AllGroupsForUser(ctx, pool, u)
			must(t, err)
			for _, g := range gs {
				if g.Name == a.group {
					t.Fatalf("membership of %s in a deleted group survives", u)
				}
			}
		}
		gs, _ := s.AllGroupsForUser(ctx, pool, "b")
		wantStrings(t, []string{"grp-b"}, groupNames(gs), "b keeps its other group")
		// A new group with the same name starts empty.
		mkGroup(t, s, pool, a.group)
		members, _, err := s.ListUsersInGroup(ctx, pool, a.group, store.Page{})
		must(t, err)
		if len(members) != 0 {
			t.Fatalf("re-created group has %d members", len(members))
		}
	})

	t.Run("DeletePool", func(t *testing.T) {
		pool := mkPool(t, s)
		keep := mkPool(t, s)
		var ps []populated
		for i := range 3 {
			ps = append(ps, populate(t, s, pool, fmt.Sprintf("user%d", i)))
		}
		survivor := populate(t, s, keep, "user0")
		clientID := uniq("client")
		must(t, s.CreateClient(ctx, store.Client{PoolID: pool, ID: clientID, Name: "c", CreatedAt: base}))
		kid := uniq("kid")
		must(t, s.CreateSigningKey(ctx, store.SigningKey{PoolID: pool, KID: kid, Use: "id", PrivateKey: []byte{1}, CreatedAt: base}))
		must(t, s.CreateSigningKey(ctx, store.SigningKey{PoolID: keep, KID: kid, Use: "id", PrivateKey: []byte{1}, CreatedAt: base}))

		must(t, s.DeletePool(ctx, pool))
		for _, p := range ps {
			p.gone(t, s)
			_, err := s.GetGroup(ctx, pool, p.group)
			wantErr(t, err, store.ErrNotFound, "group of a deleted pool")
		}
		_, err := s.GetClientByID(ctx, clientID)
		wantErr(t, err, store.ErrNotFound, "client of a deleted pool")
		keys, err := s.ListSigningKeys(ctx, pool)
		must(t, err)
		if len(keys) != 0 {
			t.Fatalf("signing keys of a deleted pool: %d", len(keys))
		}
		n, err := s.CountUsers(ctx, keep)
		must(t, err)
		if n != 1 {
			t.Fatalf("other pool lost users: %d", n)
		}
		survivor.intact(t, s)
		keys, err = s.ListSigningKeys(ctx, keep)
		must(t, err)
		if len(keys) != 1 {
			t.Fatalf("other pool's signing keys: %d", len(keys))
		}

		// The same pool id starts from nothing.
		must(t, s.CreatePool(ctx, store.Pool{ID: pool, Name: "again", CreatedAt: base}))
		users, tok, err := s.ListUsers(ctx, pool, nil, store.Page{})
		must(t, err)
		if len(users) != 0 || tok != "" {
			t.Fatalf("re-created pool lists %d users", len(users))
		}
		groups, _, err := s.ListGroups(ctx, pool, store.Page{})
		must(t, err)
		if len(groups) != 0 {
			t.Fatalf("re-created pool lists %d groups", len(groups))
		}
		n, err = s.CountUsers(ctx, pool)
		must(t, err)
		if n != 0 {
			t.Fatalf("re-created pool counts %d users", n)
		}
		ps[0].gone(t, s)
		// Aliases and keys are free again.
		populate(t, s, pool, "user0")
	})
}
