// Package identity is the cognito-identity face: Amazon Cognito identity
// pools over the AWS JSON 1.1 protocol (X-Amz-Target
// AWSCognitoIdentityService.<Op>) on the same listener as the user-pools
// API. It reproduces the operations AWS SDKs' CognitoIdentityClient,
// fromCognitoIdentityPool and Amplify's fetchAuthSession call: identity
// pools (Create/Describe/Update/Delete/List), GetId,
// GetCredentialsForIdentity and GetOpenIdToken (unsigned, as in AWS), roles
// and role mappings, identities, tags and the developer-authenticated
// operations. Every other operation is signed (SigV4, signing name
// cognito-identity).
//
// It depends on the domain (internal/userpool) for every rule, on awsjson
// for framing, on sigv4 and iam for the signed operations' caller, on
// reqctx (request id, operation, caller) and on audit (the one recorder's
// outcome and actor spellings); never on internal/store nor another face.
// Its operation table is one literal (operations.go).
package identity
