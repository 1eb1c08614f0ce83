-- Cognito identity pools (store.IdentityPool): body is the domain's JSON
-- document. identities and identity_logins: a login (provider, subject)
-- belongs to one identity per pool. roles: named grants that temporary
-- credentials act with. session_credentials: temporary credentials (sealed
-- secret, session-token digest) that go with their identity pool, identity
-- and signed-in user.

-- +goose Up
CREATE TABLE identity_pools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    body        BLOB,
    created_at  INTEGER,
    updated_at  INTEGER
);

CREATE TABLE identities (
    id          TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES identity_pools(id) ON DELETE CASCADE,
    created_at  INTEGER,
    updated_at  INTEGER
);
CREATE INDEX identities_pool ON identities(pool_id, id);

CREATE TABLE identity_logins (
    pool_id      TEXT NOT NULL,
    provider     TEXT NOT NULL,
    subject      TEXT NOT NULL,
    identity_id  TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, provider, subject)
);
CREATE INDEX identity_logins_identity ON identity_logins(identity_id);

CREATE TABLE roles (
    name        TEXT PRIMARY KEY,
    grants      TEXT NOT NULL,
    created_at  INTEGER,
    updated_at  INTEGER
);

CREATE TABLE session_credentials (
    access_key_id      TEXT PRIMARY KEY,
    secret_ciphertext  BLOB NOT NULL,
    token_hash         BLOB NOT NULL,
    role_name          TEXT NOT NULL,
    identity_pool_id   TEXT NOT NULL REFERENCES identity_pools(id) ON DELETE CASCADE,
    identity_id        TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    user_pool_id       TEXT,
    username_key       TEXT,
    username           TEXT NOT NULL DEFAULT '',
    created_at         INTEGER,
    expires_at         INTEGER NOT NULL,
    FOREIGN KEY (user_pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX session_credentials_user ON session_credentials(user_pool_id, username_key);
CREATE INDEX session_credentials_identity ON session_credentials(identity_id);
CREATE INDEX session_credentials_role ON session_credentials(role_name);
CREATE INDEX session_credentials_expires ON session_credentials(expires_at);

-- +goose Down
DROP TABLE session_credentials;
DROP TABLE roles;
DROP TABLE identity_logins;
DROP TABLE identities;
DROP TABLE identity_pools;
