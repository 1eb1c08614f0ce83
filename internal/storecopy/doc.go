// Package storecopy copies every record of one store into another and
// verifies the copy by counting both (the engine of `userpool
// migrate-store`): principals and their access keys; per pool the pool, its
// app clients, signing keys, resources of every kind (domains, resource
// servers, identity providers, UI customizations, brandings, terms, risk
// and log-delivery configurations, the sealed code key: the kinds are the
// domain's strings, copied without being known here), groups, users with
// their devices, memberships, passkeys (WebAuthn credentials), and user import jobs with their uploaded CSV
// (each body read and written one at a time); then refresh tokens with
// their revocations and rotation state, one-time codes, challenge sessions
// and the audit log. Records are copied as stored:
// password hashes, SRP verifiers, MFA settings and lockout state unchanged,
// access key secrets and signing keys still sealed under the master key, so
// tokens, refresh tokens and access keys issued from the source keep working
// on the destination.
//
// It depends only on the store contract (userpool/internal/store): the
// Store interface of both ends and the optional store.Exporter, through
// which the records that Store reaches only by key are enumerated. It knows
// no backend, no configuration and no command line; cmd/userpool opens the
// stores, takes their locks and prints the report.
package storecopy
