package adminqueries

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"userpool/internal/userpool"
)

// routeTable is the API: one row per route, with its name (the path after
// the pool id, matched in any case), its method, which of its calls the
// audit log records, whether it is an extension of the Amplify template,
// and the function that serves it.
var routeTable = []*route{
	// The Amplify template's eleven routes (this file).
	{name: "addUserToGroup", method: http.MethodPost, audit: auditWrites, run: addUserToGroup},
	{name: "removeUserFromGroup", method: http.MethodPost, audit: auditWrites, run: removeUserFromGroup},
	{name: "confirmUserSignUp", method: http.MethodPost, audit: auditWrites, run: onUser((*userpool.Service).AdminConfirmSignUp, "Confirmed %s registration")},
	{name: "disableUser", method: http.MethodPost, audit: auditWrites, run: onUser((*userpool.Service).AdminDisableUser, "Disabled %s")},
	{name: "enableUser", method: http.MethodPost, audit: auditWrites, run: onUser((*userpool.Service).AdminEnableUser, "Enabled %s")},
	{name: "getUser", method: http.MethodGet, audit: auditNone, run: getUser},
	{name: "listUsers", method: http.MethodGet, audit: auditNone, run: listUsers},
	{name: "listGroups", method: http.MethodGet, audit: auditNone, run: listGroups},
	{name: "listGroupsForUser", method: http.MethodGet, audit: auditNone, run: listGroupsForUser},
	{name: "listUsersInGroup", method: http.MethodGet, audit: auditNone, run: listUsersInGroup},
	{name: "signUserOut", method: http.MethodPost, audit: auditWrites, run: signUserOut},

	// Extensions (extensions.go).
	{name: "createUser", method: http.MethodPost, audit: auditWrites, extension: true, run: createUser},
	// AdminDeleteUser.
	{name: "deleteUser", method: http.MethodPost, audit: auditWrites, extension: true, run: onUser((*userpool.Service).AdminDeleteUser, "Deleted user %s")},
	{name: "updateUserAttributes", method: http.MethodPost, audit: auditWrites, extension: true, run: updateUserAttributes},
	{name: "deleteUserAttributes", method: http.MethodPost, audit: auditWrites, extension: true, run: deleteUserAttributes},
	// AdminResetUserPassword (status RESET_REQUIRED, a reset code sent to
	// the user).
	{name: "resetUserPassword", method: http.MethodPost, audit: auditWrites, extension: true, run: onUser((*userpool.Service).AdminResetUserPassword, "Reset password of %s")},
	{name: "setUserPassword", method: http.MethodPost, audit: auditWrites, extension: true, run: setUserPassword},
	{name: "createGroup", method: http.MethodPost, audit: auditWrites, extension: true, run: createGroup},
	{name: "updateGroup", method: http.MethodPost, audit: auditWrites, extension: true, run: updateGroup},
	{name: "deleteGroup", method: http.MethodPost, audit: auditWrites, extension: true, run: deleteGroup},
	{name: "getGroup", method: http.MethodGet, audit: auditNone, extension: true, run: getGroup},
	{name: "listDevices", method: http.MethodGet, audit: auditNone, extension: true, run: listDevices},
	{name: "forgetDevice", method: http.MethodPost, audit: auditWrites, extension: true, run: forgetDevice},
}

// routes indexes routeTable by lower-cased name (paths are case-insensitive).
var routes = indexRoutes(routeTable)

// route is one row of the table.
type route struct {
	name      string // as documented, e.g. "addUserToGroup"
	method    string // GET or POST
	audit     auditClass
	extension bool // not in the Amplify template
	run       func(c *call) (any, error)
}

// auditClass says which calls of a route the audit log records.
type auditClass int

const (
	// auditNone: the route only reads; none of its calls is recorded.
	auditNone auditClass = iota
	// auditWrites: the route changes state; every call that reaches it
	// with its method is recorded: allowed, refused by the group check, or
	// failed.
	auditWrites
)

