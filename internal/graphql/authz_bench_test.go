package graphql

import (
	"testing"

	"userpool/internal/token"
	"userpool/internal/userpool"
)

// BenchmarkAuthorizationCheck is the rule check alone: the groups of the
// verified token against the operation's groups.
func BenchmarkAuthorizationCheck(b *testing.B) {
	op := &Operation{Auth: Auth{Groups: []string{"OPS", "ADMINS"}}}
	x := &exec{ac: &userpool.AccessContext{Claims: token.Claims{Groups: []string{"STAFF", "ADMINS"}}}}
	b.ReportAllocs()
	for b.Loop() {
		if !x.allowed(op) {
			b.Fatal("denied")
		}
	}
}
