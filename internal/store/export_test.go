package store

import (
	"errors"
	"fmt"
	"testing"
)

// TestKeyset: every record of a keyset-paged source is yielded once, in
// order, whatever the total (exact multiples of the batch size included);
// fetch sees the last key of the previous batch; an error is yielded once.
func TestKeyset(t *testing.T) {
	for _, total := range []int{0, 1, ExportBatch - 1, ExportBatch, ExportBatch + 1, 2 * ExportBatch} {
		t.Run(fmt.Sprint(total), func(t *testing.T) {
			calls := 0
			seq := Keyset(func(after *int) ([]int, error) {
				calls++
				start := 0
				if after != nil {
					start = *after + 1
				}
				var out []int
				for i := start; i < total && len(out) < ExportBatch; i++ {
					out = append(out, i)
				}
				return out, nil
			})
			next := 0
			for v, err := range seq {
				if err != nil || v != next {
					t.Fatalf("got (%d, %v), want (%d, nil)", v, err, next)
				}
				next++
			}
			if next != total {
				t.Fatalf("yielded %d records, want %d", next, total)
			}
			if want := total/ExportBatch + 1; calls != want {
				t.Fatalf("%d fetches, want %d", calls, want)
			}
		})
	}
	t.Run("Error", func(t *testing.T) {
		boom := errors.New("boom")
		calls := 0
		var got []error
		for _, err := range Keyset(func(after *int) ([]int, error) {
			calls++
			if after == nil {
				return make([]int, ExportBatch), nil
			}
			return nil, boom
		}) {
			got = append(got, err)
		}
		if calls != 2 || len(got) != ExportBatch+1 || !errors.Is(got[ExportBatch], boom) {
			t.Fatalf("calls %d, %d values, last %v", calls, len(got), got[len(got)-1])
		}
	})
}
