package audit

import (
	"context"
	"log/slog"
	"time"
)

// Retention: events older than the configured retention (audit.retention,
// DefaultRetention) are deleted in the background, in batches of
// RetentionBatch rows, each its own short transaction with a pause between
// batches, so pruning a large backlog never holds the store's writer for
// long.

// DefaultRetention is how long audit events are kept by default.
const DefaultRetention = 90 * 24 * time.Hour

// RetentionBatch is the number of events one delete removes.
const RetentionBatch = 1000

// Pruner deletes old audit events; *userpool.Service is one.
type Pruner interface {
	DeleteAuditBefore(ctx context.Context, before time.Time, limit int) (int, error)
}

// Retention prunes the audit log.
type Retention struct {
	Pruner Pruner
	// Keep is how long events are kept (DefaultRetention when 0).
	Keep time.Duration
	// Every is how often Run prunes (an hour when 0).
	Every time.Duration
	// Batch is the events per delete (RetentionBatch when 0); Pause the
	// wait between two deletes (50 ms when 0, none when negative).
	Batch int
	Pause time.Duration
	Now   func() time.Time // nil: time.Now
	Log   *slog.Logger     // nil: slog.Default
}

// Once deletes every event older than now − Keep, batch by batch, and
// returns how many it deleted.
func (rt Retention) Once(ctx context.Context) (int, error) {
	keep, batch, pause := rt.Keep, rt.Batch, rt.Pause
	if keep <= 0 {
		keep = DefaultRetention
	}
	if batch <= 0 {
		batch = RetentionBatch
	}
	if pause == 0 {
		pause = 50 * time.Millisecond
	}
	now := rt.Now
	if now == nil {
		now = time.Now
	}
	before := now().UTC().Add(-keep)
	total := 0
	for {
		n, err := rt.Pruner.DeleteAuditBefore(ctx, before, batch)
		total += n
		if err != nil || n < batch {
			return total, err
		}
		if pause > 0 {
			select {
			case <-ctx.Done():
				return total, ctx.Err()
			case <-time.After(pause):
			}
		}
	}
}

// Run prunes at once and then every Every until ctx ends. Failures are
// logged; the next run tries again.
func (rt Retention) Run(ctx context.Context) {
	every := rt.Every
	if every <= 0 {
		every = time.Hour
	}
	log := rt.Log
	if log == nil {
		log = slog.Default()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := rt.Once(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("audit: retention failed", "err", err, "deleted", n)
		case n > 0:
			log.Info("audit: retention deleted old events", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
