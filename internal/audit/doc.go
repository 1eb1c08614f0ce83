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
// transaction.
//
// Never in the way of a request: the queue is bounded (Options.QueueSize);
// when it is full the event is dropped and counted (Dropped), not waited
// for; a write failure is logged and counted (Lost), never returned.
// Anonymous denials (ActorAccessKey, "denied": a bad signature, an unknown
// key) are not waited for at all, and their repetitions within
// Options.AggregateWindow fold into one row whose Detail starts "repeated N
// times from <first> to <last>; " (aggregate.go). QueueDepth, Dropped,
// Lost and Folded are for metrics; Healthy is a readiness check that fails
// while the last write failed recently (a full disk). Retention (retention.go)
// deletes events older than audit.retention in batches.
//
// The guarantee (issue 13 finding 12): an audit row is not written in the
// transaction of the change it records. A change is committed by the domain
// first; its row is then written by the Recorder (group commit) and, for an
// authenticated call, Record returns only after the row is stored (or its
// write failed, or the queue was full, or writeTimeout passed) — so the
// response is sent after both, and a client that saw a success can find the
// row. A crash (or kill -9, or power loss) after the change commits and
// before the row is stored loses the row: the change stays and nothing in
// the audit log shows it. The access log line of that request (written
// after the response, when log.access logs successes) carries the request
// id, the operation and the principal — and may be lost in the same crash. Anonymous denials are written
// asynchronously (a crash may lose the last few seconds of them, and their
// aggregate counts). Writing the row inside every store transaction would
// make the two atomic; it was not done because the audit seam would then
// reach into every write path of the domain and every backend (see
// docs/audit.md).
//
// Dependencies: the domain (userpool.AuditEvent, written and pruned through
// *userpool.Service) and the error types it classifies (iam, sigv4,
// awsjson). It imports neither the store nor any face.
package audit
