// Package graphql serves the custom operations a configuration declares
// (apis:) as AWS AppSync does for an Amplify gen 2 data schema's
// a.query()/a.mutation() with AMAZON_COGNITO_USER_POOLS authorization, so
// generateClient() from aws-amplify/data calls them unchanged
// (client.mutations.addUserToGroup(...)).
//
// Wire format (AppSync's): POST /graphql/<api> (and /graphql while exactly
// one API is declared), a JSON body {query, variables, operationName},
// Authorization the raw ID or access token of the API's pool (no Bearer
// prefix). A missing, malformed, forged, expired, revoked or other-pool
// token is a 401 with x-amzn-ErrorType: UnauthorizedException and
// {"errors":[{"errorType":"UnauthorizedException","message":...}]}, before
// the query is read. Queries are parsed and validated with gqlparser
// against a schema generated from the declared operations plus AppSync's
// AWS scalars; validation errors are worded as graphql-java (AppSync's
// engine) words them ("Validation error of type FieldUndefined: Field 'x'
// in type 'Query' is undefined @ 'x'") with path null and no errorType. A
// field the caller may not call is null in data with errorType
// "Unauthorized" and "Not Authorized to access <field> on type <Type>"; a
// failed handler is null with its error (a domain error's Cognito
// exception name, a function's errorType). Introspection is on.
//
// Authorization rules per operation: groups (the token's cognito:groups
// claim, as AppSync reads it), authenticated (any user of the pool) and
// public (no token needed). API keys and IAM are not served.
//
// Handlers: a declared function, given AppSync's direct Lambda resolver
// event (arguments, identity {claims, defaultAuthStrategy, groups, issuer,
// sourceIp, sub, username}, source null, request.headers, info, prev null,
// stash {}), through a FunctionInvoker (internal/function's Registry); or a
// built-in admin handler (the Admin Queries actions: addUserToGroup,
// removeUserFromGroup, listUsersInGroup, listUsers, listGroupsForUser,
// getUser, disableUser, enableUser, confirmUserSignUp, signUserOut) run on
// the API's pool through the domain. AWSJSON results are returned as a
// JSON string, as AppSync does.
//
// Outputs builds the amplify_outputs.json a gen 2 front end loads (auth
// and data sections, model_introspection of the custom operations).
//
// Depends on: userpool (the domain: token verification, the admin
// actions), function (its error types only), reqctx and gqlparser. Never
// the store, never another face.
package graphql
