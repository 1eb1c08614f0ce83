package main

import (
	"math"
	"math/bits"
	"time"
)

// Hist is an HDR-style log-linear latency histogram: values below 256 ns are
// exact, above that every power-of-two range is split into 128 linear
// sub-buckets, so any recorded value is off by less than 1/128 (0.8 %). It
// is not safe for concurrent use: each worker records into its own and the
// runner merges them.
type Hist struct {
	counts [histBuckets]uint64
	n      uint64
	sum    float64 // nanoseconds
	max    int64
}

const (
	histSub     = 8 // significant bits kept
	histHalf    = 1 << (histSub - 1)
	histBuckets = (64-histSub)*histHalf + (1 << histSub)
)

func histIndex(v int64) int {
	if v < 0 {
		v = 0
	}
	u := uint64(v)
	if u < 1<<histSub {
		return int(u)
	}
	shift := bits.Len64(u) - histSub
	return shift*histHalf + int(u>>uint(shift))
}

// histValue is the midpoint of bucket i's range.
func histValue(i int) int64 {
	if i < 1<<histSub {
		return int64(i)
	}
	shift := i/histHalf - 1
	m := int64(i - shift*histHalf)
	lo := m << uint(shift)
	return lo + (int64(1)<<uint(shift))/2
}

// Record adds one duration.
func (h *Hist) Record(d time.Duration) {
	v := int64(d)
	h.counts[histIndex(v)]++
	h.n++
	h.sum += float64(v)
	if v > h.max {
		h.max = v
	}
}

// Merge adds o's counts to h.
func (h *Hist) Merge(o *Hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// Count is the number of recorded values.
func (h *Hist) Count() uint64 { return h.n }

// Quantile returns the value at quantile q (0 < q <= 1).
func (h *Hist) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	var cum uint64
	for i, c := range h.counts {
		cum += c
		if cum >= rank {
			v := histValue(i)
			if v > h.max {
				v = h.max
			}
			return time.Duration(v)
		}
	}
	return time.Duration(h.max)
}

// Mean is the arithmetic mean.
func (h *Hist) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Max is the largest recorded value.
func (h *Hist) Max() time.Duration { return time.Duration(h.max) }
