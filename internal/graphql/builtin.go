package graphql

import (
	"context"
	"fmt"
	"sort"
	"time"

	"userpool/internal/userpool"
)

// The built-in admin handlers: the Admin Queries actions, run on the API's
// pool through the domain, so a declared operation such as the seed's
// addUserToGroup works with no code. Their arguments are found by name:
// the user as username, userId, userName or user; the group as groupName,
// groupname or group; paging as limit and nextToken (or token); listUsers'
// filter as filter.

type builtin struct {
	needs []string // argument roles that must be declared
	run   func(ctx context.Context, svc *userpool.Service, poolID string, a args) (any, error)
}

// Argument roles and the names that fill them.
const (
	roleUser  = "user"
	roleGroup = "group"
)

var argNames = map[string][]string{
	roleUser:  {"username", "userId", "userName", "user"},
	roleGroup: {"groupName", "groupname", "group"},
	"limit":   {"limit"},
	"token":   {"nextToken", "token"},
	"filter":  {"filter"},
}

// args are an operation's argument values.
type args map[string]any

func (a args) str(role string) string {
	for _, n := range argNames[role] {
		if s, ok := a[n].(string); ok {
			return s
		}
	}
	return ""
}

func (a args) limit() int {
	switch v := a["limit"].(type) {
	case int64:
		return int(v)
	case int:
		return v
	case float64:
		return int(v)
	}
	return 0
}

var builtins = map[string]builtin{
	"addUserToGroup": {needs: []string{roleUser, roleGroup}, run: func(ctx context.Context, svc *userpool.Service, pool string, a args) (any, error) {
		u, g := a.str(roleUser), a.str(roleGroup)
		if err := svc.AdminAddUserToGroup(ctx, pool, u, g); err != nil {
			return nil, err
		}
		return message(fmt.Sprintf("Success adding %s to %s", u, g)), nil
	}},
	"removeUserFromGroup": {needs: []string{roleUser, roleGroup}, run: func(ctx context.Context, svc *userpool.Service, pool string, a args) (any, error) {
		u, g := a.str(roleUser), a.str(roleGroup)
		if err := svc.AdminRemoveUserFromGroup(ctx, pool, u, g); err != nil {
			return nil, err
		}
		return message(fmt.Sprintf("Removed %s from %s", u, g)), nil
	}},
	"confirmUserSignUp": onUser((*userpool.Service).AdminConfirmSignUp, "Confirmed %s registration"),
	"disableUser":       onUser((*userpool.Service).AdminDisableUser, "Disabled %s"),
	"enableUser":        onUser((*userpool.Service).AdminEnableUser, "Enabled %s"),
	"signUserOut":       onUser((*userpool.Service).AdminUserGlobalSignOut, "Signed out %s from all devices"),
	"getUser": {needs: []string{roleUser}, run: func(ctx context.Context, svc *userpool.Service, pool string, a args) (any, error) {
		u, err := svc.AdminGetUser(ctx, pool, a.str(roleUser))
		if err != nil {
			return nil, err
		}
		out := userJSON(u)
		out["UserAttributes"] = out["Attributes"]
		delete(out, "Attributes")
		return out, nil
	}},
	"listUsers": {run: func(ctx context.Context, svc *userpool.Service, pool string, a args) (any, error) {
		users, next, err := svc.ListUsers(ctx, userpool.ListUsersInput{PoolID: pool, Filter: a.str("filter"), Limit: a.limit(), Token: a.str("token")})
		if err != nil {
			return nil, err
		}
		return page("Users", usersJSON(users), next), nil
	}},
	"listUsersInGroup": {needs: []string{roleGroup}, run: func(ctx context.Context, svc *userpool.Service, pool string, a args) (any, error) {
		users, next, err := svc.ListUsersInGroup(ctx, pool, a.str(roleGroup), a.limit(), a.str("token"))
		if err != nil {
			return nil, err
		}
		return page("Users", usersJSON(users), next), nil
	}},
	"listGroupsForUser": {needs: []string{roleUser}, run: func(ctx context.Context, svc *userpool.Service, pool string, a args) (any, error) {
		groups, next, err := svc.AdminListGroupsForUser(ctx, pool, a.str(roleUser), a.limit(), a.str("token"))
		if err != nil {
			return nil, err
		}
		list := make([]any, 0, len(groups))
		for _, g := range groups {
			m := map[string]any{"GroupName": g.Name}
			if g.Description != "" {
				m["Description"] = g.Description
			}
			list = append(list, m)
		}
		return page("Groups", list, next), nil
	}},
}

// Builtins lists the built-in handler names.
func Builtins() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func onUser(act func(*userpool.Service, context.Context, string, string) error, done string) builtin {
	return builtin{needs: []string{roleUser}, run: func(ctx context.Context, svc *userpool.Service, pool string, a args) (any, error) {
		u := a.str(roleUser)
		if err := act(svc, ctx, pool, u); err != nil {
			return nil, err
		}
		return message(fmt.Sprintf(done, u)), nil
	}}
}

func message(s string) map[string]any { return map[string]any{"message": s} }

func page(key string, list []any, next string) map[string]any {
	m := map[string]any{key: list}
	if next != "" {
		m["NextToken"] = next
	}
	return m
}

func usersJSON(us []userpool.User) []any {
	out := make([]any, 0, len(us))
	for _, u := range us {
		out = append(out, userJSON(u))
	}
	return out
}

// userJSON is a user as the SDK's UserType renders it in JSON (dates as
// JavaScript's toISOString).
func userJSON(u userpool.User) map[string]any {
	attrs := []any{}
	for _, a := range u.Attributes(nil) {
		attrs = append(attrs, map[string]any{"Name": a.Name, "Value": a.Value})
	}
	return map[string]any{
		"Username":             u.Username,
		"Attributes":           attrs,
		"Enabled":              u.Enabled,
		"UserStatus":           u.Status,
		"UserCreateDate":       isoTime(u.CreatedAt),
		"UserLastModifiedDate": isoTime(u.UpdatedAt),
	}
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
