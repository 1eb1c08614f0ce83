// Package storetest is the conformance suite of the store contract
// (userpool/internal/store). Every backend runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openTempStore(t) })
//	}
//
// The suite proves the guarantees the domain relies on to reproduce Amazon
// Cognito user pools: case-insensitive usernames (the domain lower-cases the
// UsernameKey, so "Alice" and "ALICE" collide), alias uniqueness
// (AliasExistsException), ListUsers filters with Cognito's case rules,
// keyset paging with opaque tokens (InvalidParameterException on a bad
// PaginationToken), group limits (LimitExceededException), cascades on delete,
// single-use codes and challenge sessions, and "exactly one winner" under
// concurrent writes.
//
// The suite contains no SQL: it talks only to store.Store. Each test creates
// its own pool ids and principal names, so it can run against one shared
// database (as the PostgreSQL backend does). Global operations
// (DeleteExpiredRefreshTokens, DeleteExpiredSessions, ListPools,
// ListPrincipals) are asserted in ways that hold when other tests share the
// database: expiry tests use dates in 2001, every other record expires in
// 2026 or later. (Two copies of the suite running at the same moment on one
// database could still delete each other's 2001 records and lower the counts
// the expiry tests check; run one copy per database at a time.) Subtests run
// sequentially.
//
// Times are compared with a tolerance of one millisecond (backends must keep
// at least millisecond precision) and must come back in UTC; zero times must
// come back zero. Nil and empty maps, slices and byte slices are equal.
//
// Choices the contract leaves open and this suite pins down (backends must
// agree):
//   - ListUsers orders filter values by byte order of the stored value
//     ("C" collation); case-insensitive attributes order by their lower-cased value.
//   - An unknown filter attribute is an error.
//   - Client IDs are unique across pools (GetClientByID needs it).
//   - RevokeRefreshToken of a missing token is ErrNotFound; revoking twice keeps
//     the first RevokedAt. IsOriginRevoked of an unknown origin is false.
//   - IncrementCodeAttempts of a missing code is ErrNotFound.
//   - PutPrincipal replacing a principal keeps its access keys.
//   - Sessions do not require their user to exist (a challenge may be issued
//     for an unknown user so as not to reveal that it is unknown).
package storetest
