// Package testapi is the test API: HTTP endpoints for people who run their
// application's tests against userpool, doing what Cognito has no operation
// for (or what would take a mailbox or a sign-in):
//
//	GET  /_userpool/pools/{poolId}/messages?username=U       codes and messages sent to a user
//	POST /_userpool/pools/{poolId}/users/{username}/tokens    {"clientId": C} -> tokens, no password
//	POST /_userpool/pools/{poolId}/users/{username}/status    {"status": "CONFIRMED"|...}
//	POST /_userpool/pools/{poolId}/reset                      {"keepGroups": b, "keepClients": b}
//	GET  /_userpool/clock, POST /_userpool/clock              the development clock (dev mode only)
//	POST /moto-api/reset                                      moto's server-mode reset: every pool
//
// It is off by default (every route answers 403 AccessDeniedException) and
// on with --dev-accept-any-credentials or testing_api.enabled. Even then
// every call must be SigV4-signed by a principal holding the root grant —
// cognito-idp:* on "*" — verified with the same sigv4.Verifier and iam
// access keys as the Cognito face; in development mode, as the Cognito face
// does there, any well-formed signature is accepted. A caller without the
// grant gets 403 AccessDeniedException (JSON {"__type", "message"}). Every
// call, allowed or not, is recorded through the one audit recorder with
// the action "testapi:<Operation>".
//
// The messages are recorded by userpool.RecordingSender, which cmd/userpool
// wraps around the configured Sender only while the test API is on. The
// development clock (Clock) is the real time plus an offset that only moves
// forward; the domain and the token issuer run on it in development mode.
//
// Dependencies: the domain (internal/userpool) for every action; iam and
// sigv4 for the root-grant check, audit for the audit seam, reqctx for the
// request's id and caller. It never imports internal/store (an arch test
// enforces it) nor another face.
package testapi
