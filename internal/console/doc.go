// Package console is userpool's embedded admin console, served at /console/
// by `userpool serve`: server-rendered html/template pages and static assets
// embedded with embed.FS (no CDN, no build step), with one small
// framework-free script for progressive enhancement (every page works
// without it).
//
// What it reproduces: the administrative panel that Amplify's Admin Queries
// API (seed 004) exists for and that the AWS console gives Cognito users —
// pools (settings summary, app clients, groups, domains), users (ListUsers
// with Cognito's filter syntax, paging), one user (attributes per schema,
// groups, enable/disable, reset password, global sign-out, MFA, devices,
// delete), groups (members, precedence, role), principals and their grants,
// the audit log, signing keys.
//
// Two kinds of sign-in, each ending in a server-side session (an opaque
// random cookie, HttpOnly, SameSite=Strict, Secure on https, 30 minutes idle
// and 8 hours at most; the server keeps only its SHA-256):
//
//   - an operator with an access key of a principal (access key id and
//     secret, verified against the iam.Keyring with a constant-time
//     comparison). Every page and action asks the principal's live grants
//     the same question the Cognito face asks for the operation it performs
//     (Policy.Allows(op, pool)); the principals and audit pages and key
//     rotation need cognito-idp:* on "*". Controls a principal may not use
//     are not shown, and the server refuses them anyway.
//   - a user of a pool's admin group through the pool's hosted login
//     (internal/oauth): the console is an OAuth client of the pool
//     (authorization code + PKCE S256, the path-prefix form of the pool's
//     domain). It ensures an app client named ConsoleClientName in the pool
//     (created on first use, its callback URL kept current). The admin
//     groups are the pool's Admin Queries groups, else the console's
//     configured admin_groups; membership is checked at every request, as
//     Admin Queries' strict mode does, and such a user acts only on their
//     own pool's users and groups.
//
// Every action calls the same domain function the Cognito face calls, and
// is recorded through the one audit recorder (Options.Auditor) with the
// actor: ActorType "principal" (Actor the principal) or "user" (Actor the
// username), Action "console:<Cognito operation>", Outcome "allowed",
// "denied" or "error:<Kind>".
//
// Security: a per-session CSRF token on every form (double-submit cookie
// before sign-in), Sec-Fetch-Site cross-site POSTs refused, a strict
// Content-Security-Policy (script-src 'self', no inline script or style),
// frame-ancestors 'none', X-Frame-Options DENY, no-store. The sign-in
// forms are limited like the API (SignInLimits): a bucket per source
// address (ratelimit's per-source limiter) and a lockout of an access key
// id after repeated failures, answered 429 with Retry-After.
//
// Depends on: userpool (the domain and its read types; never
// internal/store), iam (the keyring and policies), audit (the recorder's
// spellings), ratelimit (the per-source bucket) and reqctx. The principals list and the signing keys come
// through narrow interfaces (Principals, SigningKeys) wired in cmd/userpool.
// It imports no other face and no backend.
package console