func indexRoutes(table []*route) map[string]*route {
	m := make(map[string]*route, len(table))
	for _, r := range table {
		key := strings.ToLower(r.name)
		if _, dup := m[key]; dup {
			panic("adminqueries: duplicate route " + r.name)
		}
		m[key] = r
	}
	return m
}

// Routes lists the route names, core first, each part sorted.
func Routes() (core, extensions []string) {
	for _, r := range routes {
		if r.extension {
			extensions = append(extensions, r.name)
		} else {
			core = append(core, r.name)
		}
	}
	sort.Strings(core)
	sort.Strings(extensions)
	return core, extensions
}

// lookup finds the route of a path ("/listUsers", "/LISTUSERS/"): Express
// routing is case-insensitive and tolerates one trailing slash.
func lookup(path string) *route {
	name := strings.TrimPrefix(path, "/")
	name = strings.TrimSuffix(name, "/")
	if name == "" || strings.Contains(name, "/") {
		return nil
	}
	return routes[strings.ToLower(name)]
}

// ---------------------------------------------------------------- parameters

// username reads and checks the username parameter; missing is the
// template's 400 with msg.
func (c *call) username(missing string) (string, error) {
	u, err := c.p.str("username")
	if err != nil {
		return "", err
	}
	if u == "" {
		return "", badRequest(missing)
	}
	c.target = u
	var v validation
	v.add(cUsername, u, "")
	return u, v.err()
}

// onUser is a route that names one user (username required), applies act
// to that user and answers {"message": done with the username for %s}.
func onUser(act func(*userpool.Service, context.Context, string, string) error, done string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		u, err := c.username("username is required")
		if err != nil {
			return nil, err
		}
		if err := act(c.h.svc, c.r.Context(), c.poolID, u); err != nil {
			return nil, err
		}
		return message{Message: fmt.Sprintf(done, u)}, nil
	}
}

// userPage reads username (required) and the page parameters.
func (c *call) userPage() (u string, limit int, tok string, err error) {
	if u, err = c.username("username is required"); err != nil {
		return "", 0, "", err
	}
	limit, tok, err = c.page()
	return u, limit, tok, err
}

// userAndGroup reads username and groupname (both required).
func (c *call) userAndGroup() (string, string, error) {
	u, err := c.p.str("username")
	if err != nil {
		return "", "", err
	}
	g, err := c.p.str("groupname")
	if err != nil {
		return "", "", err
	}
	if u == "" || g == "" {
		return "", "", badRequest("username and groupname are required")
	}
	c.target, c.detail = u, "group="+g
	var v validation
	v.add(cGroupName, g, "")
	v.add(cUsername, u, "")
	return u, g, v.err()
}

// groupname reads the groupname parameter; missing is 400 "groupname is required".
func (c *call) groupname() (string, error) {
	g, err := c.p.str("groupname")
	if err != nil {
		return "", err
	}
	if g == "" {
		return "", badRequest("groupname is required")
	}
	c.target = g
	var v validation
	v.add(cGroupName, g, "")
	return g, v.err()
}

// page reads limit and token.
func (c *call) page() (int, string, error) {
	limit, err := parseLimit(c.p)
	if err != nil {
		return 0, "", err
	}
	tok, err := parseToken(c.p)
	return limit, tok, err
}

// ---------------------------------------------------------------- the eleven routes

func addUserToGroup(c *call) (any, error) {
	u, g, err := c.userAndGroup()
	if err != nil {
		return nil, err
	}
	if err := c.h.svc.AdminAddUserToGroup(c.r.Context(), c.poolID, u, g); err != nil {
		return nil, err
	}
	return message{Message: fmt.Sprintf("Success adding %s to %s", u, g)}, nil
}

func removeUserFromGroup(c *call) (any, error) {
	u, g, err := c.userAndGroup()
	if err != nil {
		return nil, err
	}
	if err := c.h.svc.AdminRemoveUserFromGroup(c.r.Context(), c.poolID, u, g); err != nil {
		return nil, err
	}
	return message{Message: fmt.Sprintf("Removed %s from %s", u, g)}, nil
}

