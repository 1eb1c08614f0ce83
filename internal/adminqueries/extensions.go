package adminqueries

import (
	"fmt"

	"userpool/internal/userpool"
)

// Extensions: routes the Amplify template does not have (users asked for
// them: amplify-cli#4351, amplify-js#5812, #5279, #8223), with the same
// conventions as the template's routes — lower-case parameters, POST with
// a JSON or form body for changes, GET with a query string for reads,
// {"message": ...} for changes, SDK-v3-shaped reads with $metadata — and
// behind the same group check. Each can be switched off per pool with
// PoolConfig.DisabledRoutes ("filter" switches off listUsers' filter).
// Their rows are in routeTable (routes.go), after the template's.

// FilterParam is the DisabledRoutes name of listUsers' filter parameter.
const FilterParam = "filter"

// createUser: AdminCreateUser. username required; attributes (a list of
// {"Name","Value"}) and password (the temporary password; generated when
// absent) optional. The invitation is sent as Cognito sends it. The answer
// never contains the password.
func createUser(c *call) (any, error) {
	u, err := c.username("username is required")
	if err != nil {
		return nil, err
	}
	in := userpool.CreateUserInput{PoolID: c.poolID, Username: u}
	if c.p.present("attributes") {
		if in.Attributes, err = c.p.attributes("attributes"); err != nil {
			return nil, err
		}
	}
	if in.TemporaryPassword, err = c.p.str("password"); err != nil {
		return nil, err
	}
	if in.TemporaryPassword != "" {
		var v validation
		v.add(cPassword, in.TemporaryPassword, "temporaryPassword")
		if err := v.err(); err != nil {
			return nil, err
		}
	}
	created, err := c.h.svc.AdminCreateUser(c.r.Context(), in)
	if err != nil {
		return nil, err
	}
	return createdUser{Message: "Created user " + u, User: toUserType(created.User)}, nil
}

// updateUserAttributes: AdminUpdateUserAttributes (username, attributes).
func updateUserAttributes(c *call) (any, error) {
	u, _ := c.p.str("username")
	if u == "" || !c.p.present("attributes") {
		return nil, badRequest("username and attributes are required")
	}
	u, err := c.username("username and attributes are required")
	if err != nil {
		return nil, err
	}
	attrs, err := c.p.attributes("attributes")
	if err != nil {
		return nil, err
	}
	if len(attrs) == 0 {
		return nil, badRequest("username and attributes are required")
	}
	if err := c.h.svc.AdminUpdateUserAttributes(c.r.Context(), c.poolID, u, attrs); err != nil {
		return nil, err
	}
	return message{Message: "Updated attributes of " + u}, nil
}

// deleteUserAttributes: AdminDeleteUserAttributes (username, attributenames).
func deleteUserAttributes(c *call) (any, error) {
	u, _ := c.p.str("username")
	if u == "" || !c.p.present("attributenames") {
		return nil, badRequest("username and attributenames are required")
	}
	u, err := c.username("username and attributenames are required")
	if err != nil {
		return nil, err
	}
	names, err := c.p.stringList("attributenames")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, badRequest("username and attributenames are required")
	}
	if err := c.h.svc.AdminDeleteUserAttributes(c.r.Context(), c.poolID, u, names); err != nil {
		return nil, err
	}
	return message{Message: "Deleted attributes of " + u}, nil
}

