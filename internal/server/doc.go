// Package server is userpool's HTTP face: the mux that routes the Cognito JSON
// protocol, the JWKS/discovery documents, Admin Queries and health checks,
// and the middleware every request passes through (request id, access log,
// metrics observation, panic recovery, CORS).
//
// Operations endpoints: GET /healthz is liveness (Options.Health, a store
// ping); GET /readyz runs the readiness checks it is handed
// ([]ReadinessCheck, e.g. store writable, signing keys loadable, audit
// queue) in order and answers 503 {"status":"unavailable","failed":"<name>"}
// naming the first that failed (the error goes to the log only); GET
// /metrics serves Options.Metrics when the metrics share the main listener.
//
// The access log (AccessLog) writes successful requests at a configured
// level, sampled, or not at all; a request that failed is always logged
// (5xx at ERROR), except throttled calls, of which 1 % are logged (a flood
// must not fill the disk; the metrics count them all). Bodies, headers and query strings are never logged.
//
// Panic recovery is written once, here; faces have none. A face's panic is
// answered with a 500 in the face's own protocol: AWS JSON 1.1
// InternalErrorException for the Cognito route, and for a face that
// implements PanicAnswerer (Admin Queries) its own answer.
//
// Depends on: reqctx (it starts each request's record: request id, and reads
// back the operation, error type and caller for the access log and the
// metrics observer) and awsjson (the error envelope of a recovered panic). The faces are handed to it as
// http.Handlers by cmd/userpool; it imports none of them, and nothing but cmd
// imports it.
package server
