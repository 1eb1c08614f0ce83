package password

import (
	"runtime"
	"sync"
)

// Each argon2id computation holds Params.Memory (19 MiB by default) while it
// runs. Without a bound, a burst of sign-ins allocates that once per request
// in flight (measured: 1.1 GB resident at 32 concurrent sign-ins), although
// two cores finish no more hashes per second with 32 at once than with a
// few. acquire bounds the hashes computed at once; the rest wait their turn,
// so throughput is unchanged and memory stays at limit × Memory.

var (
	limitMu sync.Mutex
	slots   = make(chan struct{}, defaultConcurrency())
)

func defaultConcurrency() int { return max(2, runtime.GOMAXPROCS(0)) }

// SetConcurrency sets how many hashes may be computed at once (n < 1: the
// default, GOMAXPROCS but at least 2). Call it at start-up, before hashing.
func SetConcurrency(n int) {
	if n < 1 {
		n = defaultConcurrency()
	}
	limitMu.Lock()
	slots = make(chan struct{}, n)
	limitMu.Unlock()
}

// Concurrency is the current bound.
func Concurrency() int {
	limitMu.Lock()
	defer limitMu.Unlock()
	return cap(slots)
}

// acquire waits for a slot and returns its release.
func acquire() func() {
	limitMu.Lock()
	s := slots
	limitMu.Unlock()
	s <- struct{}{}
	return func() { <-s }
}
