package server

import (
	"log/slog"
	"math/rand/v2"
)

// AccessLog says which requests get an access-log line. The zero value logs
// every request at INFO (the behaviour before it was configurable).
type AccessLog struct {
	// Off logs no successful request; errors are still logged.
	Off bool
	// Level of the line of a successful request (default INFO; DEBUG makes
	// them visible only with log.level debug).
	Level slog.Level
	// Sample is the fraction of successful requests logged, in (0, 1];
	// 0 means 1 (all).
	Sample float64
	// ThrottledSample is the fraction of throttled calls logged (default
	// DefaultThrottledSample); see line.
	ThrottledSample float64
	// Rand returns a number in [0, 1) (tests; default math/rand/v2).
	Rand func() float64
}

// line returns whether to log a request and at which level. A request that
// failed (status ≥ 400 or an error type answered) is always logged: 5xx at
// ERROR, others at INFO or the configured level if higher.
//
// The exception is a throttled call (TooManyRequestsException): a flood is
// answered with thousands of them a second, and logging each would let the
// flood fill the disk; they are logged at INFO, at most ThrottledSample of
// them (default 1 %), and counted in full by the metrics.
func (a AccessLog) line(status int, errorType string) (slog.Level, bool) {
	switch {
	case status >= 500:
		return slog.LevelError, true
	case errorType == throttledType:
		s := a.ThrottledSample
		if s <= 0 {
			s = DefaultThrottledSample
		}
		return slog.LevelInfo, a.sampled(s)
	case status >= 400 || errorType != "":
		return max(a.Level, slog.LevelInfo), true
	case a.Off:
		return 0, false
	}
	return a.Level, a.sampled(a.Sample)
}

// throttledType is the error type of a throttled call.
const throttledType = "TooManyRequestsException"

// DefaultThrottledSample is the share of throttled calls logged.
const DefaultThrottledSample = 0.01

// sampled draws with probability s (s outside (0, 1) is always).
func (a AccessLog) sampled(s float64) bool {
	if s <= 0 || s >= 1 {
		return true
	}
	r := a.Rand
	if r == nil {
		r = rand.Float64
	}
	return r() < s
}
