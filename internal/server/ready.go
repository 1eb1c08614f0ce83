package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

// ReadinessCheck is one condition /readyz requires: Name is reported when
// Check fails (the error itself is only logged; it may name files or hosts).
type ReadinessCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// readyTimeout bounds one /readyz answer, all checks together.
const readyTimeout = 3 * time.Second

// readyz answers 200 {"status":"ok"} when every check passes, else 503
// {"status":"unavailable","failed":"<name>"} naming the first that failed.
// Checks run in order, so cheap ones should come first.
func readyz(checks []ReadinessCheck, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		for _, c := range checks {
			if err := c.Check(ctx); err != nil {
				log.Error("readiness check failed", "check", c.Name, "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				_ = json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "failed": c.Name})
				return
			}
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}
}
