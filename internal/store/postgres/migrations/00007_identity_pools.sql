-- Cognito identity pools (store.IdentityPool): body is the domain's JSON
-- document. identities and identity_logins: a login (provider, subject)
-- belongs to one identity per pool. roles: named grants that temporary
-- credentials act with. session_credentials: temporary credentials (sealed
-- secret, session-token digest) that go with their identity pool, identity
-- and signed-in user.

-- +goose Up
CREATE TABLE identity_pools (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    body        BYTEA,
    created_at  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ
);

CREATE TABLE identities (
    id          TEXT COLLATE "C" PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES identity_pools(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ
);
CREATE INDEX identities_pool ON identities(pool_id, id);

CREATE TABLE identity_logins (
    pool_id      TEXT COLLATE "C" NOT NULL,
    provider     TEXT COLLATE "C" NOT NULL,
    subject      TEXT COLLATE "C" NOT NULL,
    identity_id  TEXT COLLATE "C" NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, provider, subject)
);
CREATE INDEX identity_logins_identity ON identity_logins(identity_id);

CREATE TABLE roles (
    name        TEXT COLLATE "C" PRIMARY KEY,
    grants      JSONB NOT NULL,
    created_at  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ
);

CREATE TABLE session_credentials (
    access_key_id      TEXT COLLATE "C" PRIMARY KEY,
    secret_ciphertext  BYTEA NOT NULL,
    token_hash         BYTEA NOT NULL,
    role_name          TEXT COLLATE "C" NOT NULL,
    identity_pool_id   TEXT COLLATE "C" NOT NULL REFERENCES identity_pools(id) ON DELETE CASCADE,
    identity_id        TEXT COLLATE "C" NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    user_pool_id       TEXT COLLATE "C",
    username_key       TEXT COLLATE "C",
    username           TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ,
    expires_at         TIMESTAMPTZ NOT NULL,
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
