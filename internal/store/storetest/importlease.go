package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"userpool/internal/store"
)

var errLeaseHeld = errors.New("lease is held")

// testImportJobLease checks the lease of a running import job: Runner and
// HeartbeatAt round-trip through Create, Get and Update; a re-claim that
// requires a stale heartbeat is a compare-and-swap with exactly one winner;
// ListImportJobsByStatus finds the jobs of every pool in one status, by ID,
// over several pages.
func testImportJobLease(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("RoundTrip", func(t *testing.T) {
		pool := mkPool(t, s)
		j := importJobFixture(pool)
		j.Status, j.Runner, j.HeartbeatAt = "InProgress", "run-a", at(time.Minute)
		must(t, s.CreateImportJob(ctx, j))
		got, err := s.GetImportJob(ctx, pool, j.ID)
		must(t, err)
		wantEqual(t, j, got, "created with a lease")
		got, err = s.UpdateImportJob(ctx, pool, j.ID, func(x *store.ImportJob) error {
			x.Runner, x.HeartbeatAt = "run-b", at(2*time.Minute)
			return nil
		})
		must(t, err)
		j.Runner, j.HeartbeatAt = "run-b", at(2*time.Minute)
		wantEqual(t, j, got, "update result")
		got, err = s.GetImportJobByID(ctx, j.ID)
		must(t, err)
		wantEqual(t, j, got, "after the update")
	})

	t.Run("ReclaimOneWinner", func(t *testing.T) {
		pool := mkPool(t, s)
		j := importJobFixture(pool)
		j.Status, j.Runner, j.HeartbeatAt = "InProgress", "dead", base
		must(t, s.CreateImportJob(ctx, j))
		now := at(time.Hour)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.UpdateImportJob(ctx, pool, j.ID, func(x *store.ImportJob) error {
					if now.Sub(x.HeartbeatAt) < 30*time.Second {
						return errLeaseHeld
					}
					x.Runner, x.HeartbeatAt = string(rune('a'+i)), now
					return nil
				})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, errLeaseHeld):
				t.Fatalf("re-claim: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d runs re-claimed the job, want exactly 1", wins)
		}
	})

	t.Run("ByStatus", func(t *testing.T) {
		pools := []string{mkPool(t, s), mkPool(t, s)}
		status := uniq("Status-") // other tests' jobs share the database
		var want []string
		for i := range 2*store.MaxPageSize + 3 {
			j := importJobFixture(pools[i%2])
			if i%3 == 0 {
				j.Status = "Created"
			} else {
				j.Status = status
				want = append(want, j.ID)
			}
			must(t, s.CreateImportJob(ctx, j))
		}
		slices.Sort(want)
		var got []string
		page := store.Page{Limit: store.MaxPageSize}
		pages := 0
		for {
			js, next, err := s.ListImportJobsByStatus(ctx, status, page)
			must(t, err)
			pages++
			for _, j := range js {
				if j.Status != status {
					t.Fatalf("job %s in status %q listed for %q", j.ID, j.Status, status)
				}
				got = append(got, j.ID)
			}
			if next == "" {
				break
			}
			page.Token = next
		}
		wantEqual(t, want, got, "jobs by status, by id")
		if pages < 2 {
			t.Errorf("%d pages, want several", pages)
		}
		js, next, err := s.ListImportJobsByStatus(ctx, uniq("None-"), store.Page{})
		must(t, err)
		if len(js) != 0 || next != "" {
			t.Errorf("unknown status: %d jobs, next %q", len(js), next)
		}
		_, _, err = s.ListImportJobsByStatus(ctx, status, store.Page{Token: "garbage"})
		wantErr(t, err, store.ErrInvalidToken, "bad token")
	})
}
