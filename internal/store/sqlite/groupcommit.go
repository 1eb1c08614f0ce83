package sqlite

import (
	"context"
	"sync"
)

// Group commit of the hot writes: CreateUser and the audit log's batches.
//
// SQLite has one writer, and a write transaction's cost is mostly its
// commit: every page the transaction dirtied (the users row, its indexes,
// the alias and search-index rows, the pool's counter, the audit rows) is
// written to the WAL as a frame. Concurrent user creations each paid all of
// that, one after the other, and each authenticated call then waited for a
// second transaction, its audit row's. Here the writes that arrive while a
// transaction is running wait, and the next transaction runs all of them:
// one BEGIN, one SAVEPOINT per write, one COMMIT, and the pages they share
// (index leaves, the pool row, the audit table's last page) written once.
// A creation's audit row, queued by the recorder once the creation has
// committed (the answer waits for it), usually shares its transaction with
// the next creations.
//
// Nothing is weakened: each write runs the same statements as on its own,
// so the same UNIQUE constraints decide (two users of one batch with the
// same username or alias conflict exactly as in two transactions); a write
// that fails is rolled back to its savepoint alone and gets its own error;
// every caller returns only after the transaction holding its write has
// committed (or failed, when every write of the batch gets the commit's
// error).

// maxGroup bounds the writes of one transaction.
const maxGroup = 64

type groupCommit struct {
	mu      sync.Mutex
	running bool
	pending []*groupReq
}

type groupReq struct {
	ctx context.Context
	op  string
	fn  func(ctx context.Context, tx wtx) error
	err error
	// true: the receiver leads the next batch
	done chan bool
}

// do runs fn in a write transaction, alone or with the writes that queue
// while a batch runs. fn must only write through tx, with the ctx it is
// given (a shared transaction does not run under any one caller's context).
func (b *groupCommit) do(ctx context.Context, s *Store, op string, fn func(ctx context.Context, tx wtx) error) error {
	r := &groupReq{ctx: ctx, op: op, fn: fn, done: make(chan bool, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, r)
	if b.running {
		b.mu.Unlock()
		// Wait even if ctx ends: the batch may already hold the write, and
		// the answer must say whether it was committed.
		if lead := <-r.done; !lead {
			return r.err
		}
	} else {
		b.running = true
		b.mu.Unlock()
	}
	// This call leads: run one batch from the queue (which holds r), then
	// hand the lead to the next waiting call, if any.
	b.mu.Lock()
	n := min(len(b.pending), maxGroup)
	batch := b.pending[:n:n]
	b.pending = b.pending[n:]
	b.mu.Unlock()

	s.runGroup(batch)

	b.mu.Lock()
	if len(b.pending) > 0 {
		next := b.pending[0]
		b.mu.Unlock()
		next.done <- true
	} else {
		b.running = false
		b.pending = nil
		b.mu.Unlock()
	}
	for _, x := range batch {
		if x != r {
			x.done <- false
		}
	}
	return r.err
}

// runGroup runs the writes of batch in one transaction, setting each
// request's err.
func (s *Store) runGroup(batch []*groupReq) {
	live := batch[:0:0]
	for _, x := range batch {
		if err := x.ctx.Err(); err != nil {
			x.err = fail(x.op, err)
			continue
		}
		live = append(live, x)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		x := live[0]
		x.err = s.write(x.ctx, x.op, func(tx wtx) error { return x.fn(x.ctx, tx) })
		return
	}
	// The callers' contexts only decide whether they join; the shared
	// transaction runs without them, so one caller going away cannot fail
	// the others.
	ctx := context.WithoutCancel(live[0].ctx)
	const op = "group commit"
	err := s.write(ctx, op, func(tx wtx) error {
		for _, x := range live {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT grouped`); err != nil {
				return fail(op, err)
			}
			x.err = x.fn(ctx, tx)
			if x.err != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO grouped`); err != nil {
					return fail(op, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE grouped`); err != nil {
				return fail(op, err)
			}
		}
		return nil
	})
	if err != nil {
		for _, x := range live {
			x.err = err
		}
	}
}
