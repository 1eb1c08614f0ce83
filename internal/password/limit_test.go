package password

import (
	"crypto/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestAcquireBoundsConcurrentHashes(t *testing.T) {
	defer SetConcurrency(0)
	SetConcurrency(3)
	if Concurrency() != 3 {
		t.Fatalf("Concurrency() = %d", Concurrency())
	}
	var inFlight, peak atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release := acquire()
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			inFlight.Add(-1)
			release()
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > 3 || p < 1 {
		t.Fatalf("peak concurrency %d, want 1..3", p)
	}
}

func TestHashAndVerifyUnderTheLimit(t *testing.T) {
	defer SetConcurrency(0)
	SetConcurrency(1)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := Hash("Passw0rd!", InsecureTestParams, rand.Reader)
			if err != nil {
				errs <- err
				return
			}
			if ok, err := Verify("Passw0rd!", h); !ok || err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	SetConcurrency(-1)
	if Concurrency() < 2 {
		t.Fatalf("default concurrency %d", Concurrency())
	}
}
