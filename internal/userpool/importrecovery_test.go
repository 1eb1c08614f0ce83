package userpool

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"userpool/internal/store"
)

// recoveryEnv is a service whose import heartbeat never ticks during a
// test (an hour): leases age only by the injected clock.
func recoveryEnv(t *testing.T) (*utEnv, *Pool) {
	t.Helper()
	e := newUTEnv(t, Limits{})
	e.svc.imports = newImportRunner(ImportOptions{Heartbeat: time.Hour, BatchSize: 2})
	p := e.pool(t, "us-east-1_recover00", PoolSettings{AutoVerifiedAttributes: []string{"email"}})
	return e, p
}

// importRowsCSV is a CSV of n valid rows (users <prefix>1..<prefix>N).
func importRowsCSV(t *testing.T, p *Pool, prefix string, n int) []byte {
	t.Helper()
	header := csvHeader(p)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	for i := 1; i <= n; i++ {
		rec := make([]string, len(header))
		for c, name := range header {
			switch name {
			case "cognito:username":
				rec[c] = fmt.Sprintf("%s%d", prefix, i)
			case "email":
				rec[c] = fmt.Sprintf("%s%d@example.com", prefix, i)
			case "email_verified":
				rec[c] = "true"
			case "cognito:mfa_enabled":
				rec[c] = "false"
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// storedJob writes a job as a run left it, with its CSV.
func storedJob(t *testing.T, e *utEnv, p *Pool, id, status string, heartbeat time.Time, counts importCounts, body []byte) {
	t.Helper()
	ctx := t.Context()
	j := store.ImportJob{PoolID: p.ID, ID: id, Name: "n", RoleArn: "r", Status: ImportCreated, CreatedAt: utStart, StartedAt: utStart}
	if err := e.st.CreateImportJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if body != nil {
		if err := e.st.PutImportCSV(ctx, p.ID, id, ImportCreated, body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.st.UpdateImportJob(ctx, p.ID, id, func(x *store.ImportJob) error {
		x.Status, x.Runner, x.HeartbeatAt = status, "run-of-"+id, heartbeat
		x.Imported, x.Skipped, x.Failed = counts.imported, counts.skipped, counts.failed
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func getJob(t *testing.T, e *utEnv, p *Pool, id string) store.ImportJob {
	t.Helper()
	j, err := e.st.GetImportJob(t.Context(), p.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func waitJob(t *testing.T, e *utEnv, id string) {
	t.Helper()
	done := e.svc.ImportJobDone(id)
	if done == nil {
		t.Fatalf("job %s is not running on this instance", id)
	}
	select {
	case <-done:
	case <-t.Context().Done():
		t.Fatalf("job %s did not end", id)
	}
}

func userExists(t *testing.T, e *utEnv, p *Pool, name string) bool {
	t.Helper()
	_, err := e.st.GetUser(t.Context(), p.ID, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// A sweep re-claims the jobs whose lease is stale and leaves the fresh
// ones alone: a stale InProgress job resumes after the rows its dead run
// counted (their users are not created again) and succeeds with the counts
// added up; a stale Pending job runs from the first row; a stale Stopping
// job is Stopped with its counts; fresh InProgress and Pending jobs keep
// their status and runner. A second sweep finds nothing to do.
func TestRecoverImportJobs(t *testing.T) {
	e, p := recoveryEnv(t)
	ctx := t.Context()
	lease := ImportLeaseBeats * time.Hour
	e.now = utStart.Add(24 * time.Hour)
	stale, fresh := e.now.Add(-lease), e.now.Add(-lease+time.Second)

	// The dead run counted rows 1-3 (two imported, one skipped) before it
	// died; rows 1-3 are deliberately absent, so a re-import would show.
	storedJob(t, e, p, "import-stale", ImportInProgress, stale, importCounts{imported: 2, skipped: 1}, importRowsCSV(t, p, "row", 7))
	storedJob(t, e, p, "import-pending", ImportPending, stale, importCounts{}, importRowsCSV(t, p, "pending", 2))
	storedJob(t, e, p, "import-stopping", ImportStopping, stale.Add(-time.Hour), importCounts{imported: 4, failed: 1}, nil)
	storedJob(t, e, p, "import-fresh", ImportInProgress, fresh, importCounts{imported: 1}, importRowsCSV(t, p, "fresh", 3))
	storedJob(t, e, p, "import-fresh-pending", ImportPending, fresh, importCounts{}, nil)
	// A job written before the lease existed has no heartbeat: stale.
	storedJob(t, e, p, "import-legacy", ImportInProgress, time.Time{}, importCounts{}, nil)

	rep, err := e.svc.RecoverImportJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rep.Resumed)
	if want := []string{"import-legacy", "import-pending", "import-stale"}; !slices.Equal(rep.Resumed, want) {
		t.Errorf("resumed %v, want %v", rep.Resumed, want)
	}
	if want := []string{"import-stopping"}; !slices.Equal(rep.Stopped, want) {
		t.Errorf("stopped %v, want %v", rep.Stopped, want)
	}
	for _, id := range rep.Resumed {
		waitJob(t, e, id)
	}

	j := getJob(t, e, p, "import-stale")
	if j.Status != ImportSucceeded || j.Imported != 2+4 || j.Skipped != 1 || j.Failed != 0 || j.Runner != "" {
		t.Errorf("resumed job: %s imported %d skipped %d failed %d runner %q, want Succeeded 6/1/0 and no runner",
			j.Status, j.Imported, j.Skipped, j.Failed, j.Runner)
	}
	for i := 1; i <= 7; i++ {
		if got, want := userExists(t, e, p, fmt.Sprintf("row%d", i)), i > 3; got != want {
			t.Errorf("row%d exists: %v, want %v (rows 1-3 were the dead run's)", i, got, want)
		}
	}
	if j := getJob(t, e, p, "import-pending"); j.Status != ImportSucceeded || j.Imported != 2 {
		t.Errorf("stale Pending job: %s imported %d, want Succeeded 2", j.Status, j.Imported)
	}
	if j := getJob(t, e, p, "import-legacy"); j.Status != ImportFailed || j.CompletionMessage != "The CSV file was not uploaded." {
		t.Errorf("legacy job: %s %q, want Failed for its missing CSV", j.Status, j.CompletionMessage)
	}
	if j := getJob(t, e, p, "import-stopping"); j.Status != ImportStopped || j.CompletionMessage != "Import Job Stopped." ||
		!j.CompletedAt.Equal(e.now) || j.Imported != 4 || j.Failed != 1 {
		t.Errorf("stale Stopping job: %+v, want Stopped now with its counts", j)
	}
	for id, status := range map[string]string{"import-fresh": ImportInProgress, "import-fresh-pending": ImportPending} {
		j := getJob(t, e, p, id)
		if j.Status != status || j.Runner != "run-of-"+id || !j.HeartbeatAt.Equal(fresh) {
			t.Errorf("%s with a fresh lease was touched: %s runner %q heartbeat %v", id, j.Status, j.Runner, j.HeartbeatAt)
		}
	}
	if userExists(t, e, p, "fresh2") {
		t.Error("a job with a fresh lease was run")
	}

	rep, err = e.svc.RecoverImportJobs(ctx)
	if err != nil || len(rep.Resumed)+len(rep.Stopped) != 0 {
		t.Errorf("second sweep: %+v, %v; want nothing done", rep, err)
	}

	// Once the fresh lease has aged past the limit, it is re-claimed.
	e.now = e.now.Add(time.Second)
	rep, err = e.svc.RecoverImportJobs(ctx)
	if err != nil || !slices.Contains(rep.Resumed, "import-fresh") {
		t.Fatalf("after the lease expired: %+v, %v; want import-fresh resumed", rep, err)
	}
	waitJob(t, e, "import-fresh")
	if j := getJob(t, e, p, "import-fresh"); j.Status != ImportSucceeded || j.Imported != 3 {
		t.Errorf("import-fresh: %s imported %d, want Succeeded 1+2", j.Status, j.Imported)
	}
}

// A run that lost its lease to another run neither refreshes nor finishes
// the job; the holder's heartbeat moves with the clock.
func TestImportLeaseLost(t *testing.T) {
	e, p := recoveryEnv(t)
	ctx := t.Context()
	storedJob(t, e, p, "import-x", ImportInProgress, utStart, importCounts{imported: 1}, nil)

	if err := e.svc.beatImportJob(ctx, p.ID, "import-x", "someone-else"); !errors.Is(err, errImportLeaseLost) {
		t.Errorf("beat by a run without the lease: %v, want errImportLeaseLost", err)
	}
	e.svc.importFinish(ctx, p.ID, "import-x", "someone-else", ImportSucceeded, "done", importCounts{imported: 99})
	if j := getJob(t, e, p, "import-x"); j.Status != ImportInProgress || j.Imported != 1 || !j.HeartbeatAt.Equal(utStart) {
		t.Errorf("job written by a run without the lease: %+v", j)
	}

	e.now = utStart.Add(time.Minute)
	if err := e.svc.beatImportJob(ctx, p.ID, "import-x", "run-of-import-x"); err != nil {
		t.Fatal(err)
	}
	if j := getJob(t, e, p, "import-x"); !j.HeartbeatAt.Equal(e.now) {
		t.Errorf("heartbeat after a beat: %v, want %v", j.HeartbeatAt, e.now)
	}
}

// A job started by this instance carries a fresh lease from the start (a
// concurrent sweep leaves it to its run) and its run holds the lease until
// it finishes, then releases it.
func TestStartedImportHoldsLease(t *testing.T) {
	e, p := recoveryEnv(t)
	ctx := context.Background()
	job, err := e.svc.CreateUserImportJob(ctx, p.ID, "n", "arn:aws:iam::000000000000:role/r")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.PutImportCSV(ctx, p.ID, job.ID, ImportCreated, importRowsCSV(t, p, "started", 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.StartUserImportJob(ctx, p.ID, job.ID); err != nil {
		t.Fatal(err)
	}
	rep, err := e.svc.RecoverImportJobs(ctx)
	if err != nil || len(rep.Resumed)+len(rep.Stopped) != 0 {
		t.Errorf("sweep beside a job just started: %+v, %v; want nothing done", rep, err)
	}
	waitJob(t, e, job.ID)
	j := getJob(t, e, p, job.ID)
	if j.Status != ImportSucceeded || j.Imported != 3 || j.Runner != "" || !j.HeartbeatAt.Equal(e.now) {
		t.Errorf("finished job: %s imported %d runner %q heartbeat %v", j.Status, j.Imported, j.Runner, j.HeartbeatAt)
	}
}
