// Package tlscert holds the certificates userpool serves HTTPS with: a
// configured certificate and key (PEM files), or a self-signed ECDSA pair it
// makes for local use and keeps in the data directory.
//
// Cognito's endpoints are HTTPS only, and clients depend on it: Amplify's
// signInWithRedirect builds https://<domain>/oauth2/... URLs, browsers give
// WebAuthn and Secure cookies only to secure contexts. The self-signed pair
// lets a developer run userpool on https://localhost without a CA: the
// certificate is its own issuer, so a browser, the OS or a test client is
// told to trust that one certificate (its path is logged at start).
//
// A leaf package (standard library only): cmd/userpool wires it into the
// listener, and tests (e2e, the browser harness) use it to make and trust
// the same kind of certificate.
package tlscert
