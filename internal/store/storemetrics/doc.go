// Package storemetrics is a decorator over a store.Store that times the
// store calls on the request path (user reads and writes, sign-in sessions,
// refresh tokens, codes, the audit group commit, pool and client reads,
// access keys) into a latency histogram by method and outcome. Every other
// method passes through untimed (store.Store is embedded), so methods added
// to the contract later work unchanged.
//
// It reproduces no Cognito behaviour; it is operations tooling. Only
// cmd/userpool wraps the store with it, before handing the store to the
// domain: faces never see the store (internal/arch).
//
// Depends on internal/store (the contract) and an Observer (a
// *metrics.Metrics satisfies it).
package storemetrics
