// Package server is userpool's HTTP face: the mux that routes the Cognito JSON
// protocol, the JWKS/discovery documents, Admin Queries and health checks,
// and the middleware every request passes through (request id, access log,
// panic recovery, CORS).
package server
