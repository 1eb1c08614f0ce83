// Package metrics holds userpool's Prometheus metrics in a private registry
// (with the Go runtime and process collectors) and serves them in the text
// exposition format at /metrics.
//
// Series (all prefixed userpool_):
//
//   - requests_total{operation,outcome}: every request, outcome "ok" or the
//     error type answered (the AWS "__type", e.g. NotAuthorizedException);
//     operations outside the known set are counted as "other", requests of
//     routes without one (/healthz, /metrics, JWKS) as "none";
//   - request_duration_seconds{operation}: latency histogram;
//   - sign_ins_total{result}: InitiateAuth, AdminInitiateAuth and their
//     challenge responses, result "ok" (tokens or the next challenge) or
//     the error type;
//   - sign_in_lockouts_total: sign-in attempts refused by a lockout (answered
//     NotAuthorizedException "Password attempts exceeded", the wire answer
//     Cognito gives and clients match on);
//   - throttled_requests_total{operation,limit}: calls refused with
//     TooManyRequestsException, by the limit that refused them (user,
//     source, category);
//   - store_duration_seconds{method,outcome}: store calls (see storemetrics);
//   - audit_queue_depth: audit events waiting for their group commit (a
//     gauge function the audit recorder satisfies).
//
// Amazon Cognito publishes comparable figures as CloudWatch metrics
// (SignInSuccesses, SignInThrottles, ...); this is the self-hosted
// equivalent, not a copy of their names.
//
// Depends on github.com/prometheus/client_golang only; it imports nothing of
// userpool, so the server, the store decorator and cmd can all use it.
package metrics
