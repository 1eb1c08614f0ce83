// Package audit is userpool's one audit seam: every face records through its
// Recorder, and the spellings of outcomes and actor types are constants here.
// It is the counterpart of what AWS CloudTrail records for cognito-idp
// management events: who did what ("cognito-idp:<Operation>" for signed
// Cognito calls, "adminqueries:<route>" for Admin Queries), on which pool, to
// which user or group, with what outcome ("allowed", "denied" or
// "error:<ErrorType>") and the request id.
//
// Actors are a principal (ActorPrincipal, the owner of a verified access
// key), the access key id a request claimed when its authentication failed
// (ActorAccessKey), or a pool user signed in to Admin Queries (ActorUser).
//
// The Cognito face records every signed call that changes state and every
// call refused by authentication or authorisation; Admin Queries records its
// state-changing routes. Record group-commits concurrent events into one
// transaction and returns once its event is stored; a store failure is logged
// and never fails the request.
//
// Dependencies: the domain (userpool.AuditEvent, written through
// *userpool.Service) and the error types it classifies (iam, sigv4, awsjson).
// It imports neither the store nor any face.
package audit
