// Package adminqueries serves the Amplify "Admin Queries" REST API (gen 1)
// for the pools of this server, at /adminqueries/{poolId}/{route}.
//
// It reproduces the API that `amplify add auth` creates: an API Gateway REST
// API with a Cognito user-pool authorizer (access token with scope
// aws.cognito.signin.user.admin) in front of the Express app of the
// AdminQueries Lambda template (amplify-cli
// packages/amplify-category-auth/resources/adminAuth). Compatible core:
//
//   - the eleven routes with the template's paths (case-insensitive, optional
//     trailing slash), methods, lower-case parameter names and places (JSON or
//     form-urlencoded body for POST, query string for GET), "... is required"
//     messages and success messages;
//   - read responses as the current template returns them: the AWS SDK v3
//     output object with its $metadata, dates as JavaScript's
//     Date.toISOString renders them, ListUsers' PaginationToken renamed
//     NextToken, listGroupsForUser stripped to GroupName and Description;
//   - limit parsed like JavaScript's parseInt (default 25, 0/NaN omitted,
//     above 60 or negative refused with Cognito's validation message), token
//     for the next page;
//   - the group middleware (run before route validation; /signUserOut exempt
//     on that exact path) and the signUserOut rule (only for the caller's own
//     username);
//   - 401 {"message":"Unauthorized"} from the "gateway", CORS preflight, and
//     the Lambda's CORS headers.
//
// Two modes (PoolConfig.Compat): "strict" (default) answers client errors
// with 4xx statuses (400, 403, 404, 405, 413, 415) and checks group
// membership against the store at request time; "template" keeps the
// current template's statuses (500 for every user-pool error and for a
// caller in other groups) and reads the token's cognito:groups claim like
// API Gateway does. Both always answer JSON, never an HTML page, and put
// CORS headers on every answer, errors included.
//
// Extensions (createUser, deleteUser, updateUserAttributes,
// deleteUserAttributes, resetUserPassword, setUserPassword, createGroup,
// updateGroup, deleteGroup, getGroup, listDevices, forgetDevice, the filter
// parameter of listUsers) follow the same conventions, sit behind the same
// group check and can be switched off per pool (PoolConfig.DisabledRoutes).
//
// Every state-changing call is recorded through the shared audit.Recorder
// (Options.Auditor): ActorType audit.ActorUser ("user"), Action
// "adminqueries:<route>", Outcome "allowed", "denied" or "error:<Kind>".
//
// The handler calls the userpool domain directly; it is a sibling of the
// Cognito JSON protocol layer, not a client of it. See docs/adminqueries.md.
//
// Depends on: userpool (the domain and its read types; never the store),
// cognitorules (the member constraints and their messages), reqctx (request
// id, operation, caller) and audit (the one recorder). It owns its route
// names and configuration rules (Routes, PoolConfig.Validate), which
// internal/config calls. It imports no other face and no backend.
package adminqueries
