// Package sigv4 verifies AWS Signature Version 4 (AWS4-HMAC-SHA256, header
// form) on incoming requests, the way Amazon Cognito's cognito-idp endpoint
// authenticates the SigV4-signed ("IAM-authorized") operations such as
// AdminGetUser, ListUsers or CreateUserPool.
//
// It is hand-written because verification must follow the client's own
// SignedHeaders list: every AWS SDK signs a different header set (aws-sdk-go-v2
// v1.47.7 signs amz-sdk-invocation-id;amz-sdk-request;content-length;
// content-type;host;x-amz-date;x-amz-target; botocore and JS v3 differ), and
// re-signing with an SDK signer silently drops headers the SDK never signs
// (User-Agent, Expect, ...).
//
// What Verify reproduces:
//
//   - canonical request from exactly the client's SignedHeaders, in the
//     client's order; header values trimmed, runs of spaces collapsed,
//     repeated headers joined with ','; host from r.Host; content-length
//     from the header (or r.ContentLength); the canonical URI is the escaped
//     path encoded once more (non-S3 rule; "/" for this service); the
//     canonical query string sorted after encoding;
//   - payload hash = SHA-256 of the body; a sent X-Amz-Content-Sha256 must
//     equal it;
//   - X-Amz-Date (or Date) required; credential-scope date must be its day;
//     service must be cognito-idp (configurable); region syntactically valid
//     or in an allow list; ±5 minutes clock skew;
//   - host and the date header must be signed, and X-Amz-Target when the
//     request carries it (else a captured call could be re-targeted to
//     another operation with its signature intact); a signed
//     X-Amz-Security-Token is accepted and ignored (no STS here);
//   - the derived signing key is cached per (secret, date, region, service)
//     in a 256-entry LRU keyed by a hash of the secret; the signature is
//     compared with hmac.Equal.
//
// Errors are *Error{Code, Message} with AWS's error types. Wording sources:
//
//   - Observed in real AWS responses (GitHub issues): "Missing Authentication
//     Token" (MissingAuthenticationTokenException, also seen from cognito-idp
//     through the .NET SDK); "The security token included in the request is
//     invalid." (UnrecognizedClientException, HTTP 400 from cognito-idp);
//     the InvalidSignatureException mismatch text; "Signature expired: <d> is
//     now earlier than <now-5m> (<now> - 5 min.)" and "Signature not yet
//     current: <d> is still later than <now+5m> (<now> + 5 min.)";
//     "Credential should be scoped to correct service: '<svc>'. " and
//     "Credential should be scoped to a valid region, not '<r>'. " (both with
//     AWS's trailing space); "Authorization header requires 'Credential'
//     parameter. ... Authorization header requires existence of either a
//     'X-Amz-Date' or a 'Date' header. Authorization=<header>" (problems
//     aggregated in that order); "'<x>' not a valid key=value pair (missing
//     equal-sign) in Authorization header: '<header>'."; "Credential must have
//     exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,
//     got '<cred>'"; "Date must be in ISO-8601 'basic format'. Got '<d>'. See
//     http://en.wikipedia.org/wiki/ISO_8601"; "'Host' must be a 'SignedHeader'
//     in the AWS Authorization.".
//   - Inferred (same style, not seen verbatim): the terminator and
//     credential-scope-date messages, "'X-Amz-Date' must be a 'SignedHeader'
//     ...", "'X-Amz-Target' must be a 'SignedHeader' ...", the unsupported-algorithm, unknown/duplicate-parameter and
//     SignedHeaders-syntax messages, the single-Authorization-header message,
//     the x-amz-content-sha256 mismatch (S3's wording), which of
//     Incomplete/InvalidSignature the signed-header checks use, and HTTP 400
//     for every code (observed only for UnrecognizedClientException).
//
// Lookup errors other than ErrUnknownAccessKey are returned wrapped (not as
// *Error) so the caller answers InternalErrorException and logs the cause.
package sigv4
