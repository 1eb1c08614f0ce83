package userpool

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"userpool/internal/store"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want *store.UserFilter
		err  string
	}{
		{"", nil, ""},
		{"   ", nil, ""},
		{`email = "a@b.c"`, &store.UserFilter{Attr: "email", Value: "a@b.c"}, ""},
		{`email="a@b.c"`, &store.UserFilter{Attr: "email", Value: "a@b.c"}, ""},
		{`  family_name   ^=   "Re"  `, &store.UserFilter{Attr: "family_name", Prefix: true, Value: "Re"}, ""},
		{`cognito:user_status = "FORCE_CHANGE_PASSWORD"`, &store.UserFilter{Attr: "cognito:user_status", Value: "FORCE_CHANGE_PASSWORD"}, ""},
		{`name = "say \"hi\" \\ ok"`, &store.UserFilter{Attr: "name", Value: `say "hi" \ ok`}, ""},
		{`name = ""`, &store.UserFilter{Attr: "name", Value: ""}, ""},
		{`name = "a=b ^= c"`, &store.UserFilter{Attr: "name", Value: "a=b ^= c"}, ""},
		{`email`, nil, "Error while parsing filter."},
		{`email =`, nil, "Error while parsing filter."},
		{`email = a@b.c`, nil, "Error while parsing filter."},
		{`email = "a@b.c`, nil, "Error while parsing filter."},
		{`email = "a" x`, nil, "Error while parsing filter."},
		{`email == "a"`, nil, "Error while parsing filter."},
		{`email ~= "a"`, nil, "Error while parsing filter."},
		{`= "a"`, nil, "Error while parsing filter."},
		{`email ^ = "a"`, nil, "Error while parsing filter."},
		{`custom:tier = "gold"`, nil, "Invalid search attribute: custom:tier"},
		{`address = "x"`, nil, "Invalid search attribute: address"},
	}
	for _, tc := range tests {
		got, err := ParseFilter(tc.in)
		if tc.err != "" {
			utWantErr(t, err, KindInvalidParameter, tc.err)
			continue
		}
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", tc.in, err)
		}
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Fatalf("ParseFilter(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// collectUsers pages through ListUsers with the given page size.
func utCollectUsers(t *testing.T, e *utEnv, poolID, filter string, limit int) []string {
	t.Helper()
	var names []string
	token := ""
	for i := 0; ; i++ {
		us, next, err := e.svc.ListUsers(context.Background(), ListUsersInput{PoolID: poolID, Filter: filter, Limit: limit, Token: token})
		if err != nil {
			t.Fatalf("ListUsers(%q): %v", filter, err)
		}
		if limit > 0 && len(us) > limit {
			t.Fatalf("page of %d > limit %d", len(us), limit)
		}
		for _, u := range us {
			names = append(names, u.Username)
		}
		if next == "" {
			return names
		}
		if i > 100 {
			t.Fatal("paging does not end")
		}
		token = next
	}
}

func TestListUsersFilterAndPaging(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_List", PoolSettings{})
	ctx := context.Background()
	var all []string
	for i := 0; i < 13; i++ {
		name := fmt.Sprintf("user%02d", i)
		domain := "example.com"
		if i%3 == 0 {
			domain = "other.org"
		}
		e.create(t, p.ID, name, Attribute{"email", fmt.Sprintf("%s@%s", name, domain)})
		all = append(all, name)
	}
	if err := e.svc.AdminDisableUser(ctx, p.ID, "user05"); err != nil {
		t.Fatal(err)
	}
	sort.Strings(all)
	eq := func(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

	if got := utCollectUsers(t, e, p.ID, "", 4); !eq(got, all) {
		t.Fatalf("all users = %v", got)
	}
	if got := utCollectUsers(t, e, p.ID, "", 0); !eq(got, all) {
		t.Fatalf("default limit = %v", got)
	}
	tests := []struct {
		filter string
		want   []string
	}{
		{`email ^= "USER1"`, []string{"user10", "user11", "user12"}},
		{`email = "user04@example.com"`, []string{"user04"}},
		{`username ^= "user0"`, []string{"user00", "user01", "user02", "user03", "user04", "user05", "user06", "user07", "user08", "user09"}},
		{`username = "USER01"`, nil},
		{`status = "Disabled"`, []string{"user05"}},
		{`cognito:user_status = "force_change_password"`, all},
		{`cognito:user_status = "CONFIRMED"`, nil},
	}
	for _, tc := range tests {
		if got := utCollectUsers(t, e, p.ID, tc.filter, 2); !eq(got, tc.want) {
			t.Fatalf("%s: got %v, want %v", tc.filter, got, tc.want)
		}
	}
	u, _ := e.svc.userRecord(ctx, p.ID, "user07")
	if got := utCollectUsers(t, e, p.ID, fmt.Sprintf(`sub = "%s"`, u.Sub), 0); !eq(got, []string{"user07"}) {
		t.Fatalf("by sub: %v", got)
	}

	// A token only works for the list that issued it.
	_, next, err := e.svc.ListUsers(ctx, ListUsersInput{PoolID: p.ID, Limit: 2})
	if err != nil || next == "" {
		t.Fatalf("first page: %q, %v", next, err)
	}
	_, _, err = e.svc.ListUsers(ctx, ListUsersInput{PoolID: p.ID, Limit: 2, Token: next, Filter: `email ^= "u"`})
	utWantErr(t, err, KindInvalidParameter, "Invalid pagination token.")
	_, _, err = e.svc.ListUsers(ctx, ListUsersInput{PoolID: p.ID, Token: "garbage"})
	utWantErr(t, err, KindInvalidParameter, "Invalid pagination token.")
	_, _, err = e.svc.ListUsers(ctx, ListUsersInput{PoolID: p.ID, Filter: `custom:x = "1"`})
	utWantErr(t, err, KindInvalidParameter, "")
}
