package userpool

import (
	"context"
	"fmt"
	"testing"
	"time"

	"userpool/internal/store"
)

func utStr(s string) *string { return &s }

func TestGroupLifecycle(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{GroupsPerPool: 3})
	p := e.pool(t, "us-east-1_Grp", PoolSettings{})
	ctx := context.Background()

	g, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "admins", Description: utStr("Admins"),
		RoleArn: utStr("arn:aws:iam::123456789012:role/Admin"), Precedence: int64p(1)})
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "admins" || g.Description != "Admins" || *g.Precedence != 1 || !g.CreatedAt.Equal(utStart) {
		t.Fatalf("group = %+v", g)
	}
	_, err = e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "admins"})
	utWantErr(t, err, KindGroupExists, "A group with the name already exists.")
	for _, n := range []string{"b", "c"} {
		if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "d"})
	utWantErr(t, err, KindLimitExceeded, "")

	// UpdateGroup changes only what it is given.
	e.now = utStart.Add(time.Hour)
	g, err = e.svc.UpdateGroup(ctx, GroupInput{PoolID: p.ID, Name: "admins", Precedence: int64p(5)})
	if err != nil {
		t.Fatal(err)
	}
	if g.Description != "Admins" || g.RoleArn == "" || *g.Precedence != 5 || !g.UpdatedAt.Equal(e.now) || !g.CreatedAt.Equal(utStart) {
		t.Fatalf("updated = %+v", g)
	}
	g, err = e.svc.UpdateGroup(ctx, GroupInput{PoolID: p.ID, Name: "admins", Description: utStr("")})
	if err != nil || g.Description != "" || *g.Precedence != 5 {
		t.Fatalf("updated = %+v, %v", g, err)
	}
	got, err := e.svc.GetGroup(ctx, p.ID, "admins")
	if err != nil || *got.Precedence != 5 {
		t.Fatalf("get = %+v, %v", got, err)
	}

	for _, call := range []func() error{
		func() error { _, err := e.svc.GetGroup(ctx, p.ID, "nope"); return err },
		func() error { _, err := e.svc.UpdateGroup(ctx, GroupInput{PoolID: p.ID, Name: "nope"}); return err },
		func() error { return e.svc.DeleteGroup(ctx, p.ID, "nope") },
		func() error { _, _, err := e.svc.ListUsersInGroup(ctx, p.ID, "nope", 0, ""); return err },
		func() error { return e.svc.AdminAddUserToGroup(ctx, p.ID, "x", "nope") },
	} {
		utWantErr(t, call(), KindResourceNotFound, "Group not found.")
	}
	_, err = e.svc.GetGroup(ctx, "us-east-1_none", "admins")
	utWantErr(t, err, KindResourceNotFound, "User pool us-east-1_none does not exist.")

	// Deleting a group removes its memberships.
	e.create(t, p.ID, "oscar")
	// AdminAddUserToGroup names what is missing: the group before the user.
	for _, c := range []struct {
		user, group string
		kind        Kind
		msg         string
	}{
		{"oscar", "nope", KindResourceNotFound, "Group not found."},
		{"x", "nope", KindResourceNotFound, "Group not found."},
		{"x", "admins", KindUserNotFound, "User does not exist."},
	} {
		utWantErr(t, e.svc.AdminAddUserToGroup(ctx, p.ID, c.user, c.group), c.kind, c.msg)
	}
	for _, n := range []string{"admins", "b"} {
		if err := e.svc.AdminAddUserToGroup(ctx, p.ID, "oscar", n); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.DeleteGroup(ctx, p.ID, "admins"); err != nil {
		t.Fatal(err)
	}
	u, _ := e.svc.userRecord(ctx, p.ID, "oscar")
	gs, err := e.svc.GroupsForUser(ctx, p, u.UsernameKey)
	if err != nil || len(gs) != 1 || gs[0].Name != "b" {
		t.Fatalf("groups after delete = %v, %v", gs, err)
	}
	// The freed slot can be used again.
	if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "admins"}); err != nil {
		t.Fatal(err)
	}
	members, _, _ := e.svc.ListUsersInGroup(ctx, p.ID, "admins", 0, "")
	if len(members) != 0 {
		t.Fatalf("recreated group has members %v", members)
	}
}

