package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// Checkpoints off the write path.
//
// In WAL mode a commit appends pages to the -wal file; a checkpoint copies
// them back into the database file and fsyncs it. SQLite runs one
// automatically inside the commit that takes the WAL past a threshold
// (1,000 pages by default), on the one writer connection: every ~25
// grouped creations a writer's commit also paid a checkpoint and its fsync
// (11 % of the server's samples under AdminCreateUser), while every other
// write waited. Here a separate connection runs PASSIVE checkpoints every
// checkpointEvery: they copy what readers no longer need without taking the
// write lock, so writers go on meanwhile, and the writer resets the WAL
// once a checkpoint has copied all of it. Under a steady stream of writes a
// PASSIVE checkpoint never catches up with the last frame, so the WAL would
// never be reset: once it holds walRestartFrames, the PASSIVE pass (which
// copied nearly everything) is followed by a RESTART, which waits for the
// write lock and copies the few frames written since, so that the next
// write starts the WAL over. The writer's own automatic
// checkpoint stays as a backstop at walBackstopPages, should this one fall
// behind. Durability is unchanged: with synchronous=NORMAL a committed
// transaction is in the WAL either way.

const (
	checkpointEvery  = 100 * time.Millisecond
	walBackstopPages = 16384 // 64 MiB of 4 KiB pages
	walRestartFrames = 2048  // 8 MiB
)

type checkpointer struct {
	db     *sql.DB
	stop   chan struct{}
	done   sync.WaitGroup
	closer sync.Once
	err    error // of the first close
}

func checkpointDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	return u.String()
}

func startCheckpointer(ctx context.Context, path string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", checkpointDSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.done.Add(1)
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer c.done.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// A failure (the disk full, say) leaves the pages in the WAL,
			// where they are still read; the writers' own errors tell.
			if w, err := c.checkpoint(context.Background(), passive); err == nil && w.frames >= walRestartFrames {
				_, _ = c.checkpoint(context.Background(), restart)
			}
		}
	}
}

// walState is what one checkpoint saw: the frames in the WAL and how many
// of them are now in the database file.
type walState struct{ frames, copied int }

type checkpointMode string

const (
	passive checkpointMode = "PASSIVE" // copies what it can, never waits
	restart checkpointMode = "RESTART" // waits for the write lock, copies all, restarts the WAL
)

// checkpoint runs one checkpoint.
func (c *checkpointer) checkpoint(ctx context.Context, mode checkpointMode) (walState, error) {
	var busy int
	var w walState
	if err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+string(mode)+`)`).Scan(&busy, &w.frames, &w.copied); err != nil {
		return walState{}, fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	return w, nil
}

// close stops the loop and closes the connection; later calls return the
// first one's result (Store.Close may be called more than once).
func (c *checkpointer) close() error {
	c.closer.Do(func() {
		close(c.stop)
		c.done.Wait()
		c.err = c.db.Close()
	})
	return c.err
}
