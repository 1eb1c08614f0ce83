// Package iam is userpool's stand-in for AWS IAM on the cognito-idp API:
// which server-side caller (a principal, what Amplify calls a function) may
// call which SigV4-signed Cognito operation on which user pool.
//
// What it reproduces:
//
//   - Amplify gen 2's access actions (defineAuth({ access: allow =>
//     allow.resource(fn).to([...]) })): exactly the 30 names of amplify-backend's
//     iamActionMap — 5 bundles (manageUsers, manageGroupMembership,
//     manageGroups, manageUserDevices, managePasswordRecovery) and 25
//     single-purpose actions — each expanding to the same cognito-idp actions.
//     As in Amplify, manageUsers does not include ListUsers,
//     ListUsersInGroup, AdminAddUserToGroup or AdminRemoveUserFromGroup.
//     Grants may also name raw IAM actions "cognito-idp:<Operation>" (any of
//     the 94 SigV4 operations; case-insensitive like IAM) and "cognito-idp:*".
//     The 32 unsigned operations (SignUp, InitiateAuth, GetUser, ...) cannot be
//     granted: Cognito authorizes them with tokens, never with IAM.
//   - Amplify attaches each policy to one user pool ARN; here a grant names a
//     pool id, a pool name (covering every pool with that name) or "*".
//     CreateUserPool and ListUserPools have no IAM resource type, so only "*"
//     grants allow them.
//   - Denials read like AWS's current IAM text: "User:
//     arn:aws:iam::<account>:user/<name> is not authorized to perform:
//     cognito-idp:<Op> on resource: arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>
//     because no identity-based policy allows the cognito-idp:<Op> action"
//     (observed wording, e.g. amplify-backend#1459 and aws/chalice#529 for
//     the pool ARN). For CreateUserPool/ListUserPools the resource is "*":
//     inferred from the Service Authorization Reference, which lists no
//     resource type for them ("you must specify all resources").
//     The account id defaults to 000000000000.
//   - Access keys look like AWS's: "AKIA" + 16 of [A-Z2-7], 40-character
//     secrets of [A-Za-z0-9+/].
//
// Secrets at rest: a Sealer encrypts access key secrets with AES-256-GCM under
// a 32-byte master key (file with mode 0600, or USERPOOL_MASTER_KEY), each
// value bound to its key id through the associated data. The store only ever
// sees ciphertext.
//
// Keyring resolves an access key id to its secret, principal and compiled
// policy (cached for DefaultKeyringTTL = 30s) and plugs into
// sigv4.Verifier.Lookup; unknown, disabled and orphaned keys come back as
// sigv4.ErrUnknownAccessKey (UnrecognizedClientException on the wire).
package iam
