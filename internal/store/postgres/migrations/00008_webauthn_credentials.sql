-- Passkeys (store.WebAuthnCredential): a credential id is unique in its
-- pool; credentials go with their user. body is the domain's document.

-- +goose Up
CREATE TABLE webauthn_credentials (
    pool_id        TEXT COLLATE "C" NOT NULL,
    credential_id  TEXT COLLATE "C" NOT NULL,
    username_key   TEXT COLLATE "C" NOT NULL,
    body           BYTEA,
    created_at     TIMESTAMPTZ,
    CONSTRAINT webauthn_credentials_pkey PRIMARY KEY (pool_id, credential_id),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (pool_id, username_key, credential_id);

-- +goose Down
DROP TABLE webauthn_credentials;
