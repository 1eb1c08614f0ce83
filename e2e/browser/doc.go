// Package browser drives Debian's Chromium from Go tests (chromedp, headless)
// for the parts of userpool a person uses in a browser: the hosted login
// pages, passkeys (WebAuthn) and the admin console. It is test support,
// imported only by _test.go files.
//
// A test calls New, which skips when Chromium is missing (and fails instead
// when $CI is set, so CI cannot pass without running browser tests), then
// drives one tab: Navigate, Fill (by label), Click (by accessible name),
// Text, WaitURL, Screenshot (at a viewport width, into the test's artifact
// directory), Overflow, Axe (axe-core's serious and critical violations)
// and AddVirtualAuthenticator (the DevTools WebAuthn authenticator).
// Console returns what the page logged (console calls, uncaught exceptions,
// failed loads); a helper that fails appends its end to the message.
//
// Finding the browser: $USERPOOL_TEST_CHROMIUM, else "chromium" on PATH
// (scripts/test installs Debian's package and sets the variable).
//
// Trusting userpool's certificate: Options.TrustCert names a PEM certificate
// whose public key the browser then accepts (Chromium's
// --ignore-certificate-errors-spki-list, honoured because chromedp gives
// every browser its own --user-data-dir). Only that key is trusted: a
// certificate with another key still fails, as the harness's own test
// proves, and the page is a secure context (WebAuthn works). This was
// chosen over an NSS database (needs certutil from libnss3-tools and a
// HOME of its own) and over CDP Security.setIgnoreCertificateErrors (which
// accepts every certificate, so it would hide a server presenting the
// wrong one).
//
// axe-core: the file axe.min.js of the npm package axe-core pinned in
// e2e/js/package.json ($USERPOOL_TEST_AXE overrides the path); it is
// injected into the page with Runtime.evaluate.
//
// Screenshots go to t.ArtifactDir(): run `go test -artifacts -outputdir DIR`
// to keep them.
package browser
