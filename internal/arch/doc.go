// Package arch holds no code: its test enforces the import rules of
// docs/ARCHITECTURE.md with `go list -deps`.
package arch
