package userpool

import (
	"context"
	"testing"
)

// A page token is bound to the pool that issued it (issue 13, finding 13):
// pool B refuses pool A's token as it refuses any foreign token.
func TestPageTokenBoundToPool(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	ctx := context.Background()
	a := e.pool(t, "us-east-1_PoolA", PoolSettings{})
	b := e.pool(t, "us-east-1_PoolB", PoolSettings{})
	for _, p := range []*Pool{a, b} {
		for _, name := range []string{"u1", "u2", "u3"} {
			e.create(t, p.ID, name)
			if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "g-" + name}); err != nil {
				t.Fatal(err)
			}
		}
	}

	_, usersNext, err := e.svc.ListUsers(ctx, ListUsersInput{PoolID: a.ID, Limit: 1})
	if err != nil || usersNext == "" {
		t.Fatalf("ListUsers(A) next=%q err=%v", usersNext, err)
	}
	_, groupsNext, err := e.svc.ListGroups(ctx, a.ID, 1, "")
	if err != nil || groupsNext == "" {
		t.Fatalf("ListGroups(A) next=%q err=%v", groupsNext, err)
	}

	// The token works in its own pool ...
	if _, _, err := e.svc.ListUsers(ctx, ListUsersInput{PoolID: a.ID, Limit: 1, Token: usersNext}); err != nil {
		t.Fatalf("ListUsers(A, A's token): %v", err)
	}
	if _, _, err := e.svc.ListGroups(ctx, a.ID, 1, groupsNext); err != nil {
		t.Fatalf("ListGroups(A, A's token): %v", err)
	}
	// ... and is refused by another, with the foreign-token message.
	_, _, err = e.svc.ListUsers(ctx, ListUsersInput{PoolID: b.ID, Limit: 1, Token: usersNext})
	utWantErr(t, err, KindInvalidParameter, "Invalid pagination token.")
	_, _, err = e.svc.ListGroups(ctx, b.ID, 1, groupsNext)
	utWantErr(t, err, KindInvalidParameter, "Invalid pagination token.")
	// A token of another list of the same pool is refused with the same message.
	_, _, err = e.svc.ListGroups(ctx, a.ID, 1, usersNext)
	utWantErr(t, err, KindInvalidParameter, "Invalid pagination token.")
}
