package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Worker is the state of one closed-loop client goroutine.
type Worker struct {
	ID   int
	Iter int64
	Rand *rand.Rand
	// Sub records sub-request latencies of multi-request operations (pages of
	// a walk, the two legs of SRP).
	Sub  Hist
	hist Hist
	errs map[string]int64
	// SubReqs counts HTTP requests made by a multi-request operation.
	SubReqs int64
	State   any
}

// errPhaseDone, returned by an operation, ends that worker's loop without
// counting an error: its prepared inputs (authorization codes) ran out.
var errPhaseDone = errors.New("loadtest: prepared inputs exhausted")

// OpFunc runs one iteration of an operation.
type OpFunc func(ctx context.Context, w *Worker) error

// RunSpec describes one measured phase.
type RunSpec struct {
	Name        string
	Concurrency int
	Duration    time.Duration
	Warmup      time.Duration
	// MaxIter bounds the total iterations (0: 50 million).
	MaxIter int64
	Setup   func(w *Worker)
	Fn      OpFunc
}

// OpResult is the measurement of one phase.
type OpResult struct {
	Name        string           `json:"name"`
	Concurrency int              `json:"concurrency"`
	Seconds     float64          `json:"seconds"`
	Ops         int64            `json:"ops"`
	Errors      int64            `json:"errors"`
	ErrorTypes  map[string]int64 `json:"error_types,omitempty"`
	Throughput  float64          `json:"ops_per_s"` // successful ops per second
	MeanMS      float64          `json:"mean_ms"`
	P50MS       float64          `json:"p50_ms"`
	P90MS       float64          `json:"p90_ms"`
	P99MS       float64          `json:"p99_ms"`
	MaxMS       float64          `json:"max_ms"`
	// Sub-request figures for multi-request operations.
	SubRequests  int64   `json:"sub_requests,omitempty"`
	SubPerS      float64 `json:"sub_requests_per_s,omitempty"`
	SubP50MS     float64 `json:"sub_p50_ms,omitempty"`
	SubP99MS     float64 `json:"sub_p99_ms,omitempty"`
	Note         string  `json:"note,omitempty"`
	Skipped      string  `json:"skipped,omitempty"`
	RatioCeiling float64 `json:"ratio_to_ceiling,omitempty"`
	P99VsCeiling float64 `json:"p99_vs_ceiling,omitempty"`
	// CPU time per successful op: the server process's and this tool's.
	ServerCPUMS float64 `json:"server_cpu_ms_per_op,omitempty"`
	ClientCPUMS float64 `json:"client_cpu_ms_per_op,omitempty"`
	// OtherCPU is the CPU (in cores) that processes other than the server
	// and this tool used during the phase: the machine is shared, and a
	// busy neighbour invalidates the figures.
	OtherCPU float64 `json:"other_cpu_cores"`
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// Run drives spec.Fn from spec.Concurrency goroutines, each issuing its next
// request as soon as the previous one returns, for spec.Duration (after an
// unrecorded warm-up). Every loop is bounded by time and by MaxIter.
func Run(ctx context.Context, spec RunSpec) OpResult {
	if spec.MaxIter <= 0 {
		spec.MaxIter = 50_000_000
	}
	workers := make([]*Worker, spec.Concurrency)
	for i := range workers {
		w := &Worker{ID: i, Rand: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(i)+1)), errs: map[string]int64{}}
		if spec.Setup != nil {
			spec.Setup(w)
		}
		workers[i] = w
	}
	var total, okCount, errCount atomic.Int64
	hardStop := spec.Warmup + spec.Duration + 30*time.Second
	rctx, cancel := context.WithTimeout(ctx, hardStop)
	defer cancel()

	runPhase := func(d time.Duration, record bool) time.Duration {
		deadline := time.Now().Add(d)
		start := time.Now()
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Add(1)
			go func(w *Worker) {
				defer wg.Done()
				for time.Now().Before(deadline) && rctx.Err() == nil {
					if record && total.Add(1) > spec.MaxIter {
						return
					}
					t0 := time.Now()
					err := spec.Fn(rctx, w)
					el := time.Since(t0)
					if errors.Is(err, errPhaseDone) {
						return
					}
					w.Iter++
					if !record {
						continue
					}
					if err != nil {
						w.errs[errType(err)]++
						// An operation the target does not support fails at once;
						// stop after 1000 failures without a single success.
						if errCount.Add(1) >= 1000 && okCount.Load() == 0 {
							return
						}
						continue
					}
					okCount.Add(1)
					w.hist.Record(el)
				}
			}(w)
		}
		wg.Wait()
		return time.Since(start)
	}
	if spec.Warmup > 0 {
		runPhase(spec.Warmup, false)
		for _, w := range workers {
			w.Sub = Hist{}
			w.SubReqs = 0
		}
	}
	el := runPhase(spec.Duration, true)

	var h, sub Hist
	res := OpResult{Name: spec.Name, Concurrency: spec.Concurrency, Seconds: el.Seconds(), ErrorTypes: map[string]int64{}}
	for _, w := range workers {
		h.Merge(&w.hist)
		sub.Merge(&w.Sub)
		res.SubRequests += w.SubReqs
		for k, v := range w.errs {
			res.ErrorTypes[k] += v
			res.Errors += v
		}
	}
	if len(res.ErrorTypes) == 0 {
		res.ErrorTypes = nil
	}
	res.Ops = int64(h.Count())
	res.Throughput = float64(res.Ops) / el.Seconds()
	res.MeanMS = ms(h.Mean())
	res.P50MS = ms(h.Quantile(0.50))
	res.P90MS = ms(h.Quantile(0.90))
	res.P99MS = ms(h.Quantile(0.99))
	res.MaxMS = ms(h.Max())
	if sub.Count() > 0 {
		res.SubPerS = float64(res.SubRequests) / el.Seconds()
		res.SubP50MS = ms(sub.Quantile(0.50))
		res.SubP99MS = ms(sub.Quantile(0.99))
	}
	return res
}

// topErrors renders the most frequent error types.
func topErrors(m map[string]int64) string {
	type kv struct {
		k string
		v int64
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
	s := ""
	for i, e := range l {
		if i == 2 {
			s += " …"
			break
		}
		if s != "" {
			s += ", "
		}
		s += e.k
	}
	return s
}
