// Package webhook runs a declared function as an HTTP webhook: userpool
// POSTs the event JSON to the function's URL and the response body (JSON)
// is the function's result, as Lambda's would be.
//
// Each request carries X-Userpool-Signature: t=<unix seconds>,v1=<hex>,
// where v1 is HMAC-SHA256 under the function's secret of
// "<t>.<body>" (the timestamp, a dot, the raw body), and
// X-Userpool-Function: <name>. A receiver recomputes v1, compares it in
// constant time and refuses old timestamps (Verify does all three for Go
// receivers). A 2xx answer is the result; any other status is the
// function's error (*function.FunctionError, Cognito's
// UserLambdaValidationException), its message taken from the body's
// errorMessage or message member, else the body's text; no answer in time
// wraps function.ErrTimeout. The secret is a function.Secret: never
// printed or logged.
//
// Dependencies: net/http, crypto; the function contract. No store, no face.
package webhook