func TestMembership(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{GroupsPerUser: 2})
	p := e.pool(t, "us-east-1_Mem", PoolSettings{UsernameAttributes: []string{"email"}})
	ctx := context.Background()
	u := e.create(t, p.ID, "pat@example.com")
	for _, n := range []string{"g1", "g2", "g3"} {
		if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	// By email and by sub; adding twice is fine.
	for _, step := range []struct{ user, group string }{{"pat@example.com", "g1"}, {u.Sub, "g1"}, {"PAT@example.com", "g2"}} {
		if err := e.svc.AdminAddUserToGroup(ctx, p.ID, step.user, step.group); err != nil {
			t.Fatalf("add %s to %s: %v", step.user, step.group, err)
		}
	}
	utWantErr(t, e.svc.AdminAddUserToGroup(ctx, p.ID, u.Sub, "g3"), KindLimitExceeded, "")
	// Re-adding an existing membership at the limit still succeeds.
	if err := e.svc.AdminAddUserToGroup(ctx, p.ID, u.Sub, "g2"); err != nil {
		t.Fatal(err)
	}
	utWantErr(t, e.svc.AdminAddUserToGroup(ctx, p.ID, "ghost@example.com", "g1"), KindUserNotFound, "User does not exist.")

	gs, next, err := e.svc.AdminListGroupsForUser(ctx, p.ID, "pat@example.com", 1, "")
	if err != nil || len(gs) != 1 || gs[0].Name != "g1" || next == "" {
		t.Fatalf("page 1 = %v %q %v", gs, next, err)
	}
	gs, next, err = e.svc.AdminListGroupsForUser(ctx, p.ID, u.Sub, 1, next)
	if err != nil || len(gs) != 1 || gs[0].Name != "g2" {
		t.Fatalf("page 2 = %v %q %v", gs, next, err)
	}
	if next != "" {
		if gs, next, err = e.svc.AdminListGroupsForUser(ctx, p.ID, u.Sub, 1, next); err != nil || len(gs) != 0 || next != "" {
			t.Fatalf("page 3 = %v %q %v", gs, next, err)
		}
	}

	if err := e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "pat@example.com", "g1"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "pat@example.com", "g1"); err != nil {
		t.Fatalf("removing a non-member: %v", err)
	}
	all, err := e.svc.GroupsForUser(ctx, p, u.UsernameKey)
	if err != nil || len(all) != 1 || all[0].Name != "g2" {
		t.Fatalf("GroupsForUser = %v, %v", all, err)
	}
	utWantErr(t, e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "pat@example.com", "zz"), KindResourceNotFound, "Group not found.")
}

func TestGroupPaging(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Page", PoolSettings{})
	ctx := context.Background()
	if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "team"}); err != nil {
		t.Fatal(err)
	}
	var wantGroups, wantUsers []string
	for i := 0; i < 7; i++ {
		n := fmt.Sprintf("g%d", i)
		if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: n}); err != nil {
			t.Fatal(err)
		}
		wantGroups = append(wantGroups, n)
		un := fmt.Sprintf("u%d", i)
		e.create(t, p.ID, un)
		if err := e.svc.AdminAddUserToGroup(ctx, p.ID, un, "team"); err != nil {
			t.Fatal(err)
		}
		wantUsers = append(wantUsers, un)
	}
	wantGroups = append(wantGroups, "team")

	var groups []string
	token := ""
	for {
		gs, next, err := e.svc.ListGroups(ctx, p.ID, 3, token)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			groups = append(groups, g.Name)
		}
		if next == "" {
			break
		}
		token = next
	}
	if fmt.Sprint(groups) != fmt.Sprint(wantGroups) {
		t.Fatalf("groups = %v", groups)
	}
	var users []string
	token = ""
	for {
		us, next, err := e.svc.ListUsersInGroup(ctx, p.ID, "team", 2, token)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			users = append(users, u.Username)
		}
		if next == "" {
			break
		}
		token = next
	}
	if fmt.Sprint(users) != fmt.Sprint(wantUsers) {
		t.Fatalf("members = %v", users)
	}
	// A ListGroups token is not a ListUsersInGroup token.
	_, next, _ := e.svc.ListGroups(ctx, p.ID, 1, "")
	_, _, err := e.svc.ListUsersInGroup(ctx, p.ID, "team", 1, next)
	utWantErr(t, err, KindInvalidParameter, "Invalid pagination token.")
	// A missing group is reported before a bad token.
	_, _, err = e.svc.ListUsersInGroup(ctx, p.ID, "nope", 1, next)
	utWantErr(t, err, KindResourceNotFound, "Group not found.")
	// An existing group without members lists nothing.
	if us, next, err := e.svc.ListUsersInGroup(ctx, p.ID, "g0", 0, ""); err != nil || len(us) != 0 || next != "" {
		t.Fatalf("empty group: %v, %q, %v", us, next, err)
	}
	// A group deleted during a walk: the next page says so.
	_, teamNext, err := e.svc.ListUsersInGroup(ctx, p.ID, "team", 2, "")
	if err != nil || teamNext == "" {
		t.Fatalf("first page: %q, %v", teamNext, err)
	}
	if err := e.svc.DeleteGroup(ctx, p.ID, "team"); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.ListUsersInGroup(ctx, p.ID, "team", 2, teamNext)
	utWantErr(t, err, KindResourceNotFound, "Group not found.")
}

