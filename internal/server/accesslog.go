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
	// Rand returns a number in [0, 1) (tests; default math/rand/v2).
	Rand func() float64
}

// line returns whether to log a request and at which level. A request that
// failed (status ≥ 400 or an error type answered) is always logged: 5xx at
// ERROR, others at INFO or the configured level if higher.
func (a AccessLog) line(status int, errorType string) (slog.Level, bool) {
	switch {
	case status >= 500:
		return slog.LevelError, true
	case status >= 400 || errorType != "":
		return max(a.Level, slog.LevelInfo), true
	case a.Off:
		return 0, false
	}
	if a.Sample > 0 && a.Sample < 1 {
		r := a.Rand
		if r == nil {
			r = rand.Float64
		}
		if r() >= a.Sample {
			return 0, false
		}
	}
	return a.Level, true
}
