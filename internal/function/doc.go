// Package function runs the application's server-side functions — the
// code Amplify declares with defineFunction and attaches to a user pool as
// Lambda triggers — for the user-pool triggers the domain fires.
//
// It is the runtime side of Cognito's Lambda integration: the domain hands
// an event JSON to an Invoker by function name or Lambda ARN
// (arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]) and
// gets the function's result JSON back, or one of the errors Cognito maps
// to its exceptions: a *FunctionError (the function threw or returned an
// error: UserLambdaValidationException), ErrTimeout (Cognito's 5-second
// cut-off: UnexpectedLambdaException "Socket timeout"), ErrNotFound, or any
// other error (the runtime failed). The domain (userpool.TriggerInvoker)
// tells them apart by methods, not types: FunctionError has
// FunctionErrorMessage(), ErrTimeout has Timeout() true and ErrNotFound has
// ErrorCode() "ResourceNotFoundException". Late is an Invoker whose target
// (the Registry) is set after the domain that calls it was built: the
// server builds the domain first and the declared functions once the
// configuration is applied.
//
// This package holds the contract (Invoker, Runner, the errors), the
// Registry of declared functions, and the Node.js runtime: a pool of warm
// node worker processes per function running the user's unmodified handler
// module (ESM or CommonJS) through a small embedded bootstrap that talks a
// length-prefixed JSON protocol over file descriptors 3 and 4, so the
// handler's console output on stdout/stderr stays apart from it.
// Sub-packages add the runtimes that speak HTTP: function/lambda (the AWS
// Lambda Invoke API, SigV4-signed: sam local start-lambda,
// serverless-offline, LocalStack) and function/webhook (an HMAC-signed
// HTTP POST).
//
// Dependencies: the standard library only (os/exec, embed, log/slog). It
// imports no store, no face and not net/http, so the domain
// (internal/userpool, which must not depend on net/http) may import it for
// the contract. The credentials a function's process gets — an access key
// internal/iam issued to the function's principal, the region, the
// endpoint and the pool id, the environment `userpool env` prints — are
// handed to it as values (Credentials) by the wiring in cmd/userpool.
package function
