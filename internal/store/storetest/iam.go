package storetest

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"userpool/internal/store"
)

func principalNames(ps []store.Principal) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func testPrincipals(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	p := store.Principal{Name: uniq("fn-"), Grants: []store.Grant{
		{Pool: "*", Actions: []string{"cognito-idp:AdminGetUser", "cognito-idp:ListUsers"}},
		{Pool: "us-east-1_abc", Actions: []string{"cognito-idp:*"}},
	}, CreatedAt: base, UpdatedAt: base}
	must(t, s.PutPrincipal(ctx, p))
	got, err := s.GetPrincipal(ctx, p.Name)
	must(t, err)
	wantEqual(t, p, got, "GetPrincipal")
	_, err = s.GetPrincipal(ctx, uniq("nobody"))
	wantErr(t, err, store.ErrNotFound, "missing principal")

	// Replace: grants change, the access key survives.
	key := store.AccessKey{ID: uniq("AKIA"), PrincipalName: p.Name, SecretCiphertext: []byte{1, 2, 3}, CreatedAt: base}
	must(t, s.CreateAccessKey(ctx, key))
	p.Grants = []store.Grant{{Pool: "pool-name", Actions: []string{"addUserToGroup"}}}
	p.UpdatedAt = at(time.Hour)
	must(t, s.PutPrincipal(ctx, p))
	got, err = s.GetPrincipal(ctx, p.Name)
	must(t, err)
	wantEqual(t, p, got, "replaced principal")
	gotKey, err := s.GetAccessKey(ctx, key.ID)
	must(t, err)
	wantEqual(t, key, gotKey, "access key after PutPrincipal")

	noGrants := store.Principal{Name: uniq("fn-"), CreatedAt: base, UpdatedAt: base}
	must(t, s.PutPrincipal(ctx, noGrants))
	got, err = s.GetPrincipal(ctx, noGrants.Name)
	must(t, err)
	wantEqual(t, noGrants, got, "principal without grants")

	all, err := s.ListPrincipals(ctx)
	must(t, err)
	names := principalNames(all)
	for _, n := range []string{p.Name, noGrants.Name} {
		if !slices.Contains(names, n) {
			t.Fatalf("ListPrincipals misses %q", n)
		}
	}
	for _, x := range all {
		if x.Name == p.Name {
			wantEqual(t, p, x, "listed principal")
		}
	}

	must(t, s.DeletePrincipal(ctx, p.Name))
	_, err = s.GetPrincipal(ctx, p.Name)
	wantErr(t, err, store.ErrNotFound, "after delete")
	_, err = s.GetAccessKey(ctx, key.ID)
	wantErr(t, err, store.ErrNotFound, "access key of a deleted principal")
	wantErr(t, s.DeletePrincipal(ctx, p.Name), store.ErrNotFound, "second delete")
	all, err = s.ListPrincipals(ctx)
	must(t, err)
	if slices.Contains(principalNames(all), p.Name) {
		t.Fatalf("deleted principal still listed")
	}
}

