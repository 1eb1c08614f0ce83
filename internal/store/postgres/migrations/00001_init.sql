-- Initial schema of the PostgreSQL store.
--
-- Conventions:
--   - Every identifier, key and search column is TEXT COLLATE "C": comparisons
--     and ORDER BY are byte-wise on UTF-8, which is code point order and
--     exactly the order of the SQLite store (BINARY) and of Go strings, whatever
--     the database's default collation. "C" also lets plain B-tree indexes serve
--     range (prefix) scans.
--   - Times are TIMESTAMPTZ (microseconds), NULL for the zero time.
--   - Maps are JSONB objects; opaque documents BYTEA.
--   - Constraint names are part of the code: the store maps unique violations
--     to store errors by constraint name (user_aliases_pkey -> ErrAliasExists).

-- +goose Up
CREATE TABLE pools (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    settings    BYTEA,
    created_at  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ
);

CREATE TABLE clients (
    id          TEXT COLLATE "C" PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    secret      TEXT NOT NULL,
    settings    BYTEA,
    created_at  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ
);
CREATE INDEX clients_pool ON clients (pool_id, id);

CREATE TABLE users (
    pool_id              TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    username_key         TEXT COLLATE "C" NOT NULL,
    username             TEXT COLLATE "C" NOT NULL,
    sub                  TEXT COLLATE "C" NOT NULL,
    status               TEXT NOT NULL,
    enabled              BOOLEAN NOT NULL,
    attributes           JSONB NOT NULL,
    aliases              JSONB NOT NULL,
    password_hash        TEXT NOT NULL,
    srp_salt             BYTEA,
    srp_verifier         BYTEA,
    password_set_at      TIMESTAMPTZ,
    password_temporary   BOOLEAN NOT NULL,
    password_expires_at  TIMESTAMPTZ,
    mfa                  BYTEA,
    failed_logins        INTEGER NOT NULL,
    locked_until         TIMESTAMPTZ,
    tokens_valid_after   TIMESTAMPTZ,
    created_at           TIMESTAMPTZ,
    updated_at           TIMESTAMPTZ,
    CONSTRAINT users_pkey PRIMARY KEY (pool_id, username_key),
    CONSTRAINT users_sub UNIQUE (pool_id, sub)
);

-- Search index of ListUsers: one row per (user, searchable attribute) with a
-- non-empty value. attr is a small code (see searchAttrs in users.go); value
-- is lower-cased for the case-insensitive attributes. Every filter is a range
-- scan of the primary key, already in result order (value, username_key):
-- "=" fixes (pool_id, attr, value), a prefix filter is the range
-- [prefix, successor(prefix)). Rows are written and removed with the user
-- record they derive from, in the same transaction.
CREATE TABLE user_search (
    pool_id       TEXT COLLATE "C" NOT NULL,
    attr          SMALLINT NOT NULL,
    value         TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    CONSTRAINT user_search_pkey PRIMARY KEY (pool_id, attr, value, username_key)
);

-- Aliases (email, phone_number, preferred_username used for sign-in): unique
-- per pool and kind.
CREATE TABLE user_aliases (
    pool_id       TEXT COLLATE "C" NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL,
    value         TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    CONSTRAINT user_aliases_pkey PRIMARY KEY (pool_id, kind, value)
);

CREATE TABLE user_groups (
    pool_id      TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    description  TEXT NOT NULL,
    role_arn     TEXT NOT NULL,
    precedence   BIGINT,
    created_at   TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ,
    CONSTRAINT user_groups_pkey PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id       TEXT COLLATE "C" NOT NULL,
    group_name    TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    CONSTRAINT group_members_pkey PRIMARY KEY (pool_id, group_name, username_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES user_groups (pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX group_members_user ON group_members (pool_id, username_key, group_name);

CREATE TABLE devices (
    pool_id       TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    device_key    TEXT COLLATE "C" NOT NULL,
    group_key     TEXT NOT NULL,
    attributes    JSONB NOT NULL,
    remembered    TEXT NOT NULL,
    srp_salt      BYTEA,
    srp_verifier  BYTEA,
    created_at    TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ,
    last_auth_at  TIMESTAMPTZ,
    CONSTRAINT devices_pkey PRIMARY KEY (pool_id, username_key, device_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

CREATE TABLE signing_keys (
    pool_id      TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    kid          TEXT COLLATE "C" NOT NULL,
    use          TEXT NOT NULL,
    private_key  BYTEA NOT NULL,
    created_at   TIMESTAMPTZ,
    not_after    TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (pool_id, kid)
);

-- Refresh tokens, codes and sessions carry no foreign key: they are removed
-- explicitly with their user or pool (sessions may name a user that does not
-- exist).
CREATE TABLE refresh_tokens (
    hash          TEXT COLLATE "C" PRIMARY KEY,
    pool_id       TEXT COLLATE "C" NOT NULL,
    client_id     TEXT NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    origin_jti    TEXT COLLATE "C" NOT NULL,
    device_key    TEXT NOT NULL,
    auth_time     TIMESTAMPTZ,
    created_at    TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (pool_id, username_key);
CREATE INDEX refresh_tokens_origin ON refresh_tokens (pool_id, origin_jti);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE codes (
    pool_id       TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    purpose       TEXT COLLATE "C" NOT NULL,
    code_hash     TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    created_at    TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ,
    CONSTRAINT codes_pkey PRIMARY KEY (pool_id, username_key, purpose)
);

CREATE TABLE sessions (
    id            TEXT COLLATE "C" PRIMARY KEY,
    pool_id       TEXT COLLATE "C" NOT NULL,
    client_id     TEXT NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    challenge     TEXT NOT NULL,
    state         BYTEA,
    created_at    TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions (pool_id, username_key);
CREATE INDEX sessions_expiry ON sessions (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE principals (
    name        TEXT COLLATE "C" PRIMARY KEY,
    grants      JSONB NOT NULL,
    created_at  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ
);

CREATE TABLE access_keys (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    principal_name     TEXT COLLATE "C" NOT NULL REFERENCES principals(name) ON DELETE CASCADE,
    secret_ciphertext  BYTEA,
    created_at         TIMESTAMPTZ,
    disabled           BOOLEAN NOT NULL
);
CREATE INDEX access_keys_principal ON access_keys (principal_name, id);

CREATE TABLE audit (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time        TIMESTAMPTZ,
    actor_type  TEXT NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    action      TEXT COLLATE "C" NOT NULL,
    pool_id     TEXT COLLATE "C" NOT NULL,
    target      TEXT NOT NULL,
    outcome     TEXT COLLATE "C" NOT NULL,
    request_id  TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX audit_pool ON audit (pool_id, id);
CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_time ON audit (time);

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
