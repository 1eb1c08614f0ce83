package storetest

import (
	"fmt"
	"strings"
	"testing"

	"userpool/internal/store"
)

type filterCase struct {
	attr   string
	prefix bool
	value  string
	want   []string // username keys, in order
}

func (c filterCase) String() string {
	op := "="
	if c.prefix {
		op = "^="
	}
	return fmt.Sprintf("%s %s %q", c.attr, op, c.value)
}

func listFiltered(t *testing.T, s store.Store, pool string, c filterCase, limit int) []string {
	t.Helper()
	f := &store.UserFilter{Attr: c.attr, Prefix: c.prefix, Value: c.value}
	users := collect(t, limit, func(p store.Page) ([]store.User, string, error) {
		return s.ListUsers(ctxT(t), pool, f, p)
	})
	keys := make([]string, len(users))
	for i, u := range users {
		keys[i] = u.UsernameKey
	}
	return keys
}

func checkFilters(t *testing.T, s store.Store, pool string, cases []filterCase) {
	t.Helper()
	for _, c := range cases {
		for _, limit := range []int{0, 1, 2} {
			got := listFiltered(t, s, pool, c, limit)
			wantStrings(t, c.want, got, fmt.Sprintf("%v (limit %d)", c, limit))
		}
	}
}

func testListUsersFilters(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)

	type spec struct {
		key, username, status string
		enabled               bool
		sub                   string
		attrs                 map[string]string
	}
	specs := []spec{
		{"alice", "Alice", "CONFIRMED", true, "aa11-sub-alice", map[string]string{
			"email": "Alice@Example.com", "phone_number": "+15550001", "name": "Alice Liddell",
			"given_name": "Alice", "family_name": "Liddell", "preferred_username": "Ally"}},
		{"bob", "bob", "UNCONFIRMED", false, "bb22-sub-bob", map[string]string{
			"email": "bob@example.com", "phone_number": "+15550002", "given_name": "Bob", "family_name": "Builder"}},
		{"carol", "Carol", "FORCE_CHANGE_PASSWORD", true, "cc33-sub-carol", map[string]string{
			"email": "carol@EXAMPLE.org", "name": "carol c"}},
		{"alicia", "alicia", "CONFIRMED", true, "dd44-sub-alicia", map[string]string{
			"email": "alicia@example.com", "given_name": "Alicia", "family_name": "liddell"}},
		{"dave", "dave", "RESET_REQUIRED", false, "ee55-sub-dave", map[string]string{"custom:x": "alice"}},
	}
	// Every test creates its own pool, so subs only need to be unique here.
	suffix := randString(6)
	subOf := map[string]string{}
	for _, sp := range specs {
		u := store.User{PoolID: pool, Username: sp.username, UsernameKey: sp.key, Sub: sp.sub + suffix,
			Status: sp.status, Enabled: sp.enabled, Attributes: sp.attrs, CreatedAt: base, UpdatedAt: base}
		subOf[sp.key] = u.Sub
		must(t, s.CreateUser(ctx, u))
	}
	// Users of another pool never match.
	other := mkPool(t, s)
	for _, sp := range specs {
		must(t, s.CreateUser(ctx, store.User{PoolID: other, Username: sp.username, UsernameKey: sp.key, Sub: uniq("x"),
			Status: sp.status, Enabled: sp.enabled, Attributes: sp.attrs}))
	}

	t.Run("Match", func(t *testing.T) {
		checkFilters(t, s, pool, []filterCase{
			// username: case-sensitive, on the username as created.
			{"username", false, "Alice", []string{"alice"}},
			{"username", false, "alice", nil},
			{"username", false, "alicia", []string{"alicia"}},
			{"username", true, "Al", []string{"alice"}},
			{"username", true, "al", []string{"alicia"}},
			// Ordered by value (byte order), then key.
			{"username", true, "", []string{"alice", "carol", "alicia", "bob", "dave"}},
			// email: case-insensitive both ways.
			{"email", false, "alice@example.com", []string{"alice"}},
			{"email", false, "ALICE@EXAMPLE.COM", []string{"alice"}},
			{"email", false, "alice@example", nil},
			{"email", true, "ALI", []string{"alice", "alicia"}},
			{"email", true, "carol@example.", []string{"carol"}},
			{"email", true, "x", nil},
			{"email", true, "", []string{"alice", "alicia", "bob", "carol"}},
			{"phone_number", true, "+1555", []string{"alice", "bob"}},
			{"phone_number", false, "+15550002", []string{"bob"}},
			{"name", false, "ALICE LIDDELL", []string{"alice"}},
			{"name", true, "c", []string{"carol"}},
			{"given_name", true, "ali", []string{"alice", "alicia"}},
			{"given_name", false, "bob", []string{"bob"}},
			// Equal values are ordered by key.
			{"family_name", false, "LIDDELL", []string{"alice", "alicia"}},
			{"family_name", true, "", []string{"bob", "alice", "alicia"}},
			{"preferred_username", false, "ally", []string{"alice"}},
			{"preferred_username", true, "b", nil},
			// cognito:user_status: case-insensitive.
			{"cognito:user_status", false, "CONFIRMED", []string{"alice", "alicia"}},
			{"cognito:user_status", false, "confirmed", []string{"alice", "alicia"}},
			{"cognito:user_status", true, "Un", []string{"bob"}},
			{"cognito:user_status", true, "", []string{"alice", "alicia", "carol", "dave", "bob"}},
			// status: Enabled/Disabled, case-sensitive.
			{"status", false, "Enabled", []string{"alice", "alicia", "carol"}},
			{"status", false, "Disabled", []string{"bob", "dave"}},
			{"status", false, "enabled", nil},
			{"status", true, "Dis", []string{"bob", "dave"}},
			{"status", true, "", []string{"bob", "dave", "alice", "alicia", "carol"}},
			// sub: case-insensitive.
			{"sub", false, subOf["carol"], []string{"carol"}},
			{"sub", false, strings.ToUpper(subOf["carol"]), []string{"carol"}},
			{"sub", true, "AA11", []string{"alice"}},
			{"sub", true, "dd44-sub-", []string{"alicia"}},
		})
	})

	t.Run("UnknownAttribute", func(t *testing.T) {
		_, _, err := s.ListUsers(ctx, pool, &store.UserFilter{Attr: "custom:x", Value: "alice"}, store.Page{})
		if err == nil {
			t.Fatalf("filter on a non-searchable attribute: want an error")
		}
	})

	t.Run("BadTokens", func(t *testing.T) {
		f := &store.UserFilter{Attr: "email", Prefix: true, Value: "a"}
		checkBadTokens(t, func(p store.Page) ([]store.User, string, error) { return s.ListUsers(ctx, pool, f, p) })
	})

	// A filter's page token only continues the same filter (attribute,
	// operator, and a cursor that fits the value): anything else is
	// ErrInvalidToken; the same filter with its value in another case
	// continues.
	t.Run("TokenContinuesOnlyItsFilter", func(t *testing.T) {
		p := mkPool(t, s)
		for _, k := range []string{"alice", "alicia", "bob"} {
			must(t, s.CreateUser(ctx, store.User{PoolID: p, Username: k, UsernameKey: k, Sub: uniq(k), Status: "CONFIRMED",
				Attributes: map[string]string{"email": k + "@x"}}))
		}
		_, next, err := s.ListUsers(ctx, p, &store.UserFilter{Attr: "email", Prefix: true, Value: "ali"}, store.Page{Limit: 1})
		if err != nil || next == "" {
			t.Fatalf("first page: %q, %v", next, err)
		}
		for _, f := range []store.UserFilter{
			{Attr: "email", Prefix: true, Value: "b"},
			{Attr: "email", Prefix: false, Value: "alice@x"},
			{Attr: "name", Prefix: true, Value: "ali"},
		} {
			_, _, err = s.ListUsers(ctx, p, &f, store.Page{Limit: 1, Token: next})
			wantErr(t, err, store.ErrInvalidToken, fmt.Sprintf("token of another filter %+v", f))
		}
		users, _, err := s.ListUsers(ctx, p, &store.UserFilter{Attr: "email", Prefix: true, Value: "ALI"}, store.Page{Limit: 1, Token: next})
		if err != nil || len(users) != 1 || users[0].UsernameKey != "alicia" {
			t.Fatalf("second page: %v, %v", users, err)
		}
	})

	t.Run("IndexFollowsUpdates", func(t *testing.T) {
		_, err := s.UpdateUser(ctx, pool, "alice", func(u *store.User) error {
			u.Attributes["email"] = "Zed@example.com"
			delete(u.Attributes, "given_name")
			u.Attributes["family_name"] = "Smith"
			u.Status = "RESET_REQUIRED"
			u.Enabled = false
			return nil
		})
		must(t, err)
		_, err = s.UpdateUser(ctx, pool, "dave", func(u *store.User) error {
			u.Attributes["preferred_username"] = "ALLY"
			u.Enabled = true
			return nil
		})
		must(t, err)
		must(t, s.DeleteUser(ctx, pool, "bob"))
		checkFilters(t, s, pool, []filterCase{
			{"email", true, "ali", []string{"alicia"}},
			{"email", false, "zed@example.com", []string{"alice"}},
			{"email", true, "", []string{"alicia", "carol", "alice"}},
			{"given_name", true, "ali", []string{"alicia"}},
			{"family_name", false, "liddell", []string{"alicia"}},
			{"family_name", false, "smith", []string{"alice"}},
			{"preferred_username", false, "ally", []string{"alice", "dave"}},
			{"cognito:user_status", false, "confirmed", []string{"alicia"}},
			{"cognito:user_status", false, "reset_required", []string{"alice", "dave"}},
			{"status", false, "Disabled", []string{"alice"}},
			{"status", false, "Enabled", []string{"alicia", "carol", "dave"}},
			{"phone_number", true, "+1555", []string{"alice"}},
			{"username", false, "bob", nil},
			{"sub", false, subOf["bob"], nil},
			{"username", true, "", []string{"alice", "carol", "alicia", "dave"}},
		})
	})
}
