-- The lease of a running user import job: runner is the run that holds the
-- job, heartbeat_at when it last said it is alive (the domain refreshes it;
-- a job whose heartbeat is too old is re-claimed by another run). The
-- status index finds the unfinished jobs of every pool at start-up.

-- +goose Up
ALTER TABLE import_jobs ADD COLUMN runner TEXT NOT NULL DEFAULT '';
ALTER TABLE import_jobs ADD COLUMN heartbeat_at INTEGER;
CREATE INDEX import_jobs_status ON import_jobs(status, id);

-- +goose Down
DROP INDEX import_jobs_status;
ALTER TABLE import_jobs DROP COLUMN heartbeat_at;
ALTER TABLE import_jobs DROP COLUMN runner;
