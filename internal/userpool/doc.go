// Package userpool is the protocol-neutral domain of userpool: pools, app
// clients, users and their attributes and schema, groups and precedence,
// memberships, statuses, password policy, auth flows and challenge sessions,
// lockout. Every face (the Cognito JSON protocol, Admin Queries, the console)
// calls this package, so one rule set serves all of them.
//
// It never imports net/http. Errors are *Error values whose Kind names the
// Cognito exception and whose Message is safe to show to clients.
package userpool
