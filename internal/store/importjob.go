package store

import (
	"context"
	"errors"
	"time"
)

// ErrStateChanged: a conditional write found the record in another state
// than the caller required (PutImportCSV after the job left "Created").
var ErrStateChanged = errors.New("store: record is in another state")

// ImportJob is a user import job (Cognito's UserImportJobType) of a pool.
// ID is unique across pools ("import-..."). Status is one of Cognito's
// UserImportJobStatusType values; the store keeps whatever the domain
// writes. Secret is the job's upload-URL key as the domain stores it
// (sealed); the store round-trips it. HasCSV says whether a CSV body was
// stored (PutImportCSV). Runner and HeartbeatAt are the lease of the
// instance running the job (the domain writes them through UpdateImportJob:
// the runner refreshes HeartbeatAt, and a job whose heartbeat is too old is
// re-claimed with a compare-and-swap on them).
type ImportJob struct {
	PoolID            string
	ID                string
	Name              string
	RoleArn           string
	Status            string
	Secret            []byte
	HasCSV            bool
	CompletionMessage string
	Imported          int64
	Skipped           int64
	Failed            int64
	CreatedAt         time.Time
	StartedAt         time.Time
	CompletedAt       time.Time
	Runner            string
	HeartbeatAt       time.Time
}

// ImportJobStore persists user import jobs, the CSV body uploaded for each,
// and the batch user creation the import runs. Jobs and their CSV go with
// their pool (DeletePool).
type ImportJobStore interface {
	// CreateImportJob: ErrAlreadyExists for a taken ID, ErrNotFound when the
	// pool does not exist. HasCSV is ignored (a new job has no CSV).
	CreateImportJob(ctx context.Context, j ImportJob) error
	GetImportJob(ctx context.Context, poolID, id string) (ImportJob, error)
	// GetImportJobByID finds a job by its id alone (the upload URL names
	// only the job).
	GetImportJobByID(ctx context.Context, id string) (ImportJob, error)
	// ListImportJobs orders the pool's jobs by ID.
	ListImportJobs(ctx context.Context, poolID string, page Page) ([]ImportJob, string, error)
	// ListImportJobsByStatus pages through the jobs of every pool in
	// status, by ID (an index range scan: the recovery of unfinished jobs).
	ListImportJobsByStatus(ctx context.Context, status string, page Page) ([]ImportJob, string, error)
	// UpdateImportJob runs fn on the current job in one transaction, the
	// job's row locked against concurrent updates, and writes what fn
	// leaves (PoolID, ID and HasCSV are immutable). A status check in fn is
	// therefore a compare-and-swap: of concurrent updates that each move
	// the job out of one status, exactly one sees that status.
	UpdateImportJob(ctx context.Context, poolID, id string, fn func(*ImportJob) error) (ImportJob, error)
	// PutImportCSV stores (or replaces) the job's CSV body, only while the
	// job's status is status: ErrStateChanged otherwise, ErrNotFound when
	// the job is missing.
	PutImportCSV(ctx context.Context, poolID, id, status string, body []byte) error
	// GetImportCSV returns the stored body; ErrNotFound when none was stored.
	GetImportCSV(ctx context.Context, poolID, id string) ([]byte, error)

	// CreateUsers creates many users of one pool in one transaction, each
	// with the guarantees of CreateUser: the result has one entry per user,
	// nil when it was created, ErrAlreadyExists when its UsernameKey or Sub
	// is taken (by an existing user or by an earlier user of the same
	// call), ErrAliasExists when one of its aliases is. A user that fails
	// leaves nothing behind; the others are created. The error is for the
	// call as a whole (ErrNotFound when the pool does not exist: then no
	// user is created). Every user must have the same PoolID.
	CreateUsers(ctx context.Context, users []User) ([]error, error)
}
