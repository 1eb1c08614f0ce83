package userpool

// Recovery of user import jobs whose runner died (a crash, a restart, an
// instance taken away): every running job holds a lease in the store — the
// run's id (Runner) and when it last said it was alive (HeartbeatAt),
// refreshed every ImportOptions.Heartbeat by the run and at every batch. A
// job whose heartbeat is ImportLeaseBeats heartbeats old has no live runner
// on any instance sharing the store; a sweep (RecoverImportJobs, run by
// WatchImportJobs at start and then every heartbeat) re-claims it with a
// compare-and-swap on the lease and resumes it after the rows its dead run
// counted. A job whose lease is fresh is left alone: it is running on some
// instance.

import (
	"context"
	"errors"
	"time"

	"userpool/internal/store"
)

const (
	// DefaultImportHeartbeat is how often a running import job refreshes
	// its lease.
	DefaultImportHeartbeat = 10 * time.Second
	// ImportLeaseBeats: a job not refreshed for this many heartbeats has
	// lost its runner.
	ImportLeaseBeats = 3
)

// errImportLeaseLost: another run holds the job now.
var errImportLeaseLost = errors.New("import job: another run holds the lease")

func (s *Service) importLease() time.Duration {
	return ImportLeaseBeats * s.imports.opts.Heartbeat
}

// importHeartbeat refreshes the lease of the run runID every heartbeat
// until ctx ends. When another run holds the job (this one was taken for
// dead) it calls stop, which ends this run's row creation; the run then
// finishes nothing (importFinish checks the lease too).
func (s *Service) importHeartbeat(ctx context.Context, stop context.CancelFunc, poolID, jobID, runID string) {
	t := time.NewTicker(s.imports.opts.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		switch err := s.beatImportJob(ctx, poolID, jobID, runID); {
		case errors.Is(err, errImportLeaseLost), errors.Is(err, store.ErrNotFound):
			s.log.Warn("user import: the job's lease is lost; this run stops", "job", jobID, "err", err)
			stop()
			return
		case err != nil && ctx.Err() == nil:
			s.log.Error("user import: refreshing the job's lease", "job", jobID, "err", err)
		}
	}
}

// beatImportJob refreshes the lease of the run runID: errImportLeaseLost
// when another run holds the job.
func (s *Service) beatImportJob(ctx context.Context, poolID, jobID, runID string) error {
	now := s.nowUTC()
	_, err := s.store.UpdateImportJob(ctx, poolID, jobID, func(j *store.ImportJob) error {
		if j.Runner != runID {
			return errImportLeaseLost
		}
		j.HeartbeatAt = now
		return nil
	})
	return err
}

// ImportRecovery is what one sweep of unfinished import jobs did (job ids).
type ImportRecovery struct {
	// Resumed: Pending or InProgress jobs whose runner was dead, now
	// running on this instance from the first row their run had not
	// counted.
	Resumed []string
	// Stopped: Stopping jobs whose runner was dead, now Stopped with the
	// counts their run had stored.
	Stopped []string
}

// RecoverImportJobs sweeps the unfinished import jobs of every pool once:
// each Pending, InProgress or Stopping job whose lease is stale (no
// heartbeat for ImportLeaseBeats heartbeats) is re-claimed by a
// compare-and-swap on its lease — of instances sweeping together exactly
// one wins — and resumed (Stopping: Stopped). Jobs with a fresh lease are
// running somewhere and are not touched. Resumed jobs run in the
// background (ImportJobDone).
func (s *Service) RecoverImportJobs(ctx context.Context) (ImportRecovery, error) {
	var rep ImportRecovery
	for _, status := range []string{ImportPending, ImportInProgress, ImportStopping} {
		page := store.Page{Limit: store.MaxPageSize}
		for {
			js, next, err := s.store.ListImportJobsByStatus(ctx, status, page)
			if err != nil {
				return rep, Internal(err)
			}
			for _, j := range js {
				if err := s.recoverImportJob(ctx, j, &rep); err != nil {
					return rep, err
				}
			}
			if next == "" {
				break
			}
			page.Token = next
		}
	}
	return rep, nil
}

func (s *Service) recoverImportJob(ctx context.Context, j store.ImportJob, rep *ImportRecovery) error {
	now, lease := s.nowUTC(), s.importLease()
	if now.Sub(j.HeartbeatAt) < lease {
		return nil // alive
	}
	runID, err := s.randomAlnum(16)
	if err != nil {
		return err
	}
	dead := j.Runner
	got, err := s.store.UpdateImportJob(ctx, j.PoolID, j.ID, func(x *store.ImportJob) error {
		if x.Status != j.Status || now.Sub(x.HeartbeatAt) < lease {
			return errImportState{x.Status} // another instance re-claimed it
		}
		switch x.Status {
		case ImportStopping:
			x.Status, x.CompletedAt, x.CompletionMessage, x.Runner = ImportStopped, now, "Import Job Stopped.", ""
		default: // Pending, InProgress
			x.Status, x.Runner, x.HeartbeatAt = ImportInProgress, runID, now
		}
		return nil
	})
	var st errImportState
	switch {
	case errors.As(err, &st), errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return Internal(err)
	}
	log := s.log.With("job", j.ID, "pool", j.PoolID, "dead_run", dead, "last_heartbeat", j.HeartbeatAt)
	if got.Status == ImportStopped {
		log.Info("user import: a stopping job whose run died is Stopped")
		rep.Stopped = append(rep.Stopped, j.ID)
		return nil
	}
	c := importCounts{imported: got.Imported, skipped: got.Skipped, failed: got.Failed}
	log.Info("user import: resuming a job whose run died", "from_row", c.imported+c.skipped+c.failed+1)
	rep.Resumed = append(rep.Resumed, j.ID)
	done := s.imports.track(j.ID)
	go func() {
		defer close(done)
		s.importRows(context.WithoutCancel(ctx), got.PoolID, got.ID, runID, c)
	}()
	return nil
}

// WatchImportJobs recovers import jobs whose runner died: a sweep
// (RecoverImportJobs) at once and then every heartbeat until ctx ends, so
// a job of an instance that went away is resumed by a live one within
// about ImportLeaseBeats+1 heartbeats. The server runs it once, in the
// background, at start.
func (s *Service) WatchImportJobs(ctx context.Context) {
	t := time.NewTicker(s.imports.opts.Heartbeat)
	defer t.Stop()
	for {
		rep, err := s.RecoverImportJobs(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("user import: recovering unfinished jobs", "err", err)
		case len(rep.Resumed)+len(rep.Stopped) > 0:
			s.log.Info("user import: recovered unfinished jobs", "resumed", rep.Resumed, "stopped", rep.Stopped)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
