// Package arch holds no code: its tests enforce the import rules of
// docs/ARCHITECTURE.md with `go list -deps`, and check that the document's
// package table names every package `go list ./...` prints.
package arch
