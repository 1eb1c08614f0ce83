// Package sqlite is the embedded default backend of the store contract
// (userpool/internal/store): one SQLite database file, pure Go driver
// (modernc.org/sqlite, no cgo), schema migrations embedded and applied by
// Open (goose).
//
// It reproduces the persistence side of Amazon Cognito user pools: users
// keyed by the domain's username key (case-insensitive pools lower-case it),
// unique aliases (AliasExistsException), ListUsers filters on the searchable
// attributes (username, email, phone_number, name, given_name, family_name,
// preferred_username, cognito:user_status, status, sub) as index range scans,
// groups with memberships and limits, remembered devices, signing keys,
// refresh tokens, one-time codes, challenge sessions, and the access-control
// records (principals, access keys, audit log).
//
// Layout and concurrency:
//   - WAL journal; a writer *sql.DB with exactly one connection, and a pool
//     of reader connections. Every write runs on the writer; multi-statement
//     writes run in one BEGIN IMMEDIATE transaction, so read-check-write
//     sequences (limits, idempotent adds, updaters) are atomic and never
//     retried. CreateUser and the audit log's batches that arrive while a
//     write transaction runs share the next one, a savepoint each
//     (groupcommit.go).
//   - WAL checkpoints run every 100 ms on a connection of their own, off the
//     writer's commits; the writer's automatic checkpoint is only a 64 MiB
//     backstop (checkpoint.go).
//   - ListUsers filters read the user_search table, keyed (pool_id, attr,
//     value, username_key): "=" is an equality on the key prefix, a prefix
//     filter a range [prefix, successor(prefix)), both already in result
//     order. Case-insensitive attributes are stored lower-cased.
//   - Page tokens are base64url JSON of the list kind and the last keyset key;
//     anything else decodes to store.ErrInvalidToken.
//   - Times are INTEGER microseconds (UTC), NULL for the zero time.
//   - One server per database: LockServer takes an exclusive flock on
//     PATH.lock (lock.go); `userpool serve` holds it while it runs.
//
// Errors wrap the store sentinels; driver errors are wrapped as-is and are
// internal (their text is for logs, not clients).
package sqlite
