// Package totp implements RFC 6238 time-based one-time passwords as Cognito
// uses them for software-token MFA (AssociateSoftwareToken,
// VerifySoftwareToken, the SOFTWARE_TOKEN_MFA challenge): HMAC-SHA1, six
// digits, 30-second steps counted from the Unix epoch, and a shared secret
// exchanged as unpadded base32 (what authenticator apps read from an
// otpauth:// URI).
//
// Verify compares codes in constant time and returns the matched time step
// so that callers can refuse a second use of the same step (RFC 6238 §5.2).
package totp
