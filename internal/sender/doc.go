// Package sender delivers userpool's messages (sign-up confirmation codes,
// attribute verification codes, password reset codes, invitations with a
// temporary password) by email over SMTP, implementing userpool.Sender.
//
// It stands in for what Cognito does with its default email sending or SES:
// the pool's verification message templates are used when the pool sets
// them (VerificationMessageTemplate / EmailVerificationMessage and
// EmailVerificationSubject, with Cognito's "{####}" code placeholder and
// "{username}"), otherwise Cognito's default texts ("Your verification code
// is {####}."). SMS messages are not sent over SMTP: they go to an optional
// fallback Sender, or fail with ErrUnsupportedMedium (the domain then
// answers CodeDeliveryFailureException).
//
// SMSWebhook (sms.go) is the userpool.SMSSender that POSTs each SMS message
// as JSON {to, message, pool, purpose} to an HTTP endpoint in front of an
// SMS provider, signed with X-Userpool-Signature (HMAC-SHA256 of
// "<t>.<body>" under a secret read from the environment): the function
// webhooks' scheme, so it signs with internal/function/webhook's Sign and
// Go receivers check it with that package's Verify. A non-2xx answer, a
// transport error or no answer within the timeout is a delivery failure.
//
// Transport: net/smtp with a dial timeout and a deadline over the whole
// conversation (also cut short by the caller's context), STARTTLS whenever
// the server offers it (required with Config.RequireTLS), implicit TLS for
// SMTPS (port 465) with Config.ImplicitTLS, and PLAIN authentication when a
// username is configured (net/smtp refuses PLAIN over an unencrypted
// connection except to localhost). The password is read from the
// environment variable Config.PasswordEnv names, never from the config file.
//
// The code in a message is never logged: the log line for a delivery names
// the pool, purpose, medium and the masked destination only.
//
// Dependencies: net/smtp, net/http; the domain's message types
// (internal/userpool) and the webhook signature (internal/function/webhook).
// No store, no face.
package sender
