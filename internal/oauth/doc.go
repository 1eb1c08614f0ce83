// Package oauth is the face of Amazon Cognito's hosted login ("managed
// login") and its OAuth 2.0 / OpenID Connect endpoints:
//
//	GET       /oauth2/authorize   authorization request (code, implicit token)
//	GET|POST  /login              sign-in form (password, and the passwordless
//	                              USER_AUTH factors the pool and client allow),
//	                              then the NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA,
//	                              EMAIL_OTP / SMS_OTP / SMS_MFA code,
//	                              SELECT_MFA_TYPE, SELECT_CHALLENGE and
//	                              WEB_AUTHN (passkey) forms
//	GET|POST  /signup, /confirmUser, /forgotPassword, /confirmForgotPassword
//	POST      /oauth2/token       authorization_code, refresh_token, client_credentials
//	GET|POST  /oauth2/userInfo
//	POST      /oauth2/revoke
//	GET       /logout
//	GET       /error              the page of errors that must not be redirected
//	GET       /oauth.css          the pages' stylesheet
//	GET       /login/passkey.js   the passkey page's script
//
// Each pool domain (CreateUserPoolDomain) is served twice: at the root of a
// request whose Host is the domain (a custom domain, or
// <prefix>.auth.<region>.amazoncognito.com), and under the path prefix
// "/<domain>/" of the server's public URL, which needs no DNS.
//
// Dependencies: the domain internal/userpool only (its OAuth rules live in
// userpool/oauth*.go: authorization codes, login sessions, grants, scopes,
// the token endpoint's grants, userInfo, revocation) and internal/reqctx for
// request-scoped names. It never imports internal/store. Pages are
// html/template documents embedded with embed.FS; they need no JavaScript
// (the CSP forbids every script, except that the passkey page may load the
// domain's own /login/passkey.js — no inline script anywhere, and every
// other factor works without it), carry a CSRF token in each form and are
// served with frame-ancestors 'none', X-Content-Type-Options: nosniff and
// Referrer-Policy: no-referrer.
package oauth