func getUser(c *call) (any, error) {
	u, err := c.username("username is required")
	if err != nil {
		return nil, err
	}
	user, err := c.h.svc.AdminGetUser(c.r.Context(), c.poolID, u)
	if err != nil {
		return nil, err
	}
	return toGetUserOutput(c.meta(), user), nil
}

// listUsers: ListUsers with PaginationToken renamed NextToken. The filter
// parameter (Cognito's Filter syntax) is an extension.
func listUsers(c *call) (any, error) {
	limit, tok, err := c.page()
	if err != nil {
		return nil, err
	}
	filter, err := c.p.str("filter")
	if err != nil {
		return nil, err
	}
	if filter != "" && c.disabled(FilterParam) {
		if c.compat == CompatTemplate {
			filter = "" // the template ignores parameters it does not know
		} else {
			return nil, badRequest("The filter parameter is disabled for this user pool.")
		}
	}
	if filter != "" {
		var v validation
		v.add(cFilter, filter, "")
		if err := v.err(); err != nil {
			return nil, err
		}
	}
	users, next, err := c.h.svc.ListUsers(c.r.Context(), userpool.ListUsersInput{PoolID: c.poolID, Filter: filter, Limit: limit, Token: tok})
	if err != nil {
		return nil, err
	}
	return usersOutput{Metadata: c.meta(), Users: toUserTypes(users), NextToken: next}, nil
}

func listGroups(c *call) (any, error) {
	limit, tok, err := c.page()
	if err != nil {
		return nil, err
	}
	gs, next, err := c.h.svc.ListGroups(c.r.Context(), c.poolID, limit, tok)
	if err != nil {
		return nil, err
	}
	out := groupsOutput{Metadata: c.meta(), Groups: make([]groupType, len(gs)), NextToken: next}
	for i, g := range gs {
		out.Groups[i] = toGroupType(g)
	}
	return out, nil
}

func listGroupsForUser(c *call) (any, error) {
	u, limit, tok, err := c.userPage()
	if err != nil {
		return nil, err
	}
	gs, next, err := c.h.svc.AdminListGroupsForUser(c.r.Context(), c.poolID, u, limit, tok)
	if err != nil {
		return nil, err
	}
	out := userGroupsOutput{Metadata: c.meta(), Groups: make([]userGroup, len(gs)), NextToken: next}
	for i, g := range gs {
		out.Groups[i] = userGroup{GroupName: g.Name, Description: g.Description}
	}
	return out, nil
}

func listUsersInGroup(c *call) (any, error) {
	g, err := c.groupname()
	if err != nil {
		return nil, err
	}
	limit, tok, err := c.page()
	if err != nil {
		return nil, err
	}
	users, next, err := c.h.svc.ListUsersInGroup(c.r.Context(), c.poolID, g, limit, tok)
	if err != nil {
		return nil, err
	}
	return usersOutput{Metadata: c.meta(), Users: toUserTypes(users), NextToken: next}, nil
}

// signUserOut signs the caller out of every device (refresh tokens and
// access tokens revoked), but only when username is the caller's own: the
// token's username claim (both modes), or in strict mode any name that
// resolves to the caller (an alias such as the email address). Otherwise,
// or without a username, 400 "only the user can sign themselves out".
func signUserOut(c *call) (any, error) {
	u, err := c.p.str("username")
	if err != nil {
		return nil, badRequest(msgOnlySelf)
	}
	c.target = u
	if u == "" {
		return nil, badRequest(msgOnlySelf)
	}
	self := u == c.ac.Claims.Username
	if !self && c.compat == CompatStrict && cUsername.check(u, "") == "" {
		other, err := c.h.svc.ResolveUser(c.r.Context(), c.ac.Pool, u)
		switch {
		case err == nil:
			self = other.Sub == c.ac.User.Sub
		case userpool.KindOf(err) == userpool.KindInternal:
			return nil, err
		}
	}
	if !self {
		return nil, badRequest(msgOnlySelf)
	}
	if err := c.h.svc.AdminUserGlobalSignOut(c.r.Context(), c.poolID, c.ac.User.Username); err != nil {
		return nil, err
	}
	return message{Message: fmt.Sprintf("Signed out %s from all devices", u)}, nil
}
