package sqlite

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// The server lock. One SQLite database is served by one process: the
// server keeps per-instance state beside the file (caches, counters, the
// audit queue) that a second server on the same file would contradict.
// `userpool serve` therefore takes the database's server lock for as long
// as it runs, and a second serve on the same database is refused at once.
//
// The lock is an exclusive flock(2) on the file PATH.lock beside the
// database PATH, holding the holder's process id (for the message of the
// refused one). The kernel releases it when its holder exits, however it
// exits: a lock file left behind by a crash locks nothing. The file is never
// removed (removing it would let two processes lock two different files of
// the same name). Separate opens of the file conflict even within one
// process, so a test can hold it twice.
//
// The administrative commands (userpool env, principal, keys, ...) do not
// take it: they are made to write beside a running server, which SQLite's
// WAL and busy timeout allow. migrate-store takes it on a SQLite source
// and destination: a server writing either during the copy would make the
// copy differ from its source.
//
// SQLite's own locks are POSIX record locks on the database file; flock
// locks on another file are independent of them.

// LockedError reports that another process holds the server lock.
type LockedError struct {
	Path string // the database
	PID  int    // the holder's process id; 0 when unknown
}

func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "another process (pid " + strconv.Itoa(e.PID) + ")"
	}
	return fmt.Sprintf("sqlite: %s is in use by %s: one SQLite database is served by one userpool server at a time (lock file %s)", e.Path, holder, LockPath(e.Path))
}

// LockPath is the lock file of the database at path.
func LockPath(path string) string { return path + ".lock" }

// ServerLock is a held server lock.
type ServerLock struct {
	f *os.File
}

// LockServer takes the server lock of the database at path without
// waiting: a *LockedError when another process (or another open in this
// one) holds it.
func LockServer(path string) (*ServerLock, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	f, err := os.OpenFile(LockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: lock: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("sqlite: lock %s: %w", LockPath(path), err)
	}
	if !held {
		pid := readPID(f)
		f.Close()
		return nil, &LockedError{Path: path, PID: pid}
	}
	if err := writePID(f, os.Getpid()); err != nil {
		unlock(f)
		f.Close()
		return nil, fmt.Errorf("sqlite: lock %s: %w", LockPath(path), err)
	}
	return &ServerLock{f: f}, nil
}

// Unlock releases the lock. The file stays, empty.
func (l *ServerLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	err := f.Truncate(0)
	return errors.Join(err, unlock(f), f.Close())
}

func writePID(f *os.File, pid int) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(pid)+"\n"), 0)
	return err
}

// readPID is the process id the holder wrote, 0 when there is none (yet).
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
