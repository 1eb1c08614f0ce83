// Package cognitoidp is the Cognito user pools protocol face of userpool: the
// wire shapes with AWS's member names and constraints, the operation table
// (operation name -> auth mode -> handler), and the one table that maps domain
// error kinds to the wire error type and status.
//
// Requests arrive as AWS JSON 1.1 (POST / with X-Amz-Target
// AWSCognitoIdentityProviderService.<Operation>). Each operation decodes its
// input, checks the member constraints of the model (reported as
// InvalidParameterException in AWS's Coral wording), passes the caller through
// the Authenticator seam (SigV4 + grants for signed operations), and calls the
// protocol-neutral domain in package userpool.
//
// Depends on: userpool (the domain and its read types; never the store),
// awsjson (framing), cognitorules (the model's patterns and the Coral
// message text), iam and sigv4 (the Authenticator of signed calls), reqctx
// (request id, operation, caller) and audit (the one recorder). It imports no
// other face, no store and no backend (internal/arch checks).
package cognitoidp
