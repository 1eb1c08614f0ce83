package config

import (
	"fmt"
	"strings"

	"userpool/internal/graphql"
)

// API is a GraphQL API of custom operations (docs/graphql.md), served
// AppSync's way at /graphql/<name> (and /graphql when it is the only one).
type API struct {
	// Name of the API: a path segment (letters, digits, '-' or '_').
	Name string `yaml:"name"`
	// Pool is the declared pool's name (or its id) whose users call the API
	// and whose users the built-in handlers act on.
	Pool string `yaml:"pool"`
	// Operations are the custom queries and mutations.
	Operations []APIOperation `yaml:"operations"`
}

// APIOperation is one custom query or mutation (a.query() / a.mutation()
// of an Amplify gen 2 data schema).
type APIOperation struct {
	// Name of the field (client.mutations.<name>).
	Name string `yaml:"name"`
	// Kind: mutation or query.
	Kind string `yaml:"kind"`
	// Arguments, typed in GraphQL notation.
	Arguments []APIArgument `yaml:"arguments"`
	// Returns: a scalar (String, Int, Float, Boolean, ID, AWSJSON,
	// AWSEmail, AWSDate, AWSTime, AWSDateTime, AWSTimestamp, AWSURL,
	// AWSPhone, AWSIPAddress), "!" for non-null, or a list such as
	// "[String]".
	Returns string `yaml:"returns"`
	// Authorization: who may call it (at least one rule).
	Authorization APIAuthorization `yaml:"authorization"`
	// Handler resolves the operation.
	Handler APIHandler `yaml:"handler"`
}

// APIArgument is one typed argument.
type APIArgument struct {
	Name string `yaml:"name"`
	// Type in GraphQL notation: "String!" (required), "Int", "[ID!]",
	// "AWSJSON" (parsed JSON for the handler), ...
	Type string `yaml:"type"`
}

// APIAuthorization lists who may call an operation.
type APIAuthorization struct {
	// Groups: members of any of these groups (the token's cognito:groups).
	Groups []string `yaml:"groups"`
	// Authenticated: any signed-in user of the pool.
	Authenticated bool `yaml:"authenticated"`
	// Public: anyone, no token needed.
	Public bool `yaml:"public"`
}

// APIHandler is a function or a built-in admin handler.
type APIHandler struct {
	// Function names a declared function; it receives AppSync's direct
	// Lambda resolver event.
	Function string `yaml:"function"`
	// Builtin names a built-in admin handler: addUserToGroup,
	// removeUserFromGroup, listUsersInGroup, listUsers, listGroupsForUser,
	// getUser, disableUser, enableUser, confirmUserSignUp, signUserOut.
	// The user argument is username, userId, userName or user; the group
	// argument groupName, groupname or group.
	Builtin string `yaml:"builtin"`
}

// GraphQL is the API as the graphql face takes it, on the pool poolID.
func (a *API) GraphQL(poolID string) graphql.API {
	out := graphql.API{Name: a.Name, PoolID: poolID}
	for _, op := range a.Operations {
		g := graphql.Operation{
			Name: op.Name, Kind: op.Kind, Returns: op.Returns,
			Auth:     graphql.Auth{Groups: op.Authorization.Groups, Authenticated: op.Authorization.Authenticated, Public: op.Authorization.Public},
			Function: op.Handler.Function, Builtin: op.Handler.Builtin,
		}
		for _, arg := range op.Arguments {
			g.Arguments = append(g.Arguments, graphql.Argument{Name: arg.Name, Type: arg.Type})
		}
		out.Operations = append(out.Operations, g)
	}
	return out
}

// validateAPIs checks the apis section with the graphql face's rules; the
// pool must be declared (by name or id).
func (c *Config) validateAPIs(p *Problems) {
	names := map[string]bool{}
	fnNames := make([]string, 0, len(c.Functions)) // a handler names a declared function
	for _, f := range c.Functions {
		fnNames = append(fnNames, f.Name)
	}
	for i, a := range c.APIs {
		path := fmt.Sprintf("apis[%d]", i)
		if names[a.Name] {
			*p = append(*p, fmt.Sprintf("%s.name: %q is declared twice", path, a.Name))
		}
		names[a.Name] = true
		if a.Pool == "" {
			*p = append(*p, path+".pool: required (a declared pool's name or id)")
		} else if !c.declaresPool(a.Pool) {
			*p = append(*p, fmt.Sprintf("%s.pool: %q is not a declared pool", path, a.Pool))
		}
		if err := a.GraphQL("").Validate(fnNames); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				*p = append(*p, path+"."+line)
			}
		}
	}
}

func (c *Config) declaresPool(ref string) bool {
	for _, p := range c.Pools {
		if p.Name == ref || (p.ID != "" && p.ID == ref) {
			return true
		}
	}
	return false
}

// PoolRef resolves an API's pool to its id: a declared pool's id by name
// (poolIDs as declare.Apply reports them), or the reference itself.
func (a *API) PoolRef(poolIDs map[string]string) string {
	if id := poolIDs[a.Pool]; id != "" {
		return id
	}
	return a.Pool
}
