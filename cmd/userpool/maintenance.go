package main

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"userpool/internal/store"
	"userpool/internal/token"
)

// Maintenance defaults.
const (
	// maintenanceInterval is the mean time between two maintenance runs of
	// one instance; each wait is jittered by ±maintenanceJitter of it so
	// that instances started together do not run in step.
	maintenanceInterval = time.Minute
	maintenanceJitter   = 0.2
	// keyPruneEvery: expired token signing keys are pruned on every n-th
	// run (the first included): about hourly. Keys expire rarely (a day
	// after a rotation), and pruning costs one query per pool.
	keyPruneEvery = 60
	// refreshRetention keeps an expired refresh token this long: access
	// tokens refreshed from it (valid up to a day) are checked against its
	// revocation (IsOriginRevoked) until they expire too.
	refreshRetention = token.DefaultMaxTokenValidity
	// maintenanceTimeout bounds one run.
	maintenanceTimeout = 5 * time.Minute
)

// maintenanceStore is what the maintenance loop needs of the store.
type maintenanceStore interface {
	DeleteExpiredSessions(ctx context.Context, before time.Time) (int64, error)
	DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (int64, error)
	ListPools(ctx context.Context, page store.Page) ([]store.Pool, string, error)
}

// maintenance deletes expired records from the store: challenge sessions,
// refresh tokens (refreshRetention after they expire) and token signing keys
// past their publication end. Every step is a set of idempotent deletes, so
// any number of instances sharing a database may run it at the same time:
// a record deleted by one is simply not counted by the others.
type maintenance struct {
	store maintenanceStore
	// prune deletes a pool's expired signing keys (token.Issuer.Prune); nil
	// skips key pruning.
	prune      func(ctx context.Context, poolID string) (int, error)
	log        *slog.Logger
	now        func() time.Time
	interval   time.Duration
	pruneEvery int
	// randFloat returns a number in [0, 1) (jitter; tests fix it).
	randFloat func() float64

	runs int
}

// maintenanceResult counts what one run deleted.
type maintenanceResult struct {
	Sessions, RefreshTokens, SigningKeys int64
	PrunedKeys                           bool // the run included key pruning
}

func newMaintenance(st maintenanceStore, prune func(context.Context, string) (int, error), log *slog.Logger) *maintenance {
	return &maintenance{
		store: st, prune: prune, log: log,
		now: time.Now, interval: maintenanceInterval, pruneEvery: keyPruneEvery, randFloat: rand.Float64,
	}
}

// wait returns the next jittered wait: interval ± maintenanceJitter.
func (m *maintenance) wait() time.Duration {
	f := 1 - maintenanceJitter + 2*maintenanceJitter*m.randFloat()
	return time.Duration(float64(m.interval) * f)
}

// run runs maintenance until ctx is done: the first run after a random
// part of one interval (instances that start together spread out), then
// one run per jittered interval. after is time.After (tests replace it).
func (m *maintenance) run(ctx context.Context, after func(time.Duration) <-chan time.Time) {
	first := time.Duration(float64(m.interval) * m.randFloat())
	for wait := first; ; wait = m.wait() {
		select {
		case <-ctx.Done():
			return
		case <-after(wait):
		}
		rctx, cancel := context.WithTimeout(ctx, maintenanceTimeout)
		res, err := m.runOnce(rctx)
		cancel()
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			m.log.Warn("maintenance: deleting expired records failed (retried at the next run)", "err", err)
		case res.Sessions+res.RefreshTokens+res.SigningKeys > 0:
			m.log.Info("maintenance: deleted expired records", "sessions", res.Sessions, "refresh_tokens", res.RefreshTokens, "signing_keys", res.SigningKeys)
		}
	}
}

// runOnce deletes what has expired. It runs every step even when one fails
// and returns the errors joined.
func (m *maintenance) runOnce(ctx context.Context) (maintenanceResult, error) {
	var res maintenanceResult
	var errs []error
	now := m.now().UTC()
	n, err := m.store.DeleteExpiredSessions(ctx, now)
	res.Sessions = n
	errs = append(errs, err)
	n, err = m.store.DeleteExpiredRefreshTokens(ctx, now.Add(-refreshRetention))
	res.RefreshTokens = n
	errs = append(errs, err)
	if m.prune != nil && m.pruneEvery > 0 && m.runs%m.pruneEvery == 0 {
		res.PrunedKeys = true
		k, err := m.pruneKeys(ctx)
		res.SigningKeys = k
		errs = append(errs, err)
	}
	m.runs++
	return res, errors.Join(errs...)
}

// pruneKeys prunes the expired signing keys of every pool.
func (m *maintenance) pruneKeys(ctx context.Context) (int64, error) {
	var total int64
	page := store.Page{Limit: store.MaxPageSize}
	for {
		pools, next, err := m.store.ListPools(ctx, page)
		if err != nil {
			return total, err
		}
		for _, p := range pools {
			n, err := m.prune(ctx, p.ID)
			total += int64(n)
			if err != nil {
				return total, err
			}
		}
		if next == "" {
			return total, nil
		}
		page.Token = next
	}
}
