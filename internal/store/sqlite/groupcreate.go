package sqlite

import (
	"context"
	"sync"

	"userpool/internal/store"
)

// Group commit of CreateUser.
//
// SQLite has one writer, and a write transaction's cost is mostly its
// commit: every page the transaction dirtied (the users row, its indexes,
// the alias and search-index rows, the pool's counter) is written to the
// WAL as a frame, and the commit may run a checkpoint. Concurrent user
// creations each paid all of that, one after the other. Here the calls
// that arrive while a transaction is running wait, and the next transaction
// creates all of them: one BEGIN, one SAVEPOINT per user, one COMMIT, and
// the pages they share (index leaves, the pool row) written once.
//
// Nothing is weakened: each user is inserted by the same statements as
// before, so the same UNIQUE constraints decide (two users of one batch
// with the same username or alias conflict exactly as in two
// transactions); a user whose insert fails is rolled back to its savepoint
// alone and gets its own error; every caller returns only after the
// transaction holding its user has committed (or failed, when every user of
// the batch gets the commit's error).

// maxCreateBatch bounds the users of one transaction.
const maxCreateBatch = 64

type createBatch struct {
	mu      sync.Mutex
	running bool
	pending []*createReq
}

type createReq struct {
	ctx  context.Context
	u    store.User
	err  error
	done chan bool // true: the receiver leads the next batch
}

// create inserts u, alone or with the calls that queue while a batch runs.
func (b *createBatch) create(ctx context.Context, s *Store, u store.User) error {
	r := &createReq{ctx: ctx, u: u, done: make(chan bool, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, r)
	if b.running {
		b.mu.Unlock()
		// Wait even if ctx ends: the batch may already hold the user, and
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
	n := min(len(b.pending), maxCreateBatch)
	batch := b.pending[:n:n]
	b.pending = b.pending[n:]
	b.mu.Unlock()

	s.runCreates(batch)

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

// runCreates creates the users of batch in one transaction, setting each
// request's err.
func (s *Store) runCreates(batch []*createReq) {
	const op = "create user"
	live := batch[:0:0]
	for _, x := range batch {
		if err := x.ctx.Err(); err != nil {
			x.err = fail(op, err)
			continue
		}
		live = append(live, x)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		x := live[0]
		x.err = s.write(x.ctx, op, func(tx wtx) error { return createUserTx(x.ctx, tx, &x.u) })
		return
	}
	// The callers' contexts only decide whether they join; the shared
	// transaction runs without them, so one caller going away cannot fail
	// the others.
	ctx := context.WithoutCancel(live[0].ctx)
	err := s.write(ctx, op, func(tx wtx) error {
		for _, x := range live {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT create_user`); err != nil {
				return fail(op, err)
			}
			x.err = createUserTx(ctx, tx, &x.u)
			if x.err != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO create_user`); err != nil {
					return fail(op, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE create_user`); err != nil {
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