func TestDevices(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Dev", PoolSettings{})
	ctx := context.Background()
	u := e.create(t, p.ID, "quinn")
	var keys []string
	for i := 0; i < 5; i++ {
		k := fmt.Sprintf("us-east-1_0000000%d-aaaa-4aaa-8aaa-aaaaaaaaaaaa", i)
		keys = append(keys, k)
		if err := e.st.CreateDevice(ctx, store.Device{PoolID: p.ID, UsernameKey: u.UsernameKey, Key: k, GroupKey: "-g",
			Attributes: map[string]string{"device_name": "phone"}, CreatedAt: utStart, UpdatedAt: utStart, LastAuthAt: utStart}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := e.svc.AdminGetDevice(ctx, p.ID, "QUINN", keys[0])
	if err != nil || d.Key != keys[0] {
		t.Fatalf("get = %+v, %v", d, err)
	}
	var listed []string
	token := ""
	for {
		ds, next, err := e.svc.AdminListDevices(ctx, p.ID, "quinn", 2, token)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			listed = append(listed, d.Key)
		}
		if next == "" {
			break
		}
		token = next
	}
	if fmt.Sprint(listed) != fmt.Sprint(keys) {
		t.Fatalf("listed %v", listed)
	}

	e.now = utStart.Add(time.Hour)
	if err := e.svc.AdminUpdateDeviceStatus(ctx, p.ID, "quinn", keys[1], DeviceRemembered); err != nil {
		t.Fatal(err)
	}
	d, _ = e.svc.AdminGetDevice(ctx, p.ID, "quinn", keys[1])
	attrs := d.Attributes
	if !d.UpdatedAt.Equal(e.now) || len(attrs) != 2 ||
		attrs[0] != (Attribute{"dev:device_remembered_status", "remembered"}) || attrs[1] != (Attribute{"device_name", "phone"}) {
		t.Fatalf("device = %+v attrs %v", d, attrs)
	}
	if err := e.svc.AdminUpdateDeviceStatus(ctx, p.ID, "quinn", keys[1], DeviceNotRemembered); err != nil {
		t.Fatal(err)
	}
	if d, _ = e.svc.AdminGetDevice(ctx, p.ID, "quinn", keys[1]); d.Attributes[0] != (Attribute{"dev:device_remembered_status", DeviceNotRemembered}) {
		t.Fatalf("attributes %v", d.Attributes)
	}
	if err := e.svc.AdminForgetDevice(ctx, p.ID, "quinn", keys[0]); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		func() error { _, err := e.svc.AdminGetDevice(ctx, p.ID, "quinn", keys[0]); return err }(),
		e.svc.AdminForgetDevice(ctx, p.ID, "quinn", keys[0]),
		e.svc.AdminUpdateDeviceStatus(ctx, p.ID, "quinn", keys[0], DeviceRemembered),
	} {
		utWantErr(t, err, KindResourceNotFound, "Device does not exist.")
	}
	_, err = e.svc.AdminGetDevice(ctx, p.ID, "ghost", keys[1])
	utWantErr(t, err, KindResourceNotFound, "User does not exist.")
	_, _, err = e.svc.AdminListDevices(ctx, p.ID, "ghost", 0, "")
	utWantErr(t, err, KindResourceNotFound, "User does not exist.")
	utWantErr(t, e.svc.AdminForgetDevice(ctx, p.ID, "ghost", keys[1]), KindUserNotFound, "User does not exist.")
	// Deleting the user removes its devices.
	if err := e.svc.AdminDeleteUser(ctx, p.ID, "quinn"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.GetDevice(ctx, p.ID, u.UsernameKey, keys[1]); err == nil {
		t.Fatal("device survived its user")
	}
}

// The membership calls first take the name as a username; this covers the
// other ways a name can reach them (alias, other case) and every error they
// must still report in Cognito's order.
func TestMembershipByUsernameAliasAndErrors(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_MemAlias", PoolSettings{CaseSensitive: false, AliasAttributes: []string{"email"}})
	ctx := context.Background()
	alice := e.create(t, p.ID, "alice", Attribute{Name: "email", Value: "al@example.com"}, Attribute{Name: "email_verified", Value: "true"})
	e.create(t, p.ID, "bob")
	for _, n := range []string{"g1", "g2", "g3"} {
		if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	groupsOf := func(key string) string {
		t.Helper()
		gs, err := e.svc.GroupsForUser(ctx, p, key)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(groupNames(gs))
	}
	// By username, by another case of it, and by the email alias.
	for _, step := range []struct{ name, group string }{{"alice", "g1"}, {"ALICE", "g2"}, {"al@example.com", "g3"}} {
		if err := e.svc.AdminAddUserToGroup(ctx, p.ID, step.name, step.group); err != nil {
			t.Fatalf("add %s to %s: %v", step.name, step.group, err)
		}
	}
	if got := groupsOf(alice.UsernameKey); got != "[g1 g2 g3]" {
		t.Fatalf("alice's groups = %s", got)
	}

	// Listing by alias pages with a token the alias accepts again; listing
	// by username gives the same groups.
	var viaAlias []string
	token := ""
	for {
		gs, next, err := e.svc.AdminListGroupsForUser(ctx, p.ID, "al@example.com", 2, token)
		if err != nil {
			t.Fatal(err)
		}
		viaAlias = append(viaAlias, groupNames(gs)...)
		if next == "" {
			break
		}
		token = next
	}
	if fmt.Sprint(viaAlias) != "[g1 g2 g3]" {
		t.Fatalf("groups via alias = %v", viaAlias)
	}
	gs, next, err := e.svc.AdminListGroupsForUser(ctx, p.ID, "Alice", 2, "")
	if err != nil || fmt.Sprint(groupNames(gs)) != "[g1 g2]" || next == "" {
		t.Fatalf("page by username = %v %q %v", groupNames(gs), next, err)
	}
	// A user in no group lists nothing; an unknown user is reported, before
	// a token that does not fit; a bad token for a real user is refused.
	if gs, next, err := e.svc.AdminListGroupsForUser(ctx, p.ID, "bob", 0, ""); err != nil || len(gs) != 0 || next != "" {
		t.Fatalf("bob's groups = %v %q %v", gs, next, err)
	}
	_, _, err = e.svc.AdminListGroupsForUser(ctx, p.ID, "ghost", 0, "")
	utWantErr(t, err, KindUserNotFound, "User does not exist.")
	_, _, err = e.svc.AdminListGroupsForUser(ctx, p.ID, "ghost", 2, next)
	utWantErr(t, err, KindUserNotFound, "User does not exist.")
	_, _, err = e.svc.AdminListGroupsForUser(ctx, p.ID, "bob", 2, next)
	utWantErr(t, err, KindInvalidParameter, "")

	// Adding: a missing group is reported before a missing user.
	utWantErr(t, e.svc.AdminAddUserToGroup(ctx, p.ID, "ghost", "nope"), KindResourceNotFound, "Group not found.")
	utWantErr(t, e.svc.AdminAddUserToGroup(ctx, p.ID, "ghost", "g1"), KindUserNotFound, "User does not exist.")

	// Removing by alias, by username; a non-member is no error; missing
	// group first, then missing user; nothing else is touched.
	if err := e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "al@example.com", "g1"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "ALICE", "g2"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alice", "al@example.com", "bob"} {
		if err := e.svc.AdminRemoveUserFromGroup(ctx, p.ID, name, "g1"); err != nil {
			t.Fatalf("removing non-member %s: %v", name, err)
		}
	}
	utWantErr(t, e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "ghost", "nope"), KindResourceNotFound, "Group not found.")
	utWantErr(t, e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "alice", "nope"), KindResourceNotFound, "Group not found.")
	utWantErr(t, e.svc.AdminRemoveUserFromGroup(ctx, p.ID, "ghost", "g3"), KindUserNotFound, "User does not exist.")
	if got := groupsOf(alice.UsernameKey); got != "[g3]" {
		t.Fatalf("alice's groups after removals = %s", got)
	}
	// A deleted user's memberships go with it: listing by the old name says so.
	if err := e.svc.AdminDeleteUser(ctx, p.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.AdminListGroupsForUser(ctx, p.ID, "alice", 0, "")
	utWantErr(t, err, KindUserNotFound, "User does not exist.")
}

func groupNames(gs []Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}
