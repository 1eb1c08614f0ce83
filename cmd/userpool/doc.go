// Command userpool is a self-hosted server that speaks the Amazon Cognito
// user pools API (AWS JSON 1.1), so the AWS SDKs, the AWS CLI and Amplify
// work against it unchanged.
//
// Commands:
//
//	userpool serve      run the server
//	userpool principal  create, list or delete principals (server-side callers)
//	userpool role       create, list or delete roles (identity-pool temporary credentials' grants)
//	userpool env        print the environment a principal's process needs
//	userpool audit      list the audit log of signed calls
//	userpool migrate-store  copy every record from one store into another
//	userpool version
//
// # Store
//
// Every command that opens the store takes --store: "sqlite:PATH" or a
// "postgres://" URL (also store.dsn in the config file, or USERPOOL_STORE;
// the flag wins, then the environment). The default is the SQLite file
// userpool.db in the data directory, served by one serve process at a time
// (serve holds an exclusive lock on PATH.lock; a second one is refused,
// naming the first one's pid). Any number of serve processes may share
// one PostgreSQL database (docs/postgres.md): they then need the same master
// key (serve does not generate one for PostgreSQL) and the same
// configuration, and serialise their start-up writes (declared
// configuration, first principal) with an advisory lock. The DSN is only
// ever shown with its password redacted. serve runs a jittered maintenance
// loop once a minute (expired sessions, refresh tokens a day after expiry,
// signing keys hourly), safe on every instance at once.
//
// # Who may call which admin action
//
// Every SigV4-signed operation (AdminGetUser, ListUsers, CreateUserPool, ...)
// is verified against the access keys in the store and authorised by the
// calling principal's grants, as IAM does for Cognito. A principal has a name,
// grants ({pool: <id|name|*>, actions: [...]}, with Amplify gen 2's 30 action
// names, cognito-idp:<Operation> or cognito-idp:*) and access key pairs whose
// secrets are stored encrypted under the master key. Unsigned operations
// (SignUp, InitiateAuth, GetUser, ...) never need a key.
//
// Nothing is open by default. On a first start with no principal declared
// and none stored, serve creates principal "root" (cognito-idp:* on every
// pool) with an access key, writes it to <data>/credentials (profile
// [userpool], mode 0600) and prints how to use it with the AWS CLI.
// --dev-accept-any-credentials (or auth.dev_accept_any_credentials) accepts
// any well-formed signature instead, warning at start and once a minute.
// Development mode also runs the server on a movable clock: POST
// /_userpool/clock {"advanceSeconds": n} moves it forward (tests of token
// expiry; internal/testapi). Outside development mode that endpoint is 403.
// Development mode or testing_api.enabled serves the test API
// (internal/testapi, docs/testing.md) to root-granted callers; `userpool
// seed FILE` and the config's seed: section create fixture users.
//
// The master key is auth.master_key_file, else USERPOOL_MASTER_KEY (hex or
// base64 of 32 bytes), else <data>/master.key, generated (0600) on the first
// start with a warning: production should supply its own and keep it apart
// from the data. It also encrypts the token signing keys. The server refuses
// to start when the key does not open the stored access keys.
//
// # Declarative configuration
//
// The configuration file may declare pools (with groups, app clients and
// admin_queries settings) and principals. serve applies them at every start:
// what is declared is created or updated, nothing undeclared is deleted, and
// a second start with the same file writes nothing. A file with problems is
// refused before the server listens, with every problem listed by its path
// (pools[0].clients[1].id: ...), and serve exits with status 1.
//
// # Administration while the server runs
//
// principal create/list/delete, env and audit open the same store (SQLite
// in WAL mode with a busy timeout, or the shared PostgreSQL database), so
// they work while the server runs. A new access key is usable immediately (the server looks unknown keys
// up in the store); a deleted principal or key, and changed grants of an
// existing key, reach a running server within its key cache TTL
// (iam.DefaultKeyringTTL, 30 seconds). Principals declared in the
// configuration get their declared grants back at the next start.
package main
