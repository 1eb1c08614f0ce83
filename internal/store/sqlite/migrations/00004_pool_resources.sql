-- Pool resources (store.Resource): the documents the Cognito API stores and
-- echoes per pool (domains, resource servers, identity providers, UI
-- customizations, managed-login brandings, terms, risk and log-delivery
-- configurations), one table for every kind. resource_key, when set, is
-- unique per kind across pools (a domain name, a branding's app client).

-- +goose Up
CREATE TABLE pool_resources (
    pool_id       TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    resource_key  TEXT,
    body          BLOB,
    created_at    INTEGER,
    updated_at    INTEGER,
    PRIMARY KEY (pool_id, kind, name)
);
CREATE UNIQUE INDEX pool_resources_key ON pool_resources(kind, resource_key) WHERE resource_key IS NOT NULL;

-- +goose Down
DROP TABLE pool_resources;
