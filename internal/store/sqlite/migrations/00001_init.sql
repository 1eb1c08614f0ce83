-- Initial schema of the embedded SQLite store.
--
-- Conventions: times are INTEGER microseconds since the Unix epoch (UTC), NULL
-- for the zero time; maps are JSON objects in TEXT; opaque documents are BLOBs.
-- Tables whose rows are a handful of short keys are WITHOUT ROWID so the
-- primary key is the table (one B-tree, no rowid indirection).

-- +goose Up
CREATE TABLE pools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    settings    BLOB,
    user_count  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER,
    updated_at  INTEGER
);

CREATE TABLE clients (
    id          TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    secret      TEXT NOT NULL,
    settings    BLOB,
    created_at  INTEGER,
    updated_at  INTEGER
);
CREATE INDEX clients_pool ON clients(pool_id, id);

CREATE TABLE users (
    pool_id              TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    username_key         TEXT NOT NULL,
    username             TEXT NOT NULL,
    sub                  TEXT NOT NULL,
    status               TEXT NOT NULL,
    enabled              INTEGER NOT NULL,
    attributes           TEXT NOT NULL,
    aliases              TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    srp_salt             BLOB,
    srp_verifier         BLOB,
    password_set_at      INTEGER,
    password_temporary   INTEGER NOT NULL,
    password_expires_at  INTEGER,
    mfa                  BLOB,
    failed_logins        INTEGER NOT NULL,
    locked_until         INTEGER,
    tokens_valid_after   INTEGER,
    created_at           INTEGER,
    updated_at           INTEGER,
    PRIMARY KEY (pool_id, username_key)
);
CREATE UNIQUE INDEX users_sub ON users(pool_id, sub);

-- Search index of ListUsers: one row per (user, searchable attribute) with a
-- value. attr is a small code (see attrCodes in users.go); value is
-- lower-cased for the case-insensitive attributes. Every filter is a range
-- scan of the primary key, already in result order (value, username_key).
-- Rows are written and removed from the user record they derive from.
CREATE TABLE user_search (
    pool_id       TEXT NOT NULL,
    attr          INTEGER NOT NULL,
    value         TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    PRIMARY KEY (pool_id, attr, value, username_key)
) WITHOUT ROWID;

-- Aliases (email, phone_number, preferred_username used for sign-in): unique
-- per pool and kind.
CREATE TABLE user_aliases (
    pool_id       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    value         TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, value)
) WITHOUT ROWID;

CREATE TABLE user_groups (
    pool_id      TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    role_arn     TEXT NOT NULL,
    precedence   INTEGER,
    created_at   INTEGER,
    updated_at   INTEGER,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id       TEXT NOT NULL,
    group_name    TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, username_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES user_groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members(pool_id, username_key, group_name);

CREATE TABLE devices (
    pool_id       TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    device_key    TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    attributes    TEXT NOT NULL,
    remembered    TEXT NOT NULL,
    srp_salt      BLOB,
    srp_verifier  BLOB,
    created_at    INTEGER,
    updated_at    INTEGER,
    last_auth_at  INTEGER,
    PRIMARY KEY (pool_id, username_key, device_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);

CREATE TABLE signing_keys (
    pool_id      TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    kid          TEXT NOT NULL,
    use          TEXT NOT NULL,
    private_key  BLOB NOT NULL,
    created_at   INTEGER,
    not_after    INTEGER,
    expires_at   INTEGER,
    PRIMARY KEY (pool_id, kid)
);

-- Refresh tokens, codes and sessions carry no foreign key: they are removed
-- explicitly with their user or pool (sessions may name a user that does not
-- exist).
CREATE TABLE refresh_tokens (
    hash          TEXT PRIMARY KEY,
    pool_id       TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    origin_jti    TEXT NOT NULL,
    device_key    TEXT NOT NULL,
    auth_time     INTEGER,
    created_at    INTEGER,
    expires_at    INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX refresh_tokens_user ON refresh_tokens(pool_id, username_key);
CREATE INDEX refresh_tokens_origin ON refresh_tokens(pool_id, origin_jti);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE codes (
    pool_id       TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    code_hash     TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    created_at    INTEGER,
    expires_at    INTEGER,
    PRIMARY KEY (pool_id, username_key, purpose)
) WITHOUT ROWID;

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    pool_id       TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    challenge     TEXT NOT NULL,
    state         BLOB,
    created_at    INTEGER,
    expires_at    INTEGER
);
CREATE INDEX sessions_user ON sessions(pool_id, username_key);
CREATE INDEX sessions_expiry ON sessions(expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE principals (
    name        TEXT PRIMARY KEY,
    grants      TEXT NOT NULL,
    created_at  INTEGER,
    updated_at  INTEGER
);

CREATE TABLE access_keys (
    id                 TEXT PRIMARY KEY,
    principal_name     TEXT NOT NULL REFERENCES principals(name) ON DELETE CASCADE,
    secret_ciphertext  BLOB,
    created_at         INTEGER,
    disabled           INTEGER NOT NULL
);
CREATE INDEX access_keys_principal ON access_keys(principal_name, id);

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    time        INTEGER,
    actor_type  TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    pool_id     TEXT NOT NULL,
    target      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX audit_pool ON audit(pool_id, id);
CREATE INDEX audit_actor ON audit(actor, id);
CREATE INDEX audit_time ON audit(time);

-- +goose Down
DROP TABLE audit;
DROP TABLE access_keys;
DROP TABLE principals;
DROP TABLE sessions;
DROP TABLE codes;
DROP TABLE refresh_tokens;
DROP TABLE signing_keys;
DROP TABLE devices;
DROP TABLE group_members;
DROP TABLE user_groups;
DROP TABLE user_aliases;
DROP TABLE user_search;
DROP TABLE users;
DROP TABLE clients;
DROP TABLE pools;