// setUserPassword: AdminSetUserPassword (username, password, permanent:
// true → CONFIRMED, false or absent → a temporary password).
func setUserPassword(c *call) (any, error) {
	u, _ := c.p.str("username")
	pw, err := c.p.str("password")
	if err != nil {
		return nil, err
	}
	if u == "" || pw == "" {
		return nil, badRequest("username and password are required")
	}
	if u, err = c.username("username and password are required"); err != nil {
		return nil, err
	}
	var v validation
	v.add(cPassword, pw, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	permanent, err := c.p.boolParam("permanent", false)
	if err != nil {
		return nil, err
	}
	c.detail = fmt.Sprintf("permanent=%t", permanent)
	if err := c.h.svc.AdminSetUserPassword(c.r.Context(), c.poolID, u, pw, permanent); err != nil {
		return nil, err
	}
	return message{Message: "Set password of " + u}, nil
}

// groupInput reads groupname and the optional description, rolearn and
// precedence of createGroup / updateGroup.
func (c *call) groupInput() (userpool.GroupInput, error) {
	g, err := c.groupname()
	if err != nil {
		return userpool.GroupInput{}, err
	}
	in := userpool.GroupInput{PoolID: c.poolID, Name: g}
	if in.Description, err = c.p.optStr("description"); err != nil {
		return in, err
	}
	if in.RoleArn, err = c.p.optStr("rolearn"); err != nil {
		return in, err
	}
	if in.Precedence, err = c.p.int64Param("precedence"); err != nil {
		return in, err
	}
	var v validation
	if in.Description != nil {
		v.add(cDescription, *in.Description, "")
	}
	if in.RoleArn != nil && *in.RoleArn != "" {
		v.add(cRoleArn, *in.RoleArn, "")
	}
	if in.Precedence != nil {
		v.minValue("precedence", *in.Precedence, 0)
	}
	return in, v.err()
}

// createGroup: CreateGroup (groupname; description, rolearn, precedence).
func createGroup(c *call) (any, error) {
	in, err := c.groupInput()
	if err != nil {
		return nil, err
	}
	g, err := c.h.svc.CreateGroup(c.r.Context(), in)
	if err != nil {
		return nil, err
	}
	return savedGroup{Message: "Created group " + g.Name, Group: toGroupType(g)}, nil
}

// updateGroup: UpdateGroup; only the parameters given change.
func updateGroup(c *call) (any, error) {
	in, err := c.groupInput()
	if err != nil {
		return nil, err
	}
	g, err := c.h.svc.UpdateGroup(c.r.Context(), in)
	if err != nil {
		return nil, err
	}
	return savedGroup{Message: "Updated group " + g.Name, Group: toGroupType(g)}, nil
}

// deleteGroup: DeleteGroup (its memberships go with it).
func deleteGroup(c *call) (any, error) {
	g, err := c.groupname()
	if err != nil {
		return nil, err
	}
	if err := c.h.svc.DeleteGroup(c.r.Context(), c.poolID, g); err != nil {
		return nil, err
	}
	return message{Message: "Deleted group " + g}, nil
}

// getGroup: GetGroup.
func getGroup(c *call) (any, error) {
	g, err := c.groupname()
	if err != nil {
		return nil, err
	}
	grp, err := c.h.svc.GetGroup(c.r.Context(), c.poolID, g)
	if err != nil {
		return nil, err
	}
	return getGroupOutput{Metadata: c.meta(), Group: toGroupType(grp)}, nil
}

// listDevices: AdminListDevices (username; limit, token), PaginationToken
// renamed NextToken as listUsers does.
func listDevices(c *call) (any, error) {
	u, limit, tok, err := c.userPage()
	if err != nil {
		return nil, err
	}
	ds, next, err := c.h.svc.AdminListDevices(c.r.Context(), c.poolID, u, limit, tok)
	if err != nil {
		return nil, err
	}
	out := devicesOutput{Metadata: c.meta(), Devices: make([]deviceType, len(ds)), NextToken: next}
	for i, d := range ds {
		out.Devices[i] = toDeviceType(d)
	}
	return out, nil
}

// forgetDevice: AdminForgetDevice (username, devicekey).
func forgetDevice(c *call) (any, error) {
	u, _ := c.p.str("username")
	dk, err := c.p.str("devicekey")
	if err != nil {
		return nil, err
	}
	if u == "" || dk == "" {
		return nil, badRequest("username and devicekey are required")
	}
	if u, err = c.username("username and devicekey are required"); err != nil {
		return nil, err
	}
	c.detail = "device=" + dk
	var v validation
	v.add(cDeviceKey, dk, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := c.h.svc.AdminForgetDevice(c.r.Context(), c.poolID, u, dk); err != nil {
		return nil, err
	}
	return message{Message: fmt.Sprintf("Forgot device %s of %s", dk, u)}, nil
}