func testAccessKeys(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	owner := store.Principal{Name: uniq("fn-"), CreatedAt: base, UpdatedAt: base}
	must(t, s.PutPrincipal(ctx, owner))
	other := store.Principal{Name: uniq("fn-"), CreatedAt: base, UpdatedAt: base}
	must(t, s.PutPrincipal(ctx, other))

	k1 := store.AccessKey{ID: uniq("AKIA1"), PrincipalName: owner.Name, SecretCiphertext: []byte("cipher-1"), CreatedAt: base}
	k2 := store.AccessKey{ID: uniq("AKIA2"), PrincipalName: owner.Name, SecretCiphertext: []byte("cipher-2"), CreatedAt: at(time.Minute), Disabled: true}
	k3 := store.AccessKey{ID: uniq("AKIA3"), PrincipalName: other.Name, SecretCiphertext: []byte("cipher-3"), CreatedAt: base}
	for _, k := range []store.AccessKey{k1, k2, k3} {
		must(t, s.CreateAccessKey(ctx, k))
	}
	wantErr(t, s.CreateAccessKey(ctx, k1), store.ErrAlreadyExists, "duplicate key id")
	wantErr(t, s.CreateAccessKey(ctx, store.AccessKey{ID: uniq("AKIA"), PrincipalName: uniq("ghost"), CreatedAt: base}),
		store.ErrNotFound, "key of a missing principal")

	got, err := s.GetAccessKey(ctx, k2.ID)
	must(t, err)
	wantEqual(t, k2, got, "GetAccessKey")
	_, err = s.GetAccessKey(ctx, "missing")
	wantErr(t, err, store.ErrNotFound, "missing key")

	keys, err := s.ListAccessKeys(ctx, owner.Name)
	must(t, err)
	slices.SortFunc(keys, func(a, b store.AccessKey) int { return cmpStr(a.ID, b.ID) })
	want := []store.AccessKey{k1, k2}
	slices.SortFunc(want, func(a, b store.AccessKey) int { return cmpStr(a.ID, b.ID) })
	wantEqual(t, want, keys, "ListAccessKeys")

	must(t, s.DeleteAccessKey(ctx, k1.ID))
	wantErr(t, s.DeleteAccessKey(ctx, k1.ID), store.ErrNotFound, "second delete")
	keys, err = s.ListAccessKeys(ctx, owner.Name)
	must(t, err)
	wantEqual(t, []store.AccessKey{k2}, keys, "keys after delete")
	keys, err = s.ListAccessKeys(ctx, uniq("ghost"))
	must(t, err)
	if len(keys) != 0 {
		t.Fatalf("keys of an unknown principal: %d", len(keys))
	}
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testAudit(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	// Unique pool and actors so the filters isolate this test's events.
	poolA, poolB := newPoolID(), newPoolID()
	alice, bob := uniq("alice-"), uniq("bob-")

	var events []store.AuditEvent
	var lastID int64
	for i := range 12 {
		e := store.AuditEvent{
			Time:      at(time.Duration(i) * time.Minute),
			ActorType: "principal",
			Actor:     []string{alice, bob}[i%2],
			Action:    []string{"cognito-idp:AdminAddUserToGroup", "adminqueries:listUsers", "cognito-idp:AdminGetUser"}[i%3],
			PoolID:    []string{poolA, poolB}[i/6],
			Target:    "user-" + strconv.Itoa(i),
			Outcome:   []string{"allowed", "denied", "error:UserNotFoundException", "allowed"}[i%4],
			RequestID: uniq("req"),
			Detail:    fmt.Sprintf("detail %d", i),
		}
		id, err := s.AppendAudit(ctx, e)
		must(t, err)
		if id <= lastID {
			t.Fatalf("audit id %d not increasing after %d", id, lastID)
		}
		lastID = id
		e.ID = id
		events = append(events, e)
	}

	ids := func(es []store.AuditEvent) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = strconv.FormatInt(e.ID, 10)
		}
		return out
	}
	pick := func(keep func(i int, e store.AuditEvent) bool) []store.AuditEvent {
		var out []store.AuditEvent
		for i, e := range events {
			if keep(i, e) {
				out = append(out, e)
			}
		}
		return out
	}
	cases := []struct {
		name string
		f    store.AuditFilter
		want []store.AuditEvent
	}{
		{"pool", store.AuditFilter{PoolID: poolA}, events[:6]},
		{"actor", store.AuditFilter{Actor: alice}, pick(func(i int, _ store.AuditEvent) bool { return i%2 == 0 })},
		{"actor+pool", store.AuditFilter{Actor: bob, PoolID: poolB}, pick(func(i int, _ store.AuditEvent) bool { return i%2 == 1 && i >= 6 })},
		{"action+pool", store.AuditFilter{Action: "adminqueries:listUsers", PoolID: poolB}, pick(func(i int, _ store.AuditEvent) bool { return i%3 == 1 && i >= 6 })},
		{"outcome+actor", store.AuditFilter{Outcome: "denied", Actor: bob}, pick(func(i int, _ store.AuditEvent) bool { return i%4 == 1 })},
		{"error outcome+pool", store.AuditFilter{Outcome: "error:UserNotFoundException", PoolID: poolA}, pick(func(i int, _ store.AuditEvent) bool { return i%4 == 2 && i < 6 })},
		{"time window", store.AuditFilter{PoolID: poolA, Since: at(150 * time.Second), Until: at(270 * time.Second)}, events[3:5]},
		{"since", store.AuditFilter{Actor: alice, Since: at(570 * time.Second)}, []store.AuditEvent{events[10]}},
		{"nothing", store.AuditFilter{PoolID: poolA, Actor: uniq("nobody")}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkPaging(t, ids(c.want), func(e store.AuditEvent) string { return strconv.FormatInt(e.ID, 10) },
				func(p store.Page) ([]store.AuditEvent, string, error) { return s.ListAudit(ctx, c.f, p) })
		})
		// Newest: the same events by id descending, paged the same way.
		t.Run(c.name+"/newest", func(t *testing.T) {
			f := c.f
			f.Newest = true
			want := ids(c.want)
			slices.Reverse(want)
			checkPaging(t, want, func(e store.AuditEvent) string { return strconv.FormatInt(e.ID, 10) },
				func(p store.Page) ([]store.AuditEvent, string, error) { return s.ListAudit(ctx, f, p) })
		})
	}
	// No filter, newest first: the first event is the last one appended
	// (or a later one of another test sharing the store).
	if first, _, err := s.ListAudit(ctx, store.AuditFilter{Newest: true}, store.Page{Limit: 1}); err != nil || len(first) != 1 || first[0].ID < lastID {
		t.Fatalf("newest first without a filter: %+v %v (last appended %d)", first, err, lastID)
	}
	got := collect(t, 0, func(p store.Page) ([]store.AuditEvent, string, error) {
		return s.ListAudit(ctx, store.AuditFilter{PoolID: poolB}, p)
	})
	wantEqual(t, events[6:], got, "audit records")
}
