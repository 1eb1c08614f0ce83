-- User import jobs (store.ImportJob) and the CSV body uploaded for each
-- (at most 100 MB, one blob), both going with their pool.

-- +goose Up
CREATE TABLE import_jobs (
    pool_id             TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    id                  TEXT NOT NULL PRIMARY KEY,
    name                TEXT NOT NULL,
    role_arn            TEXT NOT NULL,
    status              TEXT NOT NULL,
    secret              BLOB,
    has_csv             INTEGER NOT NULL DEFAULT 0,
    completion_message  TEXT NOT NULL DEFAULT '',
    imported            INTEGER NOT NULL DEFAULT 0,
    skipped             INTEGER NOT NULL DEFAULT 0,
    failed              INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER,
    started_at          INTEGER,
    completed_at        INTEGER
);
CREATE INDEX import_jobs_pool ON import_jobs(pool_id, id);

CREATE TABLE import_job_csv (
    job_id  TEXT NOT NULL PRIMARY KEY REFERENCES import_jobs(id) ON DELETE CASCADE,
    body    BLOB NOT NULL
);

-- +goose Down
DROP TABLE import_job_csv;
DROP TABLE import_jobs;
