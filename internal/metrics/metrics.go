package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "userpool"

// Outcome of a request that succeeded.
const OutcomeOK = "ok"

// otherOperation labels operations outside the known set (an unknown
// X-Amz-Target must not mint a series per string a client sends).
const otherOperation = "other"

// noOperation labels requests of routes without an operation (/healthz,
// /metrics, JWKS documents).
const noOperation = "none"

// signInOperations are the calls counted as sign-ins.
var signInOperations = map[string]bool{
	"InitiateAuth":                true,
	"AdminInitiateAuth":           true,
	"RespondToAuthChallenge":      true,
	"AdminRespondToAuthChallenge": true,
}

// lockoutType and lockoutMessage are the answer to an attempt refused by a
// lockout.
const (
	lockoutType    = "NotAuthorizedException"
	lockoutMessage = "Password attempts exceeded"
)

// Metrics is the registry and the series userpool records. Its methods are
// safe for concurrent use; a nil *Metrics records nothing.
type Metrics struct {
	reg       *prometheus.Registry
	known     map[string]bool
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	signIns   *prometheus.CounterVec
	lockouts  prometheus.Counter
	throttled *prometheus.CounterVec
	store     *prometheus.HistogramVec
}

// New builds the registry. operations is the set of operation (or route)
// names that get their own label value; others count as "other".
func New(operations []string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m := &Metrics{reg: reg, known: map[string]bool{}}
	for _, op := range operations {
		m.known[op] = true
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "requests_total",
		Help: "Requests by operation and outcome (ok or the error type answered).",
	}, []string{"operation", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "request_duration_seconds",
		Help:    "Request latency by operation.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"operation"})
	m.signIns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "sign_ins_total",
		Help: "Sign-in calls (InitiateAuth, AdminInitiateAuth and challenge responses) by result.",
	}, []string{"result"})
	m.lockouts = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: namespace, Name: "sign_in_lockouts_total",
		Help: "Sign-in attempts refused by a lockout (Password attempts exceeded).",
	})
	m.throttled = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "throttled_requests_total",
		Help: "Calls refused with TooManyRequestsException, by operation and the limit that refused them.",
	}, []string{"operation", "limit"})
	m.store = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "store_duration_seconds",
		Help:    "Store call latency by method and outcome (ok or error).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
	}, []string{"method", "outcome"})
	reg.MustRegister(m.requests, m.latency, m.signIns, m.lockouts, m.throttled, m.store)
	return m
}

// AddOperations adds names to the known operations. Call it before the
// server serves (the set is read without a lock).
func (m *Metrics) AddOperations(names ...string) {
	for _, n := range names {
		m.known[n] = true
	}
}

// Registry is the private registry (tests, extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request is one served request, as the server saw it.
type Request struct {
	// Operation the face resolved the request to ("" for routes without one).
	Operation string
	// ErrorType answered ("" on success).
	ErrorType string
	// ErrorMessage is the x-amzn-ErrorMessage answered, if any.
	ErrorMessage string
	Duration     time.Duration
}

// ObserveRequest records a request: its count, latency and, for sign-in
// operations, its result and whether a lockout refused it.
func (m *Metrics) ObserveRequest(r Request) {
	if m == nil {
		return
	}
	op := r.Operation
	switch {
	case op == "":
		op = noOperation
	case !m.known[op]:
		op = otherOperation
	}
	outcome := r.ErrorType
	if outcome == "" {
		outcome = OutcomeOK
	}
	m.requests.WithLabelValues(op, outcome).Inc()
	m.latency.WithLabelValues(op).Observe(r.Duration.Seconds())
	if signInOperations[r.Operation] {
		m.signIns.WithLabelValues(outcome).Inc()
		if r.ErrorType == lockoutType && r.ErrorMessage == lockoutMessage {
			m.lockouts.Inc()
		}
	}
}

// Throttled counts a call refused by a rate limit.
func (m *Metrics) Throttled(operation, limit string) {
	if m == nil {
		return
	}
	if !m.known[operation] {
		operation = otherOperation
	}
	m.throttled.WithLabelValues(operation, limit).Inc()
}

// ObserveStore records one store call.
func (m *Metrics) ObserveStore(method string, err error, d time.Duration) {
	if m == nil {
		return
	}
	outcome := OutcomeOK
	if err != nil {
		outcome = "error"
	}
	m.store.WithLabelValues(method, outcome).Observe(d.Seconds())
}

// GaugeFunc registers a gauge read from f at each scrape (e.g. the audit
// queue depth: name "audit_queue_depth").
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, f))
}
