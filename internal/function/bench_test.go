package function

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// BenchmarkNodeWarmRoundTrip is the overhead of one call to a warm node
// worker: framing, the pipe both ways, the bootstrap and an async handler
// that returns its event (a ~300-byte trigger event).
func BenchmarkNodeWarmRoundTrip(b *testing.B) {
	n, _ := newNode(b, NodeConfig{Name: "bench", Handler: "testdata/bench.mjs", Workers: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	event := []byte(`{"version":"1","triggerSource":"PreAuthentication_Authentication","region":"us-east-1","userPoolId":"us-east-1_AbCdEfGh1","userName":"alice","callerContext":{"awsSdkVersion":"aws-sdk-unknown-unknown","clientId":"abc123"},"request":{"userAttributes":{"sub":"0f9e","email":"alice@example.com","email_verified":"true"},"validationData":{}},"response":{}}`)
	ctx := context.Background()
	if _, err := n.Run(ctx, event); err != nil { // warm
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := n.Run(ctx, event); err != nil {
			b.Fatal(err)
		}
	}
}
