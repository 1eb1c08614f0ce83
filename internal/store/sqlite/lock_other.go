//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import "os"

// tryLock: on systems without flock(2) the server lock is not enforced;
// the lock file still names the last holder.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) error { return nil }
