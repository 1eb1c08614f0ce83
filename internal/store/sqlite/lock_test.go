//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A second LockServer on the same database is refused, naming the holder;
// once the holder unlocks, the lock can be taken again. Other databases are
// other locks.
func TestLockServerExcludes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "userpool.db")
	l1, err := LockServer(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockServer(path)
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second LockServer: %v, want a *LockedError", err)
	}
	if le.PID != os.Getpid() || le.Path != path {
		t.Errorf("LockedError = %+v, want pid %d and path %s", le, os.Getpid(), path)
	}
	for _, want := range []string{path, "pid " + strconv.Itoa(os.Getpid()), "one userpool server"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err.Error(), want)
		}
	}
	other, err := LockServer(filepath.Join(dir, "other.db"))
	if err != nil {
		t.Fatalf("lock of another database: %v", err)
	}
	if err := other.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l1.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l1.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
	l2, err := LockServer(path)
	if err != nil {
		t.Fatalf("LockServer after Unlock: %v", err)
	}
	defer l2.Unlock()
}

// A lock file left by a crashed holder (its pid still in it, no flock held)
// locks nothing.
func TestLockServerStaleFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "userpool.db")
	if err := os.WriteFile(LockPath(path), []byte("999999\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := LockServer(path)
	if err != nil {
		t.Fatalf("LockServer over a stale file: %v", err)
	}
	defer l.Unlock()
	b, err := os.ReadFile(LockPath(path))
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, %v; want this process's pid", b, err)
	}
}

// The lock of another process is refused with its pid, and released by the
// kernel when that process is killed.
func TestLockServerOtherProcess(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "userpool.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockServerHelper$")
	cmd.Env = append(os.Environ(), "USERPOOL_LOCK_HELPER="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper said %q, %v", line, err)
	}
	_, err = LockServer(path)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
		t.Errorf("LockServer while another process holds it: %v, want a *LockedError with pid %d", err, cmd.Process.Pid)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err := LockServer(path)
	if err != nil {
		t.Fatalf("LockServer after the holder died: %v", err)
	}
	l.Unlock()
}

// TestLockServerHelper is the other process of TestLockServerOtherProcess:
// it holds the lock until its stdin closes or it is killed.
func TestLockServerHelper(t *testing.T) {
	path := os.Getenv("USERPOOL_LOCK_HELPER")
	if path == "" {
		t.Skip("helper process only")
	}
	l, err := LockServer(path)
	if err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	l.Unlock()
	os.Exit(0)
}
