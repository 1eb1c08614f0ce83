// Package audit is userpool's audit log of signed (IAM-authorised) calls, the
// counterpart of what AWS CloudTrail records for cognito-idp management
// events: who (the principal of the access key) did what
// ("cognito-idp:<Operation>"), on which pool, to which user or group, with
// what outcome ("allowed", "denied" or "error:<ErrorType>") and the request id.
//
// Recorder implements cognitoidp.Auditor. The Cognito handler calls it for
// every signed call that changes state and for every call refused by
// authentication or authorisation. Writing the entry is best effort: a store
// failure is logged and never fails the request.
package audit
