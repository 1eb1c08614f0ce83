package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"userpool/internal/cognitoidp"
	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/metrics"
	"userpool/internal/ratelimit"
	"userpool/internal/server"
	"userpool/internal/store"
)

// Operations wiring: rate limits, metrics, readiness and the access log
// (issue 13). Each function turns configuration into the part it names.

// newLimiter is the Cognito face's Limiter, nil when limits are off.
func newLimiter(cfg config.Limits, m *metrics.Metrics) cognitoidp.Limiter {
	if !cfg.LimitsEnabled() {
		return nil
	}
	rc := ratelimit.Config{
		Categories:     map[ratelimit.Category]ratelimit.Rate{},
		CategoryFactor: cfg.CategoryFactor,
		Source:         rateOf(cfg.Source),
		User:           rateOf(cfg.User),
		MaxKeys:        cfg.MaxKeys,
		IdleTimeout:    cfg.IdleTimeout,
		OnThrottle:     func(op string, by ratelimit.Limit) { m.Throttled(op, string(by)) },
	}
	for name, r := range cfg.Categories {
		rc.Categories[ratelimit.Category(name)] = rateOf(r)
	}
	return limiter{l: ratelimit.New(rc, nil), m: m}
}

func rateOf(r config.RateLimit) ratelimit.Rate {
	if r.RPS < 0 {
		return ratelimit.Disabled
	}
	return ratelimit.Rate{PerSecond: r.RPS, Burst: r.Burst}
}

// limiter adapts *ratelimit.Limiter to the face's seam (and to the
// server's early per-source check, cognitoidp.SourceLimiter).
type limiter struct {
	l *ratelimit.Limiter
	m *metrics.Metrics
}

func (a limiter) Allow(ctx context.Context, c cognitoidp.LimitCall) bool {
	scope := c.PoolID
	if scope == "" && c.ClientID != "" {
		scope = "client:" + c.ClientID
	}
	ok, _ := a.l.Allow(ratelimit.Request{
		Operation:     c.Operation,
		ChallengeName: c.ChallengeName,
		Signed:        c.Auth == cognitoidp.AuthSigV4,
		Source:        c.RemoteAddr,
		// The server's early check already charged the source bucket; the
		// address still keys the category's fair share.
		SourceCharged: ratelimit.SourceChecked(ctx),
		User:          ratelimit.UserKey(scope, c.Username),
	})
	return ok
}

// AllowSource is the server's early check of an unsigned call (before its
// body is read): its source's bucket, and its category's fair share
// (ratelimit.Limiter.AllowEarly). Its refusals are counted as the face's
// are: throttled by the limit that refused, and a request answered
// TooManyRequestsException (with a latency of zero: the server does no
// work for it).
func (a limiter) AllowSource(remoteAddr, operation string) bool {
	ok, by := a.l.AllowEarly(remoteAddr, operation)
	if ok {
		return true
	}
	a.m.Throttled(operation, string(by))
	a.m.ObserveRequest(metrics.Request{Operation: operation, ErrorType: "TooManyRequestsException", ErrorMessage: "Rate exceeded"})
	return false
}

// refusalHold turns limits.refusal_delay and max_held_refusals into the
// server's setting, its count of held refusals the gauge
// userpool_refusals_held (when m is set); none while throttling is off.
func refusalHold(cfg config.Limits, m *metrics.Metrics) server.RefusalHold {
	if !cfg.LimitsEnabled() {
		return server.RefusalHold{}
	}
	delay, maxHeld := cfg.Hold()
	held := new(atomic.Int64)
	if m != nil {
		m.GaugeFunc("refusals_held", "Throttled calls whose answer is being held back (limits.refusal_delay); at limits.max_held_refusals further ones are answered at once.",
			func() float64 { return float64(held.Load()) })
	}
	return server.RefusalHold{Delay: delay, Max: maxHeld, Held: held}
}

// observe feeds every request to the metrics.
func observe(m *metrics.Metrics) func(server.RequestInfo) {
	return func(ri server.RequestInfo) {
		m.ObserveRequest(metrics.Request{Operation: ri.Operation, ErrorType: ri.ErrorType, ErrorMessage: ri.ErrorMessage, Duration: ri.Duration})
	}
}

// accessLog turns log.access into the server's setting.
func accessLog(c config.AccessLog) server.AccessLog {
	a := server.AccessLog{Sample: c.Sample}
	switch c.Level {
	case "off":
		a.Off = true
	case "debug":
		a.Level = slog.LevelDebug
	}
	return a
}

// readinessChecks are /readyz's checks, cheapest first. Another part may
// append its own (the audit queue).
func readinessChecks(st store.Store, sealer *iam.Sealer) []server.ReadinessCheck {
	return []server.ReadinessCheck{
		{Name: "store-writable", Check: func(ctx context.Context) error { return store.ProbeWritable(ctx, st, time.Now()) }},
		{Name: "signing-keys", Check: func(ctx context.Context) error { return checkSigningKeys(ctx, st, sealer) }},
	}
}

// metricsRoute is the handler the main listener serves at /metrics: nil
// when server.metrics_listen gives the metrics a listener of their own.
func metricsRoute(cfg config.Config, m *metrics.Metrics) http.Handler {
	if cfg.Server.MetricsListen != "" {
		return nil
	}
	return m.Handler()
}

// serveMetrics serves /metrics on server.metrics_listen, when set, until
// the returned stop is called.
func serveMetrics(cfg config.Config, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	if cfg.Server.MetricsListen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.Server.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
