// Package postgres is the PostgreSQL backend of the store contract
// (userpool/internal/store), for deployments that run several userpool
// instances against one database. It uses pgx v5 natively (pgxpool); the
// schema migrations are embedded and applied by Open with goose under a
// session-level advisory lock, so instances that start together migrate
// exactly once. A search_path in the DSN selects the schema.
//
// It reproduces the persistence side of Amazon Cognito user pools with the
// same semantics as the SQLite store, proven by the same conformance suite
// (store/storetest): users keyed by the domain's username key
// (case-insensitive pools lower-case it), unique aliases
// (AliasExistsException), ListUsers filters on the searchable attributes as
// index range scans, groups with memberships and limits
// (LimitExceededException), remembered devices, signing keys, refresh tokens,
// single-use codes and challenge sessions, and the access-control records.
//
// Design:
//   - Every key and search column is COLLATE "C": ordering is byte order
//     of UTF-8 (code point order), identical to the SQLite store and to Go,
//     whatever the database's default collation, and B-tree indexes serve
//     prefix filters as ranges [prefix, successor(prefix)).
//   - ListUsers filters read user_search, keyed (pool_id, attr, value,
//     username_key), already in result order; case-insensitive attributes
//     are stored lower-cased (Go's strings.ToLower, as in SQLite). Every
//     list is its driving index range plus one primary-key look-up per row
//     returned (a LATERAL subquery the planner cannot turn into a merge or
//     hash join over the pool); TestQueryPlans pins these plans, custom and
//     generic.
//   - Limits are atomic by row locks under READ COMMITTED: CreateGroup locks
//     the pool's row, AddUserToGroup the user's (FOR NO KEY UPDATE, which
//     does not block foreign-key checks), then counts in a new statement.
//     Updaters run inside a transaction holding the record's row lock.
//   - Unique violations map to ErrAlreadyExists, or ErrAliasExists on
//     user_aliases_pkey; foreign-key violations (a missing parent) to
//     ErrNotFound; no rows to ErrNotFound. Anything else is wrapped as an
//     internal error whose text never contains SQL or arguments.
//   - Transactions, updaters included, are re-run on serialization failures
//     and deadlocks (40001, 40P01) and when the connection broke before
//     COMMIT; single statements are re-run when nothing reached the server,
//     and idempotent ones also when the outcome is unknown.
//   - Multi-statement writes without a decision in between (CreateUser,
//     AddUserToGroup) are one pipelined batch, which the server runs as one
//     implicit transaction: atomic and one round trip.
//   - Page tokens are base64url JSON of the list kind and the last keyset
//     key; anything else is store.ErrInvalidToken.
//   - Times are TIMESTAMPTZ (microseconds, returned in UTC), NULL for the
//     zero time. There is no user counter column: CountUsers counts the
//     pool's index range, so user creations never contend on the pool row.
package postgres
