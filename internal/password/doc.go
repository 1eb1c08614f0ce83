// Package password hashes and checks user passwords the way a Cognito user
// pool needs them.
//
// Hashing: new hashes are argon2id, stored as PHC strings
// ($argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, unpadded
// standard base64) so that parameters can change over time; NeedsRehash tells
// the caller when a hash made with older parameters should be replaced after a
// successful sign-in. Imported bcrypt hashes ($2a$, $2b$, $2y$) verify but are
// never produced. Note that USER_SRP_AUTH cannot use these hashes; the srp
// package keeps a separate salt and verifier per password.
//
// Policy: Policy.Check reproduces the user pool password policy
// (PasswordPolicyType: MinimumLength, RequireUppercase, RequireLowercase,
// RequireNumbers, RequireSymbols) with Cognito's InvalidPasswordException
// messages ("Password did not conform with policy: Password not long enough",
// ...), evaluated in Cognito's order, after the API-level constraints that
// Cognito reports as InvalidParameterException (at most 256 characters, no
// leading or trailing whitespace). Generate makes temporary passwords that
// satisfy a policy, as AdminCreateUser does when no TemporaryPassword is given.
package password
