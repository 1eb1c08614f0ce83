package sigv4

import (
	"context"
	"testing"
	"time"
)

func BenchmarkVerify(b *testing.B) {
	body := `{"UserPoolId":"us-east-1_AbCdEf123","Username":"alice"}`
	req, rbody := overTheWire(b, cognitoRequest(b, t0, body))
	v := newVerifier(t0.Add(time.Second))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, req, rbody); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeriveSigningKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		deriveSigningKey(testSecret, "20240517", "us-east-1", "cognito-idp")
	}
}
