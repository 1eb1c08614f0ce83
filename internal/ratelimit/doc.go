// Package ratelimit throttles calls the way Amazon Cognito's request-rate
// quotas do, per instance of the server.
//
// What it reproduces ("Quotas in Amazon Cognito", developer guide,
// https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html):
//
//   - every user-pools operation belongs to one quota category
//     (UserAuthentication, UserCreation, UserRead, UserUpdate, UserToken,
//     UserAccountRecovery, UserResourceRead, UserResourceUpdate, UserList,
//     UserPoolRead, UserPoolUpdate, UserPoolResourceRead,
//     UserPoolResourceUpdate, UserPoolClientRead, UserPoolClientUpdate,
//     ClientAuthentication, UserFederation, LimitManagement); the table is
//     categoryOf, one literal; a category's quota is shared by every pool;
//   - a RespondToAuthChallenge or AdminRespondToAuthChallenge answering
//     NEW_PASSWORD_REQUIRED counts toward UserAccountRecovery, every other
//     challenge response toward UserAuthentication;
//   - Cognito's per-user quota (about 10 operations per user per second for
//     sign-in) as a bucket per pool (or app client) and username for the
//     sign-in operations;
//   - a throttled call is answered TooManyRequestsException "Rate exceeded"
//     (the face writes it).
//
// What it adds, because a self-hosted server faces the internet without
// AWS's edge in front of it: a bucket per source address for the
// unauthenticated operations (those not signed with SigV4); and a fair
// share of each category among the sources of unsigned calls when its
// bucket runs low (below half its burst a source is served only if it has
// recently had no more than the others, so a flood from many addresses
// cannot spend the shared quota alone and a quiet caller is served first:
// fair.go). Limiter.AllowEarly makes the per-source and fair-share checks
// before a request's body is read (the server's early refusal).
//
// Limits are token buckets (golang.org/x/time/rate) and are held in memory:
// they are per instance, not shared between instances on one PostgreSQL
// database (docs/postgres.md says so). Keyed buckets (per source, per user)
// live in sharded maps bounded by Config.MaxKeys, idle keys evicted after
// Config.IdleTimeout, so a flood of distinct addresses cannot grow memory
// without bound. Time is injected (New's now).
//
// Depends on golang.org/x/time/rate only; it imports nothing of userpool.
// The Cognito face calls it through its own Limiter seam (cognitoidp), wired
// in cmd/userpool.
package ratelimit
