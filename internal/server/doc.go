// Package server is userpool's HTTP face: the mux that routes the Cognito JSON
// protocol, the JWKS/discovery documents, Admin Queries and health checks,
// and the middleware every request passes through (request id, access log,
// panic recovery, CORS).
//
// Panic recovery is written once, here; faces have none. A face's panic is
// answered with a 500 in the face's own protocol: AWS JSON 1.1
// InternalErrorException for the Cognito route, and for a face that
// implements PanicAnswerer (Admin Queries) its own answer.
//
// Depends on: reqctx (it starts each request's record: request id, and reads
// back the operation, error type and caller for the access log) and awsjson
// (the error envelope of a recovered panic). The faces are handed to it as
// http.Handlers by cmd/userpool; it imports none of them, and nothing but cmd
// imports it.
package server
