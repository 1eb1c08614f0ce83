// Package reqctx holds the request-scoped values every face of userpool
// shares: the request id the server assigns (sent as x-amzn-RequestId), the
// operation a face resolved and the error type it answered (for the access
// log), and the caller a face authenticated (a signed principal or a pool
// user, for the access log).
//
// The server's middleware starts a request record with WithRequest; faces
// fill it in with the Set functions and read it with the typed accessors.
// Faces and the server meet here, so none imports another.
//
// Dependencies: the standard library's context only; it imports nothing
// internal and knows no protocol, which is what lets every package use it.
package reqctx
