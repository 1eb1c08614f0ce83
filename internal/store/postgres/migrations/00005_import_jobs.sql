-- User import jobs (store.ImportJob) and the CSV body uploaded for each
-- (at most 100 MB, one bytea), both going with their pool.

-- +goose Up
CREATE TABLE import_jobs (
    pool_id             TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    id                  TEXT COLLATE "C" NOT NULL,
    name                TEXT NOT NULL,
    role_arn            TEXT NOT NULL,
    status              TEXT COLLATE "C" NOT NULL,
    secret              BYTEA,
    has_csv             BOOLEAN NOT NULL DEFAULT false,
    completion_message  TEXT NOT NULL DEFAULT '',
    imported            BIGINT NOT NULL DEFAULT 0,
    skipped             BIGINT NOT NULL DEFAULT 0,
    failed              BIGINT NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ,
    started_at          TIMESTAMPTZ,
    completed_at        TIMESTAMPTZ,
    CONSTRAINT import_jobs_pkey PRIMARY KEY (id)
);
CREATE INDEX import_jobs_pool ON import_jobs (pool_id, id);

CREATE TABLE import_job_csv (
    job_id  TEXT COLLATE "C" NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
    body    BYTEA NOT NULL,
    CONSTRAINT import_job_csv_pkey PRIMARY KEY (job_id)
);

-- +goose Down
DROP TABLE import_job_csv;
DROP TABLE import_jobs;
